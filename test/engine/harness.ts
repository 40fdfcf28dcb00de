/**
 * Runs the real Pulumi CLI on a temporary copy of the project, the way
 * Pulumi's own ProgramTest does: a file backend, the passphrase secrets
 * provider, a fresh stack, no update checks and no plugin downloads. The
 * Azure DevOps side is the loopback server the test starts; azuread and
 * random are the stand-in plugins of ./standins. Used by the engine suite
 * and by the engine benchmark (bench/engine.ts), so nothing here imports vitest.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { FAST_SETTINGS } from "../loopback/settings";
import type { Loopback, LoopbackCall } from "../loopback/server";
import { PACKAGE } from "../../provider/schema";
import { checkoutOf as checkoutCommit } from "../../components/offline/git-base";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "../..");
const STANDINS = path.join(__dirname, "standins", "plugins");
/** The passphrase of every test stack's secrets. */
export const PASSPHRASE = "engine-test-passphrase";
/** Files and folders of the project the engine does not need in a copy. */
const NOT_COPIED = new Set([".git", "node_modules", ".ci", "bench", "test", "coverage", "bin"]);

/**
 * The folder with `pulumi` and its plugins: ADO_ENGINE_BIN, or what
 * scripts/engine.sh finds or builds (its progress goes to this process's
 * stderr). Without one, `reason` says why.
 */
export function findEngine(): { bin?: string; reason?: string } {
  if (process.env.ADO_ENGINE_BIN) return { bin: process.env.ADO_ENGINE_BIN };
  const r = spawnSync("bash", [path.join(ROOT, "scripts", "engine.sh")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const bin = (r.stdout ?? "").trim().split("\n").pop();
  if (r.status === 0 && bin) return { bin };
  return { reason: `no Pulumi engine: scripts/engine.sh exited ${r.status} (see its output above)` };
}

/**
 * The project files of an earlier commit of `repo`, extracted from git into
 * a temporary folder the caller removes. Throws saying why when the checkout
 * has no history (no .git, a shallow clone).
 */
export function checkoutOf(repo: string, commit: string): string {
  if (!existsSync(path.join(repo, ".git"))) throw new Error(`cannot read commit ${commit}: ${repo} has no .git`);
  return checkoutCommit(repo, commit, { folderPrefix: "ado-commit-", failureHint: "a shallow clone?" });
}

/** The provider plugin running as the engine starts it. */
export interface PluginProcess {
  /** The port it printed, the one the engine connects to. */
  readonly port: string;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the compiled provider plugin through its launcher, as the engine
 * does, and resolves once it prints its port; fails with its stderr when it
 * exits first. Needs `npm run build`.
 */
export async function startPlugin(repo: string = ROOT, env: NodeJS.ProcessEnv = process.env): Promise<PluginProcess> {
  const child = spawn(path.join(repo, "provider", `pulumi-resource-${PACKAGE}`), [], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").once("data", (d: string) => resolve(d.trim()));
    child.once("exit", (code) => reject(new Error(`the plugin exited with ${code} before printing its port: ${stderr.trim()}`)));
  });
  return {
    port,
    stderr: () => stderr,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}

/** Calls after the `mark`-th that change something (not GETs, not read-only queries). */
export function writesSince(calls: readonly LoopbackCall[], mark = 0): LoopbackCall[] {
  return calls.slice(mark).filter((c) => c.method !== "GET" && !c.path.endsWith("/query"));
}

/** What one CLI command did. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertions on messages. */
  readonly output: string;
}

/** Options of one CLI command. */
export interface RunOptions {
  /** Extra environment (AZDO_ADOPT_EXISTING, ...). */
  readonly env?: Record<string, string>;
  /** Called once the process started; used to kill it part-way. */
  readonly started?: (pid: number) => void;
  /** Standard input. */
  readonly input?: string;
}

/**
 * A temporary copy of the project (node_modules linked, not copied) with its
 * own Pulumi home and file backend, for one test's stacks.
 */
export class EngineProject {
  readonly dir: string;
  readonly home: string;
  readonly state: string;
  private readonly bin: string;
  private readonly server: Loopback;
  private readonly extraEnv: Record<string, string>;

  /**
   * `main` is a program file of the repository (relative to its root) that
   * replaces index.ts in the copy; it is copied to the same path, so its
   * imports of components/ resolve alike. `env` goes to every command.
   * `source` is the folder copied instead of the repository (an older
   * version of the project, say); node_modules stays this checkout's.
   */
  constructor(bin: string, server: Loopback, options: { readonly main?: string; readonly env?: Record<string, string>; readonly source?: string } = {}) {
    this.bin = bin;
    this.server = server;
    this.extraEnv = options.env ?? {};
    const base = mkdtempSync(path.join(tmpdir(), "ado-engine-"));
    this.dir = path.join(base, "project");
    this.home = path.join(base, "home");
    this.state = path.join(base, "state");
    mkdirSync(this.home);
    mkdirSync(this.state);
    copyProject(options.source ?? ROOT, this.dir);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    if (options.main) {
      mkdirSync(path.dirname(path.join(this.dir, options.main)), { recursive: true });
      copyFileSync(path.join(ROOT, options.main), path.join(this.dir, options.main));
      const yamlFile = path.join(this.dir, "Pulumi.yaml");
      writeFileSync(yamlFile, `${readFileSync(yamlFile, "utf8")}main: ${options.main}\n`);
    }
  }

  /** The environment every command runs with: only what the CLI, the program and its providers need. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const keep = ["HOME", "TMPDIR", "LANG", "TERM", "USER"];
    const base = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
    return {
      ...base,
      PATH: [this.bin, STANDINS, path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.state}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      NO_COLOR: "1",
      AZDO_PERSONAL_ACCESS_TOKEN: this.server.pat,
      // The opt-in that lets the program and the plugin reach the loopback organization (host:port).
      AZDO_ALLOWED_HOSTS: new URL(this.server.url).host,
      // Short retry waits; the request timeout stays the runtime's own, so a busy machine
      // never turns a slow answer into an unknown outcome.
      ...FAST_SETTINGS,
      ...this.extraEnv,
      ...extra,
    };
  }

  /** Runs `pulumi <args>` in the project copy; never throws on a non-zero exit. */
  pulumi(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(this.bin, "pulumi"), [...args], { cwd: this.dir, env: this.env(options.env), stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let output = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => ((stdout += d), (output += d)));
      child.stderr.setEncoding("utf8").on("data", (d: string) => ((stderr += d), (output += d)));
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, output }));
      child.stdin.end(options.input ?? "");
      if (child.pid !== undefined) options.started?.(child.pid);
    });
  }

  /** Like {@link pulumi}, but fails with the command's output when it exits non-zero. */
  async ok(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
    const r = await this.pulumi(args, options);
    if (r.code !== 0) {
      // The whole output goes to a file: a long diff would be cut in the test report.
      const log = path.join(path.dirname(this.dir), `pulumi-${Date.now()}.log`);
      writeFileSync(log, r.output);
      // A value after `--` (config set --secret) stays out of the message.
      const shown = args.includes("--") ? [...args.slice(0, args.indexOf("--")), "-- [value]"] : args;
      throw new Error(`pulumi ${shown.join(" ")} exited ${r.code ?? r.signal} (whole output: ${log}):\n${r.output.slice(-6000)}`);
    }
    return r;
  }

  /**
   * Creates stack `name` from a stack file's `config:`, pointed at the
   * loopback organization. `secure:` entries are replaced by `secrets` (key
   * without namespace -> value), set with `pulumi config set --secret`.
   */
  async initStack(name: string, stackFile: string | Record<string, unknown>, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", name, "--secrets-provider", "passphrase", "--non-interactive"]);
    const source = typeof stackFile === "string" ? (YAML.parse(readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> }).config ?? {} : stackFile;
    const file = path.join(this.dir, `Pulumi.${name}.yaml`);
    const written = YAML.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const [key, value] of Object.entries(source)) {
      if (value && typeof value === "object" && "secure" in value) {
        const short = key.split(":").pop()!;
        if (secrets[short] === undefined) missing.push(short);
        continue;
      }
      config[key] = value;
    }
    if (missing.length > 0) throw new Error(`initStack ${name}: no test value for secret key(s) ${missing.join(", ")}`);
    config["ado-integrations:organization"] = this.server.orgUrl;
    writeFileSync(file, stackYaml({ ...written, config }));
    for (const [key, value] of Object.entries(secrets)) {
      await this.ok(["config", "set", "--stack", name, "--secret", `ado-integrations:${key}`, "--", value]);
    }
  }

  /** Rewrites part of a stack's config (plain values only). */
  editConfig(name: string, edit: (config: Record<string, unknown>) => void): void {
    const file = path.join(this.dir, `Pulumi.${name}.yaml`);
    const doc = YAML.parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    edit(doc.config);
    writeFileSync(file, stackYaml(doc));
  }

  /** The stack's checkpoint as `pulumi stack export` prints it. */
  async exportState(name: string): Promise<{ text: string; deployment: { resources?: { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[]; pending_operations?: unknown[] } }> {
    const r = await this.ok(["stack", "export", "--stack", name]);
    return { text: r.stdout, deployment: JSON.parse(r.stdout).deployment };
  }

  /** Bytes of the stack's state file in the file backend. */
  stateBytes(name: string): number {
    const dir = path.join(this.state, ".pulumi", "stacks");
    const found = findFile(dir, (f) => f === `${name}.json`);
    if (!found) throw new Error(`no state file for stack ${name} under ${dir}`);
    return readFileSync(found).length;
  }

  /**
   * Replaces the copy's files with those of `source` (this checkout by
   * default), as a checkout of a newer version would: stack files and the
   * node_modules link stay; everything else goes, so no stale file hides.
   */
  replaceSource(source: string = ROOT): void {
    for (const entry of readdirSync(this.dir)) {
      if (entry === "node_modules" || /^Pulumi\.[^/]+\.yaml$/.test(entry)) continue;
      rmSync(path.join(this.dir, entry), { recursive: true, force: true });
    }
    copyProject(source, this.dir);
  }

  /** Removes the copy, its state and Pulumi home; kept when ADO_ENGINE_KEEP is set, for a look after a failure. */
  remove(): void {
    if (process.env.ADO_ENGINE_KEEP) return;
    rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}

/** Copies a project folder without what the engine does not need; stack files hold placeholder secrets no passphrase decrypts, so tests write their own. */
function copyProject(source: string, dir: string): void {
  cpSync(source, dir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(source, src);
      if (rel === "") return true;
      const top = rel.split(path.sep)[0]!;
      return !NOT_COPIED.has(top) && !/^Pulumi\.[^/]+\.yaml$/.test(rel);
    },
  });
}

/** YAML with every string quoted, as the example stack files write dates. */
function stackYaml(doc: unknown): string {
  return YAML.stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" });
}

function findFile(dir: string, match: (name: string) => boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(full, match);
      if (found) return found;
    } else if (match(entry.name)) return full;
  }
  return undefined;
}
