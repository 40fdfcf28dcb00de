/**
 * scripts/migrate-state.ts on `pulumi stack export` documents shaped like
 * those the dynamic providers left (the engine suite runs it on a real one).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { TOKENS } from "../../provider/schema";
import { type Exported, type StateResource, migrateState } from "../../scripts/migrate-state";

const ROOT = path.resolve(__dirname, "../..");
const P = "urn:pulumi:dev::ado-integrations::";
const STACK = `${P}pulumi:pulumi:Stack::ado-integrations-dev`;
const DYNAMIC_PROVIDER = `${P}pulumi:providers:pulumi-nodejs::default`;
const COMPONENT = `${P}ado-integrations:service-hooks:ServiceHooks::spacelift-hooks`;
const HOOK = `${P}ado-integrations:service-hooks:ServiceHooks$pulumi-nodejs:dynamic/azure-devops:ServiceHookSubscription::spacelift-hooks-web-git-push`;
const GROUP = `${P}pulumi-nodejs:dynamic/azure-devops:VariableGroup::store`;
const APP = `${P}azuread:index/application:Application::app`;
const CODE = "exports.handler = () => require('tsx/cjs/api')";

function exported(): Exported & { deployment: { resources: StateResource[] } } {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-12-01T00:00:00Z" },
      secrets_providers: { type: "passphrase" },
      resources: [
        { urn: STACK, custom: false, type: "pulumi:pulumi:Stack" },
        { urn: DYNAMIC_PROVIDER, custom: true, id: "prov-1", type: "pulumi:providers:pulumi-nodejs" },
        { urn: COMPONENT, custom: false, type: "ado-integrations:service-hooks:ServiceHooks", parent: STACK },
        {
          urn: HOOK,
          custom: true,
          id: "6f1c3b52-1111-4000-8000-000000000001",
          type: "pulumi-nodejs:dynamic/azure-devops:ServiceHookSubscription",
          parent: COMPONENT,
          provider: `${DYNAMIC_PROVIDER}::prov-1`,
          inputs: { __provider: CODE, url: "https://hooks.example.com/x", basicAuthPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" } },
          outputs: { __provider: CODE, url: "https://hooks.example.com/x", status: "enabled" },
          propertyDependencies: { __provider: [], url: [] },
        },
        {
          urn: GROUP,
          custom: true,
          id: "12",
          type: "pulumi-nodejs:dynamic/azure-devops:VariableGroup",
          parent: STACK,
          provider: `${DYNAMIC_PROVIDER}::prov-1`,
          inputs: { __provider: CODE, name: "store" },
          outputs: { __provider: CODE, name: "store" },
          dependencies: [HOOK, APP],
          propertyDependencies: { variables: [HOOK] },
        },
        { urn: APP, custom: true, id: "/applications/1", type: "azuread:index/application:Application", parent: STACK, dependencies: [HOOK], inputs: {}, outputs: {} },
      ],
    },
  };
}

describe("migrate-state", () => {
  it("moves each dynamic resource to the plugin's type and default provider, keeping ids, inputs and outputs, without code", () => {
    const { exported: out, moved, removedProviders } = migrateState(exported(), "new-provider-id");
    const resources = out.deployment.resources!;
    const hook = resources.find((r) => r.id === "6f1c3b52-1111-4000-8000-000000000001")!;
    const newHook = `${P}ado-integrations:service-hooks:ServiceHooks$${TOKENS.serviceHookSubscription}::spacelift-hooks-web-git-push`;
    const newGroup = `${P}${TOKENS.variableGroup}::store`;
    const provider = `${P}pulumi:providers:azure-devops-integrations::default`;
    expect(hook).toMatchObject({ urn: newHook, type: TOKENS.serviceHookSubscription, parent: COMPONENT, provider: `${provider}::new-provider-id` });
    expect(hook.inputs).toEqual({ url: "https://hooks.example.com/x", basicAuthPassword: exported().deployment.resources[3]!.inputs!.basicAuthPassword });
    expect(hook.outputs).toEqual({ url: "https://hooks.example.com/x", status: "enabled" });
    const group = resources.find((r) => r.id === "12")!;
    expect(group).toMatchObject({ urn: newGroup, dependencies: [newHook, APP], propertyDependencies: { variables: [newHook] } });
    expect(resources.find((r) => r.urn === APP)!.dependencies).toEqual([newHook]);
    expect(moved).toEqual({ [TOKENS.serviceHookSubscription]: 1, [TOKENS.variableGroup]: 1 });
    // The unused dynamic provider goes; the plugin's comes before the first resource that uses it.
    expect(removedProviders).toEqual([DYNAMIC_PROVIDER]);
    expect(resources.map((r) => r.urn)).toEqual([STACK, COMPONENT, provider, newHook, newGroup, APP]);
    expect(resources[2]).toEqual({ urn: provider, custom: true, id: "new-provider-id", type: "pulumi:providers:azure-devops-integrations" });
    expect(JSON.stringify(out)).not.toContain("__provider");
    expect(JSON.stringify(out)).not.toContain("pulumi-nodejs");
  });

  it("changes nothing in a state that was already moved", () => {
    const once = migrateState(exported(), "id-1").exported;
    const twice = migrateState(JSON.parse(JSON.stringify(once)), "id-2");
    expect(twice.moved).toEqual({});
    expect(twice.exported).toEqual(once);
  });

  it("reuses the plugin's default provider when the state has one already", () => {
    const state = exported();
    const existing = { urn: `${P}pulumi:providers:azure-devops-integrations::default`, custom: true, id: "kept", type: "pulumi:providers:azure-devops-integrations" };
    state.deployment.resources.splice(1, 0, existing);
    const out = migrateState(state, "unused").exported.deployment.resources!;
    expect(out.filter((r) => r.type === "pulumi:providers:azure-devops-integrations")).toHaveLength(1);
    expect(out.find((r) => r.id === "12")!.provider).toBe(`${existing.urn}::kept`);
  });

  it("keeps a dynamic provider that another dynamic resource still uses", () => {
    const state = exported();
    const other = { urn: `${P}pulumi-nodejs:dynamic:Resource::other`, custom: true, id: "o", type: "pulumi-nodejs:dynamic:Resource", provider: `${DYNAMIC_PROVIDER}::prov-1` };
    state.deployment.resources.push(other);
    const result = migrateState(state);
    expect(result.removedProviders).toEqual([]);
    expect(result.exported.deployment.resources).toContainEqual(other);
    expect(result.exported.deployment.resources!.map((r) => r.urn)).toContain(DYNAMIC_PROVIDER);
  });

  it("refuses an Azure DevOps dynamic type it does not know, changing nothing", () => {
    const state = exported();
    state.deployment.resources.push({ urn: `${P}pulumi-nodejs:dynamic/azure-devops:Pipeline::p`, custom: true, id: "p", type: "pulumi-nodejs:dynamic/azure-devops:Pipeline" });
    expect(() => migrateState(state)).toThrow("unknown dynamic resource type pulumi-nodejs:dynamic/azure-devops:Pipeline");
  });

  it("refuses a state with pending operations on these resources, saying what to run first", () => {
    const state = { ...exported(), deployment: { ...exported().deployment, pending_operations: [{ type: "creating", resource: exported().deployment.resources[3]! }] } };
    expect(() => migrateState(state)).toThrow("pending operation(s) on Azure DevOps resources");
    expect(() => migrateState(state)).toThrow("pulumi refresh --clear-pending-creates");
  });

  it("runs as the README's command: writes the moved state and says what it moved", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "migrate-"));
    const from = path.join(dir, "before.json");
    const to = path.join(dir, "after.json");
    writeFileSync(from, JSON.stringify(exported()));
    const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/migrate-state.ts", from, to], { cwd: ROOT, encoding: "utf8" });
    expect(out.trim()).toBe(
      `moved 1 ${TOKENS.serviceHookSubscription}, 1 ${TOKENS.variableGroup} to the azure-devops-integrations plugin; removed 1 dynamic provider entry. Next: pulumi stack import --file ${to}`,
    );
    expect(JSON.parse(readFileSync(to, "utf8")).deployment.resources.some((r: { type: string }) => r.type === TOKENS.variableGroup)).toBe(true);
    const usage = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate-state.ts", from], { cwd: ROOT, encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr.trim()).toBe("usage: npm run --silent migrate-state -- <pulumi stack export file> <output file>");
  });
});
