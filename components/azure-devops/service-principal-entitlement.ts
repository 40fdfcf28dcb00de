import * as pulumi from "@pulumi/pulumi";
import type { AccessLevelName, EntitlementInputs, EntitlementProject, EntitlementState } from "./runtime/entitlements";

/**
 * Loads the shared REST runtime at call time (provider methods are serialized
 * into state; imports cannot go there). Kept as a local function in each
 * provider module, not shared: an imported helper drags module-interop
 * wrappers into every resource's serialized provider (3,108 bytes instead of
 * about 2,330, measured). Same cache key everywhere, so a process loads the
 * runtime once.
 */
function runtime(): typeof import("./runtime/index") {
  const g = globalThis as { __adoIntegrationsRuntime?: typeof import("./runtime/index") };
  if (!g.__adoIntegrationsRuntime) {
    require("tsx/cjs/api").register();
    g.__adoIntegrationsRuntime = require(require("node:path").resolve("components/azure-devops/runtime/index.ts"));
  }
  return g.__adoIntegrationsRuntime!;
}

/**
 * CRUD for one service principal entitlement. Each method only delegates to
 * the runtime, which reads credentials from the environment at call time, so
 * the serialized provider stays small and holds no secret.
 */
export const servicePrincipalEntitlementProvider: pulumi.dynamic.ResourceProvider<EntitlementInputs, EntitlementState> = {
  async create(inputs) {
    return runtime().createEntitlement(inputs);
  },
  async read(id, props) {
    return runtime().readEntitlement(id, props);
  },
  async diff(_id, olds, news) {
    const result = runtime().diffEntitlement(olds, news);
    return { changes: result.changes, replaces: result.replaces };
  },
  async update(id, olds, news) {
    return runtime().updateEntitlement(id, olds, news);
  },
  async delete(id, props) {
    await runtime().deleteEntitlement(id, props);
  },
};

/** Arguments of a {@link ServicePrincipalEntitlement}. */
export interface ServicePrincipalEntitlementArgs {
  /** Organization URL or name. Defaults to AZDO_ORG_SERVICE_URL when the provider runs. */
  readonly organizationUrl?: pulumi.Input<string>;
  /**
   * Entra object id of the service principal (Enterprise applications), not
   * of the app registration. Changing it replaces the entitlement.
   */
  readonly servicePrincipalObjectId: pulumi.Input<string>;
  /** stakeholder, express, basic (the same license as express) or advanced. */
  readonly accessLevel: pulumi.Input<AccessLevelName>;
  /** Projects whose Contributors or Readers group the principal joins, one group per project. Defaults to none. */
  readonly projects?: pulumi.Input<pulumi.Input<EntitlementProject>[]>;
}

/**
 * An Entra service principal added to the Azure DevOps organization with an
 * access level and, optionally, project group memberships.
 * Token: `pulumi-nodejs:dynamic/azure-devops:ServicePrincipalEntitlement`.
 * The resource id is the entitlement id (the principal's Azure DevOps id).
 * Refresh surfaces an access level or Contributors/Readers membership changed
 * by hand, and removal from the organization; the next `pulumi up` repairs
 * them. Deleting it removes the principal from the organization.
 */
export class ServicePrincipalEntitlement extends pulumi.dynamic.Resource {
  /** Normalized organization URL. */
  declare readonly organizationUrl: pulumi.Output<string>;
  /** The principal's Entra object id, lower case. */
  declare readonly servicePrincipalObjectId: pulumi.Output<string>;
  /** The license as the API names it: stakeholder, express (Basic), advanced, … */
  declare readonly accountLicenseType: pulumi.Output<string>;
  /** Contributors/Readers memberships as the service reports them, sorted by project id. */
  declare readonly projects: pulumi.Output<EntitlementProject[]>;
  /** Graph descriptor (`aadsp.…`) of the principal. */
  declare readonly descriptor: pulumi.Output<string>;
  /** The principal's display name in Azure DevOps. */
  declare readonly displayName: pulumi.Output<string>;
  /** License status the service reports (`active`, `pending`, …). */
  declare readonly licenseStatus: pulumi.Output<string>;

  constructor(name: string, args: ServicePrincipalEntitlementArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      servicePrincipalEntitlementProvider,
      name,
      {
        organizationUrl: args.organizationUrl,
        servicePrincipalObjectId: args.servicePrincipalObjectId,
        accessLevel: args.accessLevel,
        projects: args.projects ?? [],
        accountLicenseType: undefined,
        descriptor: undefined,
        displayName: undefined,
        licenseStatus: undefined,
      },
      opts,
      "azure-devops",
      "ServicePrincipalEntitlement",
    );
  }
}
