import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "./scopes";

/** Args of ResourcePrincipals. */
export interface ResourcePrincipalsArgs {
  /** Whether any integration requests Azure DevOps scopes (the principal is ensured only then). */
  readonly needsAzureDevOps: boolean;
  /** Whether any integration requests Microsoft Graph scopes. */
  readonly needsGraph: boolean;
}

/**
 * The tenant and the service principals of the APIs the integrations call,
 * shared by every Entra app in the stack. Delegated scope names resolve to IDs
 * through these principals' published scopes.
 *
 * A fresh tenant may have no Azure DevOps service principal yet (it appears
 * when someone first signs in to Azure DevOps). So it is declared as a resource
 * with `useExisting: true`, which adopts it when present and creates it from
 * Microsoft's multi-tenant app when not, and `retainOnDelete: true`, so that
 * destroying this stack never removes it from the tenant.
 */
export class ResourcePrincipals extends pulumi.ComponentResource {
  /** Tenant the apps are registered in. */
  declare readonly tenantId: pulumi.Output<string>;
  /** Azure DevOps delegated scope name -> ID. Empty when not needed. */
  declare readonly azureDevOpsScopeIds: pulumi.Output<Record<string, string>>;
  /** Microsoft Graph delegated scope name -> ID. Empty when not needed. */
  declare readonly graphScopeIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ResourcePrincipalsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ado-integrations:entra:ResourcePrincipals", name, {}, opts);
    const tenantId = azuread.getClientConfigOutput({ parent: this }).tenantId;

    let azureDevOpsScopeIds: pulumi.Output<Record<string, string>> = pulumi.output<Record<string, string>>({});
    if (args.needsAzureDevOps) {
      const ado = new azuread.ServicePrincipal(
        `${name}-azure-devops`,
        { clientId: AZURE_DEVOPS_APP_ID, useExisting: true },
        { parent: this, retainOnDelete: true },
      );
      azureDevOpsScopeIds = ado.oauth2PermissionScopeIds;
    }

    let graphScopeIds: pulumi.Output<Record<string, string>> = pulumi.output<Record<string, string>>({});
    if (args.needsGraph) {
      // Microsoft Graph's principal exists in every tenant: a lookup is enough.
      graphScopeIds = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { parent: this }).oauth2PermissionScopeIds;
    }

    this.tenantId = tenantId;
    this.azureDevOpsScopeIds = azureDevOpsScopeIds;
    this.graphScopeIds = graphScopeIds;
    this.registerOutputs({ tenantId, azureDevOpsScopeIds, graphScopeIds });
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
