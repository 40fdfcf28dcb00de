import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateStack, type Evaluation } from "../../components/offline/evaluate";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS as ADO } from "../../components/entra/published-ids";
import { SERVICE_HOOK_EVENTS, type EventType } from "../../components/azure-devops/runtime/events";
import { ConfigError, parseStackConfig } from "../../components/config";
import { configSource, NOW } from "../helpers";
import { TOKENS } from "../../provider/schema";

// HCP Terraform, Atlantis and Backstage: each example plans to what the tool's current setup asks for, and nothing more.

const root = path.resolve(__dirname, "../..");
const example = (tool: string) => evaluateStack({ projectDir: root, stack: "example", stackFile: path.join(root, "examples", `${tool}.yaml`), now: NOW });

// Resources that exist only in the stack's state (an app's first creator, the PAT last handed to the tool).
const STATE_ONLY: ReadonlySet<string> = new Set([TOKENS.recordedValue, TOKENS.patHandoff]);

/** The resources made in Entra ID or Azure DevOps (not components, not state-only records) as `type name`, sorted. */
const created = (e: Evaluation) =>
  e.resources
    .filter((r) => !r.type.startsWith("ado-integrations:") && !STATE_ONLY.has(r.type))
    .map((r) => `${r.type.split(":").pop()} ${r.name}`)
    .sort();

const app = (e: Evaluation, name: string) => e.resources.find((r) => r.type === "azuread:index/application:Application" && r.name === name)!.inputs as any;
const ADO_APP = "499b84ac-1321-427f-aa17-267ca6975798";
const fields = (e: Evaluation, name: string) => (e.outputs.fields as Record<string, Record<string, string>>)[name];
const spClientId = (e: Evaluation, name: string) => (e.resources.find((r) => r.name === name)!.inputs as any).clientId as string;
const projectId = (e: Evaluation, name: string) => Object.keys(e.projectNames).find((id) => e.projectNames[id] === name);

describe("presets for HCP Terraform, Atlantis and Backstage", () => {
  it("hcp-terraform: an Entra app with Code (read) + Code (status) and the callback as Web redirect; a PAT mode that creates nothing; no hooks", async () => {
    const e = await example("hcp-terraform");
    expect(created(e)).toEqual([
      "Application hcp-terraform-app",
      "ApplicationPassword hcp-terraform-secret-a",
      "ApplicationPassword hcp-terraform-secret-b",
      "ServicePrincipal hcp-terraform-sp",
    ]);
    const inputs = app(e, "hcp-terraform-app");
    expect(inputs.requiredResourceAccesses).toEqual([
      { resourceAppId: ADO_APP, resourceAccesses: [{ id: ADO["vso.code"], type: "Scope" }, { id: ADO["vso.code_status"], type: "Scope" }] },
    ]);
    expect(inputs.web).toEqual({
      redirectUris: ["https://app.terraform.io/auth/5c0b2f6e-8d1a-4e3b-9f27-6a4c1d8e2b70/callback"],
      implicitGrant: { idTokenIssuanceEnabled: false },
    });
    expect(fields(e, "hcp-terraform")).toEqual({
      "Application (client) ID": spClientId(e, "hcp-terraform-sp"),
      "Directory (tenant) ID": expect.stringMatching(/^[0-9a-f-]{36}$/),
      "Client Secret": "[secret]",
    });
    expect(Object.keys(fields(e, "hcp-terraform")!)).toEqual(["Application (client) ID", "Directory (tenant) ID", "Client Secret"]);
    expect(fields(e, "hcp-terraform-pat")).toEqual({ "Personal Access Token": "[secret]", "Azure DevOps Organization Name": "contoso" });
    expect(Object.keys(fields(e, "hcp-terraform-pat")!)).toEqual(["Personal Access Token", "Azure DevOps Organization Name"]);
    expect(e.outputs.warnings).toEqual([]);
  });

  it("atlantis: hooks for PR created, updated and commented on, per project, to /events with basic auth; the four ATLANTIS_AZUREDEVOPS_* values", async () => {
    const e = await example("atlantis");
    expect(created(e).filter((c) => !c.startsWith("ServiceHookSubscription"))).toEqual(["RandomPassword atlantis-webhook-password"]);
    const hooks = e.resources.filter((r) => r.type === TOKENS.serviceHookSubscription);
    const seen = hooks.map((h) => `${e.projectNames[(h.inputs as any).projectId]} ${(h.inputs as any).eventType}`).sort();
    const expected = ["infra", "platform-api", "platform-data", "platform-web"].flatMap((p) =>
      ["git.pullrequest.created", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"].map((ev) => `${p} ${ev}`),
    );
    expect(seen).toEqual(expected.sort());
    for (const h of hooks) {
      expect(h.inputs).toMatchObject({
        url: "https://atlantis.contoso.example/events",
        basicAuthUsername: "atlantis",
        basicAuthPassword: "[secret]",
        resourceDetailsToSend: "all",
        messagesToSend: "none",
        detailedMessagesToSend: "none",
        filters: {},
      });
    }
    // Atlantis parses PR created/updated at resource version 1.0 and PR comments at 2.0.
    const versions = Object.fromEntries([...new Set(hooks.map((h) => (h.inputs as any).eventType as EventType))].map((ev) => [ev, SERVICE_HOOK_EVENTS[ev].resourceVersion]));
    expect(versions).toEqual({ "git.pullrequest.created": "1.0", "git.pullrequest.updated": "1.0", "ms.vss-code.git-pullrequest-comment-event": "2.0" });
    expect(fields(e, "atlantis")).toEqual({
      ATLANTIS_AZUREDEVOPS_USER: "atlantis-bot@contoso.example",
      ATLANTIS_AZUREDEVOPS_TOKEN: "[secret]",
      ATLANTIS_AZUREDEVOPS_WEBHOOK_USER: "atlantis",
      ATLANTIS_AZUREDEVOPS_WEBHOOK_PASSWORD: "[secret]",
    });
    expect(Object.keys(fields(e, "atlantis")!)).toEqual(["ATLANTIS_AZUREDEVOPS_USER", "ATLANTIS_AZUREDEVOPS_TOKEN", "ATLANTIS_AZUREDEVOPS_WEBHOOK_USER", "ATLANTIS_AZUREDEVOPS_WEBHOOK_PASSWORD"]);
    expect(e.outputs.warnings).toEqual([]);
  });

  it("backstage: a service principal with no delegated scope or redirect, Basic access, Readers of the selected projects; a PAT mode that creates nothing", async () => {
    const e = await example("backstage");
    expect(created(e)).toEqual([
      "Application backstage-app",
      "ApplicationPassword backstage-secret-a",
      "ApplicationPassword backstage-secret-b",
      "ServicePrincipal backstage-sp",
      "ServicePrincipalEntitlement backstage-entitlement",
    ]);
    const inputs = app(e, "backstage-app");
    expect(inputs.requiredResourceAccesses).toEqual([]);
    expect(inputs.web).toBeUndefined();
    expect(e.resources.some((r) => r.type === TOKENS.serviceHookSubscription)).toBe(false);
    const entitlement = e.resources.find((r) => r.type === TOKENS.servicePrincipalEntitlement)!;
    expect(entitlement.inputs).toMatchObject({
      accessLevel: "basic",
      projects: ["infra", "platform-api", "platform-data", "platform-web"].map((p) => ({ projectId: projectId(e, p), group: "Readers" })),
    });
    const appSp = e.recorded.find((r) => r.type === "azuread:index/servicePrincipal:ServicePrincipal" && r.name === "backstage-sp")!;
    expect(entitlement.inputs.servicePrincipalObjectId).toBe(appSp.state.objectId);
    expect(fields(e, "backstage")).toEqual({
      clientId: spClientId(e, "backstage-sp"),
      clientSecret: "[secret]",
      tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      organizations: "contoso",
    });
    expect(Object.keys(fields(e, "backstage")!)).toEqual(["clientId", "clientSecret", "tenantId", "organizations"]);
    expect(fields(e, "backstage-pat")).toEqual({ personalAccessToken: "[secret]", organizations: "contoso" });
    expect(e.outputs.warnings).toEqual([]);
  });
});

// The config rules these presets brought: the PAT owner as a form value, the webhook path, the preset's project group.

const atlantis = {
  name: "atlantis",
  preset: "atlantis",
  serviceHooks: { url: "https://atlantis.example.com/events", projects: ["infra"] },
  pat: { secret: "atlantisPat", expiresOn: "2027-01-31", scopes: ["vso.code_write", "vso.code_status", "vso.memberentitlementmanagement"], owner: "atlantis-bot@example.com" },
};
const backstage = { name: "backstage", preset: "backstage", servicePrincipal: { projects: ["infra"] } };

/** Parses one integration; the PAT's secret key is set when the integration names it, so each case shows only its own mistake. */
function parse(integration: Record<string, unknown>) {
  const secrets = JSON.stringify(integration).includes('"atlantisPat"') ? { atlantisPat: "pat" } : {};
  return parseStackConfig(configSource({ organization: "contoso", integrations: [integration], ...secrets }, Object.keys(secrets)), { now: NOW });
}
function problemsOf(integration: Record<string, unknown>): readonly string[] {
  try {
    parse(integration);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

describe("config rules of the new presets", () => {
  it("atlantis: the PAT owner fills ATLANTIS_AZUREDEVOPS_USER, so pat.owner is required", () => {
    const model = parse(atlantis);
    expect(model.integrations[0]!.fields.map((f) => `${f.label}=${f.source}`)).toEqual([
      "ATLANTIS_AZUREDEVOPS_USER=patOwner",
      "ATLANTIS_AZUREDEVOPS_TOKEN=pat",
      "ATLANTIS_AZUREDEVOPS_WEBHOOK_USER=webhookUsername",
      "ATLANTIS_AZUREDEVOPS_WEBHOOK_PASSWORD=webhookPassword",
    ]);
    expect(model.integrations[0]!.serviceHooks).toMatchObject({ username: "atlantis", password: { kind: "generated" } });
    const { owner: _owner, ...withoutOwner } = atlantis.pat;
    expect(problemsOf({ ...atlantis, pat: withoutOwner })).toEqual([
      "integrations[0].pat.owner: is required for atlantis: its form field ATLANTIS_AZUREDEVOPS_USER is the PAT owner's user name",
    ]);
    // With its own fields map, only a field that names patOwner needs the owner.
    expect(problemsOf({ ...atlantis, pat: withoutOwner, fields: { User: "patOwner", Token: "pat" } })).toEqual([
      "integrations[0].fields.User: takes its value from patOwner, which this integration does not create",
    ]);
    expect(() => parse({ ...atlantis, pat: withoutOwner, fields: { Token: "pat" } })).not.toThrow();
  });

  it("atlantis: a webhook URL that does not end in /events is a warning naming the path", () => {
    expect(parse(atlantis).warnings).toEqual([]);
    expect(parse({ ...atlantis, serviceHooks: { ...atlantis.serviceHooks, url: "https://atlantis.example.com/ci/atlantis/events" } }).warnings).toEqual([]);
    expect(parse({ ...atlantis, serviceHooks: { ...atlantis.serviceHooks, url: "https://atlantis.example.com/" } }).warnings).toEqual([
      "atlantis: serviceHooks.url: Atlantis receives webhooks on /events, and this URL's path is /: check that it ends in /events",
    ]);
  });

  it("backstage: the principal joins the Readers group unless servicePrincipal.group says otherwise", () => {
    expect(parse(backstage).integrations[0]!.servicePrincipal).toEqual({ accessLevel: "basic", projects: ["infra"], exclude: [], group: "Readers" });
    expect(parse({ ...backstage, servicePrincipal: { ...backstage.servicePrincipal, group: "Contributors" } }).integrations[0]!.servicePrincipal!.group).toBe("Contributors");
    // Presets that name no group keep the Contributors default.
    expect(parse({ name: "terrakube-sp", preset: "terrakube", mode: "servicePrincipal", servicePrincipal: { projects: ["infra"] } }).integrations[0]!.servicePrincipal!.group).toBe("Contributors");
  });

  it("refuses what the tools do not take, naming the fix", () => {
    expect(problemsOf({ name: "hcp", preset: "hcp-terrafrom" })).toEqual(['integrations[0].preset: unknown preset "hcp-terrafrom" (did you mean "hcp-terraform"?)']);
    expect(problemsOf({ name: "hcp", preset: "hcp-terraform" })).toEqual([
      "integrations[0].entraApp.redirectUris: is required for hcp-terraform: the callback URL HCP Terraform or Terraform Enterprise shows under Settings > Providers > Add VCS Provider > Azure DevOps Services",
    ]);
    expect(problemsOf({ ...backstage, mode: "oauth" })).toEqual(['integrations[0].mode: backstage has no mode "oauth": use servicePrincipal or pat']);
    expect(problemsOf({ ...backstage, entraApp: { redirectUris: ["https://backstage.example.com/cb"] } })).toEqual([
      "integrations[0].entraApp.redirectUris: backstage (mode servicePrincipal) signs in without a redirect: remove redirectUris",
    ]);
    expect(problemsOf({ ...atlantis, entraApp: {} })).toEqual(["integrations[0].entraApp: atlantis (mode pat) does not use entraApp: remove it, or use preset custom"]);
    expect(problemsOf({ ...atlantis, pat: { ...atlantis.pat, scopes: ["vso.code_write"] } })).toEqual([
      "integrations[0].pat.scopes: the tool needs vso.code_status, vso.memberentitlementmanagement, which these scopes do not grant",
    ]);
  });
});
