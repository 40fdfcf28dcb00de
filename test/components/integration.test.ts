import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { Project } from "../../components/azure-devops/lookups";
import type { IntegrationModel } from "../../components/config/model";
import { parseStackConfig } from "../../components/config/parse";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "../../components/entra/published-ids";
import type { ResourcePrincipals } from "../../components/entra/resource-principals";
import { Integration, type IntegrationArgs } from "../../components/integration";
import { TOKENS } from "../../provider/schema";
import { gitpod, secrets, spacelift } from "../config/cases";
import { configSource, isSecretOutput, NOW, promiseOf } from "../helpers";
import { useResourceMocks } from "../azure-devops/mocks";
import { captureChildren, type Registration } from "./capture";

// Echo the inputs and add what Entra assigns, so the outputs the component derives can be read.
// Only a client secret gets a value of its own: the PAT handoff and the recorded creator echo theirs, as the plugin does on a first run.
const registered = useResourceMocks("pat-that-must-not-leak-Ct7w", (args) => ({
  clientId: `${args.name}-client-id`,
  objectId: `${args.name}-object-id`,
  ...(args.type === "azuread:index/applicationPassword:ApplicationPassword" && { value: `${args.name}-value` }),
  result: `${args.name}-result`,
}));
beforeEach(() => {
  registered.length = 0;
});

const ORG = "https://dev.azure.com/contoso";
const PROJECTS: Project[] = [
  { id: "11111111-1111-4111-8111-111111111111", name: "infra" },
  { id: "22222222-2222-4222-8222-222222222222", name: "platform-api" },
];
const principals = {
  tenantId: pulumi.output("tenant-id"),
  callerObjectId: pulumi.output("caller-id"),
  azureDevOpsScopeIds: pulumi.output({ ...PUBLISHED_AZURE_DEVOPS_SCOPE_IDS }),
  graphScopeIds: pulumi.output({ "User.Read": "user-read-id" }),
} as unknown as ResourcePrincipals;

/** The validated model of one integration entry, as the stack would pass it. */
function model(entry: Record<string, unknown>): IntegrationModel {
  const text = JSON.stringify(entry);
  const referenced = Object.fromEntries(Object.entries(secrets).filter(([k]) => text.includes(`"${k}"`)));
  return parseStackConfig(configSource({ ...referenced, organization: "contoso", integrations: [entry] }, Object.keys(referenced)), { now: NOW }).integrations[0]!;
}

const args = (m: IntegrationModel, overrides: Partial<IntegrationArgs> = {}): IntegrationArgs => ({
  model: m,
  organizationUrl: ORG,
  organizationName: "contoso",
  organizationProjects: PROJECTS,
  principals,
  secret: (key) => pulumi.secret(`secret-of-${key}`),
  now: NOW,
  ...overrides,
});

const direct = (seen: Registration[], parent: pulumi.Resource) => seen.filter((r) => r.parent === parent).map((r) => [r.type, r.name]);

describe("Integration", () => {
  it("composes an Entra app for gitpod, named as the integration, and the preset's form fields", async () => {
    const { seen, transformations } = captureChildren();
    const i = new Integration("gitpod", args(model(gitpod)), { transformations });
    expect(direct(seen, i)).toEqual([["ado-integrations:entra:EntraApp", "gitpod"]]);
    expect([i.entraApp, i.serviceHooks, i.pat, i.entitlement].map((c) => c !== undefined)).toEqual([true, false, false, false]);
    expect(await promiseOf(i.entries[2]!.value)).toBe("gitpod-app-client-id");
    const component = registered.find((r) => r.type === "ado-integrations:index:Integration")!;
    expect([component.name, component.inputs]).toEqual(["gitpod", { preset: "gitpod", mode: "classic" }]);
    expect(i.entries.map((e) => [e.integration, e.label, e.secret])).toEqual([
      ["gitpod", "Authorization URL", false],
      ["gitpod", "Token URL", false],
      ["gitpod", "Client ID", false],
      ["gitpod", "Client Secret", true],
      ["gitpod", "Redirect URI", false],
    ]);
  });

  it("composes service hooks and a PAT reference for spacelift, each named from the integration", async () => {
    const { seen, transformations } = captureChildren();
    const i = new Integration("spacelift", args(model(spacelift)), { transformations });
    expect(direct(seen, i)).toEqual([
      ["ado-integrations:service-hooks:ServiceHooks", "spacelift-hooks"],
      ["ado-integrations:credentials:PatReference", "spacelift-pat"],
    ]);
    const pat = i.entries.find((e) => e.label === "Personal access token")!;
    expect(await promiseOf(pat.value)).toBe("secret-of-spaceliftPat");
    expect([pat.secret, await isSecretOutput(pat.value)]).toEqual([true, true]);
    expect(await promiseOf(i.entries.find((e) => e.label === "Organization URL")!.value)).toBe(ORG);
  });

  it("generates the webhook password when the config names none", async () => {
    const { seen, transformations } = captureChildren();
    // Spacelift issues its own webhook secret; a custom tool's password is generated.
    const m = model({ name: "review-bot", preset: "custom", serviceHooks: { url: "https://review-bot.contoso.example/hooks", projects: ["infra"], events: ["git.push"] } });
    const i = new Integration("review-bot", args(m), { transformations });
    expect(direct(seen, i)).toContainEqual(["random:index/randomPassword:RandomPassword", "review-bot-webhook-password"]);
    await promiseOf(i.serviceHooks!.subscriptionIds);
    expect(registered.find((r) => r.name === "review-bot-webhook-password")!.inputs).toEqual({ length: 32, special: false });
  });

  it("adds the app's service principal to the organization, with the projects the config selects", async () => {
    const m = model({ name: "terrakube", preset: "terrakube", mode: "servicePrincipal", servicePrincipal: { projects: ["platform-*"] } });
    const { seen, transformations } = captureChildren();
    const i = new Integration("terrakube", args(m), { transformations });
    expect(direct(seen, i)).toEqual([
      ["ado-integrations:entra:EntraApp", "terrakube"],
      [TOKENS.servicePrincipalEntitlement, "terrakube-entitlement"],
    ]);
    await promiseOf(i.entitlement!.id);
    expect(registered.find((r) => r.name === "terrakube-entitlement")!.inputs).toMatchObject({
      organizationUrl: ORG,
      servicePrincipalObjectId: "terrakube-sp-object-id",
      accessLevel: "basic",
      projects: [{ projectId: "22222222-2222-4222-8222-222222222222", group: "Contributors" }],
    });
  });

  it("requires principals when the integration has an Entra app", () => {
    const { seen, transformations } = captureChildren();
    expect(() => new Integration("gitpod", args(model(gitpod), { principals: undefined }), { transformations })).toThrow(
      "Integration gitpod: principals is required when the integration has an Entra app",
    );
    expect(seen).toEqual([]);
  });

  it("refuses a service principal without an Entra app (a model the config module would not build)", () => {
    const m = model(spacelift);
    const broken: IntegrationModel = { ...m, servicePrincipal: { accessLevel: "basic", projects: [], exclude: [], group: "Contributors" } };
    expect(() => new Integration("spacelift", args(broken))).toThrow("Integration spacelift: servicePrincipal needs an Entra app to add to the organization");
  });

  it("refuses a field whose source the integration does not create (a model the config module would not build)", () => {
    const m = model(gitpod);
    const broken: IntegrationModel = { ...m, fields: [...m.fields, { label: "PAT", source: "pat" }] };
    expect(() => new Integration("gitpod", args(broken))).toThrow('Integration gitpod: field "PAT" takes its value from pat, which this integration does not create');
  });
});
