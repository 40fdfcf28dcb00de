import type * as pulumi from "@pulumi/pulumi";
import { TOKENS, isResourceToken } from "../../provider/schema";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "../entra/scopes";
import { stableGuid } from "./ids";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS, PUBLISHED_GRAPH_SCOPE_IDS } from "../entra/published-ids";

/** The tenant ID the offline plan answers with. */
export const OFFLINE_TENANT_ID = stableGuid("offline-tenant");

/** Marks values the mocks make up for secrets, so nobody mistakes them for real ones. */
export const OFFLINE_SECRET_PREFIX = "offline-not-a-secret-";

/** What the mocks saw of one registered resource. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as registered; secrets stay wrapped in Pulumi's secret signature. */
  readonly inputs: Record<string, unknown>;
  /** State the mocks answered with. */
  readonly state: Record<string, unknown>;
  readonly custom: boolean;
}

/** What the mocks saw of one invoke (data-source lookup). */
export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

/**
 * Pulumi mocks that answer like Azure would, with stable made-up IDs and the
 * real published scope IDs. Used by the offline plan and by the tests; never
 * loaded in a real deployment.
 */
export class OfflineMocks implements pulumi.runtime.Mocks {
  /** Every resource registered, in order. */
  readonly resources: RecordedResource[] = [];
  /** Every invoke, in order. */
  readonly calls: RecordedCall[] = [];

  constructor(readonly options: { readonly tenantHasAzureDevOps?: boolean } = {}) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const state = this.stateFor(args.type, args.name, args.inputs);
    this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, custom: args.custom ?? true });
    const id = args.custom === false ? undefined : String(state.id ?? stableGuid(`${args.type}/${args.name}/id`));
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push({ token: args.token, inputs: args.inputs });
    switch (args.token) {
      case "azuread:index/getClientConfig:getClientConfig":
        return { tenantId: OFFLINE_TENANT_ID, clientId: stableGuid("offline-deployer-app"), objectId: stableGuid("offline-deployer") };
      case "azuread:index/getServicePrincipals:getServicePrincipals": {
        const clientIds = (args.inputs.clientIds as string[] | undefined) ?? [];
        const present = clientIds.filter((id) => id !== AZURE_DEVOPS_APP_ID || this.options.tenantHasAzureDevOps !== false);
        return {
          clientIds: present,
          objectIds: present.map((id) => stableGuid(`sp/${id}`)),
          servicePrincipals: present.map((clientId) => ({ clientId, objectId: stableGuid(`sp/${clientId}`), displayName: clientId === AZURE_DEVOPS_APP_ID ? "Azure DevOps" : clientId })),
        };
      }
      case "azuread:index/getServicePrincipal:getServicePrincipal": {
        const clientId = String(args.inputs.clientId ?? "");
        return {
          clientId,
          objectId: stableGuid(`sp/${clientId}`),
          oauth2PermissionScopeIds: publishedScopes(clientId),
        };
      }
      default:
        return args.inputs;
    }
  }

  private stateFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const seed = `${type}/${name}`;
    switch (type) {
      case "azuread:index/application:Application": {
        const objectId = stableGuid(`${seed}/object`);
        return { ...inputs, id: `/applications/${objectId}`, objectId, clientId: stableGuid(`${seed}/client`) };
      }
      case "azuread:index/servicePrincipal:ServicePrincipal": {
        const clientId = String(inputs.clientId ?? "");
        const objectId = stableGuid(`${seed}/object`);
        return { ...inputs, id: `/servicePrincipals/${objectId}`, objectId, oauth2PermissionScopeIds: publishedScopes(clientId) };
      }
      case "azuread:index/applicationPassword:ApplicationPassword":
        return { ...inputs, keyId: stableGuid(`${seed}/key`), value: `${OFFLINE_SECRET_PREFIX}${stableGuid(`${seed}/value`)}` };
      case "random:index/randomPassword:RandomPassword":
        return { ...inputs, result: `${OFFLINE_SECRET_PREFIX}${stableGuid(`${seed}/result`)}` };
      default:
        if (isResourceToken(type)) {
          // The plugin's resources: outputs echo the inputs, plus what the service adds.
          const extra: Record<string, unknown> =
            type === TOKENS.servicePrincipalEntitlement
              ? {
                  // The service calls Basic "express".
                  accountLicenseType: inputs.accessLevel === "basic" ? "express" : inputs.accessLevel,
                  licenseStatus: "active",
                  descriptor: `aadsp.${stableGuid(`${seed}/descriptor`)}`,
                  displayName: name,
                }
              : type === TOKENS.serviceHookSubscription
                ? { status: "enabled" }
                : {};
          return { ...inputs, ...extra, id: type === TOKENS.variableGroup ? String(parseInt(stableGuid(seed).slice(0, 4), 16)) : stableGuid(`${seed}/id`) };
        }
        return { ...inputs };
    }
  }
}

function publishedScopes(clientId: string): Record<string, string> {
  if (clientId === AZURE_DEVOPS_APP_ID) return { ...PUBLISHED_AZURE_DEVOPS_SCOPE_IDS };
  if (clientId === MICROSOFT_GRAPH_APP_ID) return { ...PUBLISHED_GRAPH_SCOPE_IDS };
  return {};
}
