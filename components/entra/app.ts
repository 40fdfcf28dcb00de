import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ROTATION_DAYS, MAX_ROTATION_DAYS } from "../config/schema";
import type { ResourcePrincipals } from "./resource-principals";
import { resolveScopeIds } from "./resource-principals";
import { RecordedValue } from "./recorded-value";
import { defaultMinValidityDays, minValidityProblem, secretRotation, type SecretRotation } from "./rotation";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "./scopes";

/** Args of EntraApp. */
export interface EntraAppArgs {
  /** Display name of the app registration. */
  readonly displayName: string;
  /** Web redirect URIs. Defaults to none (client-credentials apps need none). */
  readonly redirectUris?: readonly string[];
  /** Delegated Azure DevOps scope names. Defaults to none. */
  readonly adoScopes?: readonly string[];
  /** Delegated Microsoft Graph scope names. Defaults to none. */
  readonly graphScopes?: readonly string[];
  /** Issue ID tokens from the authorize endpoint. Defaults to false. */
  readonly idTokens?: boolean;
  /** Object IDs of further owners; the identity that first created the app is always one. Defaults to none. */
  readonly owners?: readonly string[];
  /** Who may sign in. Defaults to "AzureADMyOrg". */
  readonly signInAudience?: "AzureADMyOrg" | "AzureADMultipleOrgs";
  /** Client-secret rotation period in days, at most 730. Defaults to 180. */
  readonly secretRotationDays?: number;
  /** Whether the app has client secrets; false when a federated credential stands in for them. Defaults to true. */
  readonly clientSecrets?: boolean;
  /** Least validity, in days, a client secret is created with: at most half of secretRotationDays. Defaults to 30, or half the period when that is shorter. */
  readonly secretMinValidityDays?: number;
  /** The clock the rotation windows are computed from. Defaults to now. */
  readonly now?: Date;
  /** Tags on the app registration, read by the policy pack. Defaults to none. */
  readonly tags?: readonly string[];
  /** Tenant and scope IDs, shared by the stack's apps. */
  readonly principals: ResourcePrincipals;
}

/**
 * An Entra ID app registration for one tool: Web redirect URIs, delegated
 * Azure DevOps and Graph scopes, its service principal, and a client secret
 * rotated through two staggered slots (see rotation.ts).
 */
export class EntraApp extends pulumi.ComponentResource {
  /** Application (client) ID. */
  declare readonly clientId: pulumi.Output<string>;
  /** Object ID of the app registration. */
  declare readonly objectId: pulumi.Output<string>;
  /** Object ID of the app's service principal. */
  declare readonly servicePrincipalObjectId: pulumi.Output<string>;
  /** Directory (tenant) ID. */
  declare readonly tenantId: pulumi.Output<string>;
  /** v2.0 authorize endpoint. */
  declare readonly authorizationUrl: pulumi.Output<string>;
  /** v2.0 token endpoint. */
  declare readonly tokenUrl: pulumi.Output<string>;
  /** v2.0 issuer. */
  declare readonly issuer: pulumi.Output<string>;
  /** Registered redirect URIs. */
  declare readonly redirectUris: pulumi.Output<string[]>;
  /** The newer client secret, as a Pulumi secret; undefined when the app has no client secrets. */
  declare readonly clientSecret: pulumi.Output<string> | undefined;
  /** Which slot is current and when each rotates (ISO dates); undefined when the app has no client secrets. */
  declare readonly secretRotation: pulumi.Output<{ current: string; slots: { slot: string; rotatesOn: string }[] }> | undefined;

  /** Owners of the app registration and its service principal: the first creator and the configured ones. */
  declare readonly owners: pulumi.Output<string[]>;

  /** The rotation windows this app was planned with (plain values, for the plan and tests). */
  readonly rotation: SecretRotation;

  constructor(name: string, args: EntraAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ado-integrations:entra:EntraApp", name, {}, opts);
    const rotationDays = args.secretRotationDays ?? DEFAULT_ROTATION_DAYS;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > MAX_ROTATION_DAYS) {
      throw new Error(`EntraApp ${name}: secretRotationDays must be a whole number from 1 to ${MAX_ROTATION_DAYS} (got ${rotationDays})`);
    }
    const minValidityDays = args.secretMinValidityDays ?? defaultMinValidityDays(rotationDays);
    const minValidity = minValidityProblem(minValidityDays, rotationDays);
    if (minValidity !== undefined) throw new Error(`EntraApp ${name}: secretMinValidityDays ${minValidity}`);
    const redirectUris = [...(args.redirectUris ?? [])];
    const adoScopes = [...(args.adoScopes ?? [])];
    const graphScopes = [...(args.graphScopes ?? [])];

    const requiredResourceAccesses = pulumi
      .all([args.principals.azureDevOpsScopeIds, args.principals.graphScopeIds])
      .apply(([adoIds, graphIds]) => {
        const out: azuread.types.input.ApplicationRequiredResourceAccess[] = [];
        if (adoScopes.length > 0) {
          out.push({
            resourceAppId: AZURE_DEVOPS_APP_ID,
            resourceAccesses: resolveScopeIds("Azure DevOps", adoScopes, adoIds).map((id) => ({ id, type: "Scope" })),
          });
        }
        if (graphScopes.length > 0) {
          out.push({
            resourceAppId: MICROSOFT_GRAPH_APP_ID,
            resourceAccesses: resolveScopeIds("Microsoft Graph", graphScopes, graphIds).map((id) => ({ id, type: "Scope" })),
          });
        }
        return out;
      });

    // Owners are the configured ones plus the identity that first created the app, recorded
    // once: following whoever runs `up` would let a developer's run drop the CI identity,
    // which with only Application.ReadWrite.OwnedBy could then no longer add the secrets.
    const creator = new RecordedValue(`${name}-creator`, { value: args.principals.callerObjectId }, { parent: this });
    const owners = creator.value.apply((first) => appOwners(first, args.owners ?? []));

    const app = new azuread.Application(
      `${name}-app`,
      {
        displayName: args.displayName,
        signInAudience: args.signInAudience ?? "AzureADMyOrg",
        owners,
        web: redirectUris.length > 0 ? { redirectUris, implicitGrant: { idTokenIssuanceEnabled: args.idTokens ?? false } } : undefined,
        requiredResourceAccesses,
        tags: args.tags && args.tags.length > 0 ? [...args.tags] : undefined,
        preventDuplicateNames: true,
      },
      { parent: this },
    );

    const sp = new azuread.ServicePrincipal(
      `${name}-sp`,
      { clientId: app.clientId, owners },
      { parent: this },
    );

    const rotation = secretRotation(args.now ?? new Date(), rotationDays, minValidityDays);
    const slot = (w: SecretRotation["a"]) =>
      new azuread.ApplicationPassword(
        `${name}-secret-${w.slot}`,
        {
          applicationId: app.id,
          displayName: `ado-integrations slot ${w.slot} (rotates ${w.end.toISOString().slice(0, 10)})`,
          // Whole seconds: the provider reads the date back as RFC 3339 without
          // milliseconds, and any other spelling would replace the secret on every up.
          endDate: rfc3339(w.end),
          // Replaced exactly when this slot's window moves on.
          rotateWhenChanged: { slot: w.slot, window: String(w.index), periodDays: String(rotationDays) },
        },
        { parent: this },
      );
    const secrets = args.clientSecrets === false ? undefined : { a: slot(rotation.a), b: slot(rotation.b) };

    const tenantId = args.principals.tenantId;
    this.rotation = rotation;
    this.clientId = app.clientId;
    this.objectId = app.objectId;
    this.servicePrincipalObjectId = sp.objectId;
    this.tenantId = tenantId;
    this.authorizationUrl = pulumi.interpolate`https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/authorize`;
    this.tokenUrl = pulumi.interpolate`https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;
    this.issuer = pulumi.interpolate`https://login.microsoftonline.com/${tenantId}/v2.0`;
    this.redirectUris = pulumi.output(redirectUris);
    this.owners = owners;
    // Explicit: the mock runtime does not mark provider outputs secret.
    this.clientSecret = secrets && pulumi.secret(secrets[rotation.current].value);
    this.secretRotation =
      secrets &&
      pulumi.output({
        current: rotation.current,
        slots: [rotation.a, rotation.b].map((w) => ({ slot: w.slot, rotatesOn: rfc3339(w.rotatesOn) })),
      });

    this.registerOutputs({
      clientId: this.clientId,
      objectId: this.objectId,
      servicePrincipalObjectId: this.servicePrincipalObjectId,
      tenantId: this.tenantId,
      authorizationUrl: this.authorizationUrl,
      tokenUrl: this.tokenUrl,
      issuer: this.issuer,
      redirectUris: this.redirectUris,
      owners: this.owners,
      clientSecret: this.clientSecret,
      secretRotation: this.secretRotation,
    });
  }
}

/**
 * The owners of an app registration and its service principal: the identity
 * that first created it and the configured ones, once each, sorted, so runs
 * by different identities ask for the same list.
 */
export function appOwners(firstCreator: string, configured: readonly string[]): string[] {
  return [...new Set([firstCreator, ...configured])].sort();
}

/** A date as RFC 3339 in UTC with whole seconds (`2027-03-03T00:00:00Z`), as Microsoft Graph returns it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
