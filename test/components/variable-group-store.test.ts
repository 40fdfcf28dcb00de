import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { Project } from "../../components/azure-devops/lookups";
import type { StoreEntry } from "../../components/config-store";
import { VariableGroupStore, type VariableGroupStoreArgs } from "../../components/config-store/variable-group";
import { TOKENS } from "../../provider/schema";
import { SECRET_SIG, useResourceMocks } from "../azure-devops/mocks";
import { isSecretOutput, promiseOf } from "../helpers";
import { captureChildren } from "./capture";

const registered = useResourceMocks("pat-that-must-not-leak-3Vg8");
beforeEach(() => {
  registered.length = 0;
});

const ORG = "https://dev.azure.com/contoso";
const PROJECTS: Project[] = [
  { id: "11111111-1111-4111-8111-111111111111", name: "Infra" },
  { id: "22222222-2222-4222-8222-222222222222", name: "Platform" },
];

const entry = (integration: string, label: string, value: string, secret = false): StoreEntry => ({ integration, label, value: pulumi.output(value), secret });

function args(overrides: Partial<VariableGroupStoreArgs> = {}): VariableGroupStoreArgs {
  return {
    organizationUrl: ORG,
    project: "infra",
    organizationProjects: PROJECTS,
    groupName: "ado-integrations-dev",
    description: "Written by the ado-integrations Pulumi stack \"dev\". Do not edit by hand.",
    entries: [entry("gitpod", "Client ID", "client-id"), entry("spacelift", "Webhook URL", "https://hooks.example/x")],
    ...overrides,
  };
}

const groups = () => registered.filter((r) => r.type === TOKENS.variableGroup);

describe("VariableGroupStore", () => {
  it("registers one variable group named from its own name, parented to it, in the project the selector names", async () => {
    const { seen, transformations } = captureChildren();
    const store = new VariableGroupStore("config-store", args(), { transformations });
    expect(await promiseOf(store.groupId)).toBe("config-store-group_id");
    expect(seen.map((r) => [r.type, r.name])).toEqual([[TOKENS.variableGroup, "config-store-group"]]);
    expect(seen[0]!.parent).toBe(store);
    const component = registered.find((r) => r.name === "config-store")!;
    expect([component.type, component.inputs]).toEqual(["ado-integrations:config-store:VariableGroupStore", {}]);
    const group = groups().find((g) => g.name === "config-store-group");
    expect(group!.inputs).toMatchObject({
      organizationUrl: ORG,
      // Matched without regard to case, and written as the service spells it.
      projectId: "11111111-1111-4111-8111-111111111111",
      projectName: "Infra",
      name: "ado-integrations-dev",
      description: "Written by the ado-integrations Pulumi stack \"dev\". Do not edit by hand.",
      variables: { "gitpod.Client_ID": { value: "client-id", isSecret: false }, "spacelift.Webhook_URL": { value: "https://hooks.example/x", isSecret: false } },
    });
  });

  it("reports where each entry went, keyed by variable name", () => {
    const store = new VariableGroupStore("keys", args({ entries: [entry("gitpod", " Client ID ", "x"), entry("gitpod", "Client Secret", "s", true)] }));
    expect(store.keys).toEqual([
      { integration: "gitpod", label: " Client ID ", secret: false, store: "variableGroup", key: "gitpod.Client_ID" },
      { integration: "gitpod", label: "Client Secret", secret: true, store: "variableGroup", key: "gitpod.Client_Secret" },
    ]);
  });

  it("makes the whole variable map secret when one entry is a secret", async () => {
    const store = new VariableGroupStore("secret", args({ entries: [entry("gitpod", "Client ID", "x"), entry("gitpod", "Client Secret", "s3cr3t", true)] }));
    await promiseOf(store.groupId);
    // By name: a store from an earlier test may finish registering after the reset.
    const variables = groups().find((g) => g.name === "secret-group")!.inputs.variables;
    expect(variables[SECRET_SIG]).toBeDefined();
    expect(variables.value).toEqual({ "gitpod.Client_ID": { value: "x", isSecret: false }, "gitpod.Client_Secret": { value: "s3cr3t", isSecret: true } });
    expect(await isSecretOutput(store.groupId)).toBe(false);
  });

  it.each([
    ["other punctuation", "Client ID", "Client-ID"],
    ["surrounding spaces", "Client ID", " Client ID"],
    ["case only (Azure Pipelines reads names without regard to case)", "Client ID", "client id"],
  ])("refuses two labels that map to one variable: %s", (_why, first, second) => {
    const { seen, transformations } = captureChildren();
    expect(() => new VariableGroupStore("config-store", args({ entries: [entry("gitpod", first, "a"), entry("gitpod", second, "b")] }), { transformations })).toThrow(
      `VariableGroupStore config-store: entries: "gitpod" labels "${first}" and "${second}" both map to variable gitpod.${second.trim().replace(/[^A-Za-z0-9_.]+/g, "_")}; rename one in fields`,
    );
    expect(seen).toEqual([]);
  });

  it("keeps the same label of two integrations apart", () => {
    const store = new VariableGroupStore("two", args({ entries: [entry("gitpod", "Client ID", "a"), entry("bytebase", "Client ID", "b")] }));
    expect(store.keys.map((k) => k.key)).toEqual(["gitpod.Client_ID", "bytebase.Client_ID"]);
  });

  it("names the project, and the organization, when the project is not in it", () => {
    const { seen, transformations } = captureChildren();
    expect(() => new VariableGroupStore("config-store", args({ project: "Infrastructure" }), { transformations })).toThrow(
      `VariableGroupStore config-store: project: projects not found: "Infrastructure" (no project has this name) in ${ORG}`,
    );
    expect(seen).toEqual([]);
  });
});
