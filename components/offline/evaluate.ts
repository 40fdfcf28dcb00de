import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { ProjectLookup } from "../azure-devops/lookups";
import { ALLOWED_HOSTS_VARIABLE } from "../azure-devops/runtime/hosts";
import type { StackDeps } from "../stack";
import { SECRET_MARK } from "../../policies/policies";
import { OfflineMocks, OFFLINE_SECRET_PREFIX, type RecordedResource } from "./mocks";
import { offlineProjects } from "./projects";
import { readStackFile } from "./stack-file";

/** Shown in place of every secret value: Pulumi's own mark, which the policies know too. */
export { SECRET_MARK };

/** Shown for a value only the real deployment knows. */
export const UNKNOWN_MARK = "[known after deployment]";

/** One resource the program registered. */
export interface PlannedResource {
  /** Pulumi type token. */
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent resource, if any. */
  readonly parent?: string;
  /** Registered inputs, secrets shown as [secret], dynamic provider code left out. */
  readonly inputs: Record<string, unknown>;
  /** Bytes of serialized dynamic-provider code, for dynamic resources. */
  readonly providerBytes?: number;
}

/** What evaluating the program for one stack produced. */
export interface Evaluation {
  readonly project: string;
  readonly stack: string;
  readonly resources: PlannedResource[];
  /** Stack outputs, fully resolved, secrets shown as [secret]. */
  readonly outputs: Record<string, unknown>;
  /** The raw mock records, for tests that need secrecy flags or provider text. */
  readonly recorded: readonly RecordedResource[];
  /** Offline project ID -> name, for showing hooks by project. */
  readonly projectNames: Readonly<Record<string, string>>;
}

/** Options of {@link evaluateStack}. */
export interface EvaluateOptions {
  /** Folder holding Pulumi.yaml, Pulumi.<stack>.yaml and index.ts. Defaults to the current folder. */
  readonly projectDir?: string;
  readonly stack: string;
  /** Stack config file to use instead of Pulumi.<stack>.yaml (examples/ are evaluated this way). */
  readonly stackFile?: string;
  /** The stack file's parsed content, instead of reading a file (tests build configs this way). */
  readonly stackDoc?: unknown;
  /** Fixed clock. Defaults to now. */
  readonly now?: Date;
  /** How the offline tenant answers lookups. Defaults to a tenant that has the Azure DevOps service principal. */
  readonly tenant?: { readonly hasAzureDevOps?: boolean };
  /**
   * The offline organization's projects. Defaults to {@link offlineProjects} of the stack's config; the plan
   * against a base ref passes one organization to both sides, so a `*` selector matches the same projects.
   */
  readonly projectLookup?: ProjectLookup;
  /** Handed the mocks before the program runs, so a test can see what was registered even when it fails. */
  readonly onMocks?: (mocks: OfflineMocks) => void;
}

/** Flattened config as the Pulumi runtime holds it, and which keys are secret. */
export interface FlatConfig {
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/**
 * Turns a stack file's `config:` into Pulumi's runtime form: structured values
 * as JSON text, `secure:` values replaced by a placeholder and marked secret.
 * Encrypted values are never decrypted: offline there is no key to do it with.
 */
export function flattenStackConfig(doc: unknown): FlatConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const section = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
  for (const [key, value] of Object.entries(section)) {
    let hasSecret = false;
    const replace = (v: unknown): unknown => {
      if (isSecure(v)) {
        hasSecret = true;
        return `${OFFLINE_SECRET_PREFIX}config-${key}`;
      }
      if (Array.isArray(v)) return v.map(replace);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
      return v;
    };
    const replaced = replace(value);
    config[key] = typeof replaced === "string" ? replaced : typeof replaced === "object" && replaced !== null ? JSON.stringify(replaced) : String(replaced);
    if (hasSecret) secretKeys.push(key);
  }
  return { config, secretKeys };
}

function isSecure(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
}

/** Reads the project name from Pulumi.yaml. */
export function projectName(projectDir: string): string {
  const doc = parseYaml(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: string };
  if (!doc?.name) throw new Error(`${path.join(projectDir, "Pulumi.yaml")} has no name`);
  return doc.name;
}

/**
 * Evaluates the real program (index.ts) for one stack under Pulumi's mock
 * runtime: no cloud credentials, no Pulumi CLI, no network. Lookups are
 * answered by the offline mocks and project list. Throws the program's error
 * (a config problem arrives as a RunError with one line per problem).
 */
export async function evaluateStack(opts: EvaluateOptions): Promise<Evaluation> {
  const projectDir = path.resolve(opts.projectDir ?? process.cwd());
  const project = projectName(projectDir);
  let doc = opts.stackDoc;
  if (doc === undefined) {
    const stackFile = opts.stackFile ?? path.join(projectDir, `Pulumi.${opts.stack}.yaml`);
    doc = parseYaml(readStackFile(stackFile));
  }
  const flat = flattenStackConfig(doc);

  const mocks = new OfflineMocks({ tenantHasAzureDevOps: opts.tenant?.hasAzureDevOps });
  opts.onMocks?.(mocks);
  pulumi.runtime.setMocks(mocks, project, opts.stack, true);
  pulumi.runtime.setAllConfig(flat.config, flat.secretKeys);
  const projectLookup = opts.projectLookup ?? offlineProjects(flat.config, project);
  const projectNames = Object.fromEntries((await projectLookup("")).map((p) => [p.id, p.name]));

  // The mocks are not told a resource's parent or URN; the monitor is. Registrations
  // finish out of order, so they are matched by type and name, which are unique here.
  const links = new Map<string, { urn: string; parent?: string }>();
  type Req = { getType(): string; getName(): string; getParent(): string };
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: Req, cb: (err: unknown, res?: { getUrn(): string }) => void) => void;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, res) => {
      if (!err && res) links.set(`${req.getType()}::${req.getName()}`, { urn: res.getUrn(), parent: req.getParent() || undefined });
      cb(err, res);
    });

  const program = path.join(projectDir, "index.ts");
  // Under plain node (or a test runner) .ts files need a loader; the plan runs with tsx already.
  if (!require.extensions[".ts"]) require("tsx/cjs/api").register();
  delete require.cache[require.resolve(program)];
  // The SDK records a stack trace for every promise of every resource property;
  // with tsx's source maps on, mapping them dominates a large plan (npm run bench:
  // 1,000 projects x 4 events). Stack traces stay, unmapped, while the program runs.
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  let outputs: Record<string, unknown>;
  try {
    const run = require(program) as unknown;
    // Called the way the Pulumi runtime calls an exported function, with the plan's stand-ins in place of no arguments.
    if (typeof run !== "function") throw new Error(`${program} must export the program as a function of its dependencies`);
    const exported = (await (run as (deps: StackDeps) => Promise<unknown>)(offlineDeps(projectLookup, opts.now))) as Record<string, unknown>;
    outputs = (await resolveDeep(exported)) as Record<string, unknown>;
    await settle(() => mocks.resources.length);
  } finally {
    if (sourceMaps !== undefined) process.setSourceMapsEnabled(sourceMaps);
  }

  const resources: PlannedResource[] = mocks.resources.map((r) => {
    const link = links.get(`${r.type}::${r.name}`);
    const provider = r.inputs.__provider;
    return {
      type: r.type,
      name: r.name,
      urn: link?.urn ?? "",
      parent: link?.parent,
      inputs: redact(omitProvider(r.inputs)) as Record<string, unknown>,
      ...(typeof provider === "string" && { providerBytes: Buffer.byteLength(provider) }),
    };
  });
  return { project, stack: opts.stack, resources, outputs, recorded: mocks.resources, projectNames };
}

/**
 * What the offline plan hands the program in place of the real dependencies:
 * the made-up project list, the fixed clock, an environment that answers every
 * `pat.env` name with a stand-in (a developer's real PAT must never reach a
 * plan) and AZDO_ALLOWED_HOSTS as the plan's own environment has it (no
 * secret: an Azure DevOps Server stack plans where its deployment would run),
 * and a PAT check that accepts without calling the service.
 */
export function offlineDeps(projectLookup: ProjectLookup, now: Date | undefined): StackDeps {
  return {
    now,
    projectLookup,
    readEnv: (name) => (name === ALLOWED_HOSTS_VARIABLE ? process.env[name] : `${OFFLINE_SECRET_PREFIX}env-${name}`),
    testPatConnection: async () => undefined,
    // The plan prints the stack's `warnings` output; the engine's log line would repeat each one.
    warn: () => undefined,
  };
}

/** Whether a value is one the offline mocks made up for a secret. */
export function isOfflineSecret(value: string): boolean {
  return value.startsWith(OFFLINE_SECRET_PREFIX);
}

function omitProvider(inputs: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _p, ...rest } = inputs;
  return rest;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secret-wrapped values (and any offline secret placeholder) with [secret]. */
export function redact(value: unknown): unknown {
  if (typeof value === "string") return isOfflineSecret(value) ? SECRET_MARK : value;
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    if ((value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG) return SECRET_MARK;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** Resolves Outputs anywhere in a value; secret Outputs become [secret]. */
export async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const o = value as unknown as { isSecret: Promise<boolean>; isKnown: Promise<boolean>; promise(): Promise<unknown> };
    const [secret, known, inner] = await Promise.all([o.isSecret, o.isKnown, o.promise()]);
    if (secret) return SECRET_MARK;
    return known ? resolveDeep(inner) : UNKNOWN_MARK;
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value && typeof value === "object" && !(value instanceof pulumi.Resource)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
    return Object.fromEntries(entries);
  }
  return redact(value);
}

/** Waits until the count stops growing across a few turns of the event loop. */
export async function settle(count: () => number): Promise<void> {
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setImmediate(r));
    const n = count();
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
}
