/**
 * What a tool needs from Azure DevOps and Entra ID, as data. One file per tool
 * describes its modes (how the tool signs in) and the labels of the fields its
 * own setup form asks for; `components/integration.ts` turns that into resources.
 */

/** Names of the presets the program supports. */
export const PRESET_NAMES = ["terrakube", "bytebase", "gitpod", "ona", "spacelift", "infrakitchen", "hcp-terraform", "atlantis", "backstage", "custom"] as const;

/** A supported preset. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** Where a value shown in a tool's setup form comes from. */
export const FIELD_SOURCES = [
  "clientId",
  "clientSecret",
  "tenantId",
  "authorizationUrl",
  "tokenUrl",
  "issuer",
  "redirectUri",
  "organizationUrl",
  "organizationName",
  // `dev.azure.com/<org>`: the host an Ona runner's Azure DevOps integration asks for.
  "organizationHost",
  "pat",
  // The PAT owner's user name (`pat.owner`), for tools that sign in with user name and PAT.
  "patOwner",
  "webhookUrl",
  "webhookUsername",
  "webhookPassword",
] as const;

/** A source of a setup-form value. */
export type FieldSource = (typeof FIELD_SOURCES)[number];

/** Sources whose values are secrets wherever they are written. */
export const SECRET_SOURCES: ReadonlySet<FieldSource> = new Set<FieldSource>(["clientSecret", "pat", "webhookPassword"]);

/** One field of a tool's setup form: its label there, and where its value comes from. */
export interface FormField {
  readonly label: string;
  readonly source: FieldSource;
}

/** What an Entra app registration for the tool must carry. */
export interface EntraAppNeeds {
  /** Delegated Azure DevOps scopes (`vso.*`). Empty for a client-credentials service principal. */
  readonly adoScopes: readonly string[];
  /** Delegated Microsoft Graph scopes. */
  readonly graphScopes: readonly string[];
  /** Broad scopes (`vso.code_full`, `vso.code_manage`) this tool genuinely needs. */
  readonly allowBroadScopes: readonly string[];
  /** Whether users sign in through a redirect (and so redirect URIs are required). */
  readonly redirect: boolean;
  /** The redirect URI the tool expects, as its docs describe it. */
  readonly redirectHint?: string;
  /** Whether the tool reads ID tokens (OpenID Connect) as well as access tokens. */
  readonly idTokens: boolean;
}

/** A service-hook (webhook) set the tool needs on every selected project. */
export interface ServiceHookNeeds {
  /** Events subscribed by default. */
  readonly events: readonly string[];
  /** Events the tool can use but that are off unless listed in `serviceHooks.events`. */
  readonly optionalEvents: readonly string[];
  /** Basic-auth user name the tool expects (Spacelift: empty). */
  readonly username: string;
  /**
   * Hosts the tool's webhook endpoints live on (`*.app.spacelift.io`: one
   * label in place of `*`); a URL elsewhere is a warning. Defaults to any host.
   */
  readonly hostPatterns?: readonly string[];
  /** The tool issues the webhook password (Spacelift): `passwordSecret` is required, none is generated. Defaults to false. */
  readonly passwordFromTool?: boolean;
  /** The path the tool receives webhooks on (Atlantis: `/events`); a URL with another path is a warning. Defaults to any path. */
  readonly path?: string;
}

/** One way a tool connects to Azure DevOps. */
export interface PresetMode {
  /** One line saying what this mode sets up. */
  readonly summary: string;
  readonly entraApp?: EntraAppNeeds;
  /** The Entra service principal itself is added to the Azure DevOps organization. */
  readonly servicePrincipal?: {
    readonly accessLevel: "stakeholder" | "express" | "basic" | "advanced";
    /** The project group the principal joins unless `servicePrincipal.group` says otherwise. Defaults to Contributors. */
    readonly group?: "Contributors" | "Readers";
  };
  readonly serviceHooks?: ServiceHookNeeds;
  /** A PAT the tool is given, with the scopes it needs. */
  readonly pat?: { readonly scopes: readonly string[] };
  /**
   * The tool gets its tokens through Azure's default credential chain, so a
   * federated credential (`workloadIdentity`) can stand in for the client secret.
   */
  readonly workloadIdentity?: boolean;
  /** The tool's setup form, in the order the tool shows it. */
  readonly form: readonly FormField[];
}

/** A tool the program knows how to wire up. */
export interface Preset {
  readonly name: PresetName;
  readonly displayName: string;
  readonly defaultMode: string;
  readonly modes: Readonly<Record<string, PresetMode>>;
  /** Facts about the tool that shape the preset, shown in the plan and README. */
  readonly notes: readonly string[];
  /** Modes the tool no longer supports: the mode name, and why plus what to do instead (one line). */
  readonly retiredModes?: Readonly<Record<string, string>>;
}
