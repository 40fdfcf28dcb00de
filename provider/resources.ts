import type { ClientFactory } from "../components/azure-devops/runtime/common";
import { environmentClient, resolveOrganization } from "../components/azure-devops/runtime/common";
import * as entitlements from "../components/azure-devops/runtime/entitlements";
import * as subscriptions from "../components/azure-devops/runtime/subscriptions";
import * as variableGroups from "../components/azure-devops/runtime/variable-groups";
import { patHandoff, recordedValue } from "./recorded";
import { type ResourceToken, TOKENS } from "./schema";

// What the plugin does for each resource type: plain functions over revealed
// (secret marks off) property values, each delegating to the REST runtime the
// dynamic providers used, so behaviour did not change with the move.

/** Where the plugin's REST calls get their settings and credentials. */
export interface Environment {
  readonly env: NodeJS.ProcessEnv;
  readonly clientFor: ClientFactory;
}

/** The environment of the plugin's process. */
export const processEnvironment = (): Environment => ({ env: process.env, clientFor: environmentClient });

/** One resource type's operations. `any` is the engine's untyped property bag, narrowed by the runtime's own checks. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ResourceKind {
  /** Input problems as `property: reason`, in the runtime's words. */
  problems(inputs: any, e: Environment): string[];
  diff(olds: any, news: any, e: Environment): { changes: boolean; replaces: string[] };
  create(inputs: any, e: Environment): Promise<{ id: string; outs: object }>;
  /** Live state; `id: ""` when the object is gone. */
  read(id: string, props: any, e: Environment): Promise<{ id: string; props?: object }>;
  /** What `pulumi import <token> <name> <importId>` reads: the id to store, and the state and inputs to start from. */
  importState(importId: string, e: Environment): Promise<{ id: string; props: object; inputs: object } | undefined>;
  update(id: string, olds: any, news: any, e: Environment): Promise<{ outs: object }>;
  delete(id: string, props: any, e: Environment): Promise<void>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The problems of the organization input: it must resolve to an organization URL, here or from AZDO_ORG_SERVICE_URL. */
function organizationProblems(value: unknown, env: NodeJS.ProcessEnv): string[] {
  try {
    resolveOrganization(value, env);
    return [];
  } catch (error) {
    return [`organizationUrl: ${(error as Error).message}`];
  }
}

/** Fields shared by the inputs and the state of a resource: what an import starts its inputs from. */
function pick<T extends object>(state: T, names: readonly (keyof T)[]): Partial<T> {
  return Object.fromEntries(names.filter((n) => state[n] !== undefined).map((n) => [n, state[n]])) as Partial<T>;
}

const serviceHookSubscription: ResourceKind = {
  problems: (inputs, e) => [...subscriptions.validateInputs(inputs, e.env), ...organizationProblems(inputs.organizationUrl, e.env)],
  diff: (olds, news, e) => subscriptions.diffSubscription(olds, news, e.env),
  create: (inputs, e) => subscriptions.createSubscription(inputs, e.env, e.clientFor),
  read: (id, props, e) => subscriptions.readSubscription(id, props, e.env, e.clientFor),
  async importState(importId, e) {
    const found = await subscriptions.readSubscription(importId, undefined, e.env, e.clientFor);
    if (!found.props) return undefined;
    // No password can be read back; an empty user name is left out, as the program leaves it out.
    const names = ["organizationUrl", "projectId", "eventType", "filters", "url", "httpHeaders", "resourceDetailsToSend", "messagesToSend", "detailedMessagesToSend"] as const;
    const inputs = { ...pick(found.props, names), ...(found.props.basicAuthUsername !== "" && { basicAuthUsername: found.props.basicAuthUsername }) };
    return { id: found.id, props: found.props, inputs };
  },
  update: (id, _olds, news, e) => subscriptions.updateSubscription(id, news, e.env, e.clientFor),
  delete: (id, props, e) => subscriptions.deleteSubscription(id, props, e.env, e.clientFor),
};

const variableGroup: ResourceKind = {
  problems: (inputs, e) => [...variableGroups.validateVariableGroupInputs(inputs), ...organizationProblems(inputs.organizationUrl, e.env)],
  diff: (olds, news, e) => variableGroups.diffVariableGroup(olds, news, e.env),
  create: (inputs, e) => variableGroups.createVariableGroup(inputs, e.env, e.clientFor),
  read: (id, props, e) => variableGroups.readVariableGroup(id, props, e.env, e.clientFor),
  async importState(importId, e) {
    const match = /^([^/]+)\/(\d+)$/.exec(importId);
    if (!match) {
      throw new Error(`variable group import id "${importId}": use <projectId>/<groupId>, e.g. 6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/12`);
    }
    const found = await variableGroups.readVariableGroup(match[2]!, { projectId: match[1]! }, e.env, e.clientFor);
    if (!found.props) return undefined;
    // Secret values cannot be read back; the program's next `pulumi up` writes them.
    const inputs = { ...pick(found.props, ["organizationUrl", "projectId", "projectName", "name", "description"]), variables: found.props.variables };
    return { id: found.id, props: found.props, inputs };
  },
  update: (id, olds, news, e) => variableGroups.updateVariableGroup(id, olds, news, e.env, e.clientFor),
  delete: (id, props, e) => variableGroups.deleteVariableGroup(id, props, e.env, e.clientFor),
};

const servicePrincipalEntitlement: ResourceKind = {
  problems: (inputs, e) => [...entitlements.validateEntitlementInputs(inputs), ...organizationProblems(inputs.organizationUrl, e.env)],
  diff: (olds, news, e) => entitlements.diffEntitlement(olds, news, e.env),
  create: (inputs, e) => entitlements.createEntitlement(inputs, e.env, e.clientFor),
  read: (id, props, e) => entitlements.readEntitlement(id, props, e.env, e.clientFor),
  async importState(importId, e) {
    const found = await entitlements.readEntitlement(importId, undefined, e.env, e.clientFor);
    if (!found.props) return undefined;
    const accessLevel = found.props.accountLicenseType === "express" ? "basic" : found.props.accountLicenseType;
    const inputs = { ...pick(found.props, ["organizationUrl", "servicePrincipalObjectId", "projects"]), accessLevel };
    return { id: found.id, props: found.props, inputs };
  },
  update: (id, olds, news, e) => entitlements.updateEntitlement(id, olds, news, e.env, e.clientFor),
  delete: (id, props, e) => entitlements.deleteEntitlement(id, props, e.env, e.clientFor),
};

/** Each resource type's operations, by token. */
export const KINDS: Readonly<Record<ResourceToken, ResourceKind>> = {
  [TOKENS.serviceHookSubscription]: serviceHookSubscription,
  [TOKENS.variableGroup]: variableGroup,
  [TOKENS.servicePrincipalEntitlement]: servicePrincipalEntitlement,
  [TOKENS.recordedValue]: recordedValue,
  [TOKENS.patHandoff]: patHandoff,
};
