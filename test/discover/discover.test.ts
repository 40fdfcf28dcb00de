/**
 * Discovery against the loopback organization: what was clicked by hand is
 * listed with GETs only, recognized from the presets' own data, written as a
 * stack config the project's parser accepts and an import file naming each
 * object as the program will, and no secret is ever printed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { AdoClient } from "../../components/azure-devops/runtime/client";
import { parseAllowedHosts } from "../../components/azure-devops/runtime/hosts";
import { ConfigError, parseStackConfig } from "../../components/config";
import { PAT_OWNER_PLACEHOLDER, type FoundHook, type OrganizationListing, discover, discoveryOrganization, listHooks, recognize } from "../../components/discover";
import { PRESETS, type Preset } from "../../components/presets";
import { TOKENS } from "../../provider/schema";
import { configSource, NOW } from "../helpers";
import { LOOPBACK_ALLOWED_HOSTS, loopbackEnv } from "../loopback/settings";
import { type Loopback, startLoopback } from "../loopback/server";

const ROOT = path.resolve(__dirname, "../..");
const HOOK_PASSWORD = "clicked-hook-password-Zq8";
const SECRET_VARIABLE = "typed-pat-value-4Kd9";
const SPACELIFT_URL = "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx";
const SPACELIFT_EVENTS = PRESETS.spacelift.modes.pat!.serviceHooks!.events;
const ALLOWED = parseAllowedHosts(LOOPBACK_ALLOWED_HOSTS);

let server: Loopback | undefined;
let out: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (out) rmSync(out, { recursive: true, force: true });
  out = undefined;
});

/** A webhook made as someone would in Project settings > Service hooks. */
function clickHook(s: Loopback, projectId: string, eventType: string, url: string, consumer: Record<string, string> = {}): string {
  return s.state.insertSubscription({
    publisherId: "tfs",
    eventType,
    resourceVersion: "1.0",
    consumerId: "webHooks",
    consumerActionId: "httpRequest",
    publisherInputs: { projectId },
    consumerInputs: { url, ...consumer },
  }).id;
}

/** The organization people clicked together: Spacelift's hooks in two projects, a group typed by hand, and things discovery must only list. */
async function clickedOrganization(): Promise<{ s: Loopback; hooks: Map<string, string> }> {
  const s = (server = await startLoopback({ projects: [{ name: "infra" }, { name: "platform-api" }, { name: "TestGit" }] }));
  const [infra, api, testGit] = s.state.projects;
  const hooks = new Map<string, string>();
  for (const project of [infra!, api!]) {
    for (const event of SPACELIFT_EVENTS) {
      hooks.set(`${project.name}/${event}`, clickHook(s, project.id, event, SPACELIFT_URL, { basicAuthPassword: HOOK_PASSWORD, messagesToSend: "none", detailedMessagesToSend: "none" }));
    }
  }
  clickHook(s, testGit!.id, "git.push", "https://hooks.example.com/ci");
  clickHook(s, testGit!.id, "build.complete", SPACELIFT_URL);
  const at = s.state.now();
  const group = (id: number, project: { id: string; name: string }, name: string, description: string, variables: Record<string, { value: string; isSecret?: boolean }>): void => {
    s.state.variableGroups.set(id, { id, name, description, type: "Vsts", variables, projectReferences: [{ projectReference: { id: project.id, name: project.name }, name, description }], createdOn: at, modifiedOn: at });
  };
  group(900, infra!, "spacelift-settings", "typed by hand", {
    "spacelift.Organization_URL": { value: s.orgUrl },
    "spacelift.Personal_access_token": { value: SECRET_VARIABLE, isSecret: true },
    "spacelift.Webhook_endpoint": { value: SPACELIFT_URL },
  });
  group(901, api!, "terrakube", "", { TOKEN: { value: SECRET_VARIABLE, isSecret: true } });
  group(902, api!, "build-settings", "", { CONFIGURATION: { value: "Release" } });
  s.state.entitlements.set("8c2f6b5e-0000-4000-8000-0000000000e1", {
    id: "8c2f6b5e-0000-4000-8000-0000000000e1",
    originId: "11111111-2222-4333-8444-555555555555",
    origin: "aad",
    displayName: "Terrakube (contoso)",
    accountLicenseType: "express",
    dateCreated: at,
    projectEntitlements: [],
  });
  return { s, hooks };
}

/** Runs `npm run discover` as a user would (the script, with the deployment's environment); never throws on exit codes. */
function runDiscover(s: Loopback, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/discover.ts", ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...loopbackEnv(s), ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The stack config's `ado-integrations:` values, keys without the namespace. */
function namespaced(yamlText: string): Record<string, unknown> {
  const config = (YAML.parse(yamlText) as { config: Record<string, unknown> }).config;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^ado-integrations:/, ""), v]));
}

describe("npm run discover", () => {
  it("writes a stack config the project's parser accepts and an import file naming each object as the program will, with GETs only", { timeout: 120_000 }, async () => {
    const { s, hooks } = await clickedOrganization();
    out = mkdtempSync(path.join(tmpdir(), "discover-"));
    const r = await runDiscover(s, ["--organization", s.orgUrl, "--stack", "adopted", "--out", out, "--pat-expires", "2027-03-01"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    // Read-only, one call per page: projects, hooks, each project's groups, service principals.
    expect(s.calls.filter((c) => c.method !== "GET")).toEqual([]);
    expect(s.calls.map((c) => c.path.replace(/[0-9a-f-]{36}/, "{project}"))).toEqual([
      "/contoso/_apis/projects",
      "/contoso/_apis/hooks/subscriptions",
      "/contoso/{project}/_apis/distributedtask/variablegroups",
      "/contoso/{project}/_apis/distributedtask/variablegroups",
      "/contoso/{project}/_apis/distributedtask/variablegroups",
      "/contoso/_apis/serviceprincipalentitlements",
    ]);

    const configText = readFileSync(path.join(out, "Pulumi.adopted.yaml"), "utf8");
    const importText = readFileSync(path.join(out, "adopted.import.json"), "utf8");
    for (const text of [r.stdout, configText, importText]) {
      expect(text).not.toContain(HOOK_PASSWORD);
      expect(text).not.toContain(SECRET_VARIABLE);
      expect(text).not.toContain(s.pat);
    }

    // The project's own parser: valid once the two secrets the report names are set.
    const values = namespaced(configText);
    const secrets = { spaceliftWebhookPassword: "set-by-user", spaceliftPat: "set-by-user" };
    const model = parseStackConfig(configSource({ ...values, ...secrets }, Object.keys(secrets), "adopted"), { now: NOW, allowedHosts: ALLOWED });
    expect(model.organizationUrl).toBe(s.orgUrl);
    expect(model.integrations.map((i) => [i.name, i.preset, i.mode])).toEqual([["spacelift", "spacelift", "pat"]]);
    const hooksModel = model.integrations[0]!.serviceHooks!;
    expect([hooksModel.url, hooksModel.projects, hooksModel.events, hooksModel.password]).toEqual([SPACELIFT_URL, ["infra", "platform-api"], SPACELIFT_EVENTS, { kind: "config", key: "spaceliftWebhookPassword" }]);
    expect(model.integrations[0]!.pat?.expiresOn).toBe("2027-03-01");
    expect(model.configStore).toEqual({ kind: "variableGroup", project: "infra", name: "spacelift-settings", description: "typed by hand" });
    // Without them, the parser names exactly the keys the report told the user to set.
    let problems: readonly string[] = [];
    try {
      parseStackConfig(configSource(values, [], "adopted"), { now: NOW, allowedHosts: ALLOWED });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      'integrations[0].serviceHooks.passwordSecret: config key "spaceliftWebhookPassword" is not set: run `pulumi config set --secret spaceliftWebhookPassword <value>`',
      'integrations[0].pat.secret: config key "spaceliftPat" is not set: run `pulumi config set --secret spaceliftPat <value>`',
    ]);
    expect(r.stdout).toContain("       pulumi config set --stack adopted --secret spaceliftWebhookPassword    # the webhook password Spacelift has for " + SPACELIFT_URL + "\n");
    expect(r.stdout).toContain("       pulumi config set --stack adopted --secret spaceliftPat    # the PAT Spacelift uses (scopes vso.code_write)\n");

    // Every adopted object under the name and parent the program gives it.
    const infraId = s.state.projects[0]!.id;
    const short = (event: string): string => ({ "git.push": "push", "git.pullrequest.created": "pr-created", "git.pullrequest.merged": "pr-merged", "git.pullrequest.updated": "pr-updated", "ms.vss-code.git-pullrequest-comment-event": "pr-commented" })[event]!;
    const hookEntries = [...hooks]
      .map(([key, id]) => {
        const [project, event] = key.split("/") as [string, string];
        return { type: TOKENS.serviceHookSubscription, name: `spacelift-hooks-${project}-${short(event)}`, id, parent: "spacelift-hooks" };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(JSON.parse(importText)).toEqual({
      resources: [
        { type: "ado-integrations:index:Integration", name: "spacelift", component: true },
        { type: "ado-integrations:service-hooks:ServiceHooks", name: "spacelift-hooks", parent: "spacelift", component: true },
        ...hookEntries,
        { type: "ado-integrations:config-store:VariableGroupStore", name: "config-store", component: true },
        { type: TOKENS.variableGroup, name: "config-store-group", id: `${infraId}/900`, parent: "config-store" },
      ],
    });

    // Hooks by host, each with what it was recognized as; the rest listed, not adopted.
    expect(r.stdout).toContain(`Organization ${s.orgUrl}: 6 REST calls, all reads.\n`);
    expect(r.stdout).toContain(
      `  contoso.app.spacelift.io: ${hooks.size + 1} hook(s) in 3 project(s), build.complete, ${[...SPACELIFT_EVENTS].sort().join(", ")}: Spacelift (preset spacelift); not adopted: Spacelift's host, but Spacelift does not handle build.complete\n`,
    );
    expect(r.stdout).toContain("  hooks.example.com: 1 hook(s) in 1 project(s), git.push: not adopted: no preset names this host (or this path and user name)\n");
    expect(r.stdout).toContain('  901 "terrakube" in platform-api: its name or variables mention Terrakube; its variables are not laid out as the config store writes them, so it is not adopted\n');
    expect(r.stdout).not.toContain("build-settings");
    expect(r.stdout).toContain('  8c2f6b5e-0000-4000-8000-0000000000e1 "Terrakube (contoso)" (Terrakube), Entra object 11111111-2222-4333-8444-555555555555, express, 0 project(s)\n');
    expect(r.stdout).toContain(`       AZDO_ORG_SERVICE_URL=${s.orgUrl} pulumi import --stack adopted --file ${path.join(out, "adopted.import.json")} --generate-code=false --protect=false --yes\n`);
  });

  it("without --out prints both documents, and a masked password stays masked", { timeout: 120_000 }, async () => {
    const { s } = await clickedOrganization();
    const r = await runDiscover(s, [], { AZDO_ORG_SERVICE_URL: s.orgUrl });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# ---- Pulumi\.imported\.yaml ----\n/);
    expect(r.stdout).toContain("# ---- imported.import.json ----\n");
    expect(r.stderr).toContain("Next:\n");
    expect(`${r.stdout}${r.stderr}`).not.toContain(HOOK_PASSWORD);
    expect(`${r.stdout}${r.stderr}`).not.toContain("********");
    expect(s.calls.every((c) => c.method === "GET")).toBe(true);
  });

  it("refuses an organization other than AZDO_ORG_SERVICE_URL's, and a file in the way, before any call", { timeout: 120_000 }, async () => {
    const { s } = await clickedOrganization();
    const other = await runDiscover(s, ["--organization", "fabrikam"], { AZDO_ORG_SERVICE_URL: s.orgUrl });
    expect([other.code, other.stderr]).toEqual([
      2,
      `--organization is https://dev.azure.com/fabrikam but AZDO_ORG_SERVICE_URL is ${s.orgUrl}: discovery uses the deployment's credential, so both must name the same organization; unset one\n`,
    ]);
    out = mkdtempSync(path.join(tmpdir(), "discover-"));
    writeFileSync(path.join(out, "Pulumi.dev.yaml"), "config: {}\n");
    const inTheWay = await runDiscover(s, ["--organization", s.orgUrl, "--stack", "dev", "--out", out]);
    expect([inTheWay.code, inTheWay.stderr]).toEqual([2, `${path.join(out, "Pulumi.dev.yaml")} exists: discovery never overwrites a file; choose another --stack or --out\n`]);
    expect(readFileSync(path.join(out, "Pulumi.dev.yaml"), "utf8")).toBe("config: {}\n");
    expect(s.calls).toEqual([]);
  });

  it("takes the organization from either place, the same one by name or URL, and needs one", () => {
    expect(() => discoveryOrganization(undefined, {}, [])).toThrow(/^no organization: pass --organization <name or URL>, or set AZDO_ORG_SERVICE_URL as for a deployment$/);
    expect(discoveryOrganization("Contoso", { AZDO_ORG_SERVICE_URL: "https://dev.azure.com/contoso/" }, [])).toBe("https://dev.azure.com/contoso");
    expect(discoveryOrganization(undefined, { AZDO_ORG_SERVICE_URL: "https://contoso.visualstudio.com" }, [])).toBe("https://dev.azure.com/contoso");
  });
});

describe("discovery listing", () => {
  it("follows the hooks listing's continuation token, one call per page, and stops on a token seen twice", async () => {
    const s = (server = await startLoopback());
    const projectId = s.state.projects[0]!.id;
    const first = clickHook(s, projectId, "git.push", SPACELIFT_URL);
    const page1 = { count: 1, value: [{ id: first, publisherId: "tfs", eventType: "git.push", consumerId: "webHooks", consumerActionId: "httpRequest", publisherInputs: { projectId }, consumerInputs: { url: SPACELIFT_URL } }] };
    s.faults.add({ method: "GET", path: "_apis/hooks/subscriptions", fault: { kind: "status", status: 200, body: page1, headers: { "x-ms-continuationtoken": "page-2" } } });
    const client = new AdoClient({ organizationUrl: s.orgUrl, env: loopbackEnv(s) });
    const hooks = await listHooks(client);
    // Page 2 is the real listing (the same hook again): two pages, two calls.
    expect(hooks.map((h) => h.id)).toEqual([first, first]);
    expect(s.calls.map((c) => c.query.continuationToken)).toEqual([undefined, "page-2"]);

    s.faults.add({ method: "GET", path: "_apis/hooks/subscriptions", times: 2, fault: { kind: "status", status: 200, body: page1, headers: { "x-ms-continuationtoken": "again" } } });
    await expect(listHooks(client)).rejects.toThrow(
      `listing service hook subscriptions of ${s.orgUrl} stopped after 2 pages: the service returned the same continuation token twice; retry later, and report it if it persists`,
    );
  });

  it("goes on without service principals when the organization refuses to list them, and says so", async () => {
    const s = (server = await startLoopback());
    s.faults.add({ method: "GET", path: "_apis/serviceprincipalentitlements", fault: { kind: "status", status: 403 } });
    const result = await discover({ organizationUrl: s.orgUrl, env: loopbackEnv(s) });
    expect(result.discovery.principals).toEqual([]);
    expect(result.discovery.principalsProblem).toMatch(/^Azure DevOps GET \/contoso\/_apis\/serviceprincipalentitlements returned 403/);
    expect(result.discovery.integrations).toEqual([]);
  });
});

describe("recognition from the presets' data", () => {
  const hook = (over: Partial<FoundHook>): FoundHook => ({
    id: "00000000-0000-4000-8000-0000000000aa",
    projectId: "00000000-0000-4000-8000-000000000001",
    publisherId: "tfs",
    eventType: "git.pullrequest.created",
    url: "https://atlantis.contoso.example/events",
    host: "atlantis.contoso.example",
    basicAuthUsername: "atlantis",
    passwordSet: true,
    status: "enabled",
    createdDate: "2024-01-01T00:00:00Z",
    filters: {},
    httpHeaderNames: [],
    resourceDetailsToSend: "all",
    messagesToSend: "none",
    detailedMessagesToSend: "none",
    ...over,
  });
  const listing = (hooks: FoundHook[]): OrganizationListing => ({
    organizationUrl: "https://dev.azure.com/contoso",
    projects: [{ id: "00000000-0000-4000-8000-000000000001", name: "infra" }],
    hooks,
    groups: [],
    principals: [],
  });

  it("a self-hosted tool is recognized by the path and user name its preset names, and nothing else is", () => {
    const d = recognize(listing([hook({}), hook({ id: "00000000-0000-4000-8000-0000000000ab", basicAuthUsername: "someone", eventType: "git.pullrequest.updated" })]), { patExpiresOn: NOW });
    expect(d.integrations.map((i) => [i.name, i.preset, [...i.adopted.keys()]])).toEqual([["atlantis", "atlantis", ["atlantis-hooks-infra-pr-created"]]]);
    expect((d.integrations[0]!.config.pat as { owner?: string }).owner).toBe(PAT_OWNER_PLACEHOLDER);
    expect(d.integrations[0]!.missing).toEqual(["infra/git.pullrequest.updated", "infra/ms.vss-code.git-pullrequest-comment-event"]);
    expect(d.hosts.map((h) => h.verdict)).toEqual(["Atlantis (preset atlantis); not adopted: no preset names this host (or this path and user name)"]);
  });

  it("a preset added as data is recognized with no change to discovery", () => {
    const acme: Preset = {
      name: "custom",
      displayName: "Acme CI",
      defaultMode: "hooks",
      modes: { hooks: { summary: "hooks", serviceHooks: { events: ["git.push"], optionalEvents: [], username: "", hostPatterns: ["*.acme-ci.example"] }, form: [] } },
      notes: [],
    };
    const acmeHook = hook({ url: "https://contoso.acme-ci.example/hook", host: "contoso.acme-ci.example", eventType: "git.push", basicAuthUsername: "" });
    expect(recognize(listing([acmeHook])).integrations).toEqual([]);
    const d = recognize(listing([acmeHook]), { presets: { ...PRESETS, acme } });
    expect(d.hosts.map((h) => h.verdict)).toEqual(["Acme CI (preset custom)"]);
    expect([...d.integrations[0]!.adopted.keys()]).toEqual(["custom-hooks-infra-push"]);
  });
});
