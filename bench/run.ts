/**
 * `npm run bench [-- --repeat 5] [-- --sizes 10,100,1000] [-- --no-prototypes]`
 *   `[-- --engine-sizes 100] [-- --no-engine] [-- --engine-only] [-- --engine-skip-checkpoints]`
 *   `[-- --engine-compare <commit>] [-- --plugin-starts 10]`
 *
 * Scale benchmark for issue 6 (1,000 projects x 4 events from one stack).
 * Prints one markdown table to stdout (progress goes to stderr) and writes
 * bench/results.json. Plan cases each run in a fresh child process (peak RSS
 * is that case's), real program and floor interleaved, median of --repeat
 * runs. REST cases drive the provider plugin's methods against the loopback
 * server in this process; the plugin's start time is measured by starting its
 * launcher. Not part of `npm test`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { FloorTemplate, PlanCaseResult } from "./plan-case";
import type { Fault } from "../test/loopback/server";
import { measureFaultyCreates, measureLifecycle, type FaultModel, type FaultyCreateOptions, type FaultyCreateResult, type LifecycleResult } from "./rest";
import { knownVariants } from "./variants";
import { pluginStartTimes } from "./plugin-start";
import { engineBin, engineTable, measureEngine, type EngineCase } from "./engine";
import { healthTable, measureHealth } from "./health";
import { discoverTable, measureDiscover } from "./discover";
import { median, runBenchChild } from "./child";

/** Runs one plan case in a fresh node process and returns what it reported. */
function runPlanCase(args: string[]): Promise<PlanCaseResult> {
  return runBenchChild<PlanCaseResult>("plan-case.ts", args, { label: `plan-case ${args.join(" ")}` });
}

const REPO = path.resolve(__dirname, "..");
/** Operations in flight, as the engine runs resource operations in parallel. */
const CONCURRENCY = 12;
/**
 * Prototypes each plan case is also measured with (see variants.ts). A
 * prototype that changes the runtime for any program is compared with a floor
 * given the same change.
 */
const PROTOTYPES: { readonly label: string; readonly real: readonly string[]; readonly floor: readonly string[] }[] = [
  { label: "no-stack-capture", real: ["no-stack-capture"], floor: ["no-stack-capture"] },
];

interface Summary {
  readonly wallMs: number;
  readonly evalMs: number;
  readonly maxRssBytes: number;
  readonly runs: readonly PlanCaseResult[];
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function summarize(runs: readonly PlanCaseResult[]): Summary {
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    evalMs: median(runs.map((r) => r.evalMs)),
    maxRssBytes: median(runs.map((r) => r.maxRssBytes)),
    runs,
  };
}

interface PlanSize {
  readonly projects: number;
  readonly real: Summary;
  readonly floor: Summary;
  readonly prototypes: Record<string, { readonly real: Summary; readonly floor: Summary }>;
  readonly subscriptions: number;
  readonly resources: { readonly components: number; readonly customs: number };
  readonly providerBytes: { readonly min: number; readonly max: number };
  readonly inputBytesPerSubscription: number;
  readonly inputBytesPerSubscriptionWithoutProvider: number;
}

async function measurePlan(projects: number, repeat: number, tmp: string, prototypes: boolean): Promise<PlanSize> {
  // Runs by program and variant list: "real" / "floor" plus the variants, joined.
  const runs = new Map<string, PlanCaseResult[]>();
  const record = (key: string, result: PlanCaseResult): void => {
    runs.set(key, [...(runs.get(key) ?? []), result]);
  };
  const floorVariants = [[], ...(prototypes ? PROTOTYPES.map((p) => p.floor) : [])].filter(
    (v, i, all) => all.findIndex((w) => w.join("+") === v.join("+")) === i,
  );
  let templateFile = "";
  for (let i = 0; i < repeat; i++) {
    const round = `plan ${fmtInt(projects)} x 4, run ${i + 1}/${repeat}`;
    log(`${round}: real`);
    const real = await runPlanCase(["real", String(projects)]);
    record("real", real);
    if (!templateFile) {
      templateFile = path.join(tmp, `template-${projects}.json`);
      writeFileSync(templateFile, JSON.stringify(real.template satisfies FloorTemplate | undefined));
    }
    for (const variants of floorVariants) {
      log(`${round}: floor ${variants.join(" + ")}`);
      record(["floor", ...variants].join("+"), await runPlanCase(["floor", templateFile, ...variants]));
    }
    for (const p of prototypes ? PROTOTYPES : []) {
      log(`${round}: real with prototype ${p.label}`);
      record(["real", ...p.real].join("+"), await runPlanCase(["real", String(projects), ...p.real]));
    }
  }
  const first = runs.get("real")![0]!;
  const floor = summarize(runs.get("floor")!);
  return {
    projects,
    real: summarize(runs.get("real")!),
    floor,
    prototypes: Object.fromEntries(
      (prototypes ? PROTOTYPES : []).map((p) => [
        p.label,
        { real: summarize(runs.get(["real", ...p.real].join("+"))!), floor: summarize(runs.get(["floor", ...p.floor].join("+"))!) },
      ]),
    ),
    subscriptions: first.dynamic,
    resources: { components: first.components, customs: first.customs },
    providerBytes: { min: first.providerBytesMin ?? 0, max: first.providerBytesMax ?? 0 },
    inputBytesPerSubscription: first.inputBytesPerSubscription ?? 0,
    inputBytesPerSubscriptionWithoutProvider: first.inputBytesPerSubscriptionWithoutProvider ?? 0,
  };
}

// ---- formatting ---------------------------------------------------------------

const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms).toLocaleString("en-US")} ms`);
const fmtMb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024).toLocaleString("en-US")} MB`;
const fmtRatio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
/** Ratio of the medians, then the range of run-by-run ratios (real run i over floor run i, taken back to back). */
const fmtRatios = (real: Summary, floor: Summary, pick: (r: PlanCaseResult) => number): string => {
  const paired = real.runs.map((r, i) => pick(r) / pick(floor.runs[i] ?? floor.runs[0]!));
  const range = paired.length > 1 ? ` (runs ${Math.min(...paired).toFixed(2)}-${Math.max(...paired).toFixed(2)})` : "";
  return `${fmtRatio(median(real.runs.map(pick)), median(floor.runs.map(pick)))}${range}`;
};
const fmtInt = (n: number): string => n.toLocaleString("en-US");
const verdict = (ok: boolean): string => (ok ? "met" : "**missed**");

interface Row {
  readonly metric: string;
  readonly cells: readonly string[];
  readonly target: string;
  readonly met: string;
}

function table(sizes: readonly number[], rows: readonly Row[]): string {
  const header = ["measurement", ...sizes.map((n) => `${fmtInt(n)} x 4`), "target", "met"];
  const lines = [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
  for (const row of rows) lines.push(`| ${[row.metric, ...row.cells, row.target, row.met].join(" | ")} |`);
  return lines.join("\n");
}

function allMet(checks: readonly boolean[]): string {
  return checks.every(Boolean) ? "met" : `**missed** (${checks.filter((c) => !c).length} of ${checks.length})`;
}

/** A create scenario; a contrast row is expected to fail creates and is checked only for leaving nothing wrong behind. */
interface FaultScenario extends FaultyCreateOptions {
  readonly contrast?: boolean;
}

/**
 * Creates under faults: the brief's 429 share, an unknown outcome, and a
 * throughput budget. Every run goes through the client's own per-organization
 * limit; one contrast row lifts it.
 */
function faultScenarios(sizes: readonly number[]): FaultScenario[] {
  const throttled = { kind: "status", status: 429, retryAfter: "0.2" } as const;
  // With 20% of calls refused at random, a create is sometimes refused several times running; allow
  // more tries than the default 5 so the run measures pacing and duplicates, not a retry budget running out.
  const throttleEnv = { AZDO_MAX_RETRIES: "10", AZDO_RETRY_MAX_SECONDS: "60" };
  const share = (share: number, seed: number, fault: Fault, applies: (method: string, path: string) => boolean = () => true): FaultModel => ({ kind: "share", share, applies, fault, seed });
  // 100 calls a second: a stand-in for the service's 200 TSTUs per 5 minutes, scaled to finish in seconds.
  const window: FaultModel = { kind: "window", allowance: 50, windowMs: 500 };
  const windowText = "budget of 50 calls per 0.5 s, 429 + Retry-After beyond it";
  const unbounded = (n: string): string => `${n} in flight (unbounded --parallel) through the client limit 12 (AZDO_MAX_CONCURRENT_REQUESTS default)`;
  const scenarios: FaultScenario[] = [
    { scenario: `429 + Retry-After 0.2 s on 20% of calls, ${CONCURRENCY} in flight`, projects: 100, concurrency: CONCURRENCY, faults: share(0.2, 6, throttled), env: throttleEnv },
    { scenario: `429 + Retry-After 0.2 s on 20% of calls, ${unbounded("400")}`, projects: 100, concurrency: 400, faults: share(0.2, 7, throttled), env: throttleEnv },
    {
      scenario: `500 after the POST was applied (unknown outcome) on 10% of creates, ${CONCURRENCY} in flight`,
      projects: 100,
      concurrency: CONCURRENCY,
      faults: share(0.1, 8, { kind: "status", status: 500, apply: true }, (method, p) => method === "POST" && p.endsWith("/_apis/hooks/subscriptions")),
      env: { AZDO_RETRY_BASE_SECONDS: "0.05", AZDO_RETRY_MAX_DELAY_SECONDS: "0.5" },
    },
    { scenario: `${windowText}, ${CONCURRENCY} in flight`, projects: 100, concurrency: CONCURRENCY, faults: window, env: {} },
    { scenario: `${windowText}, ${unbounded("400")}`, projects: 100, concurrency: 400, faults: window, env: {} },
    {
      scenario: `${windowText}, 400 in flight, **contrast**: AZDO_MAX_CONCURRENT_REQUESTS=1000 (effectively no limit)`,
      projects: 100,
      concurrency: 400,
      faults: window,
      env: { AZDO_MAX_CONCURRENT_REQUESTS: "1000" },
      contrast: true,
    },
  ];
  if (sizes.includes(1000)) {
    scenarios.push({ scenario: `${windowText}, ${unbounded("4,000")}`, projects: 1000, concurrency: 4000, faults: window, env: {} });
  }
  return scenarios;
}

/** All created once each: the target of every create scenario but a contrast. */
function allCreated(f: FaultyCreateResult): boolean {
  return f.onServer === f.subscriptions && f.duplicateTriples === 0 && f.missingTriples === 0 && f.failedCreates === 0 && f.idsDistinctAndPresent;
}

/** What a contrast must still show: no duplicates, and nothing on the server beyond what the successful creates returned. */
function nothingLeftBehind(f: FaultyCreateResult): boolean {
  const succeeded = f.subscriptions - f.failedCreates;
  return f.duplicateTriples === 0 && f.onServer === succeeded && f.distinctIdsOnServer === succeeded && f.missingTriples === f.failedCreates;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repeat: { type: "string", default: "5" },
      sizes: { type: "string", default: "10,100,1000" },
      "no-prototypes": { type: "boolean", default: false },
      "engine-sizes": { type: "string", default: "100" },
      "no-engine": { type: "boolean", default: false },
      "engine-only": { type: "boolean", default: false },
      "engine-skip-checkpoints": { type: "boolean", default: false },
      "engine-compare": { type: "string" },
      "plugin-starts": { type: "string", default: "10" },
    },
  });
  const engineSizes = values["no-engine"] ? [] : values["engine-sizes"]!.split(",").map(Number);
  const engineEnv: Record<string, string> = values["engine-skip-checkpoints"] ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {};
  const compare = values["engine-compare"];
  const starts = Number(values["plugin-starts"]);
  if (values["engine-only"]) return engineOnly(engineSizes, engineEnv, compare, starts);
  const repeat = Number(values.repeat);
  const sizes = values.sizes!.split(",").map(Number);
  const prototypes = !values["no-prototypes"];
  const started = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "ado-bench-"));

  const plans: PlanSize[] = [];
  const lifecycles: LifecycleResult[] = [];
  const faulty: (FaultyCreateResult & { readonly contrast: boolean })[] = [];
  try {
    for (const n of sizes) plans.push(await measurePlan(n, repeat, tmp, prototypes));
    for (const n of sizes) {
      log(`REST lifecycle ${n} x 4 (${CONCURRENCY} in flight)`);
      lifecycles.push(await measureLifecycle(n, CONCURRENCY));
    }
    for (const { contrast, ...scenario } of faultScenarios(sizes)) {
      log(`REST create ${fmtInt(scenario.projects * 4)}: ${scenario.scenario}`);
      faulty.push({ ...(await measureFaultyCreates(scenario)), contrast: contrast ?? false });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // ---- the table ----------------------------------------------------------------
  const cols = <T>(items: readonly T[], f: (item: T) => string): string[] => items.map(f);
  // Results of one size go in its column (the first column when that size is not in the run).
  const atSize = (n: number, text: string): string[] => sizes.map((s, i) => (s === n || (i === 0 && !sizes.includes(n)) ? text : "-"));
  const rows: Row[] = [];
  const timeOk = plans.map((p) => p.real.wallMs <= 1.5 * p.floor.wallMs);
  const memOk = plans.map((p) => p.real.maxRssBytes <= 1.5 * p.floor.maxRssBytes);
  rows.push({ metric: "resources registered (components + subscriptions)", cells: cols(plans, (p) => `${p.resources.components} + ${fmtInt(p.subscriptions)}`), target: "", met: "" });
  rows.push({ metric: "plan wall time, real program (process start to evaluateStack done)", cells: cols(plans, (p) => fmtMs(p.real.wallMs)), target: "", met: "" });
  rows.push({ metric: "plan wall time, floor (bare resources, same inputs, same mocks)", cells: cols(plans, (p) => fmtMs(p.floor.wallMs)), target: "", met: "" });
  rows.push({ metric: "**plan time ratio real / floor**", cells: cols(plans, (p) => fmtRatios(p.real, p.floor, (r) => r.wallMs)), target: "<= 1.5x", met: allMet(timeOk) });
  rows.push({ metric: "evaluation only (after imports), real / floor", cells: cols(plans, (p) => `${fmtMs(p.real.evalMs)} / ${fmtMs(p.floor.evalMs)} = ${fmtRatio(p.real.evalMs, p.floor.evalMs)}`), target: "", met: "" });
  rows.push({ metric: "peak RSS, real / floor", cells: cols(plans, (p) => `${fmtMb(p.real.maxRssBytes)} / ${fmtMb(p.floor.maxRssBytes)}`), target: "", met: "" });
  rows.push({ metric: "**peak memory ratio real / floor**", cells: cols(plans, (p) => fmtRatios(p.real, p.floor, (r) => r.maxRssBytes)), target: "<= 1.5x", met: allMet(memOk) });
  for (const proto of prototypes ? PROTOTYPES : []) {
    rows.push({
      metric: `prototype \`${proto.label}\`: time real / floor${proto.floor.length > 0 ? ` (floor with ${proto.floor.join(" + ")})` : ""}; RSS ratio real / floor`,
      cells: cols(plans, (p) => {
        const r = p.prototypes[proto.label]!;
        return `${fmtMs(r.real.wallMs)} / ${fmtMs(r.floor.wallMs)} = ${fmtRatios(r.real, r.floor, (x) => x.wallMs)}; RSS ${fmtRatio(r.real.maxRssBytes, r.floor.maxRssBytes)}`;
      }),
      target: "",
      met: "",
    });
  }
  // The plugin keeps provider code out of what the program registers (and so out of state).
  const providerOk = plans.every((p) => p.providerBytes.max === 0);
  rows.push({
    metric: "`__provider` (provider code) bytes per subscription",
    cells: cols(plans, (p) => fmtInt(p.providerBytes.max)),
    target: "0 (provider plugin)",
    met: verdict(providerOk),
  });
  rows.push({
    metric: "input bytes per subscription as JSON",
    cells: cols(plans, (p) => fmtInt(Math.round(p.inputBytesPerSubscription))),
    target: "",
    met: "",
  });

  const perOp = (c: LifecycleResult["create"]): string => `${fmtInt(c.calls)} / ${fmtInt(c.operations)} = ${(c.calls / c.operations).toFixed(2)}`;
  const opOk = (c: LifecycleResult["create"]): boolean => c.calls === c.operations && c.nonSuccess === 0;
  for (const [label, pick] of [
    ["create", (l: LifecycleResult) => l.create],
    ["read (refresh)", (l: LifecycleResult) => l.read],
    ["update", (l: LifecycleResult) => l.update],
    ["delete", (l: LifecycleResult) => l.delete],
  ] as const) {
    rows.push({
      metric: `REST calls per ${label}, no faults (calls / operations)`,
      cells: cols(lifecycles, (l) => `${perOp(pick(l))} (${Object.keys(pick(l).byRoute).join(", ")})`),
      target: "exactly 1",
      met: allMet(lifecycles.map((l) => opOk(pick(l)))),
    });
  }
  rows.push({
    metric: `full refresh of every subscription: time, calls (${CONCURRENCY} in flight)`,
    cells: cols(lifecycles, (l) => `${fmtMs(l.read.ms)}, ${fmtInt(l.read.calls)} GETs`),
    target: "",
    met: "",
  });
  rows.push({
    metric: "project discovery, the program's one lookup per run: calls (requested page size; server max page)",
    cells: cols(lifecycles, (l) => `${l.discovery.calls} for ${fmtInt(l.discovery.projectsFound)} projects ($top=${l.discovery.requestedPageSize.join(",")}; ${l.discovery.serverMaxPageSize})`),
    target: "1 per page",
    met: allMet(lifecycles.map((l) => l.discovery.calls === Math.max(1, Math.ceil(l.discovery.projectsFound / Math.min(l.discovery.serverMaxPageSize, ...l.discovery.requestedPageSize))))),
  });
  const listings = [...lifecycles.map((l) => l.orgWideListings), ...faulty.map((f) => f.orgWideListings + f.unfilteredQueries)];
  rows.push({
    metric: "organization-wide subscription listings (all REST runs below too)",
    cells: cols(lifecycles, (l) => `${l.orgWideListings} list, ${l.queries} queries`),
    target: "0",
    met: verdict(listings.every((n) => n === 0)),
  });
  for (const f of faulty) {
    const ok = f.contrast ? nothingLeftBehind(f) : allCreated(f);
    const routes = Object.entries(f.byRoute)
      .map(([r, n]) => `${fmtInt(n)} ${r.replace("_apis/hooks/", "")}`)
      .join(", ");
    rows.push({
      metric: `create ${fmtInt(f.subscriptions)}: ${f.scenario}`,
      cells: atSize(
        f.subscriptions / 4,
        `${fmtMs(f.ms)}; ${fmtInt(f.calls)} calls (${routes}; ${fmtInt(f.faultsInjected)} faults); peak ${fmtInt(f.peakInFlight)} calls in flight (client limit ${fmtInt(f.clientLimit)}); on server ${fmtInt(f.onServer)}, duplicates ${f.duplicateTriples}, missing ${f.missingTriples}, failed ${f.failedCreates}`,
      ),
      target: f.contrast ? "contrast (failures expected): 0 duplicates, nothing on the server but what the successful creates returned" : "all created, 1 per (project, event, url)",
      met: f.contrast ? `${verdict(ok)}${f.failedCreates > 0 ? `; ${fmtInt(f.failedCreates)} creates failed without the limit` : "; no create failed (the contrast shows nothing)"}` : verdict(ok),
    });
  }

  const elapsed = performance.now() - started;
  const notes = [
    `How: each plan case runs in a fresh \`node --import tsx\` process (bench/plan-case.ts); real program and floor interleaved; times and peak RSS (\`process.resourceUsage().maxRSS\`) are the median of ${repeat} runs; a ratio is the ratio of medians, "(runs a-b)" the range of back-to-back run pairs.`,
    "Real program: index.ts through evaluateStack with one spacelift integration, `projects:` listing N exact names, the 4 default events, secrets as `{secure: ...}` values. Floor: the same number of components and custom resources under the same OfflineMocks, each with a copy of a real subscription's registered inputs (`__provider` replaced by a plain string of the same length). Both run under the same runtime conditions: tsx turns source maps on, and evaluateStack (real) and plan-case.ts (floor) call `process.setSourceMapsEnabled(false)` while resources register and settle, restoring it after.",
    `REST: provider methods driven directly against the loopback server, ${CONCURRENCY} operations in flight unless a row says otherwise. Every call goes through the REST client's own per-organization limit (AZDO_MAX_CONCURRENT_REQUESTS, default 12, a slot held from the first attempt through retries and Retry-After waits); 400 or 4,000 operations in flight stand for Pulumi's unbounded --parallel, and the contrast row lifts the limit to 1,000. "Peak calls in flight" counts HTTP requests outstanding at once (the bench wraps fetch). Share faults are drawn per call with a seeded generator; the 20%-429 runs allow AZDO_MAX_RETRIES=10; the budget runs use the client's other defaults (5 retries, 120 s).`,
    `Prototype (not applied to the program, see bench/variants.ts): ${knownVariants()
      .filter((v) => PROTOTYPES.some((p) => p.real.includes(v.name)))
      .map((v) => `\`${v.name}\`: ${v.change}`)
      .join(" ")}`,
    `Node ${process.version}, ${os.cpus().length} cores; whole bench ${fmtMs(elapsed)}.`,
  ];
  process.stdout.write(`${table(sizes, rows)}\n\n${notes.map((n) => `- ${n}`).join("\n")}\n`);
  process.stdout.write(`\n${await pluginStartLine(starts)}\n`);
  const engine = await runEngine(engineSizes, engineEnv, compare);
  if (engine.table) process.stdout.write(`\n${engine.table}\n\n- ${ENGINE_NOTE}\n`);
  // Delivery health (issue 14) at the largest size: its own table, run in a fresh process per repeat.
  process.stdout.write(`\n${healthTable([await measureHealth(Math.max(...sizes))])}\n`);
  // Discovery (issue 14) at the largest size: its own table, run in a fresh process per repeat.
  process.stdout.write(`\n${discoverTable([await measureDiscover(Math.max(...sizes))])}\n`);

  const results = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    repeat,
    concurrency: CONCURRENCY,
    elapsedMs: elapsed,
    targets: {
      planTimeRatio: { target: 1.5, values: Object.fromEntries(plans.map((p) => [p.projects, p.real.wallMs / p.floor.wallMs])), met: timeOk.every(Boolean) },
      planMemoryRatio: { target: 1.5, values: Object.fromEntries(plans.map((p) => [p.projects, p.real.maxRssBytes / p.floor.maxRssBytes])), met: memOk.every(Boolean) },
      providerBytesPerResource: { target: 0, values: Object.fromEntries(plans.map((p) => [p.projects, p.providerBytes.max])), met: providerOk },
      oneCallPerOperation: { met: lifecycles.every((l) => [l.create, l.read, l.update, l.delete].every(opOk)) },
      noOrgWideListing: { met: listings.every((n) => n === 0) },
      createsUnderFaults: Object.fromEntries(
        faulty.map((f) => [f.scenario, f.contrast ? { contrast: true, target: "no duplicates, nothing left behind", met: nothingLeftBehind(f) } : { target: "all created once", met: allCreated(f) }]),
      ),
    },
    plan: plans.map((p) => ({ ...p, real: { ...p.real, runs: p.real.runs.map(({ template: _t, ...r }) => r) } })),
    rest: { lifecycles, faulty },
  };
  writeFileSync(path.join(REPO, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote bench/results.json (${fmtMs(elapsed)})`);
}

/** Runs the engine cases, prints their table and writes bench/results-engine.json. */
async function runEngine(sizes: readonly number[], env: Record<string, string> = {}, compare?: string): Promise<{ table: string; cases: EngineCase[] }> {
  if (sizes.length === 0) return { table: "", cases: [] };
  const bin = engineBin();
  const cases: EngineCase[] = [];
  for (const n of sizes) cases.push(await measureEngine(bin, n, log, env, compare));
  writeFileSync(path.join(REPO, "bench", "results-engine.json"), `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, cores: os.cpus().length, cases }, null, 2)}\n`);
  log("wrote bench/results-engine.json");
  return { table: engineTable(cases), cases };
}

async function engineOnly(sizes: readonly number[], env: Record<string, string>, compare: string | undefined, starts: number): Promise<void> {
  const started = performance.now();
  const startLine = await pluginStartLine(starts);
  const { table: text } = await runEngine(sizes, env, compare);
  process.stdout.write(`${startLine}\n\n${text}\n\n- ${ENGINE_NOTE}\n- Node ${process.version}, ${os.cpus().length} cores; engine cases ${fmtMs(performance.now() - started)}.\n`);
}

/** One line: the provider plugin's start time over `runs` starts. */
async function pluginStartLine(runs: number): Promise<string> {
  log(`plugin: ${runs} starts`);
  const times = (await pluginStartTimes(REPO, runs)).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return `Provider plugin start (launcher spawned to port printed, once per \`pulumi\` command), ${runs} starts: median ${fmtMs(median)}, min ${fmtMs(times[0]!)}, max ${fmtMs(times[times.length - 1]!)}.`;
}

const ENGINE_NOTE =
  "Engine: the real Pulumi CLI (scripts/engine.sh) with a file backend, one run per command. Real: one Spacelift integration hooking N exact project names with its 4 default events, against the loopback server. Floor: bench/engine-floor, as many do-nothing dynamic resources with inputs of the same shape, through the same engine and dynamic-provider host. REST calls are counted by the server.";

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
