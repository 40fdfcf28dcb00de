/**
 * An `up` killed part-way, as a cancelled pipeline job kills it (SIGKILL of
 * the CLI and everything it started), then the recovery the README gives:
 * `pulumi cancel` for the lock, `pulumi refresh --clear-pending-creates`,
 * then `up` with AZDO_ADOPT_EXISTING=true so the hooks the killed run
 * created are adopted, not created twice. Asserted on the server: no
 * duplicate, nothing orphaned, and a quiet preview afterwards.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopback, type Loopback } from "../loopback/server";
import { engine } from "./engine-bin";
import { EngineProject, ROOT } from "./harness";

const { bin, reason } = engine();
const STACK = "interrupted";
const PROJECTS = 24;
const EVENTS = 5;

describe.skipIf(!bin)(`engine: an interrupted up and its recovery${bin ? "" : ` (skipped: ${reason})`}`, () => {
  let server: Loopback;
  let project: EngineProject;

  beforeAll(async () => {
    server = await startLoopback({ projects: Array.from({ length: PROJECTS }, (_, i) => ({ name: `team-${String(i + 1).padStart(2, "0")}` })) });
    project = new EngineProject(bin!, server);
    const config = (await import("yaml")).parse(readFileSync(path.join(ROOT, "examples", "spacelift.yaml"), "utf8")).config;
    config["ado-integrations:integrations"][0].serviceHooks.projects = ["*"];
    await project.initStack(STACK, config, { spaceliftWebhookPassword: "engine-interrupted-password", spaceliftPat: "engine-interrupted-pat" });
  });
  afterAll(async () => {
    killTree(project?.home);
    project?.remove();
    await server?.stop();
  });

  it("leaves no duplicate and nothing orphaned after SIGKILL and the documented recovery", async () => {
    // The first 20 creates answer; every later one is applied and never answered, so the
    // kill lands part-way, with hooks the service made but the state never heard of.
    const ANSWERED = 20;
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", after: ANSWERED, times: Infinity, fault: { kind: "hang" } });
    let pid = 0;
    const run = project.pulumi(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"], { started: (p) => (pid = p) });
    await until(() => server.state.subscriptions.size > ANSWERED, 120_000);
    process.kill(pid, "SIGKILL");
    // A cancelled job loses the whole tree: the language host, the program and the provider hosts too.
    killTree(project.home);
    const killed = await run;
    expect(killed.signal).toBe("SIGKILL");
    await settle(server);
    const total = PROJECTS * EVENTS;
    const createdBeforeKill = server.state.subscriptions.size;
    expect(createdBeforeKill).toBeGreaterThan(ANSWERED);
    expect(createdBeforeKill).toBeLessThan(total);
    server.faults.clear();

    // What the state says: pending creates, and the lock of the killed run.
    const locked = await project.pulumi(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    expect(locked.code).not.toBe(0);
    expect(locked.output).toMatch(/locked/);

    // The recovery, as the README gives it.
    await project.ok(["cancel", "--stack", STACK, "--yes"]);
    await project.ok(["refresh", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview", "--clear-pending-creates"]);
    await project.ok(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"], { env: { AZDO_ADOPT_EXISTING: "true" } });

    // Exactly one hook per project and event, and every one of them is in state.
    const keys = [...server.state.subscriptions.values()].map((s) => `${s.publisherInputs.projectId}/${s.eventType}`);
    expect(keys).toHaveLength(total);
    expect(new Set(keys).size).toBe(total);
    const { deployment } = await project.exportState(STACK);
    const inState = new Set(deployment.resources!.filter((r) => r.type.endsWith(":ServiceHookSubscription")).map((r) => r.id));
    expect([...server.state.subscriptions.keys()].filter((id) => !inState.has(id))).toEqual([]);
    expect(deployment.pending_operations ?? []).toEqual([]);
    await project.ok(["preview", "--stack", STACK, "--refresh", "--expect-no-changes", "--non-interactive"]);

    await project.ok(["destroy", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    expect(server.state.subscriptions.size).toBe(0);
  });
});

/** Waits for a condition, polling; fails after `ms`. */
async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the server has seen no call for a second: the killed run's last requests have landed. */
async function settle(server: Loopback): Promise<void> {
  let last = -1;
  while (server.calls.length !== last) {
    last = server.calls.length;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** SIGKILLs every process started for this project copy (they all carry its PULUMI_HOME). Linux only. */
function killTree(home: string | undefined): void {
  if (!home) return;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (env.includes(`PULUMI_HOME=${home}`)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // Gone already, or not ours to read.
    }
  }
}
