/**
 * Resources as the program registers them, for the policy tests, and the
 * helpers that run one policy over one resource. `expectPasses` and
 * `expectFails` also record which policies had a passing and a failing case,
 * so a test can check that every policy of the pack has both.
 */
import { expect } from "vitest";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS as ADO, PUBLISHED_GRAPH_SCOPE_IDS as GRAPH } from "../../components/entra/published-ids";
import { RESOURCE_TYPES, runPolicies, type PlanResource, type PolicyConfig } from "../../policies/policies";
import { NOW } from "../helpers";

export const ADO_APP = "499b84ac-1321-427f-aa17-267ca6975798";
export const GRAPH_APP = "00000003-0000-0000-c000-000000000000";

/** Pulumi's secret envelope, as the mocks record a secret input. */
export const secretEnvelope = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** The messages one policy reports for one resource under `config`. */
export const messages = (policy: string, resource: PlanResource, config: PolicyConfig = {}) =>
  runPolicies([resource], config, NOW)
    .filter((r) => r.policy === policy)
    .map((r) => r.message);

/** Policies with a passing case, and with a failing case, among the tests run so far in this file. */
export const covered = { passing: new Set<string>(), failing: new Set<string>() };

/** Asserts `policy` reports nothing for `resource`, and records the passing case. */
export function expectPasses(policy: string, resource: PlanResource, config: PolicyConfig = {}): void {
  expect(messages(policy, resource, config)).toEqual([]);
  covered.passing.add(policy);
}

/** Asserts `policy` reports exactly `expected` for `resource`, and records the failing case. */
export function expectFails(policy: string, resource: PlanResource, expected: readonly string[], config: PolicyConfig = {}): void {
  expect(expected.length).toBeGreaterThan(0);
  expect(messages(policy, resource, config)).toEqual(expected);
  covered.failing.add(policy);
}

/** Delegated Azure DevOps scopes by name, as an app registration lists them. */
export const adoScopes = (...names: (keyof typeof ADO)[]) => [{ resourceAppId: ADO_APP, resourceAccesses: names.map((n) => ({ id: ADO[n], type: "Scope" })) }];

/** The tags the program writes on an app registration (see appTags in components/integration.ts). */
export const appTags = (integration: string, preset: string, needs: string[] = [], allowBroad: string[] = []) => [
  "ado-integrations",
  `ado-integrations:integration=${integration}`,
  `ado-integrations:preset=${preset}`,
  `ado-integrations:needs=${needs.join(",")}`,
  `ado-integrations:allow-broad=${allowBroad.join(",")}`,
];

/** The gitpod app registration as the program registers it (see examples/gitpod.yaml). */
export const gitpodApp = (overrides: Record<string, unknown> = {}, name = "gitpod-app"): PlanResource => ({
  type: RESOURCE_TYPES.application,
  name,
  inputs: {
    displayName: "Gitpod / Ona (contoso)",
    signInAudience: "AzureADMyOrg",
    preventDuplicateNames: true,
    owners: ["6f1c2e3d-4b5a-4c6d-8e7f-901a2b3c4d5e"],
    web: { redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"], implicitGrant: { idTokenIssuanceEnabled: true } },
    requiredResourceAccesses: [
      {
        resourceAppId: ADO_APP,
        resourceAccesses: [
          { id: ADO["vso.code_write"], type: "Scope" },
          { id: ADO["vso.profile"], type: "Scope" },
        ],
      },
      { resourceAppId: GRAPH_APP, resourceAccesses: [{ id: GRAPH["User.Read"], type: "Scope" }] },
    ],
    tags: appTags("gitpod", "gitpod", ["vso.code_write", "vso.profile"]),
    ...overrides,
  },
});

/** An app's service principal, with the same owners. */
export const servicePrincipal = (owners: string[]): PlanResource => ({
  type: RESOURCE_TYPES.servicePrincipal,
  name: "gitpod-sp",
  inputs: { clientId: "b71da0e6-0179-510f-bc50-9ae8b12f5992", owners },
});

/** A client-secret slot as the program registers it. */
export const secretSlot = (inputs: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.applicationPassword,
  name: "gitpod-secret-a",
  inputs: { applicationId: "/applications/c3a4a8c9-8882-535a-abfb-4d13665026b7", displayName: "ado-integrations slot a", ...inputs },
});

/** Rotation keys as the program writes them. */
export const rotation = { slot: "a", window: "230", periodDays: "180" };

/** A Spacelift push hook as the program registers it, with the password still in its secret envelope. */
export const hook = (inputs: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.serviceHookSubscription,
  name: "spacelift-hooks-infra-push",
  inputs: {
    organizationUrl: "https://dev.azure.com/contoso",
    projectId: "3d917b14-0ec2-59d6-8641-071321591e82",
    eventType: "git.push",
    filters: {},
    url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2",
    basicAuthUsername: "",
    basicAuthPassword: secretEnvelope("webhook-password-from-spacelift"),
    resourceDetailsToSend: "all",
    messagesToSend: "none",
    detailedMessagesToSend: "none",
    ...inputs,
  },
});

/** The spacelift PAT reference as the program registers it. */
export const pat = (inputs: Record<string, unknown>, name = "spacelift-pat"): PlanResource => ({
  type: RESOURCE_TYPES.patReference,
  name,
  inputs: { sourceKind: "config", expiresOn: "2027-01-31", scopes: ["vso.code_write"], neededScopes: ["vso.code_write"], allOrganizations: false, owner: "platform-bot@contoso.example", ...inputs },
});

/** Terrakube's service principal entitlement as the program registers it. */
export const entitlement = (inputs: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.servicePrincipalEntitlement,
  name: "terrakube-entitlement",
  inputs: {
    organizationUrl: "https://dev.azure.com/contoso",
    servicePrincipalObjectId: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    accessLevel: "basic",
    projects: [{ projectId: "3d917b14-0ec2-59d6-8641-071321591e82", group: "Contributors" }],
    ...inputs,
  },
});

/** An integration's declaration: the inputs the Integration component registers for the pack. */
export const integration = (name: string, servicePrincipal?: Record<string, unknown>): PlanResource => ({
  type: RESOURCE_TYPES.integration,
  name,
  inputs: { preset: "terrakube", mode: "servicePrincipal", ...(servicePrincipal && { servicePrincipal }) },
});

/** A config-store variable group with the given variables. */
export const group = (variables: Record<string, { value?: string; isSecret: boolean }>): PlanResource => ({
  type: RESOURCE_TYPES.variableGroup,
  name: "config-store",
  inputs: { organizationUrl: "https://dev.azure.com/contoso", project: "platform", name: "ado-integrations-dev", description: "Form values", variables },
});
