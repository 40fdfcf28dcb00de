import type { MessagesToSend, ResourceDetailsToSend } from "../azure-devops/runtime/events";
import type { AllowedHost } from "../azure-devops/runtime/hosts";
import type { FormField, PresetName } from "../presets/types";

/**
 * The validated, defaulted stack config that every component reads. Secret
 * values are never here: only the names of the config keys that hold them.
 */
export interface StackModel {
  /** `https://dev.azure.com/<org>`. */
  readonly organizationUrl: string;
  /** The organization's name, as Azure DevOps shows it. */
  readonly organizationName: string;
  readonly integrations: readonly IntegrationModel[];
  readonly configStore: ConfigStoreModel;
  /**
   * Hosts besides Azure DevOps's own that AZDO_ALLOWED_HOSTS allowed when the
   * config was read (never the stack config's own choice); the organization
   * URL and webhook URLs were checked against them.
   */
  readonly allowedHosts: readonly AllowedHost[];
  /** Non-fatal findings (PAT expiring soon, broader scopes than needed), shown by the plan and `pulumi preview`. */
  readonly warnings: readonly string[];
}

/** Where a secret value comes from. */
export type SecretRef =
  | { readonly kind: "config"; readonly key: string }
  | { readonly kind: "env"; readonly name: string }
  | { readonly kind: "keyVault"; readonly uri: string }
  | { readonly kind: "generated" };

/** One integration, with its preset's needs merged with the user's config. */
export interface IntegrationModel {
  /** Position in `integrations`, for messages that name the key path. */
  readonly index: number;
  readonly name: string;
  readonly preset: PresetName;
  readonly mode: string;
  readonly displayName: string;
  readonly entraApp?: EntraAppModel;
  readonly servicePrincipal?: ServicePrincipalModel;
  readonly serviceHooks?: ServiceHooksModel;
  readonly pat?: PatModel;
  /** A federated credential for the tool's workload in place of the app's client secret. */
  readonly workloadIdentity?: { readonly issuer: string; readonly subject: string };
  /** The tool's setup-form fields, in its order: the config-store keys. */
  readonly fields: readonly FormField[];
}

/** Entra app registration settings. */
export interface EntraAppModel {
  readonly redirectUris: readonly string[];
  readonly adoScopes: readonly string[];
  readonly graphScopes: readonly string[];
  /** Broad scopes the preset or user explicitly allows. */
  readonly allowBroadScopes: readonly string[];
  /** Scopes the preset needs (for least-privilege checks); equals adoScopes for custom. */
  readonly presetScopes: readonly string[];
  readonly secretRotationDays: number;
  /** Least validity, in days, a client secret is created with. */
  readonly secretMinValidityDays: number;
  readonly idTokens: boolean;
  readonly owners: readonly string[];
  readonly signInAudience: "AzureADMyOrg" | "AzureADMultipleOrgs";
}

/** Adding the integration's Entra service principal to the Azure DevOps organization. */
export interface ServicePrincipalModel {
  readonly accessLevel: "stakeholder" | "express" | "basic" | "advanced";
  readonly projects: readonly string[];
  /** Selected projects left out again. */
  readonly exclude: readonly string[];
  readonly group: "Contributors" | "Readers";
}

/** Webhook subscriptions on every selected project. */
export interface ServiceHooksModel {
  readonly url: string;
  readonly username: string;
  readonly password: SecretRef & ({ kind: "config" } | { kind: "generated" });
  readonly projects: readonly string[];
  /** Selected projects left out again. */
  readonly exclude: readonly string[];
  readonly events: readonly string[];
  readonly repository?: string;
  readonly branch?: string;
  readonly resourceDetailsToSend: ResourceDetailsToSend;
  readonly messagesToSend: MessagesToSend;
  readonly detailedMessagesToSend: MessagesToSend;
}

/** A PAT the program references but never mints. */
export interface PatModel {
  readonly source: SecretRef & ({ kind: "config" } | { kind: "env" } | { kind: "keyVault" });
  readonly expiresOn: string;
  readonly createdOn?: string;
  readonly scopes: readonly string[];
  /** Scopes the tool needs. */
  readonly neededScopes: readonly string[];
  readonly owner?: string;
  readonly allOrganizations: boolean;
  readonly expiryWarningDays: number;
  readonly testConnection: boolean;
}

/** Where results are written. */
export type ConfigStoreModel =
  | { readonly kind: "stackOutputs" }
  | { readonly kind: "variableGroup"; readonly project: string; readonly name: string; readonly description: string };
