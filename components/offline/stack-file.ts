import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { LineCounter, Parser, isMap, isScalar, parseDocument, type Document } from "yaml";
import { ConfigError, closest } from "../config/messages";
import { referencedSecretKeys } from "../config/parse";
import { STACK_NAME_PATTERN } from "../../policies/config";

/** A mistake in how the plan was called (an option, a missing file, a ref): exit code 64, not a config error. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The stack a plan is for, and where its name came from (the plan says which). */
export interface StackChoice {
  readonly stack: string;
  /** `--stack`, `the file name Pulumi.<name>.yaml`, or the default. */
  readonly from: string;
  /** The stack file, absolute. */
  readonly file: string;
}

/** The stack name used when neither `--stack` nor the file's name gives one. */
export const DEFAULT_STACK = "dev";

/**
 * Which stack to plan: `--stack` when given; else, for `--stack-file`, the
 * name in `Pulumi.<name>.yaml`; else the default. The stack decides the
 * policy config and default names, so the plan says which source it used.
 */
export function chooseStack(projectDir: string, opts: { readonly stack?: string; readonly stackFile?: string }): StackChoice {
  if (opts.stack !== undefined && !STACK_NAME_PATTERN.test(opts.stack)) {
    throw new UsageError(`--stack ${opts.stack}: a stack name is letters, digits, '-', '_' or '.'`);
  }
  if (opts.stackFile === undefined) {
    const stack = opts.stack ?? DEFAULT_STACK;
    return { stack, from: opts.stack !== undefined ? "--stack" : "the default (no --stack or --stack-file)", file: path.join(projectDir, `Pulumi.${stack}.yaml`) };
  }
  const file = path.resolve(opts.stackFile);
  if (opts.stack !== undefined) return { stack: opts.stack, from: "--stack", file };
  const named = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/.exec(path.basename(file));
  if (named) return { stack: named[1]!, from: `the file name ${path.basename(file)}`, file };
  return { stack: DEFAULT_STACK, from: `the default (${path.basename(file)} is not named Pulumi.<name>.yaml; choose with --stack)`, file };
}

/** A file's name as the user would recognise it: relative to the current folder when inside it. */
export function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/**
 * A stack file's text. When the file does not exist, throws what `fail`
 * makes of the message (a plain Error unless the caller wants another kind),
 * which names the file as `shown`.
 */
export function readStackFile(file: string, shown: string = file, fail: (message: string) => Error = (message) => new Error(message)): string {
  if (!existsSync(file)) throw fail(`no stack config at ${shown}: create it, or pass --stack with an existing stack`);
  return readFileSync(file, "utf8");
}

/** YAML errors listed before the rest are summed up in one line. */
const MAX_YAML_PROBLEMS = 5;

/**
 * Parses a stack file's text. YAML syntax errors and config keys outside the
 * program's namespace are config errors (ConfigError, exit 2), one line each,
 * naming the file and the 1-based line. An unclosed quote or bracket is
 * reported on the line where it opens, not where the parser gave up.
 */
export function parseStackFile(text: string, shown: string, namespace: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      // Without the parser's excerpt or quoted token: the file may hold a pasted secret.
      const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").replace(/: "[\s\S]*$/, "");
      const opened = openedAt(text, e.pos[0], e.code, message);
      const line = lines.linePos(opened?.offset ?? e.pos[0]).line;
      return `${shown} line ${line}: not valid YAML: ${message}${opened ? ` (the ${opened.what} on this line is never closed)` : ""}`;
    });
    // One mistake can confuse the parser for the rest of the file: the first few lines are the useful ones.
    const distinct = [...new Set(problems)];
    const more = distinct.length - MAX_YAML_PROBLEMS;
    throw new ConfigError(more > 0 ? [...distinct.slice(0, MAX_YAML_PROBLEMS), `${shown}: ${more} more YAML error${more === 1 ? "" : "s"} after these: fix the first and plan again`] : distinct);
  }
  const problems = namespaceProblems(doc, lines, shown, namespace);
  if (problems.length > 0) throw new ConfigError(problems);
  return doc.toJS();
}

/** For an unclosed quote or flow collection, where it opens: the last such token starting before `pos`. */
function openedAt(text: string, pos: number, code: string, message: string): { offset: number; what: string } | undefined {
  const quote = code === "MISSING_CHAR" && /closing .?quote/i.test(message);
  const flow = /^Flow (sequence|map)/.test(message);
  if (!quote && !flow) return undefined;
  let found: { offset: number; what: string } | undefined;
  const visit = (token: unknown): void => {
    if (Array.isArray(token)) return token.forEach(visit);
    if (!token || typeof token !== "object") return;
    const t = token as { type?: string; offset?: number; source?: string; start?: { source?: string }; end?: { type?: string }[] };
    if (typeof t.offset === "number" && t.offset < pos) {
      const unclosedQuote = quote && (t.type === "single-quoted-scalar" || t.type === "double-quoted-scalar");
      const unclosedFlow = flow && t.type === "flow-collection" && !(t.end ?? []).some((e) => e.type === "flow-seq-end" || e.type === "flow-map-end");
      if ((unclosedQuote || unclosedFlow) && (found === undefined || t.offset > found.offset)) {
        found = { offset: t.offset, what: unclosedQuote ? (t.source?.[0] ?? "quote") : (t.start?.source ?? "bracket") };
      }
    }
    for (const v of Object.values(t)) if (v && typeof v === "object") visit(v);
  };
  for (const token of new Parser().parse(text)) visit(token);
  return found;
}

/**
 * Keys the program would never see: under `config:` without the program's
 * namespace (`organization` for `ado-integrations:organization`), or in a
 * namespace one typo away; and namespaced keys written outside `config:`.
 */
function namespaceProblems(doc: Document, lines: LineCounter, shown: string, namespace: string): string[] {
  const problems: string[] = [];
  const at = (node: unknown): string => {
    const range = (node as { range?: readonly number[] | null } | null)?.range;
    return range ? ` line ${lines.linePos(range[0]!).line}` : "";
  };
  const root = doc.contents;
  if (!isMap(root)) return problems;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key?.startsWith(`${namespace}:`)) {
      problems.push(`${shown}${at(pair.key)}: ${key} is outside config: indent it under config:`);
    }
  }
  const config = root.get("config", true);
  if (!isMap(config)) return problems;
  for (const pair of config.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const colon = key.indexOf(":");
    if (colon === -1) {
      problems.push(`${shown}${at(pair.key)}: config key "${key}" has no namespace: write it as ${namespace}:${key}`);
      continue;
    }
    const ns = key.slice(0, colon);
    if (ns !== namespace && closest(ns, [namespace]) === namespace) {
      problems.push(`${shown}${at(pair.key)}: config key "${key}" is in namespace "${ns}", which this program does not read: write it as ${namespace}:${key.slice(colon + 1)}`);
    }
  }
  return problems;
}

/**
 * The stack document with a stand-in for every secret key an integration
 * references but the file does not set, and those keys: the offline plan
 * lists them as to be set before `pulumi up` instead of failing.
 */
export function standInUnsetSecrets(doc: unknown, namespace: string): { doc: unknown; unset: string[] } {
  const config = (doc as { config?: unknown } | null)?.config;
  if (!config || typeof config !== "object" || Array.isArray(config)) return { doc, unset: [] };
  const section = config as Record<string, unknown>;
  const unset = referencedSecretKeys(section[`${namespace}:integrations`]).filter((k) => !(`${namespace}:${k}` in section));
  if (unset.length === 0) return { doc, unset };
  const added = Object.fromEntries(unset.map((k) => [`${namespace}:${k}`, { secure: "unset" }]));
  return { doc: { ...(doc as object), config: { ...section, ...added } }, unset };
}

/** The command that sets one secret key of a stack: it prompts for the value, so none is typed into the shell's history. */
export function setSecretCommand(stack: string, namespace: string, key: string): string {
  return `pulumi config set --secret --stack ${stack} ${namespace}:${key}`;
}
