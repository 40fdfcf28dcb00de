import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  createPolicies,
  enforcementOf,
  loadPolicyConfig,
  POLICY_NAMES,
  RESOURCE_TYPES,
  runPolicies,
  validatePolicyConfig,
  type PlanResource,
  type PolicyConfig,
} from "../../policies/policies";
import { NOW } from "../helpers";

/** A hook that breaks both webhook policies, and a PAT inside the expiry warning window. */
const resources: PlanResource[] = [
  {
    type: RESOURCE_TYPES.serviceHookSubscription,
    name: "hook",
    inputs: { url: "http://hooks.contoso.example/x", basicAuthUsername: "", basicAuthPassword: "" },
  },
  {
    type: RESOURCE_TYPES.patReference,
    name: "pat",
    inputs: { sourceKind: "env", expiresOn: "2026-12-10", scopes: ["vso.code_write"], neededScopes: ["vso.code"], allOrganizations: false },
  },
];

const levels = (config: PolicyConfig) => runPolicies(resources, config, NOW).map((r) => `${r.enforcement} ${r.policy}`);

describe("enforcement levels from the pack config", () => {
  it("uses each policy's default without config: security mandatory, the scope reminder advisory", () => {
    expect(levels({})).toEqual(["mandatory service-hook-https", "mandatory service-hook-basic-auth", "advisory pat-scopes-within-need"]);
  });

  it("drops a policy disabled in config, and reports one set to advisory as advisory", () => {
    expect(levels({ "service-hook-https": "disabled", "service-hook-basic-auth": { enforcementLevel: "advisory" } })).toEqual([
      "advisory service-hook-basic-auth",
      "advisory pat-scopes-within-need",
    ]);
  });

  it("applies `all` to every policy, and a policy's own level over it", () => {
    expect(levels({ all: "mandatory" })).toEqual(["mandatory service-hook-https", "mandatory service-hook-basic-auth", "mandatory pat-scopes-within-need"]);
    expect(levels({ all: "disabled", "pat-scopes-within-need": "advisory" })).toEqual(["advisory pat-scopes-within-need"]);
  });

  it("keeps `all` when a policy's entry only sets its settings, and counts remediate as mandatory", () => {
    expect(enforcementOf({ name: "client-secret-lifetime", enforcementLevel: "advisory" }, { all: "mandatory", "client-secret-lifetime": { maxLifetimeDays: 7 } })).toBe("mandatory");
    expect(enforcementOf({ name: "pat-expiry", enforcementLevel: "mandatory" }, { "pat-expiry": "remediate" })).toBe("mandatory");
  });

  it("gives each validation its settings, with the schema defaults under them", () => {
    const seen: unknown[] = [];
    const policy = createPolicies(() => NOW).find((p) => p.name === "client-secret-lifetime")!;
    const args = (config: Record<string, unknown>) =>
      ({ type: RESOURCE_TYPES.applicationPassword, props: { endDate: "2027-01-01T00:00:00Z", rotateWhenChanged: { slot: "a" } }, getConfig: () => config }) as never;
    policy.validateResource(args({}), (m) => seen.push(m));
    policy.validateResource(args({ maxLifetimeDays: 30 }), (m) => seen.push(m));
    expect(seen).toEqual(["endDate 2027-01-01T00:00:00Z is 40 days away, over the 30-day maximum: lower entraApp.secretRotationDays"]);
  });
});

describe("loadPolicyConfig", () => {
  it("returns the defaults for a stack without a config file", () => {
    expect(loadPolicyConfig("no-such-stack")).toEqual({});
  });

  it("reads the per-environment files: dev relaxes some policies, prod makes every one mandatory", () => {
    const dev = loadPolicyConfig("dev");
    const prod = loadPolicyConfig("prod");
    const staging = loadPolicyConfig("staging");
    const pack = createPolicies();
    const devAdvisory = pack.filter((p) => enforcementOf(p, dev) === "advisory").map((p) => p.name);
    expect(devAdvisory).toEqual(["ado-scopes-within-preset", "client-secret-lifetime", "pat-scopes-within-need"]);
    expect(pack.filter((p) => enforcementOf(p, dev) === "mandatory").map((p) => p.name)).toContain("config-store-secrets-secret");
    expect(pack.map((p) => enforcementOf(p, prod))).toEqual(POLICY_NAMES.map(() => "mandatory"));
    expect(pack.map((p) => enforcementOf(p, staging))).toEqual(pack.map((p) => p.enforcementLevel));
  });

  it("names the file and key of each problem, in the order of the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
    writeFileSync(
      path.join(dir, "config.bad.json"),
      JSON.stringify({
        "no-such-policy": "advisory",
        "pat-expiry": "sometimes",
        "client-secret-lifetime": { maxLifetimeDays: 0, days: 3 },
        "pat-not-global": 3,
        "service-hook-https": { enforcementLevel: "loud" },
      }),
    );
    const file = path.relative(process.cwd(), path.join(dir, "config.bad.json"));
    expect(() => loadPolicyConfig("bad", dir)).toThrow(
      [
        `${file}: no-such-policy: unknown policy (known: all, ${POLICY_NAMES.join(", ")})`,
        `${file}: pat-expiry: enforcement level must be one of advisory, mandatory, remediate, disabled`,
        `${file}: client-secret-lifetime.maxLifetimeDays: must be at least 1`,
        `${file}: client-secret-lifetime.days: unknown setting (known: enforcementLevel, maxLifetimeDays)`,
        `${file}: pat-not-global: must be an enforcement level or an object`,
        `${file}: service-hook-https.enforcementLevel: must be one of advisory, mandatory, remediate, disabled`,
      ].join("\n"),
    );
  });

  it("checks the platform team's allowances: integration names, broad scopes only, object IDs, known access levels", () => {
    const check = (config: unknown) => () => validatePolicyConfig(config, "config.x.json");
    expect(
      check({
        "broad-scopes": { allowed: { Gitpod: ["vso.code_manage"], bytebase: ["vso.code", "app_token", 7], infrakitchen: "vso.code_manage" } },
        "app-single-tenant": { allowed: ["gitpod", "-x"] },
        "app-owners-allowed": { allowedOwners: ["platform-team"] },
        "entitlement-access-level": { maxAccessLevel: "admin" },
        "entitlement-all-projects-contributors": { allowed: "terrakube" },
      }),
    ).toThrow(
      [
        "config.x.json: broad-scopes.allowed.Gitpod: must be 2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'",
        "config.x.json: broad-scopes.allowed.bytebase[0]: is not a broad scope: it needs no allowance",
        "config.x.json: broad-scopes.allowed.bytebase[1]: is full access on a PAT, which no allowance makes acceptable (pat-no-full-access)",
        "config.x.json: broad-scopes.allowed.bytebase[2]: must be a scope name",
        "config.x.json: broad-scopes.allowed.infrakitchen: must be a list of scopes",
        "config.x.json: app-single-tenant.allowed[1]: must be 2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'",
        "config.x.json: app-owners-allowed.allowedOwners[0]: must be an Entra object ID (a GUID)",
        "config.x.json: entitlement-access-level.maxAccessLevel: must be one of stakeholder, express, basic, advanced",
        "config.x.json: entitlement-all-projects-contributors.allowed: must be a list of integration names",
      ].join("\n"),
    );
    const fine = { "broad-scopes": { allowed: { "review-bot": ["user_impersonation", "vso.identity_manage"] } }, "app-owners-allowed": { allowedOwners: ["2b6f3c1e-8d4a-4f0e-9c7b-5a1d2e3f4a5b"] } };
    expect(validatePolicyConfig(fine, "config.x.json")).toBe(fine);
  });

  it("hands CrossGuard the JSON schema of each policy's settings, derived from the same zod schema", () => {
    const schemas = Object.fromEntries(createPolicies().map((p) => [p.name, p.configSchema]));
    expect(schemas["client-secret-lifetime"]).toEqual({
      properties: {
        maxLifetimeDays: { type: "integer", minimum: 1, maximum: 3650, default: 730, description: "Longest client-secret lifetime allowed, in days from now." },
      },
    });
    expect(schemas["entitlement-access-level"]?.properties.maxAccessLevel).toMatchObject({ type: "string", enum: ["stakeholder", "express", "basic", "advanced"], default: "basic" });
    expect(schemas["broad-scopes"]?.properties.allowed).toMatchObject({ type: "object", default: {}, additionalProperties: { type: "array", items: { type: "string" } } });
    expect(schemas["app-owners-allowed"]?.properties.allowedOwners).toMatchObject({ type: "array", items: { type: "string", format: "uuid" } });
    expect(schemas["service-hook-https"]).toBeUndefined();
  });

  it("refuses a file that is not JSON, a config that is not an object, and a stack name that is not one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
    writeFileSync(path.join(dir, "config.broken.json"), "{ all: mandatory }");
    expect(() => loadPolicyConfig("broken", dir)).toThrow(/config\.broken\.json: not valid JSON/);
    expect(() => validatePolicyConfig(["all"], "x.json")).toThrow("x.json: must be a JSON object of policy name -> enforcement level or settings");
    expect(() => loadPolicyConfig("../prod")).toThrow(`stack name "../prod": must be letters, digits, '_', '.' or '-'`);
  });
});
