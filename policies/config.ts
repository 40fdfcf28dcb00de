/**
 * The pack config: `policies/config.<stack>.json`, the file `pulumi preview
 * --policy-pack-config` reads. It is the platform team's: which policies
 * block, and what each integration is allowed (broad scopes, multi-tenant
 * apps, Contributors everywhere). Validated with one zod schema built from
 * the rules' own settings schemas.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel } from "@pulumi/policy";
import { z } from "zod";
import { listOrNone } from "./rules/read";
import { POLICY_NAMES, RULES, type Rule } from "./pack";

/** Per-policy settings in a `--policy-pack-config` file: an enforcement level and the policy's own keys. */
export interface PolicySettings {
  /** Overrides the policy's default level (and `all`). */
  readonly enforcementLevel?: EnforcementLevel;
  /** The policy's own settings, as its config schema declares them. */
  readonly [key: string]: unknown;
}

/**
 * The pack config, in the format `pulumi preview --policy-pack-config` reads:
 * policy name (or `all`) -> an enforcement level, or settings.
 */
export type PolicyConfig = Readonly<Record<string, EnforcementLevel | PolicySettings>>;

/** A policy's enforcement level as the pack and the offline runner report it. */
export type Enforcement = "advisory" | "mandatory" | "disabled";

/** The enforcement levels a config may name. */
export const LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const satisfies readonly EnforcementLevel[];

/** A `--policy-pack-config` file that does not fit the pack; one line per problem. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "PolicyConfigError";
  }
}

const levelList = LEVELS.join(", ");

/** One entry: an enforcement level, or the policy's settings with an optional level. */
function entrySchema(rule: Rule | undefined) {
  return z.union([
    z.string().pipe(z.enum(LEVELS, { error: `enforcement level must be one of ${levelList}` })),
    z.strictObject({ enforcementLevel: z.enum(LEVELS, { error: `must be one of ${levelList}` }).optional(), ...rule?.settings?.shape }),
  ]);
}

/** The whole file: `all` and each policy of the pack, nothing else. */
export const policyConfigSchema = z.strictObject({
  all: entrySchema(undefined).optional(),
  ...Object.fromEntries(RULES.map((r) => [r.name, entrySchema(r).optional()])),
});

type Path = readonly PropertyKey[];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function valueAt(root: unknown, at: Path): unknown {
  let v = root;
  for (const key of at) v = isObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** `name.key[0].sub`, as a reader of the file finds it. */
function formatPath(at: Path): string {
  return at.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
}

function knownSettings(policy: PropertyKey | undefined): string[] {
  const rule = RULES.find((r) => r.name === policy);
  return ["enforcementLevel", ...Object.keys(rule?.settings?.shape ?? {})];
}

/** zod's issues as `path: message` lines in the pack's words, with where each is in the file for ordering. */
function problemsOf(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: Path = []): { at: Path; message: string }[] {
  return issues.flatMap((issue) => {
    const at: Path = [...prefix, ...issue.path];
    switch (issue.code) {
      case "invalid_union": {
        // The entry is a level or settings: explain it as whichever of the two it tried to be.
        const value = valueAt(input, at);
        const branch = typeof value === "string" ? 0 : isObject(value) ? 1 : undefined;
        if (branch === undefined) return [{ at, message: "must be an enforcement level or an object" }];
        return problemsOf(issue.errors[branch] ?? [], input, at);
      }
      case "unrecognized_keys":
        return issue.keys.map((key) => ({
          at: [...at, key],
          message: at.length === 0 ? `unknown policy (known: all, ${POLICY_NAMES.join(", ")})` : `unknown setting (known: ${listOrNone(knownSettings(at[0]))})`,
        }));
      case "invalid_key":
        return [{ at, message: issue.issues[0]?.message ?? issue.message }];
      default:
        return [{ at, message: issue.message }];
    }
  });
}

/** Orders problems as the keys appear in the file, so the first line is about the first key. */
function inFileOrder(input: unknown, problems: { at: Path; message: string }[]): { at: Path; message: string }[] {
  const rank = (at: Path): number[] =>
    at.map((key, depth) => {
      const parent = valueAt(input, at.slice(0, depth));
      return isObject(parent) ? Object.keys(parent).indexOf(String(key)) : typeof key === "number" ? key : 0;
    });
  const compare = (a: number[], b: number[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p.at) }))
    .sort((x, y) => compare(x.r, y.r) || x.i - y.i)
    .map((x) => x.p);
}

/**
 * Checks a pack config against {@link policyConfigSchema}: unknown policies,
 * unknown keys, bad enforcement levels and bad values are each one line
 * naming `source` and the key path, in the order of the file.
 */
export function validatePolicyConfig(config: unknown, source: string): PolicyConfig {
  if (!isObject(config)) throw new PolicyConfigError([`${source}: must be a JSON object of policy name -> enforcement level or settings`]);
  const result = policyConfigSchema.safeParse(config);
  if (result.success) return config as PolicyConfig;
  throw new PolicyConfigError(inFileOrder(config, problemsOf(result.error.issues, config)).map((p) => `${source}: ${formatPath(p.at)}: ${p.message}`));
}

/** What Pulumi allows in a stack name: letters, digits, '_', '.' and '-'. */
export const STACK_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Folder of this pack (and of its `config.<stack>.json` files). */
export const POLICY_PACK_DIR = __dirname;

/**
 * The pack config for a stack: `policies/config.<stack>.json` when it exists,
 * validated; `{}` (every policy at its default level and settings) otherwise.
 * Throws {@link PolicyConfigError} for a file that does not fit the pack.
 */
export function loadPolicyConfig(stack: string, dir: string = POLICY_PACK_DIR): PolicyConfig {
  // The stack name becomes part of a path: keep it to what Pulumi allows in a stack name.
  if (!STACK_NAME_PATTERN.test(stack)) throw new PolicyConfigError([`stack name ${JSON.stringify(stack)}: must be letters, digits, '_', '.' or '-'`]);
  const file = path.join(dir, `config.${stack}.json`);
  if (!fs.existsSync(file)) return {};
  const source = path.relative(process.cwd(), file) || file;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyConfigError([`${source}: not valid JSON (${(e as Error).message})`]);
  }
  return validatePolicyConfig(parsed, source);
}

/** A policy's enforcement level under `config`: its own entry, else `all`, else its default; remediate counts as mandatory. */
export function enforcementOf(policy: { readonly name: string; readonly enforcementLevel: EnforcementLevel }, config: PolicyConfig = {}): Enforcement {
  const levelOf = (entry: PolicyConfig[string] | undefined): EnforcementLevel | undefined => (typeof entry === "string" ? entry : entry?.enforcementLevel);
  const level = levelOf(config[policy.name]) ?? levelOf(config.all) ?? policy.enforcementLevel;
  // No policy here remediates; the server reports a remediate-level violation as mandatory too.
  return level === "remediate" ? "mandatory" : level;
}

/** A policy's settings under `config` (without the enforcement level), as `args.getConfig()` returns them. */
export function settingsOf(policyName: string, config: PolicyConfig = {}): Record<string, unknown> {
  const entry = config[policyName];
  if (entry === undefined || typeof entry === "string") return {};
  const { enforcementLevel: _level, ...settings } = entry;
  return settings;
}
