/**
 * Drift and change through the real engine, on the prod stack (service
 * hooks on every project, the variable-group store, a service principal
 * entitlement): out-of-band edits fail the nightly check and name the
 * resource, `up --refresh` repairs them; selection and password changes
 * touch only what they must; destroy survives a hook deleted by hand.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopback, type Loopback } from "../loopback/server";
import { engine } from "./engine-bin";
import { EngineProject, ROOT, writesSince } from "./harness";
import { planProjects } from "./plan";

const { bin, reason } = engine();
const STACK = "prod";
const FILE = path.join(ROOT, "Pulumi.prod.yaml");
const PASSWORD = "engine-prod-webhook-password-1";
const NEW_PASSWORD = "engine-prod-webhook-password-2";

describe.skipIf(!bin)(`engine: drift, selection changes and teardown on the prod stack${bin ? "" : ` (skipped: ${reason})`}`, () => {
  let server: Loopback;
  let project: EngineProject;
  let projectCount = 0;

  /** URN name of the resource with this id in state. */
  async function nameOf(id: string): Promise<string> {
    const { deployment } = await project.exportState(STACK);
    const r = deployment.resources!.find((x) => x.id === id);
    if (!r) throw new Error(`no resource with id ${id} in state`);
    return r.urn.split("::").pop()!;
  }
  const drift = () => project.pulumi(["preview", "--stack", STACK, "--refresh", "--expect-no-changes", "--non-interactive"]);
  const repair = () => project.ok(["up", "--stack", STACK, "--refresh", "--yes", "--non-interactive", "--skip-preview"]);
  const quiet = () => project.ok(["preview", "--stack", STACK, "--refresh", "--expect-no-changes", "--non-interactive"]);
  const hookIds = () => [...server.state.subscriptions.keys()].sort();

  beforeAll(async () => {
    const projects = await planProjects(FILE);
    projectCount = projects.length;
    server = await startLoopback({ projects });
    project = new EngineProject(bin!, server);
    await project.initStack(STACK, FILE, { spaceliftWebhookPassword: PASSWORD, spaceliftPat: "engine-prod-pat-9" });
    await project.ok(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    // The stack hooks five events on every project (`projects: ["*"]`).
    expect(server.state.subscriptions.size).toBe(projectCount * 5);
    expect(server.state.variableGroups.size).toBe(1);
    expect(server.state.entitlements.size).toBe(1);
  });
  afterAll(async () => {
    project?.remove();
    await server?.stop();
  });

  const cases: [string, () => Promise<string>][] = [
    [
      "a hook's URL changed in the portal",
      async () => {
        const id = hookIds()[0]!;
        server.state.setSubscriptionUrl(id, "https://elsewhere.example/hook");
        return id;
      },
    ],
    [
      "a hook disabled by the system",
      async () => {
        const id = hookIds()[1]!;
        server.state.setSubscriptionStatus(id, "disabledBySystem");
        return id;
      },
    ],
    [
      "a hook deleted by hand",
      async () => {
        const id = hookIds()[2]!;
        server.state.removeSubscription(id);
        return id;
      },
    ],
    [
      "a variable-group value edited",
      async () => {
        const group = [...server.state.variableGroups.values()][0]!;
        const name = Object.keys(group.variables).find((k) => !group.variables[k]!.isSecret)!;
        server.state.setVariable(group.id, name, { value: "edited by hand" });
        return String(group.id);
      },
    ],
    [
      "the service principal removed from the organization",
      async () => {
        const id = [...server.state.entitlements.keys()][0]!;
        server.state.removeEntitlement(id);
        return id;
      },
    ],
  ];

  for (const [what, change] of cases) {
    it(`${what}: the drift check fails naming the resource, up --refresh repairs it, the next check is quiet`, async () => {
      const before = { hooks: server.state.subscriptions.size, groups: server.state.variableGroups.size, entitlements: server.state.entitlements.size };
      const id = await change();
      const name = await nameOf(id);
      const check = await drift();
      expect(check.code, check.output).not.toBe(0);
      expect(check.output).toContain("no changes were expected");
      expect(check.output).toContain(name);
      await repair();
      await quiet();
      expect({ hooks: server.state.subscriptions.size, groups: server.state.variableGroups.size, entitlements: server.state.entitlements.size }).toEqual(before);
    });
  }

  it("a project added to the organization gets only its hooks", async () => {
    const ids = hookIds();
    const mark = server.calls.length;
    server.state.projects.push({ id: "7d4c2a10-5b6e-4f3a-9c8d-0e1f2a3b4c5d", name: "new-team" });
    await project.ok(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    const writes = writesSince(server.calls, mark);
    expect(writes.map((c) => c.method)).toEqual(Array(5).fill("POST"));
    expect(hookIds().filter((id) => !ids.includes(id))).toHaveLength(5);
    for (const id of ids) expect(server.state.subscriptions.has(id)).toBe(true);
    for (const s of server.state.subscriptions.values()) if (!ids.includes(s.id)) expect(s.publisherInputs.projectId).toBe("7d4c2a10-5b6e-4f3a-9c8d-0e1f2a3b4c5d");
  });

  it("a project left out in the config deletes only its hooks", async () => {
    // Spacelift needs all five events, so leaving an event out is a config error: a project is what a config takes away.
    const leaving = [...server.state.subscriptions.values()].filter((s) => s.publisherInputs.projectId === "7d4c2a10-5b6e-4f3a-9c8d-0e1f2a3b4c5d").map((s) => s.id);
    expect(leaving).toHaveLength(5);
    const kept = hookIds().filter((id) => !leaving.includes(id));
    project.editConfig(STACK, (config) => {
      const integrations = config["ado-integrations:integrations"] as { name: string; serviceHooks?: { exclude?: string[] } }[];
      integrations.find((i) => i.name === "spacelift")!.serviceHooks!.exclude = ["new-team"];
    });
    const mark = server.calls.length;
    await project.ok(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    const writes = writesSince(server.calls, mark);
    expect(writes.map((c) => c.method)).toEqual(Array(5).fill("DELETE"));
    expect(hookIds()).toEqual(kept);
  });

  it("a changed webhook password reaches every hook in place, with no replacement", async () => {
    const ids = hookIds();
    await project.ok(["config", "set", "--stack", STACK, "--secret", "ado-integrations:spaceliftWebhookPassword", "--", NEW_PASSWORD]);
    const mark = server.calls.length;
    const up = await project.ok(["up", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    expect(up.output).not.toMatch(/replaced|replacing/);
    expect(hookIds()).toEqual(ids);
    for (const s of server.state.subscriptions.values()) expect(s.consumerInputs.basicAuthPassword).toBe(NEW_PASSWORD);
    const writes = writesSince(server.calls, mark);
    expect(new Set(writes.map((c) => c.method))).toEqual(new Set(["PUT"]));
    await quiet();
    expect((await project.exportState(STACK)).text).not.toContain(NEW_PASSWORD);
  });

  it("destroy succeeds with a hook already deleted by hand, and leaves nothing the stack created", async () => {
    server.state.removeSubscription(hookIds()[0]!);
    await project.ok(["destroy", "--stack", STACK, "--yes", "--non-interactive", "--skip-preview"]);
    expect(server.state.subscriptions.size).toBe(0);
    expect(server.state.variableGroups.size).toBe(0);
    expect(server.state.entitlements.size).toBe(0);
  });
});
