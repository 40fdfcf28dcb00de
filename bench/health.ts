/**
 * Delivery health at scale: `node --import tsx bench/health.ts [--projects 1000] [--repeat 3]`
 * (also run by `npm run bench`, at its largest size).
 *
 * Seeds the loopback server with `projects` x 4 hooks and a delivery history
 * per hook (most healthy, some failing for days with more failures than one
 * read holds, some never delivered), writes the stack's state as
 * `pulumi stack export` would, and runs `npm run health -- --state <file>`
 * in a fresh node process (tsx included, as a user runs it), measuring its
 * wall time and peak RSS. Calls are counted on the server. Writes
 * bench/results-health.json when run on its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { runHealth } from "../scripts/health";
import { addHook, healthEnv, hoursAgo, NOW, stateDocument, type StateHook } from "../test/health/fixture";
import { startLoopback } from "../test/loopback/server";
import { median, RESULT_PREFIX, runBenchChild } from "./child";
import { DEFAULT_EVENTS } from "./stack-doc";

const REPO = path.resolve(__dirname, "..");

/** One measured run of the check. */
export interface HealthBenchResult {
  readonly projects: number;
  readonly hooks: number;
  readonly notificationsSeeded: number;
  /** REST calls the check made, by `METHOD route`. */
  readonly calls: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  /** Median over the runs. */
  readonly wallMs: number;
  /** Median over the runs of the check process's peak RSS. */
  readonly maxRssBytes: number;
  readonly exitCode: number;
  /** Hooks per state in the report. */
  readonly states: Readonly<Record<string, number>>;
  readonly overWindow: number;
  readonly reportBytes: number;
}

/** What the child process reports. */
interface ChildResult {
  readonly code: number;
  readonly wallMs: number;
  readonly maxRssBytes: number;
  readonly report: { hooks: { health: { state: string; overWindow: boolean } }[] };
  readonly reportBytes: number;
}

/**
 * Runs the check over `projects` x 4 hooks, `repeat` times. Of every 20
 * hooks: 17 healthy (5 deliveries, the newest a success), 2 failing for 3
 * days with 25 failures (more than the 20 one read holds, so their last
 * success needs the second query), 1 never delivered.
 */
export async function measureHealth(projects: number, repeat = 3): Promise<HealthBenchResult> {
  const server = await startLoopback({ projects });
  const dir = mkdtempSync(path.join(os.tmpdir(), "ado-bench-health-"));
  try {
    const hooks: StateHook[] = [];
    let seeded = 0;
    const record = server.state.notifications;
    for (const project of server.state.projects) {
      for (const eventType of DEFAULT_EVENTS) {
        const subscription = addHook(server, { url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2", eventType });
        (subscription.publisherInputs as Record<string, string>).projectId = project.id;
        const kind = hooks.length % 20;
        if (kind < 17) {
          for (let i = 0; i < 5; i++) record.record(subscription.id, { result: i === 0 ? "failed" : "succeeded", statusCode: i === 0 ? 503 : 200, at: hoursAgo(50 - i * 10) });
          seeded += 5;
        } else if (kind < 19) {
          record.record(subscription.id, { result: "succeeded", at: hoursAgo(80) });
          for (let i = 0; i < 25; i++) record.record(subscription.id, { result: "failed", statusCode: 401, at: hoursAgo(72 - i * 2) });
          seeded += 26;
        }
        hooks.push({ subscription, integration: "spacelift", name: `spacelift-hooks-${project.name}-${eventType}` });
      }
    }
    const state = path.join(dir, "state.json");
    writeFileSync(state, JSON.stringify(stateDocument(server, hooks)));
    const runs: ChildResult[] = [];
    let calls: Record<string, number> = {};
    for (let run = 0; run < repeat; run++) {
      server.calls.length = 0;
      runs.push(await runBenchChild<ChildResult>("health.ts", ["--child", "--state", state, "--cwd", dir], { env: { ...process.env, ...healthEnv(server) }, label: "health child" }));
      calls = {};
      for (const c of server.calls) {
        const route = `${c.method} ${c.path.replace(/.*\/_apis\//, "").replace(/[0-9a-f-]{36}/g, "{id}").replace(/\/\d+$/, "/{n}")}`;
        calls[route] = (calls[route] ?? 0) + 1;
      }
    }
    const last = runs[runs.length - 1]!;
    const states: Record<string, number> = {};
    for (const h of last.report.hooks) states[h.health.state] = (states[h.health.state] ?? 0) + 1;
    return {
      projects,
      hooks: hooks.length,
      notificationsSeeded: seeded,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      wallMs: median(runs.map((r) => r.wallMs)),
      maxRssBytes: median(runs.map((r) => r.maxRssBytes)),
      exitCode: last.code,
      states,
      overWindow: last.report.hooks.filter((h) => h.health.overWindow).length,
      reportBytes: last.reportBytes,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a markdown table. */
export function healthTable(results: readonly HealthBenchResult[]): string {
  const lines = ["| delivery health (`npm run health`) | hooks | REST calls | wall time | peak RSS | exit |", "|---|---|---|---|---|---|"];
  for (const r of results) {
    const byRoute = Object.entries(r.calls)
      .map(([route, n]) => `${n} ${route}`)
      .join(", ");
    lines.push(
      `| ${r.projects} projects x 4 events (${Object.entries(r.states)
        .map(([s, n]) => `${n} ${s}`)
        .join(", ")}; ${r.overWindow} over the window) | ${r.hooks} | ${r.totalCalls} (${byRoute}) | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.maxRssBytes / 1024 / 1024).toFixed(0)} MB | ${r.exitCode} |`,
    );
  }
  return lines.join("\n");
}

async function child(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { child: { type: "boolean" }, state: { type: "string" }, cwd: { type: "string" } } });
  let stdout = "";
  const code = await runHealth(["--stack", "dev", "--state", values.state!, "--now", NOW, "--json"], { stdout: (t) => (stdout += t), stderr: (t) => process.stderr.write(t), cwd: values.cwd });
  const result: ChildResult = {
    code,
    // From process start (performance's time origin), so loading tsx and the modules counts, as it does for a user.
    wallMs: performance.now(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    report: JSON.parse(stdout),
    reportBytes: Buffer.byteLength(stdout),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, report: { hooks: result.report.hooks.map((h) => ({ health: { state: h.health.state, overWindow: h.health.overWindow } })) } })}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { projects: { type: "string", default: "1000" }, repeat: { type: "string", default: "3" } } });
  const result = await measureHealth(Number(values.projects), Number(values.repeat));
  process.stdout.write(`${healthTable([result])}\n`);
  writeFileSync(path.join(REPO, "bench", "results-health.json"), `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, cores: os.cpus().length, ...result }, null, 2)}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  const run = process.argv.includes("--child") ? child(process.argv.slice(2)) : main();
  run.catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
