import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { configSource, NOW } from "../helpers";

import { PASTED_SECRET, looksLikeSecret } from "../../components/config/messages";
import { PASTED_VALUES, cases, gitpod, secretKeys, secrets, spacelift, withIntegration } from "./cases";


/**
 * The problems a config produces. The secret keys it references by name are
 * set (as secrets unless `secretKeys` says otherwise), so each case shows only
 * its own mistake.
 */
function problemsOf(values: Record<string, unknown>, secretKeys?: readonly string[]): readonly string[] {
  const text = JSON.stringify(values);
  const referenced = Object.fromEntries(Object.entries(secrets).filter(([k]) => text.includes(`"${k}"`)));
  try {
    parseStackConfig(configSource({ ...referenced, ...values }, secretKeys ?? Object.keys(referenced)), { now: NOW });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}


describe("a valid config", () => {
  it("parses with defaults applied and both organization URL forms normalized", () => {
    for (const organization of ["contoso", "https://dev.azure.com/contoso/", "https://contoso.visualstudio.com"]) {
      const model = parseStackConfig(configSource({ ...secrets, organization, integrations: [gitpod, spacelift] }, secretKeys), { now: NOW });
      expect(model.organizationUrl).toBe("https://dev.azure.com/contoso");
      expect(model.organizationName).toBe("contoso");
    }
    const model = parseStackConfig(configSource({ ...secrets, organization: "contoso", integrations: [gitpod, spacelift] }, secretKeys), { now: NOW });
    expect(model.configStore).toEqual({ kind: "stackOutputs" });
    const [g, s] = model.integrations;
    expect(g!.entraApp).toMatchObject({ adoScopes: ["vso.code_write", "vso.profile"], graphScopes: ["User.Read"], secretRotationDays: 180, idTokens: false });
    expect(s!.serviceHooks).toMatchObject({
      username: "",
      password: { kind: "config", key: "hookPassword" },
      events: ["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"],
    });
    expect(s!.pat).toMatchObject({ source: { kind: "config", key: "spaceliftPat" }, neededScopes: ["vso.code_write"], expiryWarningDays: 30 });
    expect(s!.fields.map((f) => f.label)).toEqual(["Organization URL", "User facing host URL", "Personal access token"]);
    expect(model.warnings).toEqual([]);
  });

  it("takes an unquoted date as the Pulumi CLI hands it over, and keeps one spelling", () => {
    // `expiresOn: 2027-01-31` without quotes reaches the program as a timestamp (seen through the real engine).
    const unquoted = { ...spacelift, pat: { ...spacelift.pat, expiresOn: "2027-01-31 00:00:00 +0000 UTC", createdOn: "2026-11-01 00:00:00 +0000 UTC" } };
    const model = parseStackConfig(configSource({ ...secrets, organization: "contoso", integrations: [unquoted] }, secretKeys), { now: NOW });
    expect(model.integrations[0]!.pat).toMatchObject({ expiresOn: "2027-01-31", createdOn: "2026-11-01" });
    const notMidnight = { ...spacelift, pat: { ...spacelift.pat, expiresOn: "2027-01-31 10:00:00 +0000 UTC" } };
    expect(problemsOf({ organization: "contoso", integrations: [notMidnight] })).toEqual(["integrations[0].pat.expiresOn: must be a real date written YYYY-MM-DD"]);
  });

  it("allows http redirect URIs on localhost", () => {
    const model = parseStackConfig(
      configSource({ organization: "contoso", integrations: [{ ...gitpod, entraApp: { redirectUris: ["http://localhost:3000/cb", "http://127.0.0.1/cb"] } }] }),
      { now: NOW },
    );
    expect(model.integrations[0]!.entraApp!.redirectUris).toEqual(["http://localhost:3000/cb", "http://127.0.0.1/cb"]);
  });

  it("defaults a variable group's name from the stack", () => {
    const model = parseStackConfig(
      configSource({ organization: "contoso", integrations: [gitpod], configStore: { kind: "variableGroup", project: "platform" } }, [], "prod"),
      { now: NOW },
    );
    expect(model.configStore).toMatchObject({ kind: "variableGroup", project: "platform", name: "ado-integrations-prod" });
  });

  it("takes labels that differ only in punctuation or case when the store is stack outputs, where they stay apart", () => {
    const fields = { "Client ID": "clientId", "Client-ID": "clientSecret", "client id": "tenantId" };
    const model = parseStackConfig(configSource({ organization: "contoso", integrations: [{ ...gitpod, fields }] }), { now: NOW });
    expect(model.integrations[0]!.fields.map((f) => f.label)).toEqual(["Client ID", "Client-ID", "client id"]);
  });

  it("warns, without failing, when a PAT expires within the window", () => {
    const model = parseStackConfig(configSource({ ...secrets, ...withIntegration({ pat: { ...spacelift.pat, expiresOn: "2026-12-10" } }) }, secretKeys), { now: NOW });
    expect(model.warnings).toEqual(["spacelift: pat.expiresOn: the PAT expires on 2026-12-10, in 18 days (warning window 30 days): rotate it"]);
  });
});


describe("an invalid config", () => {
  it.each(cases)("%s", (_name, values, expected, keys) => {
    expect(problemsOf(values, keys)).toEqual(expected);
  });

  it.each(PASTED_VALUES)("never shows %s pasted as a key name, in any key that takes one", (_what, value) => {
    const config = withIntegration({
      serviceHooks: { ...spacelift.serviceHooks, passwordSecret: value },
      pat: { ...spacelift.pat, secret: value },
    });
    const problems = problemsOf(config, secretKeys);
    expect(problems).toEqual([`integrations[0].serviceHooks.passwordSecret: ${PASTED_SECRET}`, `integrations[0].pat.secret: ${PASTED_SECRET}`]);
    expect(problems.join("\n")).not.toContain(value);
  });

  it("takes ordinary key names, even long ones with a digit, as key names", () => {
    for (const key of ["spaceliftWebhookPassword", "gitpodClientSecret2", "prod.infrakitchen-pat_v2", "a"]) expect(looksLikeSecret(key), key).toBe(false);
  });

  it("covers at least 30 distinct mistakes", () => {
    expect(new Set(cases.map((c) => c[0])).size).toBeGreaterThanOrEqual(30);
  });

  it("reports every problem at once, in config order", () => {
    const problems = problemsOf({
      organization: "contoso",
      integrations: [
        { ...gitpod, name: "Bad Name" },
        { ...spacelift, serviceHooks: { ...spacelift.serviceHooks, url: "http://x.example" }, pat: { ...spacelift.pat, createdOn: "2026-11-01", expiresOn: "2027-11-30" } },
      ],
    });
    expect(problems).toEqual([
      "integrations[0].name: must be 2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'",
      "integrations[1].serviceHooks.url: must be an https URL",
      "integrations[1].pat.expiresOn: the PAT lives 394 days (2026-11-01 to 2027-11-30), over the 365-day maximum: create one that expires within a year",
    ]);
  });

  it("never echoes a value that looks like a credential", () => {
    const token = "abcd1234efgh5678ijkl9012mnop3456qrst7890";
    const problems = problemsOf(withIntegration({ preset: token }, gitpod));
    expect(problems).toEqual(["integrations[0].preset: unknown preset: use terrakube, bytebase, gitpod, ona, spacelift, infrakitchen, hcp-terraform, atlantis, backstage, custom"]);
    expect(problems.join("\n")).not.toContain(token);
  });

  it("formats the error as one header line and one line per problem", () => {
    try {
      parseStackConfig(configSource({ integrations: [] }), { now: NOW });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(
        "invalid stack config (2 problems):\n  organization: is required: run `pulumi config set organization <name or URL>`\n  integrations: must list at least one integration",
      );
    }
  });
});

