import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateStack, type Evaluation } from "../../components/offline/evaluate";
import { stableGuid } from "../../components/offline/ids";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS as ADO, PUBLISHED_GRAPH_SCOPE_IDS as GRAPH } from "../../components/entra/published-ids";
import { NOW } from "../helpers";
import { TOKENS } from "../../provider/schema";

const root = path.resolve(__dirname, "../..");
const example = (tool: string) => evaluateStack({ projectDir: root, stack: "example", stackFile: path.join(root, "examples", `${tool}.yaml`), now: NOW });

/** The cloud resources (not components) as `type name`, sorted. */
const created = (e: Evaluation) =>
  e.resources
    .filter((r) => !r.type.startsWith("ado-integrations:"))
    .map((r) => `${r.type.split(":").pop()} ${r.name}`)
    .sort();

const app = (e: Evaluation, name: string) => e.resources.find((r) => r.type === "azuread:index/application:Application" && r.name === name)!.inputs as any;
const scopeIds = (inputs: any, resourceAppId: string) =>
  (inputs.requiredResourceAccesses as any[]).find((r) => r.resourceAppId === resourceAppId)?.resourceAccesses.map((a: any) => `${a.id}/${a.type}`) ?? [];
const ADO_APP = "499b84ac-1321-427f-aa17-267ca6975798";
const GRAPH_APP = "00000003-0000-0000-c000-000000000000";

describe("each preset creates what its tool needs and nothing more", () => {
  it("gitpod: Entra app with vso.code_write, vso.profile, User.Read, ID tokens, Web redirect, two secret slots", async () => {
    const e = await example("gitpod");
    expect(created(e)).toEqual([
      "Application gitpod-app",
      "ApplicationPassword gitpod-secret-a",
      "ApplicationPassword gitpod-secret-b",
      "ServicePrincipal gitpod-sp",
    ]);
    const inputs = app(e, "gitpod-app");
    expect(inputs.web).toEqual({ redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"], implicitGrant: { idTokenIssuanceEnabled: true } });
    expect(scopeIds(inputs, ADO_APP)).toEqual([`${ADO["vso.code_write"]}/Scope`, `${ADO["vso.profile"]}/Scope`]);
    expect(scopeIds(inputs, GRAPH_APP)).toEqual([`${GRAPH["User.Read"]}/Scope`]);
    expect(Object.keys((e.outputs.fields as any).gitpod)).toEqual(["Authorization URL", "Token URL", "Client ID", "Client Secret"]);
    expect((e.outputs.fields as any).gitpod["Token URL"]).toMatch(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/oauth2\/v2\.0\/token$/);
  });

  it("bytebase: Code (full), Identity (read), Project and team (read), no Graph scope", async () => {
    const e = await example("bytebase");
    expect(created(e)).toEqual([
      "Application bytebase-app",
      "ApplicationPassword bytebase-secret-a",
      "ApplicationPassword bytebase-secret-b",
      "ServicePrincipal bytebase-sp",
    ]);
    const inputs = app(e, "bytebase-app");
    expect(scopeIds(inputs, ADO_APP)).toEqual([`${ADO["vso.code_full"]}/Scope`, `${ADO["vso.identity"]}/Scope`, `${ADO["vso.project"]}/Scope`]);
    expect(scopeIds(inputs, GRAPH_APP)).toEqual([]);
    expect(inputs.web.redirectUris).toEqual(["https://bytebase.contoso.example/oauth/callback"]);
    expect(Object.keys((e.outputs.fields as any).bytebase)).toEqual(["Application ID", "Secret"]);
  });

  it("terrakube: Code (read) + Code (status) app, and a service-principal mode app with no delegated scope or redirect", async () => {
    const e = await example("terrakube");
    expect(created(e)).toEqual(
      expect.arrayContaining([
        "Application terrakube-app",
        "Application terrakube-sp-app",
        "ServicePrincipal terrakube-sp",
        "ServicePrincipal terrakube-sp-sp",
      ]),
    );
    expect(scopeIds(app(e, "terrakube-app"), ADO_APP)).toEqual([`${ADO["vso.code"]}/Scope`, `${ADO["vso.code_status"]}/Scope`]);
    const sp = app(e, "terrakube-sp-app");
    expect(sp.requiredResourceAccesses).toEqual([]);
    expect(sp.web).toBeUndefined();
    expect(e.resources.some((r) => r.type.includes("ServiceHookSubscription"))).toBe(false);
    const entitlement = e.resources.find((r) => r.type === TOKENS.servicePrincipalEntitlement)!;
    expect(entitlement.name).toBe("terrakube-sp-entitlement");
    expect(entitlement.inputs).toMatchObject({ accessLevel: "basic", projects: [{ projectId: Object.keys(e.projectNames).find((id) => e.projectNames[id] === "infra"), group: "Contributors" }] });
    // It is the app's own service principal that joins the organization.
    const appSp = e.recorded.find((r) => r.type === "azuread:index/servicePrincipal:ServicePrincipal" && r.name === "terrakube-sp-sp")!;
    expect(entitlement.inputs.servicePrincipalObjectId).toBe(appSp.state.objectId);
    for (const name of ["terrakube", "terrakube-sp"]) expect(Object.keys((e.outputs.fields as any)[name])).toEqual(["Client ID", "Client Secret", "Tenant ID"]);
  });

  it("spacelift: one hook per selected project and event, basic auth with an empty user, no Entra app", async () => {
    const e = await example("spacelift");
    const hooks = e.resources.filter((r) => r.type === TOKENS.serviceHookSubscription);
    // infra + the three platform-* projects of the offline organization, five events each.
    expect(hooks).toHaveLength(4 * 5);
    expect(new Set(hooks.map((h) => (h.inputs as any).eventType))).toEqual(
      new Set(["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"]),
    );
    expect(new Set(hooks.map((h) => e.projectNames[(h.inputs as any).projectId]))).toEqual(new Set(["infra", "platform-api", "platform-data", "platform-web"]));
    for (const h of hooks) {
      expect((h.inputs as any).url).toBe("https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2");
      expect((h.inputs as any).basicAuthUsername).toBe("");
      expect((h.inputs as any).basicAuthPassword).toBe("[secret]");
    }
    expect(created(e).filter((c) => !c.startsWith("ServiceHookSubscription"))).toEqual([]);
    expect(hooks.map((h) => h.name)).toContain("spacelift-hooks-platform-api-pr-commented");
    expect((e.outputs.fields as any).spacelift).toEqual({
      "Organization URL": "https://dev.azure.com/contoso",
      "Personal access token": "[secret]",
      "Webhook endpoint": "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2",
    });
  });

  it("infrakitchen: nothing created; the organization name and the Key Vault reference are handed on", async () => {
    const e = await example("infrakitchen");
    expect(created(e)).toEqual([]);
    expect((e.outputs.fields as any).infrakitchen).toEqual({
      "Azure Organization": "contoso",
      "Azure Access Token": "@Microsoft.KeyVault(SecretUri=https://contoso-platform-kv.vault.azure.net/secrets/infrakitchen-pat)",
    });
  });

  it("custom: exactly the scopes, hooks and fields the config names, with a generated webhook password", async () => {
    const e = await example("custom");
    expect(created(e).filter((c) => !c.startsWith("ServiceHookSubscription"))).toEqual([
      "Application review-bot-app",
      "ApplicationPassword review-bot-secret-a",
      "ApplicationPassword review-bot-secret-b",
      "RandomPassword review-bot-webhook-password",
      "ServicePrincipal review-bot-sp",
    ]);
    expect(scopeIds(app(e, "review-bot-app"), ADO_APP)).toEqual([`${ADO["vso.code"]}/Scope`]);
    expect(e.resources.filter((r) => r.type.includes("ServiceHookSubscription"))).toHaveLength(6 * 2);
    expect((e.outputs.fields as any)["review-bot"]["Webhook Password"]).toBe("[secret]");
  });
});

describe("the variableGroup store", () => {
  it("writes every form value as a variable, secret values as secret variables, the map secret in state", async () => {
    const e = await evaluateStack({ projectDir: root, stack: "prod", now: NOW });
    const group = e.recorded.find((r) => r.type === TOKENS.variableGroup)!;
    expect(group.inputs).toMatchObject({ name: "ado-integrations-prod", projectName: "platform-api" });
    const wrapped = group.inputs.variables as Record<string, unknown>;
    expect(wrapped["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    const variables = wrapped.value as Record<string, { value: string; isSecret: boolean }>;
    const keys = (e.outputs.configStoreKeys as { key: string; secret: boolean; store: string }[]).filter((k) => k.store === "variableGroup");
    expect(Object.keys(variables).sort()).toEqual(keys.map((k) => k.key).sort());
    const secrets = Object.entries(variables)
      .filter(([, v]) => v.isSecret)
      .map(([k]) => k)
      .sort();
    expect(secrets).toEqual(["gitpod.Client_Secret", "spacelift.Personal_access_token", "terrakube.Client_Secret"]);
    expect(variables["infrakitchen.Azure_Access_Token"]).toEqual({
      value: "@Microsoft.KeyVault(SecretUri=https://contoso-platform-kv.vault.azure.net/secrets/infrakitchen-pat)",
      isSecret: false,
    });
    expect(variables["spacelift.Webhook_endpoint"]).toEqual({ value: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7p4", isSecret: false });
  });
});

describe("Entra details a real tenant depends on", () => {
  it("writes secret end dates in whole seconds, as the provider reads them back (no replacement on every up)", async () => {
    const e = await example("gitpod");
    const ends = e.resources.filter((r) => r.type === "azuread:index/applicationPassword:ApplicationPassword").map((r) => (r.inputs as any).endDate);
    expect(ends).toHaveLength(2);
    for (const end of ends) expect(end).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("keeps the deploying identity as an owner of the app and its service principal, next to configured owners", async () => {
    const e = await evaluateStack({ projectDir: root, stack: "prod", now: NOW });
    const deployer = stableGuid("offline-deployer");
    const gitpodApp = app(e, "gitpod-app");
    expect(gitpodApp.owners).toEqual([deployer, "2b6f3c1e-8d4a-4f0e-9c7b-5a1d2e3f4a5b"].sort());
    const sp = e.resources.find((r) => r.name === "gitpod-sp")!.inputs as any;
    expect(sp.owners).toEqual(gitpodApp.owners);
    expect(app(e, "gitpod-app").displayName).toBe("Gitpod / Ona (contoso, prod)");
  });

  it("reads scope IDs from the tenant's Azure DevOps principal, and from Microsoft's published list on a fresh tenant, without creating it", async () => {
    const withIt = await example("gitpod");
    expect((withIt.outputs.tenant as any).azureDevOpsScopeIds).toBe("tenant");
    const fresh = await evaluateStack({
      projectDir: root,
      stack: "example",
      stackFile: path.join(root, "examples", "gitpod.yaml"),
      now: NOW,
      tenant: { hasAzureDevOps: false },
    });
    expect((fresh.outputs.tenant as any).azureDevOpsScopeIds).toBe("published");
    expect(scopeIds(app(fresh, "gitpod-app"), ADO_APP)).toEqual([`${ADO["vso.code_write"]}/Scope`, `${ADO["vso.profile"]}/Scope`]);
    // Microsoft's principals are looked up only, never declared as resources.
    for (const e of [withIt, fresh]) {
      expect(e.resources.filter((r) => r.type === "azuread:index/servicePrincipal:ServicePrincipal" && ["499b84ac-1321-427f-aa17-267ca6975798", "00000003-0000-0000-c000-000000000000"].includes((r.inputs as any).clientId))).toEqual([]);
    }
  });
});
