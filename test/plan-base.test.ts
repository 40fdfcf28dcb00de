import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

/**
 * `npm run plan -- --base <ref>` in a repository of its own: a copy of this
 * program committed with a stack file, then a commit that changes the
 * program, then a stack file changed in the working tree. The plan must show
 * exactly what each change does, and nothing of what it does not change.
 */

const root = path.resolve(__dirname, "..");
let repo: string;

const stackFile = (projects: string, scopes: string, extra: readonly string[] = []) =>
  [
    "config:",
    "  ado-integrations:organization: contoso",
    "  ado-integrations:integrations:",
    "    - name: review-bot",
    "      preset: custom",
    "      displayName: Review bot (contoso)",
    "      entraApp:",
    "        redirectUris: [https://review-bot.contoso.example/auth/callback]",
    `        scopes: ${scopes}`,
    "      serviceHooks:",
    "        url: https://review-bot.contoso.example/hooks/azure-devops",
    "        username: azure-devops",
    `        projects: ${projects}`,
    "        events: [git.pullrequest.created]",
    "      fields:",
    "        Client ID: clientId",
    "        Client Secret: clientSecret",
    ...extra,
    "",
  ].join("\n");

const BASE_STACK = stackFile("[infra]", "[vso.code]", [
  "    - name: old-bot",
  "      preset: custom",
  "      pat: { secret: oldBotPat, expiresOn: '2027-01-31', scopes: [vso.code] }",
  "      fields: { Token: pat }",
  "  ado-integrations:oldBotPat:",
  "    secure: v1:bm90LWEta2V5:cGxhY2Vob2xkZXI=",
]);
const HEAD_STACK = stackFile("[infra, payments]", "[vso.code, vso.code_write]").replace("        Client Secret: clientSecret\n", "        Client Secret: clientSecret\n        Webhook Password: webhookPassword\n");

// Hooks on every project; the pull request adds an integration that names a project no stack named before.
const ORG_BASE = stackFile('["*"]', "[vso.code]");
const ORG_HEAD = `${ORG_BASE}    - name: newcomer\n      preset: custom\n      serviceHooks: { url: 'https://newcomer.contoso.example/hooks', projects: [brand-new], events: [git.push] }\n      fields: { Webhook URL: webhookUrl }\n`;

function git(...args: string[]): string {
  const r = spawnSync("git", ["-C", repo, "-c", "user.name=plan test", "-c", "user.email=plan@example.com", "-c", "commit.gpgsign=false", ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs this checkout's plan script in the test repository. */
function plan(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "plan.ts"), "--now", "2026-11-22", ...args], {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, AZDO_PERSONAL_ACCESS_TOKEN: "", ARM_CLIENT_SECRET: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), "plan-base-"));
  for (const f of ["index.ts", "Pulumi.yaml", "package.json", "tsconfig.json"]) cpSync(path.join(root, f), path.join(repo, f));
  for (const d of ["components", "policies", "provider"]) cpSync(path.join(root, d), path.join(repo, d), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(repo, "node_modules"), "dir");
  writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
  writeFileSync(path.join(repo, "Pulumi.review.yaml"), BASE_STACK);
  writeFileSync(path.join(repo, "Pulumi.same.yaml"), stackFile("[infra]", "[vso.code]"));
  writeFileSync(path.join(repo, "Pulumi.org.yaml"), ORG_BASE);
  git("init", "-q");
  git("add", ".");
  git("commit", "-q", "-m", "base");
  // A program change: hooks send less by default. The stack files stay as they are.
  const parse = path.join(repo, "components", "config", "parse.ts");
  const before = readFileSync(parse, "utf8");
  const after = before.replace('HOOK_DELIVERY_DEFAULTS = { resourceDetailsToSend: "all",', 'HOOK_DELIVERY_DEFAULTS = { resourceDetailsToSend: "minimal",');
  if (after === before) throw new Error("the default this test changes is no longer in components/config/parse.ts: pick another program change");
  writeFileSync(parse, after);
  git("commit", "-q", "-am", "program");
  // The pull request's own change to the stack file, not committed.
  writeFileSync(path.join(repo, "Pulumi.review.yaml"), HEAD_STACK);
  writeFileSync(path.join(repo, "Pulumi.org.yaml"), ORG_HEAD);
}, 60_000);

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const TAGS = (needs: string) =>
  `preventDuplicateNames=true, tags=["ado-integrations","ado-integrations:integration=review-bot","ado-integrations:preset=custom","ado-integrations:needs=${needs}","ado-integrations:allow-broad="]`;
const HOOK = (project: string) => `${project} / git.pullrequest.created`;
const TARGET =
  'https://review-bot.contoso.example/hooks/azure-devops (basic auth user "azure-devops", password generated by the stack; detailedMessagesToSend=none, messagesToSend=none, resourceDetailsToSend=minimal)';

// Each plan of both sides takes seconds on a busy machine.
describe("npm run plan -- --base <ref>", { timeout: 180_000 }, () => {
  it("lists only what the stack file's change does: hooks, scopes, fields added; an integration removed", () => {
    const r = plan("--stack", "review", "--base", "HEAD");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const commit = git("rev-parse", "HEAD");
    // Resources the review has no words for are listed as they are; others add such kinds over time.
    expect(r.stdout.replace(/^ {2}[-+~] Other resources: .*\n/gm, "")).toBe(
      [
        'Offline plan for stack "review" of ado-integrations: organization https://dev.azure.com/contoso',
        'Stack name "review" from --stack.',
        `Changes against HEAD (${commit.slice(0, 12)}).`,
        "",
        "review-bot (changed):",
        `  + Webhooks: ${HOOK("payments")}: ${TARGET}`,
        // The app's tags carry the scopes it needs, for the policy pack: a change of the app, shown as one.
        `  ~ Entra app: other settings: ${TAGS("vso.code")} -> ${TAGS("vso.code,vso.code_write")}`,
        "  + Scopes: Azure DevOps vso.code_write: delegated (Scope), 028ffaf1-6f06-490a-979e-38011f92fb7c (listed in the stack config (entraApp.scopes): preset custom has no needs of its own)",
        "  + Config-store keys: Webhook Password: fields.review-bot.Webhook Password (secret)",
        "",
        "old-bot (removed integration):",
        "  - Integration: preset: custom",
        "  - Integration: mode: custom",
        "  - Scopes: PAT vso.code: PAT scope",
        "  - PAT: source: the PAT in config key oldBotPat",
        "  - PAT: expires: 2027-01-31 (70 days left)",
        "  - Config-store keys: Token: fields.old-bot.Token (secret)",
        "",
        "warnings: none",
        "policies: all passed",
        "",
      ].join("\n"),
    );
  });

  it("shows a change of the program when the stack file is the same: every hook's new setting, before and after", () => {
    const r = plan("--stack", "same", "--base", "HEAD~1", "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.base).toEqual({ ref: "HEAD~1", commit: git("rev-parse", "HEAD~1") });
    expect(doc.changes).toEqual([
      {
        integration: "review-bot",
        section: "Webhooks",
        kind: "changed",
        key: HOOK("infra"),
        before: TARGET.replace("resourceDetailsToSend=minimal", "resourceDetailsToSend=all"),
        after: TARGET,
      },
    ]);
  });

  it("writes the changes for the pull-request comment, tables per section, no secret", () => {
    const r = plan("--stack", "review", "--base", "HEAD", "--markdown");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### ado-integrations plan: `review`\n\nChanges against `HEAD` \([0-9a-f]{12}\)\. Organization: https:\/\/dev\.azure\.com\/contoso\./);
    expect(r.stdout).toContain(
      [
        "#### `review-bot`: changed",
        "",
        "**Webhooks: 1 added**",
        "",
        "| | Item | Before | After | Why |",
        "| --- | --- | --- | --- | --- |",
        `| + | ${HOOK("payments")} |  | ${TARGET} |  |`,
        "",
      ].join("\n"),
    );
    expect(r.stdout).toContain(
      [
        "**Scopes: 1 added**",
        "",
        "| | Item | Before | After | Why |",
        "| --- | --- | --- | --- | --- |",
        "| + | Azure DevOps vso.code_write |  | delegated (Scope), 028ffaf1-6f06-490a-979e-38011f92fb7c | listed in the stack config (entraApp.scopes): preset custom has no needs of its own |",
        "",
      ].join("\n"),
    );
    expect(r.stdout).toContain("#### `old-bot`: removed integration");
    // The secure: value in the base's stack file is never decrypted or shown, nor any stand-in.
    expect(r.stdout).not.toMatch(/cGxhY2Vob2xkZXI|offline-not-a-secret/);
  });

  it("plans both sides against one organization: a project only the pull request names adds no hook to a `*` selector", () => {
    const r = plan("--stack", "org", "--base", "HEAD", "--json");
    expect(r.code).toBe(0);
    const changes = JSON.parse(r.stdout).changes as { integration: string; section: string; kind: string; key: string }[];
    expect(changes.filter((c) => c.integration !== "newcomer")).toEqual([]);
    expect(changes.filter((c) => c.section === "Webhooks" && c.key.includes(" / "))).toEqual([expect.objectContaining({ integration: "newcomer", kind: "added", key: "brand-new / git.push" })]);
  });

  it("a stack file the base does not have: everything is new, and the plan says why", () => {
    writeFileSync(path.join(repo, "Pulumi.fresh.yaml"), stackFile("[infra]", "[vso.code]"));
    const r = plan("--stack", "fresh", "--base", "HEAD");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("note: --base HEAD: Pulumi.fresh.yaml does not exist there, so everything is new\n");
    expect(r.stdout).toContain("review-bot (new integration):\n  + Integration: preset: custom\n");
  });

  it("a ref git does not know, or a stack file outside the repository, is a usage error (exit 64)", () => {
    const usage = "usage: npm run plan -- [--stack <name>] [--stack-file <file>] [--json | --markdown] [--base <git ref>] [--now YYYY-MM-DD]\n";
    const unknown = plan("--stack", "review", "--base", "no-such-branch");
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([64, "", `--base no-such-branch: no such commit in ${repo} (a shallow clone needs that commit fetched, e.g. fetch depth 2 for HEAD^1)\n${usage}`]);
    const option = plan("--stack", "review", "--base=--output=x");
    expect([option.code, option.stderr]).toEqual([64, `--base --output=x: not a git ref\n${usage}`]);
    const outside = path.join(mkdtempSync(path.join(tmpdir(), "plan-outside-")), "Pulumi.elsewhere.yaml");
    writeFileSync(outside, stackFile("[infra]", "[vso.code]"));
    const r = plan("--stack-file", outside, "--base", "HEAD");
    expect([r.code, r.stderr]).toEqual([64, `--base HEAD: ${outside} is outside the repository, so it has no version at HEAD\n${usage}`]);
  });
});

describe("the pipelines post the changes against the base on pull requests", () => {
  it.each([
    ["github-actions.yml", "fetch-depth"],
    ["azure-pipelines.yml", "fetchDepth"],
  ])("%s plans with --base HEAD^1 and fetches the merge commit's first parent", (file, depthKey) => {
    const text = readFileSync(path.join(root, "pipelines", file), "utf8");
    const plans = text.split("\n").filter((l) => l.includes("npm run plan --"));
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatch(/npm run plan -- --stack .+ --markdown --base HEAD\^1 > /);
    // The checkout of the job that plans holds two commits: the merge and its first parent.
    const doc = JSON.stringify(parseYaml(text));
    expect(doc).toContain(`"${depthKey}":2`);
  });
});
