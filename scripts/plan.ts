/**
 * The offline plan: `npm run plan -- [--stack <name>] [--stack-file <file>] [--json | --markdown] [--base <git ref>] [--now YYYY-MM-DD]`.
 * Evaluates the real program for a stack file under Pulumi's mock runtime,
 * runs the policy pack's rules over what it registered (with
 * policies/config.<stack>.json), and prints the plan. With `--base`, plans
 * the same stack at that commit too and prints only what changes.
 * Exit codes: see {@link EXIT}.
 */
import { rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/config/messages";
import { parseDate } from "../components/config/dates";
import { evaluateStack, flattenStackConfig, isOfflineSecret, projectName, type Evaluation } from "../components/offline/evaluate";
import { checkoutOf, commitOf, fileAt, repositoryRoot } from "../components/offline/git-base";
import { offlineProjects } from "../components/offline/projects";
import { changesDocument, planDocument, renderChangesMarkdown, renderChangesText, renderMarkdown, renderText, type BaseInfo, type PlanContext } from "../components/offline/render";
import { diffReviews, reviewOf, type StackReview } from "../components/offline/review";
import { UsageError, chooseStack, parseStackFile, readStackFile, setSecretCommand, shownPath, standInUnsetSecrets } from "../components/offline/stack-file";
import { loadPolicyConfig, runPolicies } from "../policies/policies";

/** How the plan ends. */
const EXIT = {
  planned: 0,
  /** The program or the policy run failed. */
  failed: 1,
  /** The stack config is invalid: not YAML, keys outside the namespace, or values the config module rejects. */
  invalidConfig: 2,
  /** Planned, but a mandatory policy is violated. */
  policyViolation: 3,
  /** The plan was called wrongly: an unknown option, a stack file that does not exist, a ref git does not know (EX_USAGE). */
  usage: 64,
} as const;

const USAGE = "usage: npm run plan -- [--stack <name>] [--stack-file <file>] [--json | --markdown] [--base <git ref>] [--now YYYY-MM-DD]";

/** A stack file read for planning: its document with stand-ins for unset secrets, and those secrets. */
interface LoadedStack {
  readonly doc: unknown;
  readonly unset: string[];
  readonly namespace: string;
}

function loadStack(text: string, shown: string, projectDir: string): LoadedStack {
  const namespace = projectName(projectDir);
  const { doc, unset } = standInUnsetSecrets(parseStackFile(text, shown, namespace), namespace);
  return { doc, unset, namespace };
}

/** The base side of `--base`: its folder (removed when done), its stack document, or why there is none. */
interface BaseSide {
  readonly info: BaseInfo;
  readonly dir?: string;
  readonly projectDir?: string;
  readonly stack?: LoadedStack;
}

/**
 * "The same stack at a base ref": the stack file at the same path in the
 * base commit, evaluated by the base commit's own program (a pull request
 * that changes a preset changes what is requested as surely as one that
 * changes the stack file), with this checkout's dependencies and planner so
 * both sides are read the same way.
 */
function prepareBase(ref: string, projectDir: string, stackFile: string): BaseSide {
  const repo = repositoryRoot(projectDir);
  const commit = commitOf(repo, ref);
  const rel = path.relative(repo, stackFile);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw new UsageError(`--base ${ref}: ${shownPath(stackFile)} is outside the repository, so it has no version at ${ref}`);
  const text = fileAt(repo, commit, rel);
  if (text === undefined) return { info: { ref, commit, note: `${rel} does not exist there, so everything is new` } };
  const dir = checkoutOf(repo, commit);
  const baseProjectDir = path.join(dir, path.relative(repo, projectDir));
  // The base's program runs on this checkout's packages: one Pulumi runtime for both sides.
  symlinkSync(path.join(projectDir, "node_modules"), path.join(baseProjectDir, "node_modules"), "dir");
  try {
    return { info: { ref, commit }, dir, projectDir: baseProjectDir, stack: loadStack(text, `${rel} at ${ref}`, baseProjectDir) };
  } catch (e) {
    return { info: { ref, commit, note: `its stack config could not be read (${firstLine(e)}), so everything is new` }, dir };
  }
}

const firstLine = (e: unknown): string => {
  const lines = String((e as Error)?.message ?? e).split("\n");
  // A ConfigError's first line only counts; its first problem says more.
  const line = lines[0]!.startsWith("invalid stack config") && lines[1] ? lines[1].trim() : lines[0]!;
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
};

/** One offline organization for both sides: every project either stack file names. */
function sharedProjects(project: string, docs: readonly unknown[]) {
  const lookups = docs.map((d) => offlineProjects(flattenStackConfig(d).config, project));
  return async (url: string) => {
    const all = (await Promise.all(lookups.map((l) => l(url)))).flat();
    return [...new Map(all.map((p) => [p.name, p])).values()].sort((a, b) => a.name.localeCompare(b.name));
  };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        stack: { type: "string" },
        "stack-file": { type: "string" },
        json: { type: "boolean", default: false },
        markdown: { type: "boolean", default: false },
        base: { type: "string" },
        now: { type: "string" },
        help: { type: "boolean", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    // Node's own wording of an unknown option differs between releases; this one does not.
    const unknown = /^Unknown option '([^']+)'/.exec((e as Error).message)?.[1];
    process.stderr.write(`${unknown !== undefined ? `${unknown}: not an option of the plan` : (e as Error).message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.planned;
  }

  const projectDir = process.cwd();
  let head: LoadedStack;
  let stack: string;
  let ctx: PlanContext;
  let base: BaseSide | undefined;
  let now: Date | undefined;
  try {
    if (args.json && args.markdown) throw new UsageError("--json and --markdown: choose one");
    if (args.now !== undefined) {
      now = parseDate(args.now);
      if (!now) throw new UsageError("--now: must be a date written YYYY-MM-DD");
    }
    const choice = chooseStack(projectDir, { stack: args.stack, stackFile: args["stack-file"] });
    stack = choice.stack;
    const option = args["stack-file"] !== undefined ? `--stack-file ${args["stack-file"]}` : `--stack ${stack}`;
    const text = readStackFile(choice.file, shownPath(choice.file), (message) => new UsageError(`${option}: ${message}`));
    head = loadStack(text, shownPath(choice.file), projectDir);
    ctx = { stackFrom: choice.from, unset: head.unset.map((key) => ({ key, command: setSecretCommand(stack, head.namespace, key) })) };
    if (args.base !== undefined) base = prepareBase(args.base, projectDir, choice.file);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    if (e instanceof UsageError) {
      process.stderr.write(`${USAGE}\n`);
      return EXIT.usage;
    }
    return e instanceof ConfigError ? EXIT.invalidConfig : EXIT.failed;
  }

  try {
    const projectLookup = sharedProjects(head.namespace, [head.doc, ...(base?.stack ? [base.stack.doc] : [])]);
    let evaluation: Evaluation;
    try {
      evaluation = await evaluateStack({ projectDir, stack, stackDoc: head.doc, now, projectLookup });
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      // A config problem arrives as RunError("invalid stack config ...") and is printed as is.
      process.stderr.write(`${message}\n`);
      return message.startsWith("invalid stack config") ? EXIT.invalidConfig : EXIT.failed;
    }

    let findings;
    try {
      findings = runPolicies(evaluation.recorded, loadPolicyConfig(stack), now ?? new Date(), { isSecretStandIn: isOfflineSecret });
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return EXIT.failed;
    }

    if (base) {
      let baseReview: StackReview | undefined;
      let info = base.info;
      if (base.stack && base.projectDir) {
        try {
          baseReview = reviewOf(await evaluateStack({ projectDir: base.projectDir, stack, stackDoc: base.stack.doc, now, projectLookup }));
        } catch (e) {
          info = { ...info, note: `it could not be planned (${firstLine(e)}), so everything is new` };
        }
      }
      if (info.note) process.stderr.write(`note: --base ${info.ref}: ${info.note}\n`);
      const changes = diffReviews(baseReview, reviewOf(evaluation));
      if (args.json) process.stdout.write(`${JSON.stringify(changesDocument(evaluation, changes, info, findings, ctx), null, 2)}\n`);
      else if (args.markdown) process.stdout.write(`${renderChangesMarkdown(evaluation, changes, info, findings, ctx)}\n`);
      else process.stdout.write(`${renderChangesText(evaluation, changes, info, findings, ctx)}\n`);
    } else if (args.json) process.stdout.write(`${JSON.stringify(planDocument(evaluation, findings, ctx), null, 2)}\n`);
    else if (args.markdown) process.stdout.write(`${renderMarkdown(evaluation, findings, ctx)}\n`);
    else process.stdout.write(`${renderText(evaluation, findings, ctx)}\n`);

    const mandatory = findings.filter((f) => f.enforcement === "mandatory");
    if (mandatory.length > 0) {
      process.stderr.write(`${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"}: see "policies" above\n`);
      return EXIT.policyViolation;
    }
    return EXIT.planned;
  } finally {
    if (base?.dir) rmSync(base.dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(EXIT.failed);
  },
);
