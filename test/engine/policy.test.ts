/**
 * The CrossGuard pack through the real engine, as pipelines run it:
 * `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config.<stack>.json`. The dev, staging and prod stacks pass; a
 * program that registers violating resources directly fails with each
 * policy's name and message, at the level the pack config sets.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkAdoScopes,
  checkApplicationPermissions,
  checkPatExpiry,
  checkPatNotGlobal,
  checkRedirectUris,
  checkSecretLifetime,
  checkSecretRotation,
  checkServiceHookAuth,
  checkServiceHookUrl,
  checkVariableGroupSecrets,
  enforcementOf,
  loadPolicyConfig,
  POLICY_NAMES,
} from "../../policies/policies";
import { startLoopback } from "../loopback/server";
import { engine, perTest } from "./engine-bin";
import { EngineProject, ROOT } from "./harness";
import { planProjects } from "./plan";

const { bin, reason } = engine();

describe.skipIf(!bin)(`engine: the policy pack${bin ? "" : ` (skipped: ${reason})`}`, () => {
  const held = perTest();

  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack} passes its pack config`, async () => {
      const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
      const server = (held.server = await startLoopback({ projects: await planProjects(file) }));
      const project = (held.project = new EngineProject(bin!, server));
      const text = readFileSync(file, "utf8");
      // staging checks its infrakitchen PAT against the organization: give it one the server accepts.
      const secrets = Object.fromEntries(
        (["spaceliftWebhookPassword", "spaceliftPat", "infrakitchenPat"] as const).filter((k) => text.includes(`:${k}:`)).map((k) => [k, k === "infrakitchenPat" ? server.pat : `engine-${k}-value`]),
      );
      await project.initStack(stack, file, secrets);
      const r = await project.pulumi(["preview", "--stack", stack, "--non-interactive", "--policy-pack", "policies", "--policy-pack-config", `policies/config.${stack}.json`]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/ado-integrations@v0\.1\.0/);
      expect(r.output).not.toMatch(/\[mandatory\]/);
    });
  }

  it("a program with violating resources fails with every policy's name and message at its configured level", async () => {
    const server = (held.server = await startLoopback());
    const project = (held.project = new EngineProject(bin!, server, { main: path.join("test", "engine", "violations", "index.ts") }));
    await project.initStack("violations", {});

    const r = await project.pulumi(["preview", "--stack", "violations", "--non-interactive", "--policy-pack", "policies", "--policy-pack-config", "policies/config.dev.json"]);
    expect(r.code).not.toBe(0);
    const now = new Date();
    const tags = ["ado-integrations", "ado-integrations:integration=bad", "ado-integrations:preset=spacelift", "ado-integrations:needs=vso.code_write", "ado-integrations:allow-broad="];
    const access = [{ resourceAppId: "499b84ac-1321-427f-aa17-267ca6975798", resourceAccesses: [{ id: "9aae797f-f2fc-47b9-bae7-1db49fdd874b", type: "Scope" }, { id: "b325850d-aa53-41ed-b77a-c5036b2f39fa", type: "Role" }] }];
    const pat = { expiresOn: "2025-01-31", scopes: ["vso.code_write"], neededScopes: ["vso.code_write"], allOrganizations: true };
    // The messages the pack's own checks give for the same properties.
    const expected: Record<string, string[]> = {
      "ado-scopes-within-preset": checkAdoScopes({ tags, requiredResourceAccesses: access }),
      "no-application-permissions": checkApplicationPermissions({ requiredResourceAccesses: access }),
      "redirect-uris-https": checkRedirectUris({ web: { redirectUris: ["http://tool.example/callback"] } }),
      "client-secret-lifetime": checkSecretLifetime({ endDate: "2031-01-01T00:00:00Z" }, now, 730),
      "client-secret-rotation": checkSecretRotation({}),
      "service-hook-https": checkServiceHookUrl({ url: "http://hooks.example/endpoint" }),
      "service-hook-basic-auth": checkServiceHookAuth({}),
      "pat-expiry": checkPatExpiry(pat, now),
      "pat-not-global": checkPatNotGlobal(pat, now),
      "config-store-secrets-secret": checkVariableGroupSecrets({ variables: { "spacelift.Personal access token": { value: "not-marked-secret", isSecret: false } } }),
    };
    const config = loadPolicyConfig("dev");
    const output = r.output.replace(/\s+/g, " ");
    for (const [name, messages] of Object.entries(expected)) {
      expect(POLICY_NAMES).toContain(name);
      expect(messages.length, name).toBeGreaterThan(0);
      const level = enforcementOf({ name, enforcementLevel: "mandatory" }, config);
      expect(output, name).toContain(`[${level}] ${name}`);
      for (const m of messages) expect(output, `${name}: ${m}`).toContain(m.replace(/\s+/g, " "));
    }
    // dev makes two of them advisory: both levels are in play.
    expect(output).toContain("[advisory] ado-scopes-within-preset");
    expect(output).toContain("[mandatory] service-hook-https");
    // Two lines of defence: the plugin's check refuses the same URL.
    expect(output).toContain("property url value {http://hooks.example/endpoint} has a problem: must use https (basic auth would travel in plain text)");
  });
});
