/**
 * Every policy of the pack, each with a passing and a failing case (checked
 * at the end of this file), with the exact messages a user sees.
 */
import { afterAll, describe, expect, it } from "vitest";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS as ADO } from "../../components/entra/published-ids";
import { isOfflineSecret } from "../../components/offline/evaluate";
import { OFFLINE_SECRET_PREFIX } from "../../components/offline/mocks";
import { credentialKind, isBroadScope, isSecretFieldName, judgeUrl, parseAppTags, POLICY_NAMES, runPolicies } from "../../policies/policies";
import { NOW } from "../helpers";
import {
  ADO_APP,
  adoScopes,
  appTags,
  covered,
  entitlement,
  expectFails,
  expectPasses,
  gitpodApp,
  GRAPH_APP,
  group,
  hook,
  integration,
  messages,
  pat,
  rotation,
  secretEnvelope,
  secretSlot,
  servicePrincipal,
} from "./fixtures";

const broad = (subject: string, scope: string, integrationName: string, allowed = "none") =>
  `${subject} ${scope}, a broad scope integration ${integrationName} is not allowed (allowed: ${allowed}): only the stack's policy config, reviewed by the platform team, allows one (broad-scopes.allowed.${integrationName})`;

describe("the pack", () => {
  it("has the policies the issues ask for, in the order they run", () => {
    expect(POLICY_NAMES).toEqual([
      "ado-scopes-within-preset",
      "broad-scopes",
      "no-application-permissions",
      "redirect-uris-https",
      "app-single-tenant",
      "app-owners-allowed",
      "client-secret-lifetime",
      "client-secret-rotation",
      "service-hook-https",
      "service-hook-basic-auth",
      "pat-expiry",
      "pat-not-global",
      "pat-no-full-access",
      "pat-scopes-within-need",
      "entitlement-access-level",
      "entitlement-all-projects-contributors",
      "config-store-secrets-secret",
    ]);
  });

  it("reports nothing for the gitpod app as the program builds it", () => {
    expect(runPolicies([gitpodApp()], {}, NOW)).toEqual([]);
  });
});

// At file level, so it runs after every describe: each policy was seen passing and failing.
afterAll(() => {
  expect(POLICY_NAMES.filter((p) => !covered.passing.has(p))).toEqual([]);
  expect(POLICY_NAMES.filter((p) => !covered.failing.has(p))).toEqual([]);
});

describe("ado-scopes-within-preset", () => {
  const policy = "ado-scopes-within-preset";

  it("accepts scopes the preset's code says it needs, and narrower ones they imply", () => {
    expectPasses(policy, gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.code", "vso.profile") }));
  });

  it("reports a scope beyond the preset's need, whatever the needs= tag claims", () => {
    const app = gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.work"), tags: appTags("gitpod", "gitpod", ["vso.code_write", "vso.work"]) });
    expectFails(policy, app, ["requests vso.work, beyond what preset gitpod needs (vso.code_write, vso.profile): remove it, or use preset custom and list it in entraApp.scopes"]);
  });

  it("leaves broad scopes to broad-scopes, and a custom app's scopes to its config", () => {
    expect(messages(policy, gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.code_manage") }))).toEqual([]);
    expect(messages(policy, gitpodApp({ requiredResourceAccesses: adoScopes("vso.work", "vso.build"), tags: appTags("review-bot", "custom") }))).toEqual([]);
  });

  it("reports an ID that is not a published Azure DevOps scope, on any app", () => {
    const unknownId = [{ resourceAppId: ADO_APP, resourceAccesses: [{ id: "00000000-1111-2222-3333-444444444444", type: "Scope" }] }];
    const expected = ["requests Azure DevOps scope ID 00000000-1111-2222-3333-444444444444, which is not a scope Microsoft publishes: request scopes by name (entraApp.scopes)"];
    expectFails(policy, gitpodApp({ requiredResourceAccesses: unknownId }), expected);
    expect(messages(policy, gitpodApp({ requiredResourceAccesses: unknownId, tags: ["team-app"] }))).toEqual(expected);
  });

  it("reports an app of ours whose preset tag is missing or names no preset", () => {
    expectFails(policy, gitpodApp({ tags: ["ado-integrations", "ado-integrations:integration=gitpod"] }), [
      "has the ado-integrations tag but its ado-integrations:preset= tag names no preset (none), so what it needs is unknown: create it through the program, which tags it",
    ]);
    expect(messages(policy, gitpodApp({ tags: appTags("gitpod", "gitpod-enterprise") }))).toEqual([
      "has the ado-integrations tag but its ado-integrations:preset= tag names no preset (gitpod-enterprise), so what it needs is unknown: create it through the program, which tags it",
    ]);
  });

  it("compares nothing on an app without the ado-integrations tag", () => {
    expect(messages(policy, gitpodApp({ tags: undefined, requiredResourceAccesses: adoScopes("vso.work", "vso.build") }))).toEqual([]);
  });

  it("reads only the integration and preset tags: needs= and allow-broad= are claims", () => {
    expect(parseAppTags(["ado-integrations", "ado-integrations:integration=gitpod", "ado-integrations:preset=gitpod", "ado-integrations:needs=vso.work", "ado-integrations:allow-broad=vso.code_full"])).toEqual({
      owned: true,
      integration: "gitpod",
      preset: "gitpod",
    });
  });
});

describe("broad-scopes", () => {
  const policy = "broad-scopes";

  it("counts full access, administration, every *_manage and writes on identity, security and entitlements as broad", () => {
    const broadScopes = [
      "user_impersonation",
      "app_token",
      "vso.code_full",
      "vso.tokenadministration",
      "vso.tokens",
      "vso.code_manage",
      "vso.agentpools_manage",
      "vso.graph_manage",
      "vso.identity_manage",
      "vso.serviceendpoint_manage",
      "vso.variablegroups_manage",
      "vso.security_manage",
      "vso.memberentitlementmanagement_write",
      "vso.identity_write",
      "vso.security_write",
    ];
    const narrow = ["vso.code", "vso.code_write", "vso.code_status", "vso.work_write", "vso.work_full", "vso.project_write", "vso.variablegroups_write", "vso.packaging_write", "vso.threads_full", "vso.identity", "vso.memberentitlementmanagement"];
    expect(broadScopes.filter((s) => !isBroadScope(s))).toEqual([]);
    expect(narrow.filter(isBroadScope)).toEqual([]);
  });

  it("reports vso.code_full on a Bytebase app: the retired connector needed it, no mode of today's preset does", () => {
    const bytebase = gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_full", "vso.identity", "vso.project"), tags: appTags("bytebase", "bytebase") }, "bytebase-app");
    expectFails(policy, bytebase, [broad("requests", "vso.code_full", "bytebase")]);
  });

  it("reports a broad scope the preset does not need, even where the app's tags claim it", () => {
    const app = gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.code_manage"), tags: appTags("gitpod", "gitpod", ["vso.code_write", "vso.code_manage"], ["vso.code_manage"]) });
    expectFails(policy, app, [broad("requests", "vso.code_manage", "gitpod")]);
  });

  it("gives a custom integration nothing automatically: its broad scopes come from the policy config alone", () => {
    const reviewBot = gitpodApp(
      { requiredResourceAccesses: adoScopes("vso.code", "vso.identity_manage", "user_impersonation"), tags: appTags("review-bot", "custom", ["vso.code", "vso.identity_manage", "user_impersonation"], ["user_impersonation"]) },
      "review-bot-app",
    );
    expect(messages(policy, reviewBot)).toEqual([broad("requests", "vso.identity_manage", "review-bot"), broad("requests", "user_impersonation", "review-bot")]);
    const config = { [policy]: { allowed: { "review-bot": ["vso.identity_manage"] } } };
    expect(messages(policy, reviewBot, config)).toEqual([broad("requests", "user_impersonation", "review-bot", "vso.identity_manage")]);
  });

  it("accepts what the policy config allows an integration by name, and only that integration", () => {
    const app = gitpodApp({ requiredResourceAccesses: adoScopes("vso.code_write", "vso.code_manage") });
    expectPasses(policy, app, { [policy]: { allowed: { gitpod: ["vso.code_manage"] } } });
    expect(messages(policy, app, { [policy]: { allowed: { bytebase: ["vso.code_manage"] } } })).toEqual([broad("requests", "vso.code_manage", "gitpod")]);
  });

  it("names an app without our tags by its resource name", () => {
    expect(messages(policy, gitpodApp({ tags: ["team-app"], requiredResourceAccesses: adoScopes("vso.code_manage") }, "team-tool-app"))).toEqual([broad("requests", "vso.code_manage", "team-tool")]);
  });

  it("judges a PAT's broad scopes the same way: the config's allowance, or its preset's need when the declaration names it", () => {
    const infrakitchen = pat({ scopes: ["vso.code_manage"], neededScopes: ["vso.code_manage"] }, "infrakitchen-pat");
    expect(messages(policy, infrakitchen)).toEqual([broad("pat.scopes: holds", "vso.code_manage", "infrakitchen")]);
    expect(messages(policy, infrakitchen, { [policy]: { allowed: { infrakitchen: ["vso.code_manage"] } } })).toEqual([]);
    expect(messages(policy, pat({ scopes: ["vso.code_manage"], preset: "infrakitchen", integration: "infrakitchen" }, "infrakitchen-pat"))).toEqual([]);
    expect(messages(policy, pat({ scopes: ["vso.code_manage"], preset: "custom", integration: "ops-bot" }, "ops-bot-pat"))).toEqual([broad("pat.scopes: holds", "vso.code_manage", "ops-bot")]);
    // Full access is pat-no-full-access' business, reported there once.
    expect(messages(policy, pat({ scopes: ["app_token"] }))).toEqual([]);
  });
});

describe("no-application-permissions", () => {
  const policy = "no-application-permissions";

  it("accepts delegated scopes only", () => {
    expectPasses(policy, gitpodApp());
  });

  it("reports an application permission on Azure DevOps and on Microsoft Graph", () => {
    const app = gitpodApp({
      requiredResourceAccesses: [
        { resourceAppId: ADO_APP, resourceAccesses: [{ id: ADO["vso.code"], type: "Scope" }, { id: "ee69721e-6c3a-468f-a9ec-302d16a4c599", type: "Role" }] },
        { resourceAppId: GRAPH_APP, resourceAccesses: [{ id: "19dbc75e-c2e2-444c-a770-ec69d8559fc7", type: "Role" }] },
      ],
    });
    expectFails(policy, app, [
      "requests application permission ee69721e-6c3a-468f-a9ec-302d16a4c599 (Role) on Azure DevOps: integrations get delegated scopes (Scope) only",
      "requests application permission 19dbc75e-c2e2-444c-a770-ec69d8559fc7 (Role) on Microsoft Graph: integrations get delegated scopes (Scope) only",
    ]);
  });
});

describe("redirect-uris-https", () => {
  const policy = "redirect-uris-https";
  const withUris = (redirectUris: string[], spa: string[] = []) => gitpodApp({ web: { redirectUris }, singlePageApplication: { redirectUris: spa } });

  it("accepts https, and http on localhost, 127.0.0.1 and [::1]", () => {
    expectPasses(policy, withUris(["https://a.example/cb", "http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb"]));
  });

  it("reports http elsewhere (a look-alike of localhost too), in web and single-page URIs, and an unreadable URI", () => {
    expectFails(policy, withUris(["http://gitpod.contoso.example/cb", "http://localhost.evil.example/cb", "not a url"], ["http://spa.contoso.example/"]), [
      "redirect URI http://gitpod.contoso.example/cb is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text",
      "redirect URI http://localhost.evil.example/cb is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text",
      "redirect URI not a url is not a valid URL",
      "redirect URI http://spa.contoso.example/ is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text",
    ]);
  });

  it("shares one https rule with the webhooks, which allow no loopback http", () => {
    expect(judgeUrl("http://localhost:3000/cb", { allowLoopbackHttp: true }).problems).toEqual([]);
    expect(judgeUrl("http://localhost:3000/cb", { allowLoopbackHttp: false }).problems).toEqual(["not-https"]);
    expect(judgeUrl("http://bot:pw@[::1]/", { allowLoopbackHttp: true }).problems).toEqual(["credentials"]);
    expect(judgeUrl("nope", { allowLoopbackHttp: true }).problems).toEqual(["invalid"]);
  });
});

describe("app-single-tenant", () => {
  const policy = "app-single-tenant";
  const expected = [
    "signInAudience AzureADMultipleOrgs lets accounts outside this tenant sign in: use AzureADMyOrg (entraApp.signInAudience), or have the platform team list integration gitpod under app-single-tenant.allowed in the stack's policy config",
  ];

  it("accepts a single-tenant app, and one that names no audience (Entra's default is single-tenant)", () => {
    expectPasses(policy, gitpodApp());
    expectPasses(policy, gitpodApp({ signInAudience: undefined }));
  });

  it("reports a multi-tenant app, whatever its integration's stack config says", () => {
    expectFails(policy, gitpodApp({ signInAudience: "AzureADMultipleOrgs" }), expected);
  });

  it("accepts it for an integration the policy config lists, and only for that one", () => {
    const app = gitpodApp({ signInAudience: "AzureADMultipleOrgs" });
    expectPasses(policy, app, { [policy]: { allowed: ["gitpod"] } });
    expect(messages(policy, app, { [policy]: { allowed: ["bytebase"] } })).toEqual(expected);
  });
});

describe("app-owners-allowed", () => {
  const policy = "app-owners-allowed";
  const deployer = "6f1c2e3d-4b5a-4c6d-8e7f-901a2b3c4d5e";
  const platformLead = "2b6f3c1e-8d4a-4f0e-9c7b-5a1d2e3f4a5b";
  const stranger = "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a";

  it("checks nothing while the policy config has no allow-list", () => {
    expectPasses(policy, gitpodApp({ owners: [deployer, stranger] }));
  });

  it("accepts owners on the list, in any letter case", () => {
    expectPasses(policy, gitpodApp({ owners: [deployer.toUpperCase(), platformLead] }), { [policy]: { allowedOwners: [deployer, platformLead] } });
  });

  it("reports an owner not on the list, on the app and on its service principal", () => {
    const config = { [policy]: { allowedOwners: [deployer, platformLead] } };
    const expected = [
      `owner ${stranger} is not on the allow-list of the stack's policy config (app-owners-allowed.allowedOwners): remove it from entraApp.owners, or have the platform team add it`,
    ];
    expectFails(policy, gitpodApp({ owners: [deployer, stranger] }), expected, config);
    expect(messages(policy, servicePrincipal([stranger, deployer]), config)).toEqual(expected);
  });
});

describe("client-secret-lifetime", () => {
  const policy = "client-secret-lifetime";

  it("accepts an end date exactly 730 days away (2028 is a leap year)", () => {
    expectPasses(policy, secretSlot({ endDate: "2028-11-21T12:00:00.000Z", rotateWhenChanged: rotation }));
  });

  it("reports an end date a day further", () => {
    expectFails(policy, secretSlot({ endDate: "2028-11-22T12:00:00.000Z", rotateWhenChanged: rotation }), [
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
    expectPasses(policy, secretSlot({ endDate: "2027-01-01T00:00:00.000Z", rotateWhenChanged: rotation }));
  });

  it("reports a secret without them", () => {
    const expected = ["has no rotateWhenChanged keys, so the secret is never replaced before it expires: create it through the program, which rotates it in two slots"];
    expectFails(policy, secretSlot({ endDate: "2027-01-01T00:00:00.000Z" }), expected);
    expect(messages(policy, secretSlot({ endDate: "2027-01-01T00:00:00.000Z", rotateWhenChanged: {} }))).toEqual(expected);
  });
});

describe("service-hook-https", () => {
  const policy = "service-hook-https";

  it("accepts an https URL", () => {
    expectPasses(policy, hook({}));
  });

  it("reports http (showing only the origin, loopback included), credentials in the URL, and a missing or unreadable URL", () => {
    expectFails(policy, hook({ url: "http://hooks.contoso.example/azure?token=abc" }), [
      "url http://hooks.contoso.example is not https: Azure DevOps would send the basic-auth password and the payload in clear text",
    ]);
    expect(messages(policy, hook({ url: "http://localhost:8080/hooks" }))).toEqual([
      "url http://localhost:8080 is not https: Azure DevOps would send the basic-auth password and the payload in clear text",
    ]);
    expect(messages(policy, hook({ url: "https://bot:hunter2@hooks.contoso.example/azure" }))).toEqual([
      "url carries a user name or password: put credentials in basic auth (serviceHooks.passwordSecret), never in the URL",
    ]);
    expect(messages(policy, hook({ url: undefined }))).toEqual(["has no url"]);
    expect(messages(policy, hook({ url: "hooks.contoso.example" }))).toEqual(["url is not a valid URL"]);
  });
});

describe("service-hook-basic-auth", () => {
  const policy = "service-hook-basic-auth";
  const expected = ["has no basic-auth password: the receiver cannot tell Azure DevOps from anyone else; set serviceHooks.passwordSecret, or leave it out to have one generated"];

  it("accepts a password, including the plan's [secret] mark", () => {
    expectPasses(policy, hook({}));
    expect(messages(policy, hook({ basicAuthPassword: "[secret]" }))).toEqual([]);
  });

  it("reports a missing, empty or blank password, opening its secret envelope first", () => {
    expectFails(policy, hook({ basicAuthPassword: undefined }), expected);
    expect(messages(policy, hook({ basicAuthPassword: "  " }))).toEqual(expected);
    expect(messages(policy, hook({ basicAuthPassword: secretEnvelope("") }))).toEqual(expected);
  });
});

describe("pat-expiry", () => {
  const policy = "pat-expiry";

  it("accepts a PAT valid for another 70 days, created today or earlier", () => {
    expectPasses(policy, pat({}));
    expect(messages(policy, pat({ createdOn: "2026-11-22" }))).toEqual([]);
  });

  it("does not report an expired PAT or one about to expire: that would stop the whole update, the secret rotation included", () => {
    expect(messages(policy, pat({ expiresOn: "2026-11-01" }))).toEqual([]);
    expect(messages(policy, pat({ expiresOn: "2026-11-23" }))).toEqual([]);
    expect(runPolicies([pat({ expiresOn: "2026-11-01" })], { all: "mandatory" }, NOW)).toEqual([]);
  });

  it("reports a PAT living over a year, counted from createdOn or from today", () => {
    expectFails(policy, pat({ createdOn: "2026-11-01", expiresOn: "2027-11-02" }), [
      "pat.expiresOn: the PAT lives 366 days (2026-11-01 to 2027-11-02), over the 365-day maximum: create one that expires within a year",
    ]);
    expect(messages(policy, pat({ expiresOn: "2027-12-01" }))).toEqual([
      "pat.expiresOn: the PAT expires 374 days from today, over the 365-day maximum: create one that expires within a year",
    ]);
  });

  it("reports a createdOn in the future, which would shorten the lifetime the year is counted over", () => {
    expect(messages(policy, pat({ createdOn: "2027-11-01", expiresOn: "2028-10-31" }))).toEqual([
      "pat.createdOn: 2027-11-01 is in the future (today is 2026-11-22): write the day the PAT was created",
    ]);
    expect(messages(policy, pat({ createdOn: "2026-11-23" }))).toEqual(["pat.createdOn: 2026-11-23 is in the future (today is 2026-11-22): write the day the PAT was created"]);
  });

  it("reports an unreadable expiry date", () => {
    expect(messages(policy, pat({ expiresOn: "2027-02-30" }))).toEqual(["pat.expiresOn: must be a date written YYYY-MM-DD"]);
  });
});

describe("pat-not-global", () => {
  const policy = "pat-not-global";
  const expected = ["pat.allOrganizations: all-organizations (global) PATs stop working on 2026-12-01: create a PAT scoped to this organization only"];

  it("accepts an organization-scoped PAT", () => {
    expectPasses(policy, pat({}));
  });

  it("reports a global PAT, even when its expiry date is unreadable", () => {
    expectFails(policy, pat({ allOrganizations: true }), expected);
    expect(messages(policy, pat({ allOrganizations: true, expiresOn: "soon" }))).toEqual(expected);
  });
});

describe("pat-no-full-access", () => {
  const policy = "pat-no-full-access";

  it("accepts a PAT with named scopes", () => {
    expectPasses(policy, pat({ scopes: ["vso.code_write", "vso.code_manage"] }));
  });

  it("reports app_token (Full access), whatever the tool is said to need and whatever the config allows", () => {
    const full = pat({ scopes: ["app_token"], neededScopes: ["app_token"] });
    const expected = ["pat.scopes: app_token is full access, everything the PAT's owner can do: create a PAT with only the scopes the tool needs"];
    expectFails(policy, full, expected);
    expect(messages(policy, full, { "broad-scopes": { allowed: {} } })).toEqual(expected);
  });
});

describe("pat-scopes-within-need", () => {
  const policy = "pat-scopes-within-need";

  it("accepts exactly the scopes the tool needs", () => {
    expectPasses(policy, pat({}));
  });

  it("reports scopes beyond the need and scopes missing from it", () => {
    expectFails(policy, pat({ scopes: ["vso.code_manage"] }), ["pat.scopes: vso.code_manage is more than the tool needs (vso.code_write): create a PAT with only those"]);
    expect(messages(policy, pat({ scopes: ["vso.code"] }))).toEqual(["pat.scopes: the tool needs vso.code_write, which these scopes do not grant"]);
  });
});

describe("entitlement-access-level", () => {
  const policy = "entitlement-access-level";
  const above = (level: string, max: string) =>
    `accessLevel ${level} is above the ${max} maximum: use ${max} or lower (servicePrincipal.accessLevel), or have the platform team raise entitlement-access-level.maxAccessLevel in the stack's policy config`;

  it("accepts basic (Terrakube's need), express (the same license) and stakeholder under the default maximum", () => {
    expectPasses(policy, entitlement({}));
    expectPasses(policy, entitlement({ accessLevel: "express" }));
    expectPasses(policy, entitlement({ accessLevel: "stakeholder" }));
  });

  it("reports advanced under the default maximum, and basic under a stakeholder maximum", () => {
    expectFails(policy, entitlement({ accessLevel: "advanced" }), [above("advanced", "basic")]);
    expect(messages(policy, entitlement({}), { [policy]: { maxAccessLevel: "stakeholder" } })).toEqual([above("basic", "stakeholder")]);
    expect(messages(policy, entitlement({ accessLevel: "advanced" }), { [policy]: { maxAccessLevel: "advanced" } })).toEqual([]);
  });
});

describe("entitlement-all-projects-contributors", () => {
  const policy = "entitlement-all-projects-contributors";
  const expected = [
    'servicePrincipal.projects selects every project ("*") with group Contributors: list the projects the tool needs, or use group Readers, or have the platform team list integration terrakube under entitlement-all-projects-contributors.allowed in the stack\'s policy config',
  ];

  it("accepts named projects and globs as Contributors, every project as Readers, and an integration without a service principal", () => {
    expectPasses(policy, integration("terrakube", { accessLevel: "basic", projects: ["infra", "platform-*"], group: "Contributors" }));
    expectPasses(policy, integration("terrakube", { accessLevel: "basic", projects: ["*"], group: "Readers" }));
    expectPasses(policy, integration("gitpod"));
  });

  it("reports every project (* or **) with Contributors", () => {
    expectFails(policy, integration("terrakube", { accessLevel: "basic", projects: ["*"], group: "Contributors" }), expected);
    expect(messages(policy, integration("terrakube", { accessLevel: "basic", projects: ["infra", "**"], group: "Contributors" }))).toEqual(expected);
  });

  it("accepts it for an integration the policy config lists, and only for that one", () => {
    const everywhere = integration("terrakube", { accessLevel: "basic", projects: ["*"], group: "Contributors" });
    expectPasses(policy, everywhere, { [policy]: { allowed: ["terrakube"] } });
    expect(messages(policy, everywhere, { [policy]: { allowed: ["spacelift"] } })).toEqual(expected);
  });
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
    expectPasses(policy, ok);
  });

  it("reports secret fields that are not secret, by label", () => {
    const bad = group({
      "gitpod.Client_Secret": { value: "client-secret-value", isSecret: false },
      "bytebase.Secret": { value: "x", isSecret: false },
      "review-bot.Webhook_Password": { value: "x", isSecret: false },
    });
    expectFails(policy, bad, [
      "variable gitpod.Client_Secret holds a secret field but is not secret: set isSecret to true",
      "variable bytebase.Secret holds a secret field but is not secret: set isSecret to true",
      "variable review-bot.Webhook_Password holds a secret field but is not secret: set isSecret to true",
    ]);
  });

  it("opens the secret envelope the VariableGroup class wraps the whole map in", () => {
    const variables = { "gitpod.Client_Secret": { value: "client-secret-value", isSecret: false }, "gitpod.Client_ID": { value: "id", isSecret: false } };
    const wrapped = group({});
    const inputs = { ...wrapped.inputs, variables: secretEnvelope(variables) };
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
    const findings = runPolicies([copied], {}, NOW, { isSecretStandIn: isOfflineSecret }).filter((r) => r.policy === policy);
    expect(findings.map((r) => r.message)).toEqual(["variable ops.Notes is not secret but its value looks like a Pulumi secret: set isSecret to true"]);
    // The pack itself knows nothing of the offline plan: a real preview never sees these values.
    expect(messages(policy, copied)).toEqual([]);
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
