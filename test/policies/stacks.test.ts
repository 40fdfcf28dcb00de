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
      // infrakitchen's PAT declares its preset, whose reviewed need (vso.code_manage) the pack credits.
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
    // Eight days before the Spacelift PAT expires no policy reports it, not even prod's all-mandatory config:
    // a date is not a change, and the program's one warning (and its held handoff) covers it.
    expect(onPlan).toEqual([]);
    expect(runPolicies(e.resources, loadPolicyConfig("prod"), new Date("2027-02-20T12:00:00Z"))).toEqual([]);
    expect(e.outputs.warnings).toEqual(["spacelift: pat.expiresOn: the PAT expires on 2027-02-28, in 8 days (warning window 30 days): rotate it"]);
  });

  it("reports a broad scope the stack config allows but the policy config does not, and accepts it once the policy config does", async () => {
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
        policy: "broad-scopes",
        enforcement: "mandatory",
        resource: "gitpod-app",
        message:
          "requests vso.code_manage, a broad scope integration gitpod is not allowed (allowed: none): only the stack's policy config, reviewed by the platform team, allows one (broad-scopes.allowed.gitpod)",
      },
    ]);
    expect(runPolicies(e.resources, { "broad-scopes": { allowed: { gitpod: ["vso.code_manage"] } } }, NOW)).toEqual([]);
  });

  it("reports a multi-tenant app and an advanced service principal the stack config asks for", async () => {
    const e = await evaluateStack({
      projectDir: root,
      stack: "dev",
      now: NOW,
      stackDoc: stackDoc({
        organization: "contoso",
        integrations: [
          { name: "gitpod", preset: "gitpod", entraApp: { redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"], signInAudience: "AzureADMultipleOrgs" } },
          { name: "terrakube", preset: "terrakube", mode: "servicePrincipal", servicePrincipal: { accessLevel: "advanced", projects: ["infra"] } },
        ],
      }),
    });
    expect(runPolicies(e.resources, {}, NOW).map((f) => `${f.enforcement} ${f.policy} ${f.resource}`)).toEqual([
      "mandatory app-single-tenant gitpod-app",
      "mandatory entitlement-access-level terrakube-entitlement",
    ]);
  });

  it("reports a service principal put into Contributors of every project, read from the integration's declaration", async () => {
    const evaluate = (projects: string[], group?: string) =>
      evaluateStack({
        projectDir: root,
        stack: "dev",
        now: NOW,
        stackDoc: stackDoc({
          organization: "contoso",
          integrations: [{ name: "terrakube", preset: "terrakube", mode: "servicePrincipal", servicePrincipal: { projects, ...(group && { group }) } }],
        }),
      });
    const findings = (e: Awaited<ReturnType<typeof evaluate>>, config: PolicyConfig = {}) => runPolicies(e.resources, config, NOW).map((f) => `${f.policy} ${f.resource}`);
    const everything = await evaluate(["*"]);
    expect(findings(everything)).toEqual(["entitlement-all-projects-contributors terrakube"]);
    expect(findings(everything, { "entitlement-all-projects-contributors": { allowed: ["terrakube"] } })).toEqual([]);
    expect(findings(await evaluate(["*"], "Readers"))).toEqual([]);
    expect(findings(await evaluate(["infra"]))).toEqual([]);
  });
});
