/**
 * The ado-integrations CrossGuard policies, as plain data and functions.
 *
 * `policies/index.ts` hands {@link policies} to `new PolicyPack(...)`; the
 * offline plan and the tests call {@link runPolicies}, which runs the very same
 * `validateResource` functions over the resources the mock runtime recorded.
 * Nothing here starts a server, so this module is safe to import anywhere.
 *
 * Every rule is also exported as a pure `check*` function returning its
 * messages, so a rule can be tested, or reused, without CrossGuard.
 *
 * Resources are matched on their type token, not a class: the same tokens
 * name the Azure DevOps resources in the program and in the provider plugin,
 * and the PAT reference is a component. The engine runs resource policies on components too, with the
 * inputs the component passed to `super()`; stack policies would only see a
 * component's registered outputs, which leave out `allOrganizations`,
 * `createdOn` and `neededScopes`, so the PAT rules are resource policies.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { DAY_MS, formatDate, parseDate } from "../components/config/dates";
import { DEFAULT_PAT_WARNING_DAYS, MAX_ROTATION_DAYS } from "../components/config/schema";
import { checkPat, type PatDeclaration, type PatFinding } from "../components/credentials/pat-checks";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "../components/entra/published-ids";
import { AZURE_DEVOPS_APP_ID, BROAD_AZURE_DEVOPS_SCOPES, MICROSOFT_GRAPH_APP_ID, scopesBeyond } from "../components/entra/scopes";
import { PRESETS, SECRET_SOURCES } from "../components/presets";
import { TOKENS } from "../provider/schema";

/** Type tokens of the resources the policies look at. */
export const RESOURCE_TYPES = {
  application: "azuread:index/application:Application",
  applicationPassword: "azuread:index/applicationPassword:ApplicationPassword",
  serviceHookSubscription: TOKENS.serviceHookSubscription,
  variableGroup: TOKENS.variableGroup,
  patReference: "ado-integrations:credentials:PatReference",
} as const;

/** The tag every app registration this program creates carries (see `appTags` in components/integration.ts). */
export const OWNED_APP_TAG = "ado-integrations";

/** Longest client-secret lifetime allowed when the pack config names none, in days. */
export const DEFAULT_MAX_SECRET_LIFETIME_DAYS = MAX_ROTATION_DAYS;

// Registered inputs are untyped JSON; the checks read them defensively.
type Props = Record<string, unknown>;

/** Per-policy settings in a `--policy-pack-config` file: an enforcement level and the policy's own keys. */
export interface PolicySettings {
  /** Overrides the policy's default level (and `all`). */
  readonly enforcementLevel?: EnforcementLevel;
  /** The policy's own settings, as its config schema declares them. */
  readonly [key: string]: unknown;
}

/**
 * The pack config, in the format `pulumi preview --policy-pack-config` reads:
 * policy name (or `all`) -> an enforcement level, or settings.
 */
export type PolicyConfig = Readonly<Record<string, EnforcementLevel | PolicySettings>>;

/** A policy of this pack: a resource policy on one type token, with a default enforcement level. */
export interface AdoPolicy extends ResourceValidationPolicy {
  /** The level when the pack config sets none: mandatory for the security rules. */
  readonly enforcementLevel: EnforcementLevel;
  /** The one type token this policy checks. */
  readonly resourceType: string;
  /** Reports one violation per problem found on a resource of {@link resourceType}; ignores other types. */
  readonly validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => void;
}

/** One rule: which resources it reads and the messages it finds for one of them. */
interface Rule {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly resourceType: string;
  readonly configSchema?: PolicyConfigSchema;
  readonly check: (props: Props, settings: Record<string, unknown>, now: Date) => string[];
}

// ---------------------------------------------------------------------------
// Small readers for untyped inputs

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asRecord = (v: unknown): Props => (v && typeof v === "object" && !Array.isArray(v) ? (v as Props) : {});
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const asStrings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === "string");
const listOrNone = (items: readonly string[]): string => (items.length > 0 ? items.join(", ") : "none");

// ---------------------------------------------------------------------------
// Entra app registrations

/** What the ado-integrations tags on an app registration say. */
export interface AppTags {
  /** Carries the `ado-integrations` tag: created by this program. */
  readonly owned: boolean;
  /** The integration's name (`integration=`). */
  readonly integration?: string;
  /** The integration's preset (`preset=`). */
  readonly preset?: string;
  /** Azure DevOps scopes the preset needs; undefined when the app has no `needs=` tag. */
  readonly needs?: readonly string[];
  /** Broad scopes explicitly allowed. */
  readonly allowBroad: readonly string[];
}

/** Reads the `ado-integrations:<key>=<value>` tags of an app registration. */
export function parseAppTags(tags: unknown): AppTags {
  const list = asStrings(tags);
  const value = (key: string): string | undefined => {
    const prefix = `${OWNED_APP_TAG}:${key}=`;
    const tag = list.find((t) => t.startsWith(prefix));
    return tag === undefined ? undefined : tag.slice(prefix.length);
  };
  const csv = (v: string | undefined): string[] | undefined =>
    v === undefined
      ? undefined
      : v
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
  return {
    owned: list.includes(OWNED_APP_TAG),
    integration: value("integration"),
    preset: value("preset"),
    needs: csv(value("needs")),
    allowBroad: csv(value("allow-broad")) ?? [],
  };
}

// Microsoft publishes one ID per delegated scope, the same in every tenant.
const ADO_SCOPE_BY_ID: ReadonlyMap<string, string> = new Map(Object.entries(PUBLISHED_AZURE_DEVOPS_SCOPE_IDS).map(([name, id]) => [id.toLowerCase(), name]));

const apiName = (resourceAppId: string): string =>
  resourceAppId === AZURE_DEVOPS_APP_ID ? "Azure DevOps" : resourceAppId === MICROSOFT_GRAPH_APP_ID ? "Microsoft Graph" : `API ${resourceAppId}`;

/**
 * Delegated Azure DevOps scopes stay within what the integration's preset
 * needs (`needs=` tag), and the broad ones (`vso.code_full`, `vso.code_manage`,
 * `user_impersonation`) appear only where the `allow-broad=` tag lists them.
 * An app without the `ado-integrations` tag was not made by this program: it
 * declares no need, so only the broad-scope rule applies to it, with nothing
 * allowed. An ID that is not a published Azure DevOps scope is reported, since
 * nobody can tell what it grants.
 */
export function checkAdoScopes(props: Props): string[] {
  const tags = parseAppTags(props.tags);
  const out: string[] = [];
  if (tags.owned && tags.needs === undefined) {
    out.push(`has the ${OWNED_APP_TAG} tag but no ${OWNED_APP_TAG}:needs= tag, so what its preset needs is unknown: create it through the program, which tags it`);
  }
  for (const access of asArray(props.requiredResourceAccesses).map(asRecord)) {
    if (access.resourceAppId !== AZURE_DEVOPS_APP_ID) continue;
    for (const entry of asArray(access.resourceAccesses).map(asRecord)) {
      // Application permissions are another policy's business.
      if (entry.type !== "Scope") continue;
      const id = asString(entry.id) ?? "";
      const scope = ADO_SCOPE_BY_ID.get(id.toLowerCase());
      if (scope === undefined) {
        out.push(`requests Azure DevOps scope ID ${id}, which is not a scope Microsoft publishes: request scopes by name (entraApp.scopes)`);
      } else if (BROAD_AZURE_DEVOPS_SCOPES.includes(scope) && !tags.allowBroad.includes(scope)) {
        out.push(`requests ${scope}, a broad scope that allow-broad does not list (${listOrNone(tags.allowBroad)}): list it in entraApp.allowBroadScopes only if the tool cannot work without it`);
      } else if (tags.owned && tags.needs !== undefined && scopesBeyond([scope], tags.needs).length > 0) {
        out.push(`requests ${scope}, beyond what preset ${tags.preset ?? "(unknown)"} needs (${listOrNone(tags.needs)}): remove it, or use preset custom and list it in entraApp.scopes`);
      }
    }
  }
  return out;
}

/**
 * No application permissions (`Role`) on any API: an integration acts for a
 * signed-in user through delegated scopes, and an app role would let the app
 * act alone, tenant-wide. Applies to every app registration, ours or not.
 */
export function checkApplicationPermissions(props: Props): string[] {
  const out: string[] = [];
  for (const access of asArray(props.requiredResourceAccesses).map(asRecord)) {
    const api = apiName(asString(access.resourceAppId) ?? "");
    for (const entry of asArray(access.resourceAccesses).map(asRecord)) {
      if (entry.type === "Role") {
        out.push(`requests application permission ${asString(entry.id) ?? ""} (Role) on ${api}: integrations get delegated scopes (Scope) only`);
      }
    }
  }
  return out;
}

const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/**
 * Web and single-page redirect URIs are https; http only on a loopback host
 * (`localhost`, `127.0.0.1`, `[::1]`, as the stack config allows). Public
 * (native) client URIs are left alone: custom schemes are how native apps
 * receive their redirect, and this program registers none.
 */
export function checkRedirectUris(props: Props): string[] {
  const uris = [...asStrings(asRecord(props.web).redirectUris), ...asStrings(asRecord(props.singlePageApplication).redirectUris)];
  const out: string[] = [];
  for (const uri of uris) {
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      out.push(`redirect URI ${uri} is not a valid URL`);
      continue;
    }
    const loopbackHttp = parsed.protocol === "http:" && LOOPBACK_HOSTS.includes(parsed.hostname);
    if (parsed.protocol !== "https:" && !loopbackHttp) {
      out.push(`redirect URI ${uri} is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text`);
    }
  }
  return out;
}

/** Hours in a Go duration such as `17520h` or `240h30m` (the deprecated `endDateRelative`). */
function durationHours(value: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!m || value === "") return undefined;
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

/**
 * A client secret expires at most `maxDays` from now (lifetime = endDate - now).
 * A secret without an end date gets Entra ID's default lifetime, which this
 * program does not choose, so it is reported too.
 */
export function checkSecretLifetime(props: Props, now: Date, maxDays: number): string[] {
  const endDate = asString(props.endDate);
  if (endDate === undefined || endDate === "") {
    const relative = asString(props.endDateRelative);
    if (relative === undefined || relative === "") {
      return [`has no endDate, so Entra ID picks the secret's lifetime: set endDate at most ${maxDays} days ahead (entraApp.secretRotationDays)`];
    }
    const hours = durationHours(relative);
    if (hours === undefined) return [`endDateRelative ${relative} is not a duration such as 4320h`];
    const days = Math.ceil(hours / 24);
    return days > maxDays ? [`endDateRelative ${relative} is ${days} days, over the ${maxDays}-day maximum: lower entraApp.secretRotationDays`] : [];
  }
  const end = Date.parse(endDate);
  if (Number.isNaN(end)) return [`endDate ${endDate} is not an RFC 3339 date`];
  const days = Math.ceil((end - now.getTime()) / DAY_MS);
  return days > maxDays ? [`endDate ${endDate} is ${days} days away, over the ${maxDays}-day maximum: lower entraApp.secretRotationDays`] : [];
}

/**
 * A client secret rotates: `rotateWhenChanged` has at least one key, so the
 * secret is replaced when its window moves on instead of living until it
 * expires and breaking the tool.
 */
export function checkSecretRotation(props: Props): string[] {
  return Object.keys(asRecord(props.rotateWhenChanged)).length > 0
    ? []
    : ["has no rotateWhenChanged keys, so the secret is never replaced before it expires: create it through the program, which rotates it in two slots"];
}

// ---------------------------------------------------------------------------
// Service hooks

/**
 * A webhook posts to an https URL with no credentials in it: the delivery
 * carries the basic-auth password and the event payload. Messages show only
 * the URL's origin, since a path or query can hold a tool's token.
 */
export function checkServiceHookUrl(props: Props): string[] {
  const url = asString(props.url);
  if (url === undefined || url === "") return ["has no url"];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ["url is not a valid URL"];
  }
  const out: string[] = [];
  if (parsed.protocol !== "https:") {
    out.push(`url ${parsed.protocol}//${parsed.host} is not https: Azure DevOps would send the basic-auth password and the payload in clear text`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    out.push("url carries a user name or password: put credentials in basic auth (serviceHooks.passwordSecret), never in the URL");
  }
  return out;
}

/**
 * A webhook authenticates with basic auth and a non-empty password (the user
 * name may be empty: Spacelift expects exactly that). Without it the receiver
 * cannot tell Azure DevOps from anyone who learns the URL.
 */
export function checkServiceHookAuth(props: Props): string[] {
  const password = asString(props.basicAuthPassword);
  return password !== undefined && password.trim() !== ""
    ? []
    : ["has no basic-auth password: the receiver cannot tell Azure DevOps from anyone else; set serviceHooks.passwordSecret, or leave it out to have one generated"];
}

// ---------------------------------------------------------------------------
// PAT references

/** The declaration a PatReference component registered, read back from its inputs. */
function patDeclaration(props: Props, expiryWarningDays: number): PatDeclaration {
  return {
    expiresOn: asString(props.expiresOn) ?? "",
    createdOn: asString(props.createdOn),
    scopes: asStrings(props.scopes),
    allOrganizations: props.allOrganizations === true,
    expiryWarningDays,
  };
}

/**
 * Every finding of `checkPat` for a registered PAT reference. `checkPat` stops
 * at an unreadable `expiresOn`; the scope and all-organizations rules do not
 * depend on the date, so they are run again against today rather than lost.
 */
function patFindings(props: Props, now: Date, expiryWarningDays: number): PatFinding[] {
  const decl = patDeclaration(props, expiryWarningDays);
  const needed = asStrings(props.neededScopes);
  const findings = checkPat(decl, needed, now);
  if (parseDate(decl.expiresOn) !== undefined) return findings;
  const dateless = checkPat({ ...decl, expiresOn: formatDate(now), createdOn: undefined }, needed, now);
  return [...findings, ...dateless.filter((f) => f.key === "scopes" || f.key === "allOrganizations")];
}

const patMessage = (f: PatFinding): string => `pat.${f.key}: ${f.message}`;

/** A PAT is not past its expiry and lives at most a year (`checkPat`'s date errors). */
export function checkPatExpiry(props: Props, now: Date): string[] {
  return patFindings(props, now, 0)
    .filter((f) => f.severity === "error" && (f.key === "expiresOn" || f.key === "createdOn"))
    .map(patMessage);
}

/** A PAT is scoped to one organization: global PATs stop working on `GLOBAL_PAT_CUTOFF`. */
export function checkPatNotGlobal(props: Props, now: Date): string[] {
  return patFindings(props, now, 0)
    .filter((f) => f.key === "allOrganizations")
    .map(patMessage);
}

/** A PAT does not expire within `warningDays`: someone has to create and store the next one. */
export function checkPatExpiringSoon(props: Props, now: Date, warningDays: number): string[] {
  return patFindings(props, now, warningDays)
    .filter((f) => f.severity === "warning" && f.key === "expiresOn")
    .map(patMessage);
}

/** A PAT grants what the tool needs and no more. */
export function checkPatScopes(props: Props, now: Date): string[] {
  return patFindings(props, now, 0)
    .filter((f) => f.key === "scopes")
    .map(patMessage);
}

// ---------------------------------------------------------------------------
// Config store (variable group)

// Every preset form label filled from a secret source, normalized by labelKey.
const PRESET_SECRET_LABELS: ReadonlySet<string> = new Set(
  Object.values(PRESETS).flatMap((preset) =>
    Object.values(preset.modes).flatMap((mode) => mode.form.filter((f) => SECRET_SOURCES.has(f.source)).map((f) => labelKey(f.label))),
  ),
);

// Last words of a label that name a secret whatever the tool calls it ("Webhook Password", "API token").
const SECRET_LABEL_WORDS: ReadonlySet<string> = new Set(["secret", "password", "passwd", "passphrase", "token", "pat", "credential", "credentials"]);
const SECRET_LABEL_ENDINGS: readonly string[] = ["api_key", "access_key", "private_key", "secret_key", "signing_key", "connection_string"];

function labelKey(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * Whether a config-store variable name (`<integration>.<Label_with_underscores>`)
 * holds a secret field: a label some preset fills from a secret source
 * (Client_Secret, Secret, Personal_access_token, Azure_Access_Token, ...), or
 * one whose last word names a secret (Webhook_Password, API_token).
 */
export function isSecretFieldName(name: string): boolean {
  const dot = name.indexOf(".");
  const key = labelKey(dot >= 0 ? name.slice(dot + 1) : name);
  if (key === "") return false;
  if (PRESET_SECRET_LABELS.has(key)) return true;
  const words = key.split("_");
  return SECRET_LABEL_WORDS.has(words[words.length - 1]!) || SECRET_LABEL_ENDINGS.some((e) => key === e || key.endsWith(`_${e}`));
}

// A Key Vault reference names where a secret is; the value itself is not secret (see components/integration.ts).
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(.+\)$/;

/** How Pulumi shows a secret value (`pulumi stack output`, the offline plan): copied into a plain variable, it is one. */
export const SECRET_MARK = "[secret]";

const CREDENTIAL_SHAPES: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: "a Pulumi secret", pattern: new RegExp(`^${escapeRegExp(SECRET_MARK)}$`) },
  { kind: "an Azure DevOps PAT", pattern: /^(?:[a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})$/ },
  { kind: "an Entra client secret", pattern: /^[A-Za-z0-9_.~-]{3}\dQ~[A-Za-z0-9_.~-]{31,34}$/ },
  { kind: "a JSON web token", pattern: /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/ },
  { kind: "a GitHub token", pattern: /^(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})$/ },
  { kind: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: "a URL with a password", pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What kind of credential a value looks like, or undefined when it looks like none. */
export function credentialKind(value: string): string | undefined {
  return CREDENTIAL_SHAPES.find((s) => s.pattern.test(value))?.kind;
}

/**
 * Secrets written to a variable group are secret variables: a variable whose
 * name is a secret field, or whose value looks like a credential, must have
 * `isSecret: true`. A Key Vault reference under a secret field name is fine:
 * it is where the secret is, not the secret. Values are never quoted.
 * A secret variable's value is never read: during preview it may be unknown.
 * A variable map that is not an object (the plan's `[secret]` mark) has
 * nothing to check.
 */
export function checkVariableGroupSecrets(props: Props): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(asRecord(props.variables))) {
    const variable = asRecord(raw);
    if (variable.isSecret === true) continue;
    const value = asString(variable.value) ?? "";
    const kind = credentialKind(value);
    if (kind !== undefined) {
      out.push(`variable ${name} is not secret but its value looks like ${kind}: set isSecret to true`);
    } else if (isSecretFieldName(name) && !KEY_VAULT_REFERENCE.test(value)) {
      out.push(`variable ${name} holds a secret field but is not secret: set isSecret to true`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The rules

const MAX_LIFETIME_SCHEMA: PolicyConfigSchema = {
  properties: {
    maxLifetimeDays: {
      type: "integer",
      minimum: 1,
      maximum: 3650,
      default: DEFAULT_MAX_SECRET_LIFETIME_DAYS,
      description: "Longest client-secret lifetime allowed, in days from now.",
    },
  },
};

const WARNING_DAYS_SCHEMA: PolicyConfigSchema = {
  properties: {
    warningDays: {
      type: "integer",
      minimum: 0,
      maximum: 365,
      default: DEFAULT_PAT_WARNING_DAYS,
      description: "Report a PAT this many days before it expires.",
    },
  },
};

const RULES: readonly Rule[] = [
  {
    name: "ado-scopes-within-preset",
    description: "Delegated Azure DevOps scopes stay within what the integration's preset needs; vso.code_full, vso.code_manage and user_impersonation only where allow-broad lists them.",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.application,
    check: (props) => checkAdoScopes(props),
  },
  {
    name: "no-application-permissions",
    description: "App registrations request delegated scopes only, never application permissions (app roles).",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.application,
    check: (props) => checkApplicationPermissions(props),
  },
  {
    name: "redirect-uris-https",
    description: "Redirect URIs are https; http only for localhost, 127.0.0.1 and [::1].",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.application,
    check: (props) => checkRedirectUris(props),
  },
  {
    name: "client-secret-lifetime",
    description: "Client secrets have an end date at most maxLifetimeDays (default 730) from now.",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.applicationPassword,
    configSchema: MAX_LIFETIME_SCHEMA,
    check: (props, settings, now) => checkSecretLifetime(props, now, settings.maxLifetimeDays as number),
  },
  {
    name: "client-secret-rotation",
    description: "Client secrets are rotated (rotateWhenChanged is set).",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.applicationPassword,
    check: (props) => checkSecretRotation(props),
  },
  {
    name: "service-hook-https",
    description: "Service hooks post to https URLs that carry no credentials.",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.serviceHookSubscription,
    check: (props) => checkServiceHookUrl(props),
  },
  {
    name: "service-hook-basic-auth",
    description: "Service hooks authenticate with basic auth and a non-empty password.",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.serviceHookSubscription,
    check: (props) => checkServiceHookAuth(props),
  },
  {
    name: "pat-expiry",
    description: "Referenced PATs are not expired and live at most 365 days.",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.patReference,
    check: (props, _settings, now) => checkPatExpiry(props, now),
  },
  {
    name: "pat-not-global",
    description: "Referenced PATs are scoped to one organization, not all organizations (global PATs stop working on 2026-12-01).",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.patReference,
    check: (props, _settings, now) => checkPatNotGlobal(props, now),
  },
  {
    name: "pat-expiring-soon",
    description: "Referenced PATs do not expire within warningDays (default 30).",
    enforcementLevel: "advisory",
    resourceType: RESOURCE_TYPES.patReference,
    configSchema: WARNING_DAYS_SCHEMA,
    check: (props, settings, now) => checkPatExpiringSoon(props, now, settings.warningDays as number),
  },
  {
    name: "pat-scopes-within-need",
    description: "Referenced PATs grant the scopes the tool needs and no more.",
    enforcementLevel: "advisory",
    resourceType: RESOURCE_TYPES.patReference,
    check: (props, _settings, now) => checkPatScopes(props, now),
  },
  {
    name: "config-store-secrets-secret",
    description: "Secret fields written to a variable group, and any value that looks like a credential, are secret variables.",
    enforcementLevel: "mandatory",
    resourceType: RESOURCE_TYPES.variableGroup,
    check: (props) => checkVariableGroupSecrets(props),
  },
];

/** Names of every policy in the pack, in the order they run. */
export const POLICY_NAMES: readonly string[] = RULES.map((r) => r.name);

/** The defaults a policy's config schema declares. */
function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (typeof prop === "object" && prop.default !== undefined) out[key] = prop.default;
  }
  return out;
}

/**
 * The pack's policies, with `now` read from `clock` at each validation. The
 * schema defaults are applied here as well as by the CLI, so a validation
 * sees a complete config whichever way it is run.
 */
export function createPolicies(clock: () => Date = () => new Date()): AdoPolicy[] {
  return RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    resourceType: rule.resourceType,
    ...(rule.configSchema && { configSchema: rule.configSchema }),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (args.type !== rule.resourceType) return;
      const settings = { ...schemaDefaults(rule.configSchema), ...args.getConfig<Record<string, unknown>>() };
      for (const message of rule.check(args.props, settings, clock())) reportViolation(message);
    },
  }));
}

/** The policies `policies/index.ts` serves, on the real clock. */
export const policies: readonly AdoPolicy[] = createPolicies();

// ---------------------------------------------------------------------------
// Pack config

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A `--policy-pack-config` file that does not fit the pack; one line per problem. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "PolicyConfigError";
  }
}

/**
 * Checks a pack config against the policy names and config schemas: unknown
 * policies, unknown keys, bad enforcement levels and out-of-range values are
 * each one line naming `source` and the key path.
 */
export function validatePolicyConfig(config: unknown, source: string): PolicyConfig {
  if (!config || typeof config !== "object" || Array.isArray(config)) {
    throw new PolicyConfigError([`${source}: must be a JSON object of policy name -> enforcement level or settings`]);
  }
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(config)) {
    const rule = RULES.find((r) => r.name === name);
    if (name !== "all" && !rule) {
      problems.push(`${source}: ${name}: unknown policy (known: all, ${POLICY_NAMES.join(", ")})`);
      continue;
    }
    if (typeof entry === "string") {
      if (!LEVELS.includes(entry as EnforcementLevel)) problems.push(`${source}: ${name}: enforcement level must be one of ${LEVELS.join(", ")}`);
      continue;
    }
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${source}: ${name}: must be an enforcement level or an object`);
      continue;
    }
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      if (key === "enforcementLevel") {
        if (!LEVELS.includes(value as EnforcementLevel)) problems.push(`${source}: ${name}.enforcementLevel: must be one of ${LEVELS.join(", ")}`);
        continue;
      }
      const prop = rule?.configSchema?.properties[key];
      if (prop === undefined || typeof prop !== "object") {
        const known = Object.keys(rule?.configSchema?.properties ?? {});
        problems.push(`${source}: ${name}.${key}: unknown setting (known: ${listOrNone(["enforcementLevel", ...known])})`);
        continue;
      }
      const isInteger = typeof value === "number" && Number.isInteger(value);
      if (prop.type === "integer" && !isInteger) problems.push(`${source}: ${name}.${key}: must be a whole number`);
      else if (prop.minimum !== undefined && (value as number) < prop.minimum) problems.push(`${source}: ${name}.${key}: must be at least ${prop.minimum}`);
      else if (prop.maximum !== undefined && (value as number) > prop.maximum) problems.push(`${source}: ${name}.${key}: must be at most ${prop.maximum}`);
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return config as PolicyConfig;
}

/** Folder of this pack (and of its `config.<stack>.json` files). */
export const POLICY_PACK_DIR = __dirname;

/**
 * The pack config for a stack: `policies/config.<stack>.json` when it exists,
 * validated; `{}` (every policy at its default level and settings) otherwise.
 * Throws {@link PolicyConfigError} for a file that does not fit the pack.
 */
export function loadPolicyConfig(stack: string, dir: string = POLICY_PACK_DIR): PolicyConfig {
  // The stack name becomes part of a path: keep it to what Pulumi allows in a stack name.
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new PolicyConfigError([`stack name ${JSON.stringify(stack)}: must be letters, digits, '_', '.' or '-'`]);
  const file = path.join(dir, `config.${stack}.json`);
  if (!fs.existsSync(file)) return {};
  const source = path.relative(process.cwd(), file) || file;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new PolicyConfigError([`${source}: not valid JSON (${(e as Error).message})`]);
  }
  return validatePolicyConfig(parsed, source);
}

/** A policy's enforcement level under `config`: its own entry, else `all`, else its default; remediate counts as mandatory. */
export function enforcementOf(policy: Pick<AdoPolicy, "name" | "enforcementLevel">, config: PolicyConfig = {}): PolicyFinding["enforcement"] {
  const levelOf = (entry: PolicyConfig[string] | undefined): EnforcementLevel | undefined =>
    typeof entry === "string" ? entry : entry?.enforcementLevel;
  const level = levelOf(config[policy.name]) ?? levelOf(config.all) ?? policy.enforcementLevel;
  // No policy here remediates; the server reports a remediate-level violation as mandatory too.
  return level === "remediate" ? "mandatory" : level;
}

/** A policy's settings under `config` (without the enforcement level), as `args.getConfig()` returns them. */
export function settingsOf(policyName: string, config: PolicyConfig = {}): Record<string, unknown> {
  const entry = config[policyName];
  if (entry === undefined || typeof entry === "string") return {};
  const { enforcementLevel: _level, ...settings } = entry;
  return settings;
}

// ---------------------------------------------------------------------------
// Offline runner

/** A resource as the offline plan records it. */
export interface PlanResource {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly inputs: Record<string, unknown>;
}

/** One violation a policy reported on one resource, as {@link runPolicies} returns it. */
export interface PolicyFinding {
  readonly policy: string;
  readonly enforcement: "advisory" | "mandatory" | "disabled";
  readonly resource: string;
  readonly message: string;
}

/** Options of {@link runPolicies}. */
export interface RunPoliciesOptions {
  /**
   * Tells the values the caller's mock runtime made up for secrets. The
   * policies see each one as {@link SECRET_MARK}, the way the plan shows it.
   * Defaults to none.
   */
  readonly isSecretStandIn?: (value: string) => boolean;
}

/** Replaces every string `isStandIn` accepts with {@link SECRET_MARK}. */
function markStandIns(value: unknown, isStandIn: (value: string) => boolean): unknown {
  if (typeof value === "string") return isStandIn(value) ? SECRET_MARK : value;
  if (Array.isArray(value)) return value.map((v) => markStandIns(v, isStandIn));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markStandIns(v, isStandIn)]));
  return value;
}

/** Replaces Pulumi secret envelopes with their values, as CrossGuard hands them to policies. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

const NO_OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

/**
 * Runs the pack's `validateResource` functions over plan resources, the way
 * CrossGuard would during preview: each enabled policy sees every resource,
 * with the policy's settings from `config` and the clock fixed at `now`.
 * Secret envelopes are opened (CrossGuard does the same); a `[secret]` mark
 * stays as it is and counts as a non-empty value.
 *
 * Pass `evaluation.recorded` (inputs with secrets in their envelopes) for the
 * complete view, with `isSecretStandIn` telling the mocks' made-up secrets.
 * `evaluation.resources` shows every secret as `[secret]`, and a variable
 * group wraps its whole variable map as one secret, so there the config-store
 * policy sees no variables to check.
 */
export function runPolicies(
  resources: readonly PlanResource[],
  config: PolicyConfig = {},
  now: Date = new Date(),
  options: RunPoliciesOptions = {},
): PolicyFinding[] {
  const results: PolicyFinding[] = [];
  const pack = createPolicies(() => now).map((p) => ({ policy: p, enforcement: enforcementOf(p, config), settings: settingsOf(p.name, config) }));
  const isStandIn = options.isSecretStandIn;
  for (const r of resources) {
    const opened = unwrapSecrets(r.inputs);
    const props = (isStandIn ? markStandIns(opened, isStandIn) : opened) as Record<string, unknown>;
    for (const { policy, enforcement, settings } of pack) {
      if (enforcement === "disabled") continue;
      const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === r.type;
      const args: ResourceValidationArgs = {
        type: r.type,
        name: r.name,
        urn: r.urn ?? r.name,
        props,
        opts: NO_OPTIONS,
        stackTags: new Map(),
        isType: typeOf,
        asType: ((resourceClass: unknown) => (typeOf(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...settings }) as T,
        notApplicable: () => {
          throw new NotApplicable();
        },
      };
      try {
        policy.validateResource(args, (message) => results.push({ policy: policy.name, enforcement, resource: r.name, message }));
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return results;
}
