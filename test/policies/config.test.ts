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
    inputs: { sourceKind: "env", expiresOn: "2026-12-10", scopes: ["vso.code"], neededScopes: ["vso.code"], allOrganizations: false },
  },
];

const levels = (config: PolicyConfig) => runPolicies(resources, config, NOW).map((r) => `${r.enforcement} ${r.policy}`);

describe("enforcement levels from the pack config", () => {
  it("uses each policy's default without config: security mandatory, the expiry reminder advisory", () => {
    expect(levels({})).toEqual(["mandatory service-hook-https", "mandatory service-hook-basic-auth", "advisory pat-expiring-soon"]);
  });

  it("drops a policy disabled in config, and reports one set to advisory as advisory", () => {
    expect(levels({ "service-hook-https": "disabled", "service-hook-basic-auth": { enforcementLevel: "advisory" } })).toEqual([
      "advisory service-hook-basic-auth",
      "advisory pat-expiring-soon",
    ]);
  });

  it("applies `all` to every policy, and a policy's own level over it", () => {
    expect(levels({ all: "mandatory" })).toEqual(["mandatory service-hook-https", "mandatory service-hook-basic-auth", "mandatory pat-expiring-soon"]);
    expect(levels({ all: "disabled", "pat-expiring-soon": "advisory" })).toEqual(["advisory pat-expiring-soon"]);
  });

  it("keeps `all` when a policy's entry only sets its settings, and counts remediate as mandatory", () => {
    expect(enforcementOf({ name: "pat-expiring-soon", enforcementLevel: "advisory" }, { all: "mandatory", "pat-expiring-soon": { warningDays: 7 } })).toBe("mandatory");
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
    expect(devAdvisory).toEqual(["ado-scopes-within-preset", "client-secret-lifetime", "pat-expiring-soon", "pat-scopes-within-need"]);
    expect(pack.filter((p) => enforcementOf(p, dev) === "mandatory").map((p) => p.name)).toContain("config-store-secrets-secret");
    expect(pack.map((p) => enforcementOf(p, prod))).toEqual(POLICY_NAMES.map(() => "mandatory"));
    expect(pack.map((p) => enforcementOf(p, staging))).toEqual(pack.map((p) => p.enforcementLevel));
  });

  it("names the file and key of each problem", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
    writeFileSync(
      path.join(dir, "config.bad.json"),
      JSON.stringify({ "no-such-policy": "advisory", "pat-expiry": "sometimes", "client-secret-lifetime": { maxLifetimeDays: 0, days: 3 }, "pat-expiring-soon": { warningDays: 1.5 } }),
    );
    const file = path.relative(process.cwd(), path.join(dir, "config.bad.json"));
    expect(() => loadPolicyConfig("bad", dir)).toThrow(
      [
        `${file}: no-such-policy: unknown policy (known: all, ${POLICY_NAMES.join(", ")})`,
        `${file}: pat-expiry: enforcement level must be one of advisory, mandatory, remediate, disabled`,
        `${file}: client-secret-lifetime.maxLifetimeDays: must be at least 1`,
        `${file}: client-secret-lifetime.days: unknown setting (known: enforcementLevel, maxLifetimeDays)`,
        `${file}: pat-expiring-soon.warningDays: must be a whole number`,
      ].join("\n"),
    );
  });

  it("refuses a file that is not JSON, a config that is not an object, and a stack name that is not one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "policy-config-"));
    writeFileSync(path.join(dir, "config.broken.json"), "{ all: mandatory }");
    expect(() => loadPolicyConfig("broken", dir)).toThrow(/config\.broken\.json: not valid JSON/);
    expect(() => validatePolicyConfig(["all"], "x.json")).toThrow("x.json: must be a JSON object of policy name -> enforcement level or settings");
    expect(() => loadPolicyConfig("../prod")).toThrow(`stack name "../prod": must be letters, digits, '_', '.' or '-'`);
  });
});
