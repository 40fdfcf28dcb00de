import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

/** Runs `npm run plan -- ...` the way a user does (node + tsx), without npm's banner. */
function plan(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--now", "2026-11-22", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, AZDO_PERSONAL_ACCESS_TOKEN: "", ARM_CLIENT_SECRET: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a stack file to a fresh temporary folder and returns its path. */
function stackFile(name: string, lines: readonly string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "plan-")), name);
  writeFileSync(file, lines.join("\n"));
  return file;
}

describe("npm run plan", () => {
  it("prints the dev stack's plan", () => {
    const r = plan();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Offline plan for stack "dev" of ado-integrations: organization https://dev.azure.com/contoso');
    expect(r.stdout).toContain("delegated scopes, Azure DevOps: vso.code_write (028ffaf1-6f06-490a-979e-38011f92fb7c, Scope), vso.profile (4ee63f9b-9e65-476c-a487-9fea1e00c7ef, Scope)");
    expect(r.stdout).toContain("Client Secret: [secret]");
  });

  it("prints one JSON document with resources (type, name, parent, inputs) and outputs", () => {
    const r = plan("--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(["resources", "outputs"]));
    const app = doc.resources.find((x: { name: string }) => x.name === "gitpod-app");
    expect(app).toMatchObject({ type: "azuread:index/application:Application", parent: "gitpod" });
    expect(app.inputs.displayName).toBe("Gitpod / Ona (contoso, dev)");
    // The deploying identity stays an owner (the offline tenant's made-up deployer).
    expect(app.inputs.owners).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-/)]);
    expect(doc.outputs.tenant.azureDevOpsScopeIds).toBe("tenant");
    expect(doc.outputs.fields.gitpod["Client Secret"]).toBe("[secret]");
    // Parents are matched to the right resources, whatever order registrations finish in.
    const hooks = doc.resources.filter((x: { type: string }) => x.type.endsWith(":ServiceHookSubscription"));
    expect(hooks).toHaveLength(16);
    for (const h of hooks) expect(h.parent).toBe("spacelift-hooks");
    expect(doc.resources.find((x: { name: string }) => x.name === "gitpod-secret-b").parent).toBe("gitpod");
  });

  it("prints a markdown summary with a mermaid diagram", () => {
    const r = plan("--markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### ado-integrations plan: `dev`/);
    expect(r.stdout).toContain("```mermaid\nflowchart LR");
    expect(r.stdout).toContain("| spacelift | spacelift (pat) | 16 ServiceHookSubscription |");
  });

  it("on invalid config exits 2 and prints the config errors and nothing else", () => {
    const file = stackFile("Pulumi.bad.yaml", [
      "config:",
      "  ado-integrations:organization: contoso",
      "  ado-integrations:integrations:",
      "    - name: gitpod",
      "      preset: gitpd",
      "    - name: spacelift",
      "      preset: spacelift",
      "      serviceHooks: { url: 'http://x.example', projects: [] }",
    ]);
    const r = plan("--stack-file", file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "invalid stack config (4 problems):",
        '  integrations[0].preset: unknown preset "gitpd" (did you mean "gitpod"?)',
        "  integrations[1].serviceHooks.url: must be an https URL",
        "  integrations[1].serviceHooks.projects: must list at least one project name or pattern",
        "  integrations[1].pat: is required for spacelift: the PAT's secret key, expiresOn and scopes",
        "",
      ].join("\n"),
    );
  });

  it("lists policy findings and exits 3 on a mandatory violation", () => {
    const file = stackFile("Pulumi.broad.yaml", [
      "config:",
      "  ado-integrations:organization: contoso",
      "  ado-integrations:integrations:",
      "    - name: gitpod",
      "      preset: gitpod",
      "      entraApp:",
      "        redirectUris: [https://gitpod.example.com/auth/azure-devops/callback]",
      "        scopes: [vso.code_write, vso.profile, vso.code_full]",
    ]);
    // The prod policy config makes every policy mandatory.
    const r = plan("--stack", "prod", "--stack-file", file);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/policies:\n {2}x \[mandatory\] broad-scopes on gitpod-app: requests vso\.code_full, a broad scope integration gitpod is not allowed/);
    expect(r.stderr).toMatch(/^\d+ mandatory policy violations?: see "policies" above\n$/);
    const clean = plan("--stack", "prod", "--stack-file", path.join(root, "examples", "gitpod.yaml"));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("policies: all passed");
  });

  it("rejects a missing stack with one line", () => {
    const r = plan("--stack", "nope");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("Pulumi.nope.yaml");
  });
});
