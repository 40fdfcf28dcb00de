import { describe, expect, it } from "vitest";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS as ADO, PUBLISHED_GRAPH_SCOPE_IDS as GRAPH } from "../../components/entra/published-ids";
import { credentialKind, isSecretFieldName, parseAppTags, POLICY_NAMES, RESOURCE_TYPES, runPolicies, type PlanResource } from "../../policies/policies";
import { isOfflineSecret } from "../../components/offline/evaluate";
import { OFFLINE_SECRET_PREFIX } from "../../components/offline/mocks";
import { NOW } from "../helpers";

const ADO_APP = "499b84ac-1321-427f-aa17-267ca6975798";
const GRAPH_APP = "00000003-0000-0000-c000-000000000000";

/** The messages one policy reports for one resource under the default config. */
const messages = (policy: string, resource: PlanResource, config = {}) =>
  runPolicies([resource], config, NOW)
    .filter((r) => r.policy === policy)
    .map((r) => r.message);

/** The gitpod app registration as the program registers it (see examples/gitpod.yaml). */
const gitpodApp = (overrides: Record<string, unknown> = {}): PlanResource => ({
  type: RESOURCE_TYPES.application,
  name: "gitpod-app",
  inputs: {
    displayName: "Gitpod / Ona (contoso)",
    signInAudience: "AzureADMyOrg",
    preventDuplicateNames: true,
    web: { redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"], implicitGrant: { idTokenIssuanceEnabled: true } },
    requiredResourceAccesses: [
      {
        resourceAppId: ADO_APP,
        resourceAccesses: [
          { id: ADO["vso.code_write"], type: "Scope" },
          { id: ADO["vso.profile"], type: "Scope" },
        ],
      },
      { resourceAppId: GRAPH_APP, resourceAccesses: [{ id: GRAPH["User.Read"], type: "Scope" }] },
    ],
    tags: [
      "ado-integrations",
      "ado-integrations:integration=gitpod",
      "ado-integrations:preset=gitpod",
      "ado-integrations:needs=vso.code_write,vso.profile",
      "ado-integrations:allow-broad=",
    ],
    ...overrides,
  },
});

const adoScopes = (...names: (keyof typeof ADO)[]) => [
  { resourceAppId: ADO_APP, resourceAccesses: names.map((n) => ({ id: ADO[n], type: "Scope" })) },
];

describe("the pack", () => {
  it("has the policies the issue asks for, each with a failing and a passing case below", () => {
    expect(POLICY_NAMES).toEqual([
      "ado-scopes-within-preset",
      "no-application-permissions",
      "redirect-uris-https",
      "client-secret-lifetime",
      "client-secret-rotation",
      "service-hook-https",
      "service-hook-basic-auth",
      "pat-expiry",
      "pat-not-global",
      "pat-expiring-soon",
      "pat-scopes-within-need",
      "config-store-secrets-secret",
    ]);
  });

  it("reports nothing for the gitpod app as the program builds it", () => {
    expect(runPolicies([gitpodApp()], {}, NOW)).toEqual([]);
  });
});

describe("ado-scopes-within-preset", () => {
  const policy = "ado-scopes-within-preset";

  it("accepts scopes the preset needs, and narrower ones they imply", () => {
    expect(messages(policy, gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.code", "vso.profile") }))).toEqual([]);
  });

  it("reports a broad scope that allow-broad does not list", () => {
    expect(messages(policy, gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.code_full") }))).toEqual([
      "requests vso.code_full, a broad scope that allow-broad does not list (none): list it in entraApp.allowBroadScopes only if the tool cannot work without it",
    ]);
  });

  it("reports user_impersonation like the other broad scopes", () => {
    expect(messages(policy, gitpodApp({ requiredResourceAccesses: adoScopes("user_impersonation") }))).toEqual([
      "requests user_impersonation, a broad scope that allow-broad does not list (none): list it in entraApp.allowBroadScopes only if the tool cannot work without it",
    ]);
  });

  it("accepts a broad scope where allow-broad lists it and the preset needs it (bytebase)", () => {
    const bytebase = gitpodApp({
      requiredResourceAccesses: adoScopes("vso.code_full", "vso.identity", "vso.project"),
      tags: ["ado-integrations", "ado-integrations:preset=bytebase", "ado-integrations:needs=vso.code_full,vso.identity,vso.project", "ado-integrations:allow-broad=vso.code_full"],
    });
    expect(messages(policy, bytebase)).toEqual([]);
  });

  it("reports a scope beyond what the preset needs, even when allow-broad lists it", () => {
    const app = gitpodApp({
      requiredResourceAccesses: adoScopes("vso.code_write", "vso.work", "vso.code_manage"),
      tags: ["ado-integrations", "ado-integrations:preset=gitpod", "ado-integrations:needs=vso.code_write,vso.profile", "ado-integrations:allow-broad=vso.code_manage"],
    });
    expect(messages(policy, app)).toEqual([
      "requests vso.work, beyond what preset gitpod needs (vso.code_write, vso.profile): remove it, or use preset custom and list it in entraApp.scopes",
      "requests vso.code_manage, beyond what preset gitpod needs (vso.code_write, vso.profile): remove it, or use preset custom and list it in entraApp.scopes",
    ]);
  });

  it("reports an ID that is not a published Azure DevOps scope", () => {
    const app = gitpodApp({ requiredResourceAccesses: [{ resourceAppId: ADO_APP, resourceAccesses: [{ id: "00000000-1111-2222-3333-444444444444", type: "Scope" }] }] });
    expect(messages(policy, app)).toEqual([
      "requests Azure DevOps scope ID 00000000-1111-2222-3333-444444444444, which is not a scope Microsoft publishes: request scopes by name (entraApp.scopes)",
    ]);
  });

  it("reports an app of ours that lost its needs tag", () => {
    const app = gitpodApp({ tags: ["ado-integrations", "ado-integrations:preset=gitpod"] });
    expect(messages(policy, app)).toEqual([
      "has the ado-integrations tag but no ado-integrations:needs= tag, so what its preset needs is unknown: create it through the program, which tags it",
    ]);
  });

  it("checks only broad scopes on an app without the ado-integrations tag", () => {
    expect(messages(policy, gitpodApp({ tags: undefined, requiredResourceAccesses: adoScopes("vso.work", "vso.build") }))).toEqual([]);
    expect(messages(policy, gitpodApp({ tags: ["team-app"], requiredResourceAccesses: adoScopes("vso.code_manage") }))).toEqual([
      "requests vso.code_manage, a broad scope that allow-broad does not list (none): list it in entraApp.allowBroadScopes only if the tool cannot work without it",
    ]);
  });

  it("reads the tags the program writes", () => {
    expect(parseAppTags(["ado-integrations", "ado-integrations:needs=vso.code, vso.code_status", "ado-integrations:allow-broad="])).toEqual({
      owned: true,
      integration: undefined,
      preset: undefined,
      needs: ["vso.code", "vso.code_status"],
      allowBroad: [],
    });
  });
});

describe("no-application-permissions", () => {
  const policy = "no-application-permissions";

  it("accepts delegated scopes only", () => {
    expect(messages(policy, gitpodApp())).toEqual([]);
  });

  it("reports an application permission on Azure DevOps and on Microsoft Graph", () => {
    const app = gitpodApp({
      requiredResourceAccesses: [
        { resourceAppId: ADO_APP, resourceAccesses: [{ id: ADO["vso.code"], type: "Scope" }, { id: "ee69721e-6c3a-468f-a9ec-302d16a4c599", type: "Role" }] },
        { resourceAppId: GRAPH_APP, resourceAccesses: [{ id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7", type: "Role" }] },
      ],
    });
    expect(messages(policy, app)).toEqual([
      "requests application permission ee69721e-6c3a-468f-a9ec-302d16a4c599 (Role) on Azure DevOps: integrations get delegated scopes (Scope) only",
      "requests application permission 19dbc75e-c2e2-444c-a770-ec69d8559fc7 (Role) on Microsoft Graph: integrations get delegated scopes (Scope) only",
    ]);
  });
});

describe("redirect-uris-https", () => {
  const policy = "redirect-uris-https";
  const withUris = (redirectUris: string[], spa: string[] = []) => gitpodApp({ web: { redirectUris }, singlePageApplication: { redirectUris: spa } });

  it("accepts https, and http on localhost, 127.0.0.1 and [::1]", () => {
    expect(messages(policy, withUris(["https://a.example/cb", "http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb"]))).toEqual([]);
  });

  it("reports http elsewhere (a look-alike of localhost too), in web and single-page URIs, and an unreadable URI", () => {
    expect(messages(policy, withUris(["http://gitpod.contoso.example/cb", "http://localhost.evil.example/cb", "not a url"], ["http://spa.contoso.example/"]))).toEqual([
      "redirect URI http://gitpod.contoso.example/cb is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text",
      "redirect URI http://localhost.evil.example/cb is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text",
      "redirect URI not a url is not a valid URL",
      "redirect URI http://spa.contoso.example/ is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text",
    ]);
  });
});

/** A client-secret slot as the program registers it. */
const secretSlot = (inputs: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.applicationPassword,
  name: "gitpod-secret-a",
  inputs: { applicationId: "/applications/c3a4a8c9-8882-535a-abfb-4d13665026b7", displayName: "ado-integrations slot a", ...inputs },
});
const rotation = { slot: "a", window: "230", periodDays: "180" };

describe("client-secret-lifetime", () => {
  const policy = "client-secret-lifetime";

  it("accepts an end date exactly 730 days away (2028 is a leap year)", () => {
    expect(messages(policy, secretSlot({ endDate: "2028-11-21T12:00:00.000Z", rotateWhenChanged: rotation }))).toEqual([]);
  });

  it("reports an end date a day further", () => {
    expect(messages(policy, secretSlot({ endDate: "2028-11-22T12:00:00.000Z", rotateWhenChanged: rotation }))).toEqual([
      "endDate 2028-11-22T12:00:00.000Z is 731 days away, over the 730-day maximum: lower entraApp.secretRotationDays",
    ]);
  });

  it("takes the maximum from the pack config", () => {
    const slot = secretSlot({ endDate: "2027-06-01T00:00:00.000Z", rotateWhenChanged: rotation });
    expect(messages(policy, slot, { [policy]: { maxLifetimeDays: 365 } })).toEqual([]);
    expect(messages(policy, slot, { [policy]: { maxLifetimeDays: 180 } })).toEqual([
      "endDate 2027-06-01T00:00:00.000Z is 191 days away, over the 180-day maximum: lower entraApp.secretRotationDays",
    ]);
  });

  it("reports a secret with no end date, and reads the deprecated endDateRelative", () => {
    expect(messages(policy, secretSlot({ rotateWhenChanged: rotation }))).toEqual([
      "has no endDate, so Entra ID picks the secret's lifetime: set endDate at most 730 days ahead (entraApp.secretRotationDays)",
    ]);
    expect(messages(policy, secretSlot({ endDateRelative: "4320h", rotateWhenChanged: rotation }))).toEqual([]);
    expect(messages(policy, secretSlot({ endDateRelative: "17544h", rotateWhenChanged: rotation }))).toEqual([
      "endDateRelative 17544h is 731 days, over the 730-day maximum: lower entraApp.secretRotationDays",
    ]);
    expect(messages(policy, secretSlot({ endDate: "next year", rotateWhenChanged: rotation }))).toEqual(["endDate next year is not an RFC 3339 date"]);
  });
});

describe("client-secret-rotation", () => {
  const policy = "client-secret-rotation";

  it("accepts a secret with rotation keys", () => {
    expect(messages(policy, secretSlot({ endDate: "2027-01-01T00:00:00.000Z", rotateWhenChanged: rotation }))).toEqual([]);
  });

  it("reports a secret without them", () => {
    const expected = ["has no rotateWhenChanged keys, so the secret is never replaced before it expires: create it through the program, which rotates it in two slots"];
    expect(messages(policy, secretSlot({ endDate: "2027-01-01T00:00:00.000Z" }))).toEqual(expected);
    expect(messages(policy, secretSlot({ endDate: "2027-01-01T00:00:00.000Z", rotateWhenChanged: {} }))).toEqual(expected);
  });
});

/** A Spacelift push hook as the program registers it, with the password still in its secret envelope. */
const hook = (inputs: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.serviceHookSubscription,
  name: "spacelift-hooks-infra-push",
  inputs: {
    organizationUrl: "https://dev.azure.com/contoso",
    projectId: "3d917b14-0ec2-59d6-8641-071321591e82",
    eventType: "git.push",
    filters: {},
    url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2",
    basicAuthUsername: "",
    basicAuthPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "webhook-password-from-spacelift" },
    resourceDetailsToSend: "all",
    messagesToSend: "none",
    detailedMessagesToSend: "none",
    ...inputs,
  },
});

describe("service-hook-https", () => {
  const policy = "service-hook-https";

  it("accepts an https URL", () => {
    expect(messages(policy, hook({}))).toEqual([]);
  });

  it("reports http (showing only the origin), credentials in the URL, and a missing URL", () => {
    expect(messages(policy, hook({ url: "http://hooks.contoso.example/azure?token=abc" }))).toEqual([
      "url http://hooks.contoso.example is not https: Azure DevOps would send the basic-auth password and the payload in clear text",
    ]);
    expect(messages(policy, hook({ url: "https://bot:hunter2@hooks.contoso.example/azure" }))).toEqual([
      "url carries a user name or password: put credentials in basic auth (serviceHooks.passwordSecret), never in the URL",
    ]);
    expect(messages(policy, hook({ url: undefined }))).toEqual(["has no url"]);
  });
});

describe("service-hook-basic-auth", () => {
  const policy = "service-hook-basic-auth";
  const expected = ["has no basic-auth password: the receiver cannot tell Azure DevOps from anyone else; set serviceHooks.passwordSecret, or leave it out to have one generated"];

  it("accepts a password, including the plan's [secret] mark", () => {
    expect(messages(policy, hook({}))).toEqual([]);
    expect(messages(policy, hook({ basicAuthPassword: "[secret]" }))).toEqual([]);
  });

  it("reports a missing, empty or blank password, opening its secret envelope first", () => {
    expect(messages(policy, hook({ basicAuthPassword: undefined }))).toEqual(expected);
    expect(messages(policy, hook({ basicAuthPassword: "  " }))).toEqual(expected);
    expect(messages(policy, hook({ basicAuthPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "" } }))).toEqual(expected);
  });
});

/** The spacelift PAT reference as the program registers it. */
const pat = (inputs: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.patReference,
  name: "spacelift-pat",
  inputs: { sourceKind: "config", expiresOn: "2027-01-31", scopes: ["vso.code_write"], neededScopes: ["vso.code_write"], allOrganizations: false, owner: "platform-bot@contoso.example", ...inputs },
});

describe("pat-expiry", () => {
  const policy = "pat-expiry";

  it("accepts a PAT valid for another 70 days", () => {
    expect(messages(policy, pat({}))).toEqual([]);
  });

  it("reports an expired PAT", () => {
    expect(messages(policy, pat({ expiresOn: "2026-11-01" }))).toEqual([
      "pat.expiresOn: the PAT expired on 2026-11-01 (21 days ago): create a new one, store it, and update expiresOn",
    ]);
  });

  it("reports a PAT living over a year, counted from createdOn or from today", () => {
    expect(messages(policy, pat({ createdOn: "2026-11-01", expiresOn: "2027-11-02" }))).toEqual([
      "pat.expiresOn: the PAT lives 366 days (2026-11-01 to 2027-11-02), over the 365-day maximum: create one that expires within a year",
    ]);
    expect(messages(policy, pat({ expiresOn: "2027-12-01" }))).toEqual([
      "pat.expiresOn: the PAT expires 374 days from today, over the 365-day maximum: create one that expires within a year",
    ]);
  });

  it("reports an unreadable expiry date", () => {
    expect(messages(policy, pat({ expiresOn: "2027-02-30" }))).toEqual(["pat.expiresOn: must be a date written YYYY-MM-DD"]);
  });
});

describe("pat-not-global", () => {
  const policy = "pat-not-global";
  const expected = ["pat.allOrganizations: all-organizations (global) PATs stop working on 2026-12-01: create a PAT scoped to this organization only"];

  it("accepts an organization-scoped PAT", () => {
    expect(messages(policy, pat({}))).toEqual([]);
  });

  it("reports a global PAT, even when its expiry date is unreadable", () => {
    expect(messages(policy, pat({ allOrganizations: true }))).toEqual(expected);
    expect(messages(policy, pat({ allOrganizations: true, expiresOn: "soon" }))).toEqual(expected);
  });
});

describe("pat-expiring-soon", () => {
  const policy = "pat-expiring-soon";

  it("accepts a PAT outside the 30-day window", () => {
    expect(messages(policy, pat({ expiresOn: "2026-12-23" }))).toEqual([]);
  });

  it("reports one inside it, as advisory, and follows warningDays from the config", () => {
    const soon = pat({ expiresOn: "2026-12-10" });
    expect(runPolicies([soon], {}, NOW)).toEqual([
      {
        policy,
        enforcement: "advisory",
        resource: "spacelift-pat",
        message: "pat.expiresOn: the PAT expires on 2026-12-10, in 18 days (warning window 30 days): rotate it",
      },
    ]);
    expect(messages(policy, soon, { [policy]: { warningDays: 14 } })).toEqual([]);
  });
});

describe("pat-scopes-within-need", () => {
  const policy = "pat-scopes-within-need";

  it("accepts exactly the scopes the tool needs", () => {
    expect(messages(policy, pat({}))).toEqual([]);
  });

  it("reports scopes beyond the need and scopes missing from it", () => {
    expect(messages(policy, pat({ scopes: ["vso.code_manage"] }))).toEqual([
      "pat.scopes: vso.code_manage is more than the tool needs (vso.code_write): create a PAT with only those",
    ]);
    expect(messages(policy, pat({ scopes: ["vso.code"] }))).toEqual(["pat.scopes: the tool needs vso.code_write, which these scopes do not grant"]);
  });
});

/** A config-store variable group with the given variables. */
const group = (variables: Record<string, { value?: string; isSecret: boolean }>): PlanResource => ({
  type: RESOURCE_TYPES.variableGroup,
  name: "config-store",
  inputs: { organizationUrl: "https://dev.azure.com/contoso", project: "platform", name: "ado-integrations-dev", description: "Form values", variables },
});

describe("config-store-secrets-secret", () => {
  const policy = "config-store-secrets-secret";

  it("accepts secret fields stored as secrets, plain fields in the clear, and a Key Vault reference", () => {
    const ok = group({
      "gitpod.Client_ID": { value: "b71da0e6-0179-510f-bc50-9ae8b12f5992", isSecret: false },
      "gitpod.Token_URL": { value: "https://login.microsoftonline.com/tenant/oauth2/v2.0/token", isSecret: false },
      "gitpod.Client_Secret": { isSecret: true },
      "spacelift.Personal_access_token": { value: "[secret]", isSecret: true },
      "infrakitchen.Azure_Access_Token": { value: "@Microsoft.KeyVault(SecretUri=https://contoso-platform-kv.vault.azure.net/secrets/infrakitchen-pat)", isSecret: false },
    });
    expect(messages(policy, ok)).toEqual([]);
  });

  it("reports secret fields that are not secret, by label", () => {
    const bad = group({
      "gitpod.Client_Secret": { value: "client-secret-value", isSecret: false },
      "bytebase.Secret": { value: "x", isSecret: false },
      "review-bot.Webhook_Password": { value: "x", isSecret: false },
    });
    expect(messages(policy, bad)).toEqual([
      "variable gitpod.Client_Secret holds a secret field but is not secret: set isSecret to true",
      "variable bytebase.Secret holds a secret field but is not secret: set isSecret to true",
      "variable review-bot.Webhook_Password holds a secret field but is not secret: set isSecret to true",
    ]);
  });

  it("opens the secret envelope the VariableGroup class wraps the whole map in", () => {
    const variables = { "gitpod.Client_Secret": { value: "client-secret-value", isSecret: false }, "gitpod.Client_ID": { value: "id", isSecret: false } };
    const wrapped = group({});
    const inputs = { ...wrapped.inputs, variables: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: variables } };
    expect(messages(policy, { ...wrapped, inputs })).toEqual(["variable gitpod.Client_Secret holds a secret field but is not secret: set isSecret to true"]);
  });

  it("reports a value that looks like a credential under any name, without quoting it", () => {
    const bad = group({
      "ops.Notes": { value: "a".repeat(52), isSecret: false },
      "ops.Entra_value": { value: "Abc8Q~" + "x".repeat(34), isSecret: false },
      "ops.Copied": { value: "[secret]", isSecret: false },
    });
    const found = messages(policy, bad);
    expect(found).toEqual([
      "variable ops.Notes is not secret but its value looks like an Azure DevOps PAT: set isSecret to true",
      "variable ops.Entra_value is not secret but its value looks like an Entra client secret: set isSecret to true",
      "variable ops.Copied is not secret but its value looks like a Pulumi secret: set isSecret to true",
    ]);
    expect(found.join("\n")).not.toContain("aaaa");
  });

  it("sees a value the caller's mocks made up for a secret as a Pulumi secret, only when told how to tell one", () => {
    const copied = group({ "ops.Notes": { value: `${OFFLINE_SECRET_PREFIX}webhook-password`, isSecret: false }, "ops.Owner": { value: "platform-bot", isSecret: false } });
    const findings = runPolicies([copied], {}, NOW, { isSecretStandIn: isOfflineSecret }).filter((r) => r.policy === "config-store-secrets-secret");
    expect(findings.map((r) => r.message)).toEqual(["variable ops.Notes is not secret but its value looks like a Pulumi secret: set isSecret to true"]);
    // The pack itself knows nothing of the offline plan: a real preview never sees these values.
    expect(messages("config-store-secrets-secret", copied)).toEqual([]);
  });

  it("knows every secret label the presets write, and leaves the others alone", () => {
    for (const label of ["Client_Secret", "Secret", "Personal_access_token", "Personal_Access_Token", "Azure_Access_Token", "Webhook_Password", "API_key"]) {
      expect([label, isSecretFieldName(`tool.${label}`)]).toEqual([label, true]);
    }
    for (const label of ["Client_ID", "Tenant_ID", "Token_URL", "Authorization_URL", "Organization_URL", "Webhook_endpoint", "Azure_Organization", "Application_ID"]) {
      expect([label, isSecretFieldName(`tool.${label}`)]).toEqual([label, false]);
    }
  });

  it("recognizes credential shapes", () => {
    expect(credentialKind("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe("a JSON web token");
    expect(credentialKind(`ghp_${"A".repeat(36)}`)).toBe("a GitHub token");
    expect(credentialKind("-----BEGIN RSA PRIVATE KEY-----\nMIIE")).toBe("a private key");
    expect(credentialKind("https://bot:hunter2@example.com/")).toBe("a URL with a password");
    expect(credentialKind(`${"A1".repeat(38)}AZDO${"b2c3"}`)).toBe("an Azure DevOps PAT");
    expect(credentialKind("https://dev.azure.com/contoso")).toBeUndefined();
  });
});
