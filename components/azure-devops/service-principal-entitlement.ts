import * as pulumi from "@pulumi/pulumi";
import { TOKENS } from "../../provider/schema";
import type { AccessLevelName, EntitlementProject } from "./runtime/entitlements";

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
 * Token: `azure-devops-integrations:index:ServicePrincipalEntitlement`.
 * The resource id is the entitlement id (the principal's Azure DevOps id).
 * Refresh surfaces an access level or Contributors/Readers membership changed
 * by hand, and removal from the organization; the next `pulumi up` repairs
 * them. Deleting it removes the principal from the organization.
 */
export class ServicePrincipalEntitlement extends pulumi.CustomResource {
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
  /** Whether this stack added the principal; false when it was in the organization already, which destroy leaves in place. */
  declare readonly createdByStack: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: ServicePrincipalEntitlementArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      TOKENS.servicePrincipalEntitlement,
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
        createdByStack: undefined,
      },
      opts,
    );
  }
}
