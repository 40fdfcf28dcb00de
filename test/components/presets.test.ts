import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateStack, type Evaluation } from "../../components/offline/evaluate";
import { stableGuid } from "../../components/offline/ids";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS as ADO, PUBLISHED_GRAPH_SCOPE_IDS as GRAPH } from "../../components/entra/published-ids";
import { NOW } from "../helpers";
import { TOKENS } from "../../provider/schema";

const root = path.resolve(__dirname, "../..");
const example = (tool: string) => evaluateStack({ projectDir: root, stack: "example", stackFile: path.join(root, "examples", `${tool}.yaml`), now: NOW });

/** Records that live only in the stack's state (who created an app, a PAT's hand-over): nothing a tool's setup needs. */
const STATE_ONLY: readonly string[] = [TOKENS.recordedValue, TOKENS.patHandoff];

/** The cloud resources (not components, not state-only records) as `type name`, sorted. */
const created = (e: Evaluation) =>
  e.resources
    .filter((r) => !r.type.startsWith("ado-integrations:") && !STATE_ONLY.includes(r.type))
    .map((r) => `${r.type.split(":").pop()} ${r.name}`)
    .sort();

const app = (e: Evaluation, name: string) => e.resources.find((r) => r.type === "azuread:index/application:Application" && r.name === name)!.inputs as any;
const scopeIds = (inputs: any, resourceAppId: string) =>
  (inputs.requiredResourceAccesses as any[]).find((r) => r.resourceAppId === resourceAppId)?.resourceAccesses.map((a: any) => `${a.id}/${a.type}`) ?? [];
const ADO_APP = "499b84ac-1321-427f-aa17-267ca6975798";
const GRAPH_APP = "00000003-0000-0000-c000-000000000000";

describe("each preset creates what its tool needs and nothing more", () => {
  it("gitpod: Gitpod Classic's form (with the redirect URI) and an Ona runner's (host, issuer), each on its own app", async () => {
    const e = await example("gitpod");
    expect(created(e)).toEqual([
      "Application gitpod-app",
      "Application ona-app",
      "ApplicationPassword gitpod-secret-a",
      "ApplicationPassword gitpod-secret-b",
      "ApplicationPassword ona-secret-a",
      "ApplicationPassword ona-secret-b",
      "ServicePrincipal gitpod-sp",
      "ServicePrincipal ona-sp",
    ]);
    const classic = app(e, "gitpod-app");
    expect(classic.web).toEqual({ redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"], implicitGrant: { idTokenIssuanceEnabled: false } });
    // The Ona runner checks ID tokens against the v2.0 issuer.
    expect(app(e, "ona-app").web).toEqual({ redirectUris: ["https://ona-runner.contoso.example/auth/oauth2/callback"], implicitGrant: { idTokenIssuanceEnabled: true } });
    for (const name of ["gitpod-app", "ona-app"]) {
      expect(scopeIds(app(e, name), ADO_APP)).toEqual([`${ADO["vso.code_write"]}/Scope`, `${ADO["vso.profile"]}/Scope`]);
      expect(scopeIds(app(e, name), GRAPH_APP)).toEqual([`${GRAPH["User.Read"]}/Scope`]);
    }
    const fields = e.outputs.fields as any;
    expect(Object.keys(fields.gitpod)).toEqual(["Authorization URL", "Token URL", "Client ID", "Client Secret", "Redirect URI"]);
    expect(fields.gitpod["Token URL"]).toMatch(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/oauth2\/v2\.0\/token$/);
    expect(fields.gitpod["Redirect URI"]).toBe("https://gitpod.contoso.example/auth/azure-devops/callback");
    expect(Object.keys(fields.ona)).toEqual(["Host", "Client ID", "Issuer URL", "Client Secret"]);
    expect(fields.ona.Host).toBe("dev.azure.com/contoso");
    expect(fields.ona["Issuer URL"]).toMatch(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/);
    expect(fields.ona["Client Secret"]).toBe("[secret]");
  });

  it("bytebase: nothing in Entra ID or Azure DevOps, no form values (its pipelines call Bytebase as a Bytebase service account)", async () => {
    const e = await example("bytebase");
    expect(created(e)).toEqual([]);
    expect(e.outputs.integrations).toEqual({ bytebase: { preset: "bytebase", mode: "pipeline" } });
    expect(e.outputs.fields).toEqual({});
  });

  it("terrakube: a service principal in the organization and projects; a federated credential and no secret, or rotated secrets as the fallback", async () => {
    const e = await example("terrakube");
    expect(created(e)).toEqual([
      "Application terrakube-app",
      "Application terrakube-secret-app",
      "ApplicationFederatedIdentityCredential terrakube-workload-credential",
      "ApplicationPassword terrakube-secret-secret-a",
      "ApplicationPassword terrakube-secret-secret-b",
      "ServicePrincipal terrakube-secret-sp",
      "ServicePrincipal terrakube-sp",
      "ServicePrincipalEntitlement terrakube-entitlement",
      "ServicePrincipalEntitlement terrakube-secret-entitlement",
    ]);
    for (const name of ["terrakube-app", "terrakube-secret-app"]) {
      expect(app(e, name).requiredResourceAccesses).toEqual([]);
      expect(app(e, name).web).toBeUndefined();
    }
    expect(e.resources.some((r) => r.type.includes("ServiceHookSubscription"))).toBe(false);

    // The federated credential belongs to the app and trusts the Terrakube API's service account only.
    const appObjectId = e.recorded.find((r) => r.type === "azuread:index/application:Application" && r.name === "terrakube-app")!.state.objectId;
    const credential = e.resources.find((r) => r.name === "terrakube-workload-credential")!.inputs as any;
    expect(credential).toEqual({
      applicationId: `/applications/${appObjectId}`,
      displayName: "ado-integrations",
      description: "Tokens of system:serviceaccount:terrakube:terrakube-api, issued by https://westeurope.oic.prod-aks.azure.com/0f8e4c2a-7b1d-4e6f-9a3c-5d2b1e0f7a6c/3c9d5e7f-1a2b-4c6d-8e0f-2a4b6c8d0e1f/",
      audiences: ["api://AzureADTokenExchange"],
      issuer: "https://westeurope.oic.prod-aks.azure.com/0f8e4c2a-7b1d-4e6f-9a3c-5d2b1e0f7a6c/3c9d5e7f-1a2b-4c6d-8e0f-2a4b6c8d0e1f/",
      subject: "system:serviceaccount:terrakube:terrakube-api",
    });

    // Each app's own service principal joins with Basic access and the selected projects' Contributors.
    const projectId = (name: string) => Object.keys(e.projectNames).find((id) => e.projectNames[id] === name);
    const entitlement = (name: string) => e.resources.find((r) => r.type === TOKENS.servicePrincipalEntitlement && r.name === name)!.inputs as any;
    const spObjectId = (name: string) => e.recorded.find((r) => r.type === "azuread:index/servicePrincipal:ServicePrincipal" && r.name === name)!.state.objectId;
    expect(entitlement("terrakube-entitlement")).toMatchObject({
      accessLevel: "basic",
      servicePrincipalObjectId: spObjectId("terrakube-sp"),
      projects: ["infra", "platform-api", "platform-data", "platform-web"].map((p) => ({ projectId: projectId(p), group: "Contributors" })),
    });
    expect(entitlement("terrakube-secret-entitlement")).toMatchObject({ accessLevel: "basic", servicePrincipalObjectId: spObjectId("terrakube-secret-sp"), projects: [{ projectId: projectId("infra"), group: "Contributors" }] });

    const fields = e.outputs.fields as any;
    expect(Object.keys(fields.terrakube)).toEqual(["Managed Identity App ID", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"]);
    expect(fields.terrakube["Managed Identity App ID"]).toBe(fields.terrakube.AZURE_CLIENT_ID);
    expect(Object.keys(fields["terrakube-secret"])).toEqual(["Managed Identity App ID", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"]);
    expect(fields["terrakube-secret"].AZURE_CLIENT_SECRET).toBe("[secret]");
    expect((e.outputs.integrations as any).terrakube.entraApp.secretRotation).toBeUndefined();
    expect((e.outputs.integrations as any)["terrakube-secret"].entraApp.secretRotation.slots.map((x: any) => x.slot)).toEqual(["a", "b"]);
  });

  it("spacelift: five events on each selected project, basic auth with an empty user and Spacelift's secret, the form's three fields", async () => {
    const e = await example("spacelift");
    const hooks = e.resources.filter((r) => r.type === TOKENS.serviceHookSubscription);
    // infra + the three platform-* projects of the offline organization, five events each, none listed in the config.
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
    // No generated password: the secret is Spacelift's.
    expect(created(e).filter((c) => !c.startsWith("ServiceHookSubscription"))).toEqual([]);
    expect(hooks.map((h) => h.name)).toContain("spacelift-hooks-platform-api-pr-commented");
    expect((e.outputs.fields as any).spacelift).toEqual({
      "Organization URL": "https://dev.azure.com/contoso",
      "User facing host URL": "https://dev.azure.com/contoso",
      "Personal access token": "[secret]",
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
    expect(secrets).toEqual(["gitpod.Client_Secret", "spacelift.Personal_access_token", "terrakube.AZURE_CLIENT_SECRET"]);
    expect(variables["infrakitchen.Azure_Access_Token"]).toEqual({
      value: "@Microsoft.KeyVault(SecretUri=https://contoso-platform-kv.vault.azure.net/secrets/infrakitchen-pat)",
      isSecret: false,
    });
    expect(variables["spacelift.User_facing_host_URL"]).toEqual({ value: "https://dev.azure.com/contoso", isSecret: false });
    expect(variables["spacelift.Webhook_endpoint"]).toBeUndefined();
  });
});

describe("Entra details a real tenant depends on", () => {
  it("writes secret end dates in whole seconds, as the provider reads them back (no replacement on every up)", async () => {
    const e = await example("gitpod");
    const ends = e.resources.filter((r) => r.type === "azuread:index/applicationPassword:ApplicationPassword").map((r) => (r.inputs as any).endDate);
    // Two slots for each of the example's two apps.
    expect(ends).toHaveLength(4);
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
