/**
 * Engine numbers for `npm run bench`: `pulumi up`, `pulumi preview --refresh`
 * and `pulumi destroy` of one Spacelift integration hooking N projects x 4
 * events against the loopback server, next to a floor stack of as many
 * do-nothing dynamic resources (bench/engine-floor) through the same engine,
 * measured in the same run. Reports wall times, real / floor, state bytes per
 * hook (with what they are made of) and REST calls per hook. Needs the engine
 * (scripts/engine.sh). Optionally deploys the same stack with an earlier
 * commit of the project, for its state bytes per hook.
 */
import { rmSync } from "node:fs";
import * as path from "node:path";
import { startLoopback, type Loopback } from "../test/loopback/server";
import { EngineProject, checkoutOf, findEngine } from "../test/engine/harness";
import { projectNames, spaceliftStackDoc } from "./stack-doc";
import { type HookStateBytes, hookStateBytes } from "./state";

/** One size's numbers. */
export interface EngineCase {
  readonly projects: number;
  /** Extra environment of every command (empty: the CLI's defaults). */
  readonly env: Record<string, string>;
  readonly hooks: number;
  readonly real: Timings;
  readonly floor: Timings;
  /** State file bytes per hook after `up` (real stack). */
  readonly stateBytesPerHook: number;
  /** Mean bytes of a hook's entry in `pulumi stack export`, and of its parts. */
  readonly hookState: HookStateBytes;
  /** The same for the stack deployed by an earlier commit, when asked for. */
  readonly previous?: { readonly commit: string; readonly stateBytesPerHook: number; readonly hookState: HookStateBytes };
  /** State file bytes per resource after `up` (floor stack). */
  readonly floorStateBytesPerResource: number;
  /** REST calls per hook during `up`, `preview --refresh` and `destroy`. */
  readonly callsPerHook: { readonly up: number; readonly refresh: number; readonly destroy: number };
  /** REST calls of the whole `preview --refresh` (what one nightly drift check costs). */
  readonly refreshCalls: number;
}

/** Wall times in milliseconds. */
export interface Timings {
  readonly up: number;
  readonly refresh: number;
  readonly destroy: number;
}

/** The engine's folder (findEngine: ADO_ENGINE_BIN or scripts/engine.sh), or an error saying why there is none. */
export function engineBin(): string {
  const { bin, reason } = findEngine();
  if (!bin) throw new Error(`${reason}: nothing to benchmark`);
  return bin;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

const UP = ["--yes", "--non-interactive", "--skip-preview"];

/**
 * Measures one size: the floor first, then the real stack, each on a fresh
 * copy and server. `env` goes to every CLI command of both (for example
 * PULUMI_SKIP_CHECKPOINTS=true, which writes state once at the end instead of
 * after every step).
 */
export async function measureEngine(bin: string, projects: number, log: (m: string) => void, env: Record<string, string> = {}, previousCommit?: string): Promise<EngineCase> {
  const hooks = projects * 4;
  const names = projectNames(projects);

  // The floor: same engine, same number of resources, nothing behind them.
  const floorServer = await startLoopback({ projects: 1 });
  const floor = new EngineProject(bin, floorServer, { env, main: path.join("bench", "engine-floor", "index.ts") });
  let floorTimes: Timings;
  let floorBytes: number;
  try {
    await floor.initStack("floor", { "ado-integrations:floorProjects": projects });
    log(`engine floor ${projects} x 4: up`);
    const up = await timed(() => floor.ok(["up", "--stack", "floor", ...UP]));
    floorBytes = floor.stateBytes("floor");
    log(`engine floor ${projects} x 4: preview --refresh`);
    const refresh = await timed(() => floor.ok(["preview", "--stack", "floor", "--refresh", "--non-interactive"]));
    log(`engine floor ${projects} x 4: destroy`);
    const destroy = await timed(() => floor.ok(["destroy", "--stack", "floor", ...UP]));
    floorTimes = { up, refresh, destroy };
  } finally {
    floor.remove();
    await floorServer.stop();
  }

  const server: Loopback = await startLoopback({ projects: names.map((name) => ({ name })) });
  const real = new EngineProject(bin, server, { env });
  try {
    await real.initStack("bench", spaceliftStackDoc(projects).config, { spaceliftWebhookPassword: "bench-webhook-password", spaceliftPat: "bench-pat" });
    log(`engine real ${projects} x 4: up`);
    let mark = server.calls.length;
    const up = await timed(() => real.ok(["up", "--stack", "bench", ...UP]));
    const upCalls = server.calls.length - mark;
    if (server.state.subscriptions.size !== hooks) throw new Error(`expected ${hooks} hooks on the server, found ${server.state.subscriptions.size}`);
    const bytes = real.stateBytes("bench");
    const hookState = hookStateBytes((await real.exportState("bench")).text);
    log(`engine real ${projects} x 4: preview --refresh`);
    mark = server.calls.length;
    const refresh = await timed(() => real.ok(["preview", "--stack", "bench", "--refresh", "--non-interactive"]));
    const refreshCalls = server.calls.length - mark;
    log(`engine real ${projects} x 4: destroy`);
    mark = server.calls.length;
    const destroy = await timed(() => real.ok(["destroy", "--stack", "bench", ...UP]));
    const destroyCalls = server.calls.length - mark;
    if (server.state.subscriptions.size !== 0) throw new Error(`destroy left ${server.state.subscriptions.size} hooks`);
    return {
      projects,
      env,
      hooks,
      real: { up, refresh, destroy },
      floor: floorTimes,
      stateBytesPerHook: Math.round(bytes / hooks),
      hookState,
      ...(previousCommit !== undefined && { previous: await measurePrevious(bin, projects, previousCommit, log, env) }),
      floorStateBytesPerResource: Math.round(floorBytes / hooks),
      callsPerHook: { up: upCalls / hooks, refresh: refreshCalls / hooks, destroy: destroyCalls / hooks },
      refreshCalls,
    };
  } finally {
    real.remove();
    await server.stop();
  }
}

/** State bytes of the same stack deployed by an earlier commit of the project (up, export, destroy). */
async function measurePrevious(bin: string, projects: number, commit: string, log: (m: string) => void, env: Record<string, string>): Promise<NonNullable<EngineCase["previous"]>> {
  const source = checkoutOf(path.resolve(__dirname, ".."), commit);
  const server = await startLoopback({ projects: projectNames(projects).map((name) => ({ name })) });
  const project = new EngineProject(bin, server, { env, source });
  try {
    await project.initStack("bench", spaceliftStackDoc(projects).config, { spaceliftWebhookPassword: "bench-webhook-password", spaceliftPat: "bench-pat" });
    log(`engine ${commit} ${projects} x 4: up`);
    await project.ok(["up", "--stack", "bench", ...UP]);
    const stateBytesPerHook = Math.round(project.stateBytes("bench") / (projects * 4));
    const hookState = hookStateBytes((await project.exportState("bench")).text);
    log(`engine ${commit} ${projects} x 4: destroy`);
    await project.ok(["destroy", "--stack", "bench", ...UP]);
    return { commit, stateBytesPerHook, hookState };
  } finally {
    project.remove();
    await server.stop();
    rmSync(source, { recursive: true, force: true });
  }
}

const ms = (v: number): string => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v).toLocaleString("en-US")} ms`);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

/** Azure DevOps's published budget: 200 TSTU per user in a sliding 5 minutes. */
export const TSTU_BUDGET_PER_5_MIN = 200;

/** The engine section of the bench output: one markdown table and its notes. */
export function engineTable(cases: readonly EngineCase[]): string {
  const header = [
    "measurement",
    ...cases.map((c) => `${c.projects.toLocaleString("en-US")} x 4 (${c.hooks.toLocaleString("en-US")} hooks)${Object.keys(c.env).length > 0 ? `, ${Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""}`),
    "target",
    "met",
  ];
  const rows: string[][] = [];
  const within = (pick: (t: Timings) => number) => cases.map((c) => pick(c.real) <= 2 * pick(c.floor));
  const met = (checks: boolean[]) => (checks.every(Boolean) ? "met" : `**missed** (${checks.filter((x) => !x).length} of ${checks.length})`);
  for (const [label, pick, target] of [
    ["`pulumi up`", (t: Timings) => t.up, "<= 2x"],
    ["`pulumi preview --refresh`", (t: Timings) => t.refresh, "<= 2x"],
    ["`pulumi destroy`", (t: Timings) => t.destroy, ""],
  ] as const) {
    rows.push([`${label}: real (floor)`, ...cases.map((c) => `${ms(pick(c.real))} (${ms(pick(c.floor))})`), "", ""]);
    rows.push([`**${label}: real / floor**`, ...cases.map((c) => ratio(pick(c.real), pick(c.floor))), target, target ? met(within(pick)) : ""]);
  }
  rows.push(["state file bytes per hook (floor: per resource)", ...cases.map((c) => `${c.stateBytesPerHook.toLocaleString("en-US")} (${c.floorStateBytesPerResource.toLocaleString("en-US")})`), "reported", ""]);
  const part = (h: HookStateBytes) =>
    `${h.entry.toLocaleString("en-US")} = inputs ${h.inputs.toLocaleString("en-US")} + ${h.beyondInputs.toLocaleString("en-US")} beyond: outputs ${h.outputs.toLocaleString("en-US")}, engine record ${h.bookkeeping.toLocaleString("en-US")} (of which source positions ${h.sourcePositions.toLocaleString("en-US")}); provider code ${h.providerCode.toLocaleString("en-US")}`;
  rows.push(["a hook's entry in `stack export`, bytes", ...cases.map((c) => part(c.hookState)), "no provider code; < 1,024 beyond inputs", met(cases.map((c) => c.hookState.providerCode === 0 && c.hookState.beyondInputs < 1024))]);
  if (cases.some((c) => c.previous)) {
    rows.push([
      "the same, deployed by an earlier commit: state file bytes per hook; entry",
      ...cases.map((c) => (c.previous ? `${c.previous.commit}: ${c.previous.stateBytesPerHook.toLocaleString("en-US")}; ${part(c.previous.hookState)}` : "not measured")),
      "",
      "",
    ]);
  }
  rows.push(["REST calls per hook: up / preview --refresh / destroy", ...cases.map((c) => `${c.callsPerHook.up.toFixed(3)} / ${c.callsPerHook.refresh.toFixed(3)} / ${c.callsPerHook.destroy.toFixed(3)}`), "", ""]);
  // Microsoft publishes the budget, not a TSTU cost per call: say what a call may cost for one check to fit.
  rows.push([
    `one drift check (preview --refresh): REST calls, and the most a call may cost to fit ${TSTU_BUDGET_PER_5_MIN} TSTU per 5 min`,
    ...cases.map((c) => `${c.refreshCalls.toLocaleString("en-US")} calls in ${ms(c.real.refresh)}; fits if a GET costs <= ${(TSTU_BUDGET_PER_5_MIN / c.refreshCalls).toFixed(3)} TSTU`),
    "inside the budget only if it can",
    "reported",
  ]);
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
  return lines.join("\n");
}
