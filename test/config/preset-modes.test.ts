import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { configSource, NOW } from "../helpers";

const SECRETS: Record<string, string> = { hookPassword: "pw", spaceliftPat: "pat" };

/** The model of a stack with these integrations; the secret keys they name are set, as secrets. */
function parse(...integrations: Record<string, unknown>[]) {
  const text = JSON.stringify(integrations);
  const referenced = Object.fromEntries(Object.entries(SECRETS).filter(([k]) => text.includes(`"${k}"`)));
  return parseStackConfig(configSource({ ...referenced, organization: "contoso", integrations }, Object.keys(referenced)), { now: NOW });
}

/** Every problem a stack with these integrations has. */
function problemsOf(...integrations: Record<string, unknown>[]): readonly string[] {
  try {
    parse(...integrations);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

const spacelift = {
  name: "spacelift",
  preset: "spacelift",
  serviceHooks: { url: "https://contoso.app.spacelift.io/webhooks/azure_devops/abc", passwordSecret: "hookPassword", projects: ["infra"] },
  pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] },
};
const SPACELIFT_EVENTS = ["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"];
const workloadIdentity = { issuer: "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/", subject: "system:serviceaccount:terrakube:terrakube-api" };

describe("terrakube", () => {
  it("signs in as a service principal by default: no delegated scope, no redirect, Basic in the organization, Contributors in its projects", () => {
    const [t] = parse({ name: "terrakube", preset: "terrakube", servicePrincipal: { projects: ["infra"] } }).integrations;
    expect(t!.mode).toBe("servicePrincipal");
    expect(t!.entraApp).toMatchObject({ adoScopes: [], graphScopes: [], redirectUris: [] });
    expect(t!.servicePrincipal).toEqual({ accessLevel: "basic", projects: ["infra"], exclude: [], group: "Contributors" });
    expect(t!.workloadIdentity).toBeUndefined();
    expect(t!.fields.map((f) => [f.label, f.source])).toEqual([
      ["Managed Identity App ID", "clientId"],
      ["AZURE_CLIENT_ID", "clientId"],
      ["AZURE_TENANT_ID", "tenantId"],
      ["AZURE_CLIENT_SECRET", "clientSecret"],
    ]);
  });

  it("with workloadIdentity, keeps the issuer and subject and hands on no client secret", () => {
    const [t] = parse({ name: "terrakube", preset: "terrakube", workloadIdentity }).integrations;
    expect(t!.workloadIdentity).toEqual(workloadIdentity);
    expect(t!.fields.map((f) => f.label)).toEqual(["Managed Identity App ID", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"]);
  });

  it("refuses mode oauth with the reason and the migration", () => {
    expect(problemsOf({ name: "terrakube", preset: "terrakube", mode: "oauth", entraApp: { redirectUris: ["https://terrakube-api.contoso.example/callback/v1/vcs/3f1c"] } })).toEqual([
      'integrations[0].mode: terrakube no longer supports mode "oauth": Terrakube\'s Azure DevOps OAuth-app flow is deprecated and no longer works (Azure DevOps OAuth apps are retired, and Terrakube\'s form now creates a service-principal connection, VCS type AZURE_SP_MI); use mode servicePrincipal (the default), remove entraApp.redirectUris, delete the old OAuth VCS provider in Terrakube and add Azure DevOps again with the Managed Identity App ID from this stack\'s fields',
    ]);
  });

  it("tells an old OAuth-style entry (a redirect URI, no mode) that the default signs in without one", () => {
    expect(problemsOf({ name: "terrakube", preset: "terrakube", entraApp: { redirectUris: ["https://terrakube-api.contoso.example/callback/v1/vcs/3f1c"] } })).toEqual([
      "integrations[0].entraApp.redirectUris: terrakube (mode servicePrincipal) signs in without a redirect: remove redirectUris",
    ]);
  });

  it("checks the workload identity's issuer and subject, and refuses a client secret field next to it", () => {
    expect(problemsOf({ name: "terrakube", preset: "terrakube", workloadIdentity: { issuer: "http://oidc.example/", subject: "" } })).toEqual([
      "integrations[0].workloadIdentity.issuer: must be an https URL",
      "integrations[0].workloadIdentity.subject: must not be empty",
    ]);
    expect(problemsOf({ name: "terrakube", preset: "terrakube", workloadIdentity: { issuer: workloadIdentity.issuer } })).toEqual(["integrations[0].workloadIdentity.subject: is required"]);
    expect(problemsOf({ name: "terrakube", preset: "terrakube", workloadIdentity, fields: { "Client ID": "clientId", "Client Secret": "clientSecret" } })).toEqual([
      "integrations[0].fields.Client Secret: takes its value from clientSecret, which this integration does not create",
    ]);
  });
});

describe("bytebase", () => {
  it("defaults to its pipeline mode, which creates nothing and hands nothing on", () => {
    const [b] = parse({ name: "bytebase", preset: "bytebase" }).integrations;
    expect(b).toMatchObject({ mode: "pipeline", fields: [] });
    expect(b!.entraApp).toBeUndefined();
    expect(b!.pat).toBeUndefined();
  });

  it("refuses mode oauth and mode pat, each with why it no longer works and what to do", () => {
    expect(problemsOf({ name: "bytebase", preset: "bytebase", mode: "oauth", entraApp: { redirectUris: ["https://bytebase.contoso.example/oauth/callback"] } })).toEqual([
      'integrations[0].mode: bytebase no longer supports mode "oauth": Bytebase\'s Azure DevOps OAuth flow posts to app.vssps.visualstudio.com/oauth2/token, the retired Azure DevOps OAuth service, so an Entra app cannot stand in for it; use mode pipeline (the default): Azure Pipelines run bytebase-action with a Bytebase service account, and Bytebase needs no Azure DevOps credential',
    ]);
    expect(problemsOf({ name: "bytebase", preset: "bytebase", mode: "pat", pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_full"] } })).toEqual([
      'integrations[0].mode: bytebase no longer supports mode "pat": Bytebase\'s Azure DevOps connector lists repositories through app.vssps.visualstudio.com/_apis/accounts, which only an all-organizations PAT can call, and those stopped working on 2026-12-01 (an organization-scoped PAT is refused there); use mode pipeline (the default): Azure Pipelines run bytebase-action with a Bytebase service account, and Bytebase needs no Azure DevOps credential',
    ]);
  });

  it("names the block an old entry carries that the pipeline mode does not use", () => {
    expect(problemsOf({ name: "bytebase", preset: "bytebase", entraApp: { redirectUris: ["https://bytebase.contoso.example/oauth/callback"] } })).toEqual([
      "integrations[0].entraApp: bytebase (mode pipeline) does not use entraApp: remove it, or use preset custom",
    ]);
  });
});

describe("gitpod and ona", () => {
  const redirectUris = ["https://gitpod.contoso.example/auth/azure-devops/callback"];

  it("preset gitpod is Gitpod Classic's form; preset ona (or mode ona) is the Ona runner's", () => {
    const [classic, ona, gitpodOna] = parse(
      { name: "gitpod", preset: "gitpod", entraApp: { redirectUris } },
      { name: "ona", preset: "ona", entraApp: { redirectUris } },
      { name: "gitpod-ona", preset: "gitpod", mode: "ona", entraApp: { redirectUris } },
    ).integrations;
    expect(classic).toMatchObject({ preset: "gitpod", mode: "classic", displayName: "Gitpod / Ona (contoso, dev)", entraApp: { idTokens: false } });
    expect(classic!.fields.map((f) => [f.label, f.source])).toEqual([
      ["Authorization URL", "authorizationUrl"],
      ["Token URL", "tokenUrl"],
      ["Client ID", "clientId"],
      ["Client Secret", "clientSecret"],
      ["Redirect URI", "redirectUri"],
    ]);
    for (const o of [ona, gitpodOna]) {
      expect(o).toMatchObject({ mode: "ona", entraApp: { idTokens: true, adoScopes: ["vso.code_write", "vso.profile"], graphScopes: ["User.Read"] } });
      expect(o!.fields.map((f) => [f.label, f.source])).toEqual([
        ["Host", "organizationHost"],
        ["Client ID", "clientId"],
        ["Issuer URL", "issuer"],
        ["Client Secret", "clientSecret"],
      ]);
    }
    expect(ona).toMatchObject({ preset: "ona", displayName: "Ona (contoso, dev)" });
  });

  it("refuses the old mode oauth, naming the two forms", () => {
    expect(problemsOf({ name: "gitpod", preset: "gitpod", mode: "oauth", entraApp: { redirectUris } })).toEqual([
      'integrations[0].mode: gitpod no longer supports mode "oauth": the oauth mode is now two modes with each form\'s fields: use mode classic for Gitpod Classic (Authorization URL, Token URL, Client ID, Client Secret, Redirect URI) or mode ona for an Ona runner (Host, Client ID, Issuer URL, Client Secret)',
    ]);
  });

  it("asks Ona for the runner's callback URL", () => {
    expect(problemsOf({ name: "ona", preset: "ona" })).toEqual([
      "integrations[0].entraApp.redirectUris: is required for ona: the callback URL Ona's runner dialog shows (Configure repository access > Azure DevOps (Entra ID) > Enable OAuth)",
    ]);
  });
});

describe("spacelift", () => {
  it("subscribes the five events Spacelift needs when the config lists none, and when it lists them all", () => {
    const [none] = parse(spacelift).integrations;
    expect(none!.serviceHooks!.events).toEqual(SPACELIFT_EVENTS);
    const [all] = parse({ ...spacelift, serviceHooks: { ...spacelift.serviceHooks, events: [...SPACELIFT_EVENTS].reverse() } }).integrations;
    expect(all!.serviceHooks!.events).toEqual(SPACELIFT_EVENTS);
    expect(none!.fields.map((f) => [f.label, f.source])).toEqual([
      ["Organization URL", "organizationUrl"],
      ["User facing host URL", "organizationUrl"],
      ["Personal access token", "pat"],
    ]);
  });

  it("refuses a list that leaves out events Spacelift needs, naming them", () => {
    expect(problemsOf({ ...spacelift, serviceHooks: { ...spacelift.serviceHooks, events: ["git.push", "git.pullrequest.created"] } })).toEqual([
      "integrations[0].serviceHooks.events: leaves out git.pullrequest.merged, git.pullrequest.updated, ms.vss-code.git-pullrequest-comment-event, which Spacelift needs: the needed events are always subscribed, so list only the events to add, or all of git.push, git.pullrequest.created, git.pullrequest.merged, git.pullrequest.updated, ms.vss-code.git-pullrequest-comment-event",
    ]);
  });

  it("requires passwordSecret: the webhook secret is Spacelift's, never generated", () => {
    expect(problemsOf({ ...spacelift, serviceHooks: { url: spacelift.serviceHooks.url, projects: ["infra"] } })).toEqual([
      "integrations[0].serviceHooks.passwordSecret: is required for spacelift: Spacelift issues the webhook secret, so none is generated; store it with `pulumi config set --secret <key> <value>` and name the key here",
    ]);
  });

  it("refuses a workload identity, which only a preset signing in through Azure's credential chain uses", () => {
    expect(problemsOf({ ...spacelift, workloadIdentity })).toEqual(["integrations[0].workloadIdentity: spacelift (mode pat) does not use workloadIdentity: remove it, or use preset custom"]);
  });
});

describe("events for other presets and custom", () => {
  it("a custom tool subscribes exactly the events its config lists", () => {
    const [c] = parse({ name: "bot", preset: "custom", serviceHooks: { url: "https://bot.contoso.example/hooks", projects: ["infra"], events: ["git.push"] } }).integrations;
    expect(c!.serviceHooks!.events).toEqual(["git.push"]);
    expect(c!.serviceHooks!.password).toEqual({ kind: "generated" });
  });
});
