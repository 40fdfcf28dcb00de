/**
 * Every example stack and the dev stack through the real engine: `up`
 * creates on the Azure DevOps side exactly what the offline plan lists,
 * once each; a second preview and a refreshing preview are empty; state
 * holds no secret in plaintext while `stack output --show-secrets` shows
 * the stored ones; `destroy` leaves the organization as it found it.
 */
import * as path from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { startLoopback } from "../loopback/server";
import { engine, perTest } from "./engine-bin";
import { EngineProject, ROOT, writesSince } from "./harness";
import { plannedOf, planProjects, planResources } from "./plan";

const { bin, reason } = engine();

/** Test values for the dev stack's `secure:` keys; none may show up in state. */
const SECRETS: Record<string, string> = {
  spaceliftWebhookPassword: "engine-webhook-password-Q7rT2v",
  spaceliftPat: "engine-spacelift-pat-3kd8Wq0x",
  infrakitchenPat: "engine-infrakitchen-pat-Pz91mB",
};

const STACKS: Record<string, string> = {
  dev: path.join(ROOT, "Pulumi.dev.yaml"),
  // Every example, so a new preset's example runs here without a change to this file.
  ...Object.fromEntries(
    readdirSync(path.join(ROOT, "examples"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => [f.slice(0, -".yaml".length), path.join(ROOT, "examples", f)]),
  ),
};

/** A test value for every `secure:` key of a stack file: the dev stack's own, or one made from the key's name. */
function secretsFor(file: string): Record<string, string> {
  const config = (YAML.parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
  const keys = Object.entries(config)
    .filter(([, value]) => value !== null && typeof value === "object" && "secure" in value)
    .map(([key]) => key.split(":").pop()!);
  return Object.fromEntries(keys.map((k) => [k, SECRETS[k] ?? `engine-${k}-value-7Hq2`]));
}

describe.skipIf(!bin)(`engine: each stack up, preview, refresh, destroy${bin ? "" : ` (skipped: ${reason})`}`, () => {
  const held = perTest();

  for (const [stack, file] of Object.entries(STACKS)) {
    it(`${stack}: up matches the offline plan; previews are empty; no plaintext secret in state; destroy cleans up`, async () => {
      const planned = planResources(file);
      const server = (held.server = await startLoopback({ projects: await planProjects(file) }));
      const project = (held.project = new EngineProject(bin!, server));
      const secrets = secretsFor(file);
      await project.initStack(stack, file, secrets);

      const up = await project.ok(["up", "--stack", stack, "--yes", "--non-interactive", "--skip-preview"]);
      expect(up.output).not.toContain("error:");

      // The server holds exactly what the plan listed, once each.
      const hooks = plannedOf(planned, "ServiceHookSubscription");
      const onServer = [...server.state.subscriptions.values()];
      expect(onServer.map((s) => `${s.publisherInputs.projectId}/${s.eventType}/${s.consumerInputs.url}`).sort()).toEqual(
        hooks.map((h) => `${h.inputs.projectId}/${h.inputs.eventType}/${h.inputs.url}`).sort(),
      );
      const groups = plannedOf(planned, "VariableGroup");
      expect([...server.state.variableGroups.values()].map((g) => g.name).sort()).toEqual(groups.map((g) => g.inputs.name).sort());
      expect(server.state.entitlements.size).toBe(plannedOf(planned, "ServicePrincipalEntitlement").length);
      expect(server.count("POST", "_apis/hooks/subscriptions")).toBe(hooks.length);

      // No perpetual diff, with or without a refresh.
      const callsBefore = server.calls.length;
      await project.ok(["preview", "--stack", stack, "--expect-no-changes", "--non-interactive", "--diff"]);
      await project.ok(["preview", "--stack", stack, "--refresh", "--expect-no-changes", "--non-interactive"]);
      const writes = writesSince(server.calls, callsBefore);
      expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual([]);

      // Secrets: never in state in plaintext; the stored ones readable with --show-secrets.
      const state = await project.exportState(stack);
      for (const value of Object.values(secrets)) expect(state.text).not.toContain(value);
      for (const s of onServer) if (s.consumerInputs.basicAuthPassword) expect(state.text).not.toContain(s.consumerInputs.basicAuthPassword);
      const outputs = JSON.parse((await project.ok(["stack", "output", "--stack", stack, "--json", "--show-secrets"])).stdout);
      const hidden = JSON.parse((await project.ok(["stack", "output", "--stack", stack, "--json"])).stdout);
      for (const [integration, fields] of Object.entries(outputs.fields as Record<string, Record<string, string>>)) {
        for (const [label, value] of Object.entries(fields)) {
          expect(value, `${integration}.${label}`).toEqual(expect.any(String));
          const masked = hidden.fields[integration][label];
          if (masked === "[secret]") {
            expect(state.text, `${integration}.${label} in state`).not.toContain(value);
          }
        }
      }
      if (secrets.spaceliftPat) {
        expect(outputs.fields.spacelift["Personal access token"]).toBe(secrets.spaceliftPat);
        expect(hidden.fields.spacelift["Personal access token"]).toBe("[secret]");
      }

      // Destroy removes everything the stack created.
      await project.ok(["destroy", "--stack", stack, "--yes", "--non-interactive", "--skip-preview"]);
      expect(server.state.subscriptions.size).toBe(0);
      expect(server.state.variableGroups.size).toBe(0);
      expect(server.state.entitlements.size).toBe(0);
    });
  }

  it("an invalid stack config stops preview and up with one line per problem, no stack trace, nothing created", async () => {
    const file = STACKS.dev!;
    const server = (held.server = await startLoopback({ projects: await planProjects(file) }));
    const project = (held.project = new EngineProject(bin!, server));
    const config = (YAML.parse(readFileSync(file, "utf8")) as { config: Record<string, any> }).config;
    config["ado-integrations:integrations"][1].pat.expiresOn = "2027-02-30";
    config["ado-integrations:integrations"][2].pat.allOrganizations = true;
    await project.initStack("invalid", config, SECRETS);
    const problems = [
      "invalid stack config (2 problems):",
      "integrations[1].pat.expiresOn: must be a real date written YYYY-MM-DD",
    ];
    for (const command of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const r = await project.pulumi([...command, "--stack", "invalid", "--non-interactive"]);
      expect(r.code, r.output).not.toBe(0);
      for (const line of problems) expect(r.output).toContain(line);
      expect(r.output).toMatch(/integrations\[2\]\.pat\.allOrganizations: all-organizations \(global\) PATs stop(ped)? working on 2026-12-01/);
      expect(r.output).not.toContain("PromiseRejectionHandledWarning");
      expect(r.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      for (const secret of Object.values(SECRETS)) expect(r.output).not.toContain(secret);
    }
    expect(server.calls.filter((c) => c.method !== "GET")).toEqual([]);
    const { deployment } = await project.exportState("invalid");
    expect((deployment.resources ?? []).filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });

});
