/**
 * The CrossGuard pack through the real engine, as pipelines run it:
 * `pulumi preview --policy-pack policies --policy-pack-config
 * policies/config.<stack>.json`. The dev, staging and prod stacks pass; a
 * program that registers violating resources directly fails with each
 * policy's name and message, at the level the pack config sets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkAccessLevel,
  checkAdoScopes,
  checkAllProjectsContributors,
  checkAppBroadScopes,
  checkApplicationPermissions,
  checkOwners,
  checkPatBroadScopes,
  checkPatExpiry,
  checkPatFullAccess,
  checkPatNotGlobal,
  checkPatScopes,
  checkRedirectUris,
  checkSecretLifetime,
  checkSecretRotation,
  checkServiceHookAuth,
  checkServiceHookUrl,
  checkSignInAudience,
  checkVariableGroupSecrets,
  enforcementOf,
  POLICY_NAMES,
  RULES,
  validatePolicyConfig,
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

    // dev's config, plus an owner allow-list (dev has none) so app-owners-allowed has a list to judge by.
    const allowedOwner = "2b6f3c1e-8d4a-4f0e-9c7b-5a1d2e3f4a5b";
    const devConfig = JSON.parse(readFileSync(path.join(ROOT, "policies", "config.dev.json"), "utf8")) as Record<string, unknown>;
    const config = validatePolicyConfig({ ...devConfig, "app-owners-allowed": { allowedOwners: [allowedOwner] } }, "violations config");
    const configFile = path.join(mkdtempSync(path.join(tmpdir(), "violations-config-")), "config.json");
    writeFileSync(configFile, JSON.stringify(config));

    const r = await project.pulumi(["preview", "--stack", "violations", "--non-interactive", "--policy-pack", "policies", "--policy-pack-config", configFile]);
    expect(r.code).not.toBe(0);
    const now = new Date();
    // The properties violations/index.ts registers, for the messages the pack's own checks give.
    const tags = ["ado-integrations", "ado-integrations:integration=bad", "ado-integrations:preset=spacelift", "ado-integrations:needs=vso.code_write", "ado-integrations:allow-broad=vso.code_full"];
    const access = [
      {
        resourceAppId: "499b84ac-1321-427f-aa17-267ca6975798",
        resourceAccesses: [
          { id: "9aae797f-f2fc-47b9-bae7-1db49fdd874b", type: "Scope" },
          { id: "3214d9aa-5551-4ef3-a866-22914177e2a4", type: "Scope" },
          { id: "b325850d-aa53-41ed-b77a-c5036b2f39fa", type: "Role" },
        ],
      },
    ];
    const app = { tags, requiredResourceAccesses: access, signInAudience: "AzureADMultipleOrgs", owners: ["0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a"] };
    const oldPat = { expiresOn: "2025-01-31", scopes: ["vso.code_write"], neededScopes: ["vso.code_write"], allOrganizations: true };
    const fullPat = { createdOn: "2099-01-01", expiresOn: "2099-06-01", scopes: ["app_token", "vso.code_manage"], neededScopes: ["vso.code_write"], allOrganizations: false };
    const settings = (name: string) => RULES.find((x) => x.name === name)!.settings!.parse((config[name] as object | undefined) ?? {}) as { maxLifetimeDays: number };
    const expected: Record<string, string[]> = {
      "ado-scopes-within-preset": checkAdoScopes(app),
      "broad-scopes": [...checkAppBroadScopes(app, "broad-app", {}), ...checkPatBroadScopes(fullPat, "full-pat", {})],
      "no-application-permissions": checkApplicationPermissions(app),
      "redirect-uris-https": checkRedirectUris({ web: { redirectUris: ["http://tool.example/callback"] } }),
      "app-single-tenant": checkSignInAudience(app, "broad-app", []),
      "app-owners-allowed": checkOwners(app, [allowedOwner]),
      "client-secret-lifetime": checkSecretLifetime({ endDate: "2031-01-01T00:00:00Z" }, now, settings("client-secret-lifetime").maxLifetimeDays),
      "client-secret-rotation": checkSecretRotation({}),
      "service-hook-https": checkServiceHookUrl({ url: "http://hooks.example/endpoint" }),
      "service-hook-basic-auth": checkServiceHookAuth({}),
      "pat-expiry": [...checkPatExpiry(oldPat, now), ...checkPatExpiry(fullPat, now)],
      "pat-not-global": checkPatNotGlobal(oldPat, now),
      "pat-no-full-access": checkPatFullAccess(fullPat),
      "pat-scopes-within-need": checkPatScopes(fullPat, now),
      "entitlement-access-level": checkAccessLevel({ accessLevel: "advanced" }, "basic"),
      "entitlement-all-projects-contributors": checkAllProjectsContributors({ servicePrincipal: { accessLevel: "basic", projects: ["*"], group: "Contributors" } }, "everywhere", []),
      "config-store-secrets-secret": checkVariableGroupSecrets({ variables: { "spacelift.Personal access token": { value: "not-marked-secret", isSecret: false } } }),
    };
    // Every policy of the pack is broken once.
    expect(Object.keys(expected)).toEqual([...POLICY_NAMES]);
    const output = r.output.replace(/\s+/g, " ");
    for (const [name, messages] of Object.entries(expected)) {
      expect(messages.length, name).toBeGreaterThan(0);
      const level = enforcementOf(RULES.find((x) => x.name === name)!, config);
      expect(output, name).toContain(`[${level}] ${name}`);
      for (const m of messages) expect(output, `${name}: ${m}`).toContain(m.replace(/\s+/g, " "));
    }
    // dev makes some of them advisory: both levels are in play.
    expect(output).toContain("[advisory] ado-scopes-within-preset");
    expect(output).toContain("[mandatory] broad-scopes");
    expect(output).toContain("[mandatory] service-hook-https");
    // Two lines of defence: the plugin's check refuses the same URL.
    expect(output).toContain("property url value {http://hooks.example/endpoint} has a problem: must use https (basic auth would travel in plain text)");
  });
});
