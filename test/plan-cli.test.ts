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
    expect(r.stdout).toContain('Offline plan for stack "dev" of ado-integrations: organization https://dev.azure.com/contoso\nStack name "dev" from the default (no --stack or --stack-file).\n');
    expect(r.stdout).toContain("delegated scopes, Azure DevOps: vso.code_write (028ffaf1-6f06-490a-979e-38011f92fb7c, Scope), vso.profile (4ee63f9b-9e65-476c-a487-9fea1e00c7ef, Scope)");
    expect(r.stdout).toContain("Client Secret: [secret]");
  });

  it("prints each config warning once: in its warnings list, not again as the engine's log line", () => {
    const file = stackFile("Pulumi.soon.yaml", [
      "config:",
      "  ado-integrations:organization: contoso",
      "  ado-integrations:integrations:",
      "    - name: infrakitchen",
      "      preset: infrakitchen",
      "      pat:",
      "        keyVaultSecretUri: https://contoso-kv.vault.azure.net/secrets/infrakitchen-pat",
      '        expiresOn: "2026-12-10"',
      "        scopes: [vso.code_manage]",
      "        owner: platform-bot@contoso.example",
    ]);
    const r = plan("--stack-file", file);
    expect(r.code).toBe(0);
    const warning = "infrakitchen: pat.expiresOn: the PAT expires on 2026-12-10, in 18 days (warning window 30 days): rotate it";
    expect(`${r.stdout}${r.stderr}`.split(warning)).toHaveLength(2);
    expect(r.stdout).toContain(`warnings:\n  ! ${warning}\n`);
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
    // One per project and event: as many as the stack exports subscription IDs for.
    expect(hooks).toHaveLength(Object.keys(doc.outputs.integrations.spacelift.serviceHooks.subscriptionIds).length);
    expect(hooks.length).toBeGreaterThan(0);
    for (const h of hooks) expect(h.parent).toBe("spacelift-hooks");
    expect(doc.resources.find((x: { name: string }) => x.name === "gitpod-secret-b").parent).toBe("gitpod");
  });

  it("prints a markdown summary with a mermaid diagram", () => {
    const r = plan("--markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### ado-integrations plan: `dev`/);
    expect(r.stdout).toContain("```mermaid\nflowchart LR");
    expect(r.stdout).toMatch(/\n\| spacelift \| spacelift \(pat\) \| [^|]*\b\d+ ServiceHookSubscription\b/);
  });

  it("on invalid config exits 2 and prints the config errors and nothing else", () => {
    const file = stackFile("Pulumi.bad.yaml", [
      "config:",
      "  ado-integrations:organization: contoso",
      "  ado-integrations:integrations:",
      "    - name: gitpod",
      "      preset: gitpd",
      "    - name: bot",
      "      preset: custom",
      "      serviceHooks: { url: 'http://x.example', projects: [], events: [git.push] }",
    ]);
    const r = plan("--stack-file", file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      [
        "invalid stack config (3 problems):",
        '  integrations[0].preset: unknown preset "gitpd" (did you mean "gitpod"?)',
        "  integrations[1].serviceHooks.url: must be an https URL",
        "  integrations[1].serviceHooks.projects: must list at least one project name or pattern",
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

  it("a missing stack file is a usage error (exit 64), not a config error", () => {
    const r = plan("--stack", "nope");
    expect([r.code, r.stdout, r.stderr]).toEqual([64, "", `--stack nope: no stack config at Pulumi.nope.yaml: create it, or pass --stack with an existing stack\n${USAGE}`]);
  });

  it.each([
    [["--bogus"], "--bogus: not an option of the plan\n"],
    [["--json", "--markdown"], "--json and --markdown: choose one\n"],
    [["--now", "22/11/2026"], "--now: must be a date written YYYY-MM-DD\n"],
    [["--stack", "../prod"], "--stack ../prod: a stack name is letters, digits, '-', '_' or '.'\n"],
  ])("usage error %j exits 64 with its own line and the usage", (args, message) => {
    const r = plan(...args);
    expect([r.code, r.stdout, r.stderr]).toEqual([64, "", `${message}${USAGE}`]);
  });
});

const USAGE = "usage: npm run plan -- [--stack <name>] [--stack-file <file>] [--json | --markdown] [--base <git ref>] [--now YYYY-MM-DD]\n";

describe("npm run plan on a stack file of one's own", () => {
  const ownFile = () =>
    stackFile("Pulumi.team-a.yaml", [
      "config:",
      "  ado-integrations:organization: contoso",
      "  ado-integrations:integrations:",
      "    - name: review-bot",
      "      preset: custom",
      "      displayName: Review bot (contoso)",
      "      entraApp:",
      "        redirectUris: [https://review-bot.contoso.example/auth/callback]",
      "        scopes: [vso.code]",
      "        graphScopes: [User.Read]",
      "        owners: [7d3f4c1e-2b6a-4f0e-9c1d-5a8b7e6f4d3c]",
      "      serviceHooks:",
      "        url: https://review-bot.contoso.example/hooks/azure-devops",
      "        username: azure-devops",
      "        passwordSecret: reviewBotHookPassword",
      "        projects: [app-1, app-2, app-3, app-4, app-5, app-6, app-7, app-8, app-9]",
      "        events: [git.pullrequest.created, git.pullrequest.updated]",
      "      servicePrincipal: { accessLevel: basic, projects: [infra], group: Readers }",
      "      pat: { secret: reviewBotPat, expiresOn: '2027-01-31', scopes: [vso.code] }",
      "      fields:",
      "        Client ID: clientId",
      "        Client Secret: clientSecret",
      "        Webhook Password: webhookPassword",
      "        Token: pat",
    ]);

  it("takes the stack name from Pulumi.<name>.yaml, says so, and lists unset secret keys with the command for that stack", () => {
    const r = plan("--stack-file", ownFile());
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^Offline plan for stack "team-a" of ado-integrations: organization https:\/\/dev\.azure\.com\/contoso\nStack name "team-a" from the file name Pulumi\.team-a\.yaml\.\n/);
    expect(r.stdout).toContain(
      [
        "to set before `pulumi up` (2 secret keys the stack file does not set; the offline plan used stand-ins):",
        "  pulumi config set --secret --stack team-a ado-integrations:reviewBotHookPassword",
        "  pulumi config set --secret --stack team-a ado-integrations:reviewBotPat",
        "",
        "warnings: none",
      ].join("\n"),
    );
    // --stack wins over the file name, and the command names that stack.
    const prod = plan("--stack", "staging", "--stack-file", ownFile(), "--json");
    const doc = JSON.parse(prod.stdout);
    expect([doc.stack, doc.stackFrom, doc.toSetBeforeUp[0]]).toEqual([
      "staging",
      "--stack",
      { key: "reviewBotHookPassword", command: "pulumi config set --secret --stack staging ado-integrations:reviewBotHookPassword" },
    ]);
  });

  it("the pull-request markdown lists what a reviewer needs per integration, long lists collapsed, no secret", () => {
    const r = plan("--stack-file", ownFile(), "--markdown");
    expect(r.code).toBe(0);
    const blocks = [
      [
        "#### `review-bot`: preset `custom`, mode `custom`",
        "",
        "Whatever the integration's config asks for.",
        "",
        "**Webhooks**: 18 subscriptions",
        '- to https://review-bot.contoso.example/hooks/azure-devops (host `review-bot.contoso.example`): basic auth user "azure-devops", password [secret] from a secret config key; detailedMessagesToSend=none, messagesToSend=none, resourceDetailsToSend=all',
        "- events (2): `git.pullrequest.created`, `git.pullrequest.updated`",
        "- <details><summary>projects (9)</summary>",
        "",
        "  `app-1`, `app-2`, `app-3`, `app-4`, `app-5`, `app-6`, `app-7`, `app-8`, `app-9`",
        "",
        "  </details>",
      ],
      [
        "**Scopes requested, and why**",
        "",
        "| Scope | Kind | Why |",
        "| --- | --- | --- |",
        "| Azure DevOps vso.code | delegated (Scope), b325850d-aa53-41ed-b77a-c5036b2f39fa | listed in the stack config (entraApp.scopes): preset custom has no needs of its own |",
        "| Microsoft Graph User.Read | delegated (Scope), e1fe6dd8-ba31-4d61-89e7-88639da4683d | listed in the stack config (entraApp.graphScopes): preset custom has no needs of its own |",
        "| PAT vso.code | PAT scope | listed in the stack config (pat.scopes): preset custom has no needs of its own |",
      ],
      [
        "**Owners**: `2e746d13-d398-5895-acbf-1c85ff3c84c1` (app and service principal; the deploying identity, made up offline), `7d3f4c1e-2b6a-4f0e-9c1d-5a8b7e6f4d3c` (app and service principal)",
        "",
        "**Service principal** joins the organization with access level `basic`",
        "- projects (1): `infra (Readers)`",
        "",
        "**PAT**: the PAT in config key reviewBotPat; expires 2027-01-31 (70 days left)",
        "",
        "**Config-store keys** (stack outputs): `Client ID`, `Client Secret`, `Webhook Password`, `Token`",
        "- holding secrets: `fields.review-bot.Client Secret`, `fields.review-bot.Webhook Password`, `fields.review-bot.Token`",
      ],
      [
        "**To set before `pulumi up`**: secret keys the stack file does not set (the offline plan used stand-ins)",
        "",
        "```sh",
        "pulumi config set --secret --stack team-a ado-integrations:reviewBotHookPassword",
        "pulumi config set --secret --stack team-a ado-integrations:reviewBotPat",
        "```",
      ],
    ];
    for (const b of blocks) expect(r.stdout).toContain(b.join("\n"));
    expect(r.stdout).not.toMatch(/offline-not-a-secret/);
  });

  it("a YAML syntax error is a config error (exit 2) naming the file and the line", () => {
    const file = stackFile("Pulumi.broken.yaml", ["config:", "  ado-integrations:organization: contoso", "  ado-integrations:integrations:", "    - name: gitpod", "      preset: 'gitpod", "    - name: other", ""]);
    const r = plan("--stack-file", file);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      "",
      `invalid stack config (1 problem):\n  ${file} line 5: not valid YAML: Missing closing 'quote (the ' on this line is never closed)\n`,
    ]);
  });

  it("keys without the ado-integrations: namespace get an error that says so (exit 2)", () => {
    const file = stackFile("Pulumi.bare.yaml", ["config:", "  organization: contoso", "  integrations: []"]);
    const r = plan("--stack-file", file);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      "",
      [
        "invalid stack config (2 problems):",
        `  ${file} line 2: config key "organization" has no namespace: write it as ado-integrations:organization`,
        `  ${file} line 3: config key "integrations" has no namespace: write it as ado-integrations:integrations`,
        "",
      ].join("\n"),
    ]);
  });
});
