/**
 * Discovery at scale: `node --import tsx bench/discover.ts [--projects 1000] [--repeat 3]`
 * (also run by `npm run bench`, at its largest size).
 *
 * Seeds the loopback server with `projects` x 4 Spacelift hooks made by hand,
 * one variable group per project (one of them the config store), and runs
 * discovery in a fresh node process (tsx included, as a user runs
 * `npm run discover`): listing, recognition, the stack config, the import
 * file and the report, written to a temporary folder. Measures the process's
 * wall time and peak RSS; calls are counted on the server. Writes
 * bench/results-discover.json when run on its own.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { discover, importFileJson, report, stackConfigYaml } from "../components/discover";
import { parseAllowedHosts } from "../components/azure-devops/runtime/hosts";
import { FAST_SETTINGS } from "../test/loopback/settings";
import { startLoopback } from "../test/loopback/server";
import { median, RESULT_PREFIX, runBenchChild } from "./child";
import { DEFAULT_EVENTS, WEBHOOK_URL } from "./stack-doc";

const REPO = path.resolve(__dirname, "..");

/** One measured discovery. */
export interface DiscoverBenchResult {
  readonly projects: number;
  readonly hooks: number;
  readonly groups: number;
  /** REST calls discovery made, by `METHOD route`. */
  readonly calls: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  /** Calls that were not GETs (must be 0). */
  readonly writes: number;
  /** Median over the runs, from process start. */
  readonly wallMs: number;
  /** Median over the runs of the process's peak RSS. */
  readonly maxRssBytes: number;
  /** Objects in the import file. */
  readonly importEntries: number;
}

/** What the child process reports. */
interface ChildResult {
  readonly wallMs: number;
  readonly maxRssBytes: number;
  readonly importEntries: number;
  readonly calls: number;
}

/** Runs discovery over `projects` x 4 hooks and a group per project, `repeat` times. */
export async function measureDiscover(projects: number, repeat = 3): Promise<DiscoverBenchResult> {
  const server = await startLoopback({ projects });
  const dir = mkdtempSync(path.join(os.tmpdir(), "ado-bench-discover-"));
  try {
    let hooks = 0;
    for (const project of server.state.projects) {
      for (const eventType of DEFAULT_EVENTS) {
        server.state.insertSubscription({
          publisherId: "tfs",
          eventType,
          resourceVersion: "1.0",
          consumerId: "webHooks",
          consumerActionId: "httpRequest",
          publisherInputs: { projectId: project.id },
          consumerInputs: { url: WEBHOOK_URL, basicAuthPassword: "bench-hook-password-1" },
        });
        hooks++;
      }
      // Every project has a group of its own; the first holds Spacelift's values as the config store writes them.
      const id = server.state.nextNumber();
      const at = server.state.now();
      const variables: Record<string, { value: string }> = project === server.state.projects[0] ? { "spacelift.Organization_URL": { value: server.orgUrl } } : { CONFIGURATION: { value: "Release" } };
      const name = `settings-${id}`;
      server.state.variableGroups.set(id, { id, name, description: "", type: "Vsts", variables, projectReferences: [{ projectReference: { id: project.id, name: project.name }, name, description: "" }], createdOn: at, modifiedOn: at });
    }
    const env = { ...process.env, ...FAST_SETTINGS, AZDO_PERSONAL_ACCESS_TOKEN: server.pat, AZDO_ALLOWED_HOSTS: "127.0.0.1", AZDO_ORG_SERVICE_URL: server.orgUrl };
    const runs: ChildResult[] = [];
    let calls: Record<string, number> = {};
    let writes = 0;
    for (let run = 0; run < repeat; run++) {
      server.calls.length = 0;
      const out = path.join(dir, `run-${run}`);
      runs.push(await runBenchChild<ChildResult>("discover.ts", ["--child", "--out", out], { env, label: "discover child" }));
      calls = {};
      for (const c of server.calls) {
        const route = `${c.method} ${c.path.replace(/.*?\/([0-9a-f-]{36}\/)?_apis\//, (_m, p: string | undefined) => (p ? "{project}/" : "")).replace(/[0-9a-f-]{36}/g, "{id}")}`;
        calls[route] = (calls[route] ?? 0) + 1;
      }
      writes = server.calls.filter((c) => c.method !== "GET").length;
    }
    return {
      projects,
      hooks,
      groups: server.state.variableGroups.size,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      writes,
      wallMs: median(runs.map((r) => r.wallMs)),
      maxRssBytes: median(runs.map((r) => r.maxRssBytes)),
      importEntries: runs[runs.length - 1]!.importEntries,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a markdown table. */
export function discoverTable(results: readonly DiscoverBenchResult[]): string {
  const lines = ["| discovery (`npm run discover`) | hooks / groups | REST calls (one per page) | writes | wall time | peak RSS | import entries |", "|---|---|---|---|---|---|---|"];
  for (const r of results) {
    const byRoute = Object.entries(r.calls)
      .map(([route, n]) => `${n} ${route}`)
      .join(", ");
    lines.push(`| ${r.projects} projects x 4 events | ${r.hooks} / ${r.groups} | ${r.totalCalls} (${byRoute}) | ${r.writes} | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.maxRssBytes / 1024 / 1024).toFixed(0)} MB | ${r.importEntries} |`);
  }
  return lines.join("\n");
}

/** In the fresh process: what `npm run discover -- --out <dir>` does, then the measurements. */
async function child(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { child: { type: "boolean" }, out: { type: "string" } } });
  const result = await discover({ organizationUrl: process.env.AZDO_ORG_SERVICE_URL!, allowedHosts: parseAllowedHosts(process.env.AZDO_ALLOWED_HOSTS) });
  const out = values.out!;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "Pulumi.imported.yaml"), stackConfigYaml(result.discovery, "imported") ?? "");
  const importFile = importFileJson(result.discovery);
  writeFileSync(path.join(out, "imported.import.json"), importFile);
  writeFileSync(path.join(out, "report.txt"), report(result, "imported"));
  const measured: ChildResult = {
    // From process start (performance's time origin), so loading tsx and the modules counts, as it does for a user.
    wallMs: performance.now(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    importEntries: (JSON.parse(importFile) as { resources: unknown[] }).resources.length,
    calls: result.calls,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(measured)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { projects: { type: "string", default: "1000" }, repeat: { type: "string", default: "3" } } });
  const result = await measureDiscover(Number(values.projects), Number(values.repeat));
  process.stdout.write(`${discoverTable([result])}\n`);
  writeFileSync(path.join(REPO, "bench", "results-discover.json"), `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, cores: os.cpus().length, ...result }, null, 2)}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  const run = process.argv.includes("--child") ? child(process.argv.slice(2)) : main();
  run.catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
