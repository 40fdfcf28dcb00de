import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "./published-ids";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "./scopes";

/** Args of ResourcePrincipals. */
export interface ResourcePrincipalsArgs {
  /** Whether any integration requests Azure DevOps scopes. */
  readonly needsAzureDevOps: boolean;
  /** Whether any integration requests Microsoft Graph scopes. */
  readonly needsGraph: boolean;
}

/** Where the Azure DevOps scope IDs came from. */
export type ScopeIdSource = "tenant" | "published" | "none";

/**
 * The tenant, the deploying identity, and the delegated scope IDs of the APIs
 * the integrations call, shared by every Entra app in the stack. Only looked
 * up: the program never creates or changes Microsoft's own service principals.
 *
 * A fresh tenant may have no Azure DevOps service principal yet (it appears
 * when an admin consents or someone first signs in to Azure DevOps). Then the
 * scope IDs come from the list Microsoft publishes for its multi-tenant Azure
 * DevOps app, which are the same IDs in every tenant; an app registration may
 * request them before the principal exists.
 */
export class ResourcePrincipals extends pulumi.ComponentResource {
  /** Tenant the apps are registered in. */
  declare readonly tenantId: pulumi.Output<string>;
  /** Object ID of the identity running the deployment (kept as an owner of every app). */
  declare readonly callerObjectId: pulumi.Output<string>;
  /** Azure DevOps delegated scope name -> ID. Empty when not needed. */
  declare readonly azureDevOpsScopeIds: pulumi.Output<Record<string, string>>;
  /** Where azureDevOpsScopeIds came from. */
  declare readonly azureDevOpsScopeSource: pulumi.Output<ScopeIdSource>;
  /** Microsoft Graph delegated scope name -> ID. Empty when not needed. */
  declare readonly graphScopeIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ResourcePrincipalsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ado-integrations:entra:ResourcePrincipals", name, {}, opts);
    const client = azuread.getClientConfigOutput({ parent: this });

    type Resolved = { ids: Record<string, string>; source: ScopeIdSource };
    let ado: pulumi.Output<Resolved> = pulumi.output<Resolved>({ ids: {}, source: "none" });
    if (args.needsAzureDevOps) {
      const found = azuread.getServicePrincipalsOutput({ clientIds: [AZURE_DEVOPS_APP_ID], ignoreMissing: true }, { parent: this });
      ado = found.servicePrincipals.apply(async (sps): Promise<Resolved> => {
        if (sps.length === 0) {
          pulumi.log.warn(
            "the Azure DevOps service principal is not in this tenant yet: scope IDs come from Microsoft's published list; it appears when an admin grants consent (or run `az ad sp create --id 499b84ac-1321-427f-aa17-267ca6975798`)",
            this,
          );
          return { ids: { ...PUBLISHED_AZURE_DEVOPS_SCOPE_IDS }, source: "published" };
        }
        const sp = await azuread.getServicePrincipal({ clientId: AZURE_DEVOPS_APP_ID }, { parent: this });
        return { ids: sp.oauth2PermissionScopeIds, source: "tenant" };
      });
    }

    let graphScopeIds: pulumi.Output<Record<string, string>> = pulumi.output<Record<string, string>>({});
    if (args.needsGraph) {
      // Microsoft Graph's principal exists in every tenant: a lookup is enough.
      graphScopeIds = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { parent: this }).oauth2PermissionScopeIds;
    }

    this.tenantId = client.tenantId;
    this.callerObjectId = client.objectId;
    this.azureDevOpsScopeIds = ado.ids;
    this.azureDevOpsScopeSource = ado.source;
    this.graphScopeIds = graphScopeIds;
    this.registerOutputs({ tenantId: this.tenantId, azureDevOpsScopeSource: this.azureDevOpsScopeSource });
  }
}

/**
 * Resolves scope names to IDs, failing with the names that the principal does
 * not publish (a misspelt scope, or a tenant where the principal differs).
 */
export function resolveScopeIds(api: string, names: readonly string[], published: Record<string, string>): string[] {
  const missing = names.filter((n) => !published[n]);
  if (missing.length > 0) {
    throw new Error(`the ${api} service principal in this tenant does not publish the delegated scope(s) ${missing.join(", ")}`);
  }
  return names.map((n) => published[n]!);
}
