/**
 * The provider plugin through the real engine: a stack deployed by the
 * dynamic providers of the previous version moves to the plugin with the
 * README's migration and nothing on the server changes; moving the REST
 * runtime's folder (a refactor) leaves refresh and destroy of deployed
 * resources working; a hook created by hand is imported with `pulumi import`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createSubscription } from "../../components/azure-devops/runtime/subscriptions";
import { DYNAMIC_TOKENS, TOKENS } from "../../provider/schema";
import { useLoopbackEnvironment } from "../azure-devops/helpers";
import { startLoopback } from "../loopback/server";
import { engine, perTest } from "./engine-bin";
import { EngineProject, ROOT, checkoutOf, writesSince } from "./harness";
import { planProjects } from "./plan";

const { bin, reason } = engine();

/** The last commit whose Azure DevOps resources were dynamic resources. */
const LAST_DYNAMIC_COMMIT = "54dd50e";
const DEV = path.join(ROOT, "Pulumi.dev.yaml");
const DEV_SECRETS = { spaceliftWebhookPassword: "engine-plugin-webhook-password-4", spaceliftPat: "engine-plugin-pat-8Hq", infrakitchenPat: "engine-plugin-ik-pat-2Lm" };

const quietPreview = ["preview", "--stack", "dev", "--expect-no-changes", "--non-interactive"];
const quietRefreshingPreview = ["preview", "--stack", "dev", "--refresh", "--expect-no-changes", "--non-interactive"];

/** Every file under `dir` (relative paths), for rewriting imports. */
function filesUnder(dir: string, skip: ReadonlySet<string>): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (skip.has(entry)) return [];
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full, skip) : [full];
  });
}

describe.skipIf(!bin)(`engine: the provider plugin${bin ? "" : ` (skipped: ${reason})`}`, () => {
  const held = perTest();

  it("a stack deployed with the dynamic providers moves to the plugin without a call that changes the server", async () => {
    const previous = checkoutOf(ROOT, LAST_DYNAMIC_COMMIT);
    try {
      const server = (held.server = await startLoopback({ projects: await planProjects(DEV) }));
      const project = (held.project = new EngineProject(bin!, server, { source: previous }));
      await project.initStack("dev", DEV, DEV_SECRETS);
      await project.ok(["up", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview"]);
      const before = await project.exportState("dev");
      const dynamic = before.deployment.resources!.filter((r) => Object.values(DYNAMIC_TOKENS).includes(r.type));
      expect(dynamic.length).toBeGreaterThan(0);
      expect(before.text).toContain("__provider");
      const hooksBefore = [...server.state.subscriptions.keys()].sort();

      // The new version, then the README's migration.
      project.replaceSource(ROOT);
      const exported = path.join(project.dir, "before.json");
      const migrated = path.join(project.dir, "after.json");
      await project.ok(["stack", "export", "--stack", "dev", "--file", exported]);
      const script = execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate-state.ts", exported, migrated], { cwd: project.dir, encoding: "utf8" });
      expect(script).toContain(`moved ${dynamic.filter((r) => r.type === DYNAMIC_TOKENS[TOKENS.serviceHookSubscription]).length} ${TOKENS.serviceHookSubscription}`);
      await project.ok(["stack", "import", "--stack", "dev", "--file", migrated]);

      // The migration changes nothing for the moved resources: each is `same` in the preview.
      // Beside them shows what the program gained since that commit (hooks for events a
      // preset needs now, state-only records, component inputs), never a delete or a replace
      // of something deployed. The stand-in azuread plugin cannot preview computed outputs,
      // so its steps are checked by their IDs after `up` instead.
      const nameOf = (urn: string) => urn.split("::").pop()!;
      const movedNames = new Set(dynamic.map((r) => nameOf(r.urn)));
      const mark = server.calls.length;
      const preview = JSON.parse((await project.ok(["preview", "--stack", "dev", "--non-interactive", "--json"])).stdout) as { steps: { op: string; urn: string }[] };
      const typeOf = (urn: string) => urn.split("::")[2]!.split("$").pop()!;
      const pluginSteps = preview.steps.filter((step) => Object.values(TOKENS).includes(typeOf(step.urn) as never));
      expect(pluginSteps.filter((step) => movedNames.has(nameOf(step.urn)) && step.op !== "same").map((step) => `${step.op} ${nameOf(step.urn)}`)).toEqual([]);
      const unexpected = preview.steps
        .filter((step) => step.op !== "same" && !typeOf(step.urn).startsWith("azuread:"))
        .filter((step) => !(step.op === "update" && typeOf(step.urn).startsWith("ado-integrations:")))
        .filter((step) => !(step.op === "create" && !movedNames.has(nameOf(step.urn))))
        .map((step) => `${step.op} ${typeOf(step.urn)} ${nameOf(step.urn)}`);
      expect(unexpected).toEqual([]);
      const added = pluginSteps.filter((step) => step.op === "create" && typeOf(step.urn) === TOKENS.serviceHookSubscription).length;

      await project.ok(["up", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview"]);
      await project.ok([...quietPreview, "--diff"]);
      await project.ok(quietRefreshingPreview);
      // The server saw only the creates of the new hooks: nothing deployed was written to.
      const writes = writesSince(server.calls, mark).map((c) => `${c.method} ${c.path}`);
      expect(writes.filter((w) => !/^POST \/[^/]+\/_apis\/hooks\/subscriptions$/.test(w))).toEqual([]);
      expect(writes).toHaveLength(added);

      const after = await project.exportState("dev");
      expect(after.text).not.toContain("__provider");
      expect(after.text).not.toContain("pulumi-nodejs");
      const moved = after.deployment.resources!.filter((r) => Object.values(TOKENS).includes(r.type as never) && movedNames.has(nameOf(r.urn)));
      expect(moved.map((r) => r.id).sort()).toEqual(dynamic.map((r) => r.id).sort());
      const hooksAfter = [...server.state.subscriptions.keys()];
      expect(hooksAfter.filter((id) => !hooksBefore.includes(id))).toHaveLength(added);
      expect(hooksBefore.filter((id) => !hooksAfter.includes(id))).toEqual([]);
      // Nothing in Entra ID was replaced: every azuread resource keeps its ID.
      const entra = (d: typeof before) => Object.fromEntries(d.deployment.resources!.filter((r) => r.type.startsWith("azuread:")).map((r) => [r.urn, r.id]));
      expect(entra(after)).toEqual(entra(before));

      // The moved stack runs as any other: a destroy that empties the server.
      await project.ok(["destroy", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview"]);
      expect(server.state.subscriptions.size).toBe(0);
      expect(server.state.variableGroups.size).toBe(0);
    } finally {
      rmSync(previous, { recursive: true, force: true });
    }
  });

  it("refresh and destroy still work after the REST runtime's folder moved (the plugin rebuilt, state untouched)", async () => {
    const server = (held.server = await startLoopback({ projects: await planProjects(DEV) }));
    const project = (held.project = new EngineProject(bin!, server));
    await project.initStack("dev", DEV, DEV_SECRETS);
    await project.ok(["up", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview"]);
    expect(server.state.subscriptions.size).toBeGreaterThan(0);

    // The refactor: components/azure-devops/runtime becomes components/azure-devops/rest, imports follow.
    const from = path.join(project.dir, "components", "azure-devops", "runtime");
    renameSync(from, path.join(project.dir, "components", "azure-devops", "rest"));
    for (const file of filesUnder(project.dir, new Set(["node_modules", "dist"]))) {
      if (!file.endsWith(".ts")) continue;
      const text = readFileSync(file, "utf8");
      const next = text.replace(/azure-devops\/runtime\//g, "azure-devops/rest/").replace(/(["'])\.\/runtime\//g, "$1./rest/");
      if (next !== text) writeFileSync(file, next);
    }
    rmSync(path.join(project.dir, "provider", "dist"), { recursive: true, force: true });
    execFileSync(process.execPath, [path.join(project.dir, "node_modules", "typescript", "bin", "tsc"), "-p", "provider/tsconfig.json"], { cwd: project.dir });
    expect(existsSync(from)).toBe(false);
    expect(existsSync(path.join(project.dir, "provider", "dist", "components", "azure-devops", "rest", "subscriptions.js"))).toBe(true);

    const mark = server.calls.length;
    await project.ok(["refresh", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview", "--expect-no-changes"]);
    await project.ok(quietPreview);
    expect(writesSince(server.calls, mark).map((c) => `${c.method} ${c.path}`)).toEqual([]);
    await project.ok(["destroy", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview"]);
    expect(server.state.subscriptions.size).toBe(0);
    expect(server.state.variableGroups.size).toBe(0);
    expect(server.state.entitlements.size).toBe(0);
  });

  it("`pulumi import` adopts a hook created by hand; the program then declares it with no change", async () => {
    const server = (held.server = await startLoopback());
    const project = (held.project = new EngineProject(bin!, server, { main: "test/engine/programs/one-hook.ts" }));
    const projectId = server.state.projects[0]!.id;
    const url = "https://hooks.example.com/made-by-hand";
    // Made outside Pulumi, as someone would in Project settings > Service hooks.
    const restore = useLoopbackEnvironment(server);
    const made = await createSubscription({ organizationUrl: server.orgUrl, projectId, eventType: "git.push", url, messagesToSend: "none", detailedMessagesToSend: "none" }).finally(restore);
    await project.initStack("dev", { "one-hook:name": "made-by-hand", "one-hook:projectId": projectId, "one-hook:url": url });

    const mark = server.calls.length;
    const imported = await project.ok(["import", TOKENS.serviceHookSubscription, "made-by-hand", made.id, "--stack", "dev", "--yes", "--non-interactive", "--generate-code=false", "--protect=false"], {
      // Only the id is known at import: the organization comes from the environment, as for every Azure DevOps tool.
      env: { AZDO_ORG_SERVICE_URL: server.orgUrl },
    });
    expect(imported.output).toMatch(/1 imported/);
    await project.ok([...quietPreview, "--diff"]);
    await project.ok(quietRefreshingPreview);
    expect(writesSince(server.calls, mark).map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(server.state.subscriptions.size).toBe(1);

    const state = await project.exportState("dev");
    const hook = state.deployment.resources!.find((r) => r.type === TOKENS.serviceHookSubscription);
    expect(hook?.id).toBe(made.id);
    // Taken over: destroying the stack removes it.
    await project.ok(["destroy", "--stack", "dev", "--yes", "--non-interactive", "--skip-preview"]);
    expect(server.state.subscriptions.size).toBe(0);
  });
});
