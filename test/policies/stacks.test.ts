import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateStack, isOfflineSecret } from "../../components/offline/evaluate";
import { loadPolicyConfig, RESOURCE_TYPES, runPolicies, type PolicyConfig } from "../../policies/policies";
import { NOW, stackDoc } from "../helpers";

const root = path.resolve(__dirname, "../..");
const examples = readdirSync(path.join(root, "examples")).filter((f) => f.endsWith(".yaml"));
// Staging and prod stack files come and go with the environments; test whichever exist.
const stackFiles = readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
const checkedTypes = new Set<string>(Object.values(RESOURCE_TYPES));

// As the plan runs them (scripts/plan.ts): the mocks' made-up secrets count as secrets.
const asPlanned = { isSecretStandIn: isOfflineSecret };

const configs: Record<string, PolicyConfig> = {
  default: {},
  dev: loadPolicyConfig("dev"),
  staging: loadPolicyConfig("staging"),
  prod: loadPolicyConfig("prod"),
};

describe("real stacks pass every mandatory policy", () => {
  it.each(examples)("examples/%s, under the default and every environment's config", async (file) => {
    const e = await evaluateStack({ projectDir: root, stack: "example", stackFile: path.join(root, "examples", file), now: NOW });
    // The policies must have had something to look at, or passing would prove nothing.
    expect(e.resources.some((r) => checkedTypes.has(r.type))).toBe(true);
    for (const [name, config] of Object.entries(configs)) {
      // Recorded inputs keep secrets in their envelopes, so a variable group's secret map stays readable.
      const mandatory = runPolicies(e.recorded, config, NOW, asPlanned).filter((r) => r.enforcement === "mandatory");
      expect([name, mandatory]).toEqual([name, []]);
    }
  });

  it.each(stackFiles)("%s, under its own policies/config.<stack>.json", async (file) => {
    const stack = file.split(".")[1]!;
    const e = await evaluateStack({ projectDir: root, stack, now: NOW });
    expect(e.resources.some((r) => checkedTypes.has(r.type))).toBe(true);
    expect(runPolicies(e.recorded, loadPolicyConfig(stack), NOW, asPlanned).filter((r) => r.enforcement === "mandatory")).toEqual([]);
  });

  it("finds the same on recorded inputs (secrets in their envelopes) as on the plan's redacted ones", async () => {
    const e = await evaluateStack({ projectDir: root, stack: "dev", now: new Date("2027-02-20T12:00:00Z") });
    const onPlan = runPolicies(e.resources, {}, new Date("2027-02-20T12:00:00Z"));
    const onRecorded = runPolicies(e.recorded, {}, new Date("2027-02-20T12:00:00Z"), asPlanned);
    expect(onRecorded).toEqual(onPlan);
    // Eight days before the Spacelift PAT expires, the reminder shows; prod's config makes it block.
    const reminder = {
      policy: "pat-expiring-soon",
      resource: "spacelift-pat",
      message: "pat.expiresOn: the PAT expires on 2027-02-28, in 8 days (warning window 30 days): rotate it",
    };
    expect(onPlan).toEqual([{ ...reminder, enforcement: "advisory" }]);
    expect(runPolicies(e.resources, loadPolicyConfig("prod"), new Date("2027-02-20T12:00:00Z"))).toEqual([{ ...reminder, enforcement: "mandatory" }]);
  });

  it("reports a broad scope a stack allows but the preset does not need", async () => {
    const e = await evaluateStack({
      projectDir: root,
      stack: "dev",
      now: NOW,
      stackDoc: stackDoc({
        organization: "contoso",
        integrations: [
          {
            name: "gitpod",
            preset: "gitpod",
            entraApp: {
              redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"],
              scopes: ["vso.code_write", "vso.profile", "vso.code_manage"],
              allowBroadScopes: ["vso.code_manage"],
            },
          },
        ],
      }),
    });
    expect(runPolicies(e.resources, {}, NOW)).toEqual([
      {
        policy: "ado-scopes-within-preset",
        enforcement: "mandatory",
        resource: "gitpod-app",
        message: "requests vso.code_manage, beyond what preset gitpod needs (vso.code_write, vso.profile): remove it, or use preset custom and list it in entraApp.scopes",
      },
    ]);
  });
});
