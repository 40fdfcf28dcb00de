/**
 * Adoption without a gap, through the real engine: hooks and a variable group
 * made by hand on the loopback organization are discovered, imported with
 * `pulumi import --file` under the names and parents the program gives them,
 * and the program then takes them over in place. Azure DevOps never shows a
 * hook's password or a secret variable, so the first `pulumi up` writes those
 * (updates, never replacements); after it, `preview --expect-no-changes`
 * passes. At no point does the server see a create or a delete.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { parseAllowedHosts } from "../../components/azure-devops/runtime/hosts";
import { discover, importFileJson, stackConfigYaml } from "../../components/discover";
import { variableName } from "../../components/config-store";
import { PRESETS, SECRET_SOURCES } from "../../components/presets";
import { TOKENS } from "../../provider/schema";
import { FAST_SETTINGS } from "../loopback/settings";
import { type Loopback, startLoopback } from "../loopback/server";
import { engine, perTest } from "./engine-bin";
import { EngineProject, writesSince } from "./harness";

const { bin, reason } = engine();

const HOOK_PASSWORD = "clicked-hook-password-Zq8";
const PAT = "adopt-test-pat-value-7Rw";
const URL_ = "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx";
const EVENTS = PRESETS.spacelift.modes.pat!.serviceHooks!.events;

/** What someone clicked: Spacelift's hooks in two projects (one since disabled), and a group typed by hand. */
function clickedByHand(server: Loopback): { hooks: string[]; groupId: number } {
  const hooks: string[] = [];
  for (const project of server.state.projects.slice(0, 2)) {
    for (const eventType of EVENTS) {
      hooks.push(
        server.state.insertSubscription({
          publisherId: "tfs",
          eventType,
          resourceVersion: eventType.startsWith("ms.vss-code") ? "2.0" : "1.0",
          consumerId: "webHooks",
          consumerActionId: "httpRequest",
          publisherInputs: { projectId: project.id },
          consumerInputs: { url: URL_, basicAuthPassword: HOOK_PASSWORD, messagesToSend: "none", detailedMessagesToSend: "none" },
        }).id,
      );
    }
  }
  server.state.setSubscriptionStatus(hooks[0]!, "disabledByUser");
  const at = server.state.now();
  const infra = server.state.projects[0]!;
  server.state.variableGroups.set(900, {
    id: 900,
    name: "spacelift-settings",
    description: "typed by hand",
    type: "Vsts",
    // The values the tool's form asks for, under the names the config store gives them.
    variables: Object.fromEntries(
      PRESETS.spacelift.modes.pat!.form.map((f) => {
        const value = { organizationUrl: server.orgUrl, pat: PAT, webhookUrl: URL_, webhookPassword: HOOK_PASSWORD }[f.source as string];
        if (value === undefined) throw new Error(`adopt test: no value for form source ${f.source}`);
        return [variableName("spacelift", f.label), SECRET_SOURCES.has(f.source) ? { value, isSecret: true } : { value }];
      }),
    ),
    projectReferences: [{ projectReference: { id: infra.id, name: infra.name }, name: "spacelift-settings", description: "typed by hand" }],
    createdOn: at,
    modifiedOn: at,
  });
  return { hooks, groupId: 900 };
}

describe.skipIf(!bin)(`engine: adopting what was made by hand${bin ? "" : ` (skipped: ${reason})`}`, () => {
  const held = perTest();

  it("discover, import, preview shows only in-place updates, up, then no changes; the server saw no create or delete", async () => {
    const server = (held.server = await startLoopback({ projects: [{ name: "infra" }, { name: "platform-api" }, { name: "TestGit" }] }));
    const made = clickedByHand(server);

    const discovered = await discover({
      organizationUrl: server.orgUrl,
      allowedHosts: parseAllowedHosts("127.0.0.1"),
      patExpiresOn: new Date("2027-03-01T00:00:00Z"),
      env: { ...FAST_SETTINGS, AZDO_PERSONAL_ACCESS_TOKEN: server.pat, AZDO_ALLOWED_HOSTS: "127.0.0.1" },
    });
    expect(server.calls.every((c) => c.method === "GET")).toBe(true);
    expect(discovered.discovery.secrets.map((s) => s.key)).toEqual(["spaceliftWebhookPassword", "spaceliftPat"]);
    const stackConfig = (YAML.parse(stackConfigYaml(discovered.discovery, "adopted")!) as { config: Record<string, unknown> }).config;

    const project = (held.project = new EngineProject(bin!, server));
    await project.initStack("adopted", stackConfig, { spaceliftWebhookPassword: HOOK_PASSWORD, spaceliftPat: PAT });
    const importFile = path.join(project.dir, "adopted.import.json");
    writeFileSync(importFile, importFileJson(discovered.discovery));

    const mark = server.calls.length;
    const imported = await project.ok(["import", "--stack", "adopted", "--file", importFile, "--generate-code=false", "--protect=false", "--yes", "--non-interactive"], {
      env: { AZDO_ORG_SERVICE_URL: server.orgUrl },
    });
    expect(imported.output).toMatch(new RegExp(`${made.hooks.length + 1 + 3} imported`));

    // Before the first up: the objects on the server are updated in place only: no create,
    // replacement or delete. What the program adds lives in state only (components, a PAT
    // hand-off record), and the server's call log below proves it.
    const preview = JSON.parse((await project.ok(["preview", "--stack", "adopted", "--non-interactive", "--json"])).stdout) as {
      steps: { op: string; urn: string; diffReasons?: string[]; replaceReasons?: string[] }[];
    };
    const typeOf = (urn: string): string => urn.split("::")[2]!.split("$").pop()!;
    const onServer: string[] = [TOKENS.serviceHookSubscription, TOKENS.variableGroup, TOKENS.servicePrincipalEntitlement];
    const custom = preview.steps.filter((s) => onServer.includes(typeOf(s.urn)));
    expect(custom.filter((s) => s.op !== "update").map((s) => `${s.op} ${s.urn.split("::").pop()}`)).toEqual([]);
    expect(custom.length).toBe(made.hooks.length + 1);
    expect(custom.flatMap((s) => s.replaceReasons ?? [])).toEqual([]);
    expect(preview.steps.filter((s) => ["delete", "replace", "create-replacement", "delete-replaced"].includes(s.op)).map((s) => s.urn)).toEqual([]);

    await project.ok(["up", "--stack", "adopted", "--yes", "--non-interactive", "--skip-preview"]);
    await project.ok(["preview", "--stack", "adopted", "--expect-no-changes", "--non-interactive", "--diff"]);
    await project.ok(["preview", "--stack", "adopted", "--refresh", "--expect-no-changes", "--non-interactive"]);

    // In place: the same hooks and group, each written with PUT, nothing posted or deleted.
    const writes = writesSince(server.calls, mark);
    expect(writes.filter((c) => c.method !== "PUT").map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(writes.map((c) => c.path.split("/").pop()).sort()).toEqual([...made.hooks, String(made.groupId)].sort());
    expect([...server.state.subscriptions.keys()].sort()).toEqual([...made.hooks].sort());
    expect([...server.state.variableGroups.keys()]).toEqual([made.groupId]);
    for (const id of made.hooks) {
      expect(server.state.subscription(id).status).toBe("enabled");
      expect(server.state.subscription(id).consumerInputs.basicAuthPassword).toBe(HOOK_PASSWORD);
    }
    expect(server.state.variableGroup(made.groupId).variables[variableName("spacelift", "Personal access token")]).toEqual({ value: PAT, isSecret: true });

    // Taken over: the stack now manages them, so its destroy removes them.
    await project.ok(["destroy", "--stack", "adopted", "--yes", "--non-interactive", "--skip-preview"]);
    expect(server.state.subscriptions.size).toBe(0);
    expect(server.state.variableGroups.size).toBe(0);
  });
});
