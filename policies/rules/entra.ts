/**
 * Rules on Entra app registrations, their service principals and client
 * secrets. An app's `ado-integrations:*` tags say which integration and
 * preset it serves (the program writes them, see `appTags` in
 * components/integration.ts); what that preset needs, and which broad scopes
 * an integration may hold, come from the presets' code and the stack's policy
 * config, never from the tags.
 */
import { DAY_MS } from "../../components/config/dates";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "../../components/entra/published-ids";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID, scopesBeyond } from "../../components/entra/scopes";
import { judgeUrl } from "./https";
import { asArray, asRecord, asString, asStrings, integrationOf, listOrNone, type Props } from "./read";
import { allowedBroadScopes, broadScopeMessage, isBroadScope, isReviewedPreset, presetAppScopes } from "./scopes";

/** The tag every app registration this program creates carries (see `appTags` in components/integration.ts). */
export const OWNED_APP_TAG = "ado-integrations";

/** What the ado-integrations tags on an app registration say. */
export interface AppTags {
  /** Carries the `ado-integrations` tag: created by this program. */
  readonly owned: boolean;
  /** The integration's name (`integration=`). */
  readonly integration?: string;
  /** The integration's preset (`preset=`). */
  readonly preset?: string;
}

/**
 * Reads the `ado-integrations:<key>=<value>` tags of an app registration. The
 * `needs=` and `allow-broad=` tags the program also writes are claims made
 * from the stack config: the pack does not read them.
 */
export function parseAppTags(tags: unknown): AppTags {
  const list = asStrings(tags);
  const value = (key: string): string | undefined => {
    const prefix = `${OWNED_APP_TAG}:${key}=`;
    const tag = list.find((t) => t.startsWith(prefix));
    return tag === undefined ? undefined : tag.slice(prefix.length).trim();
  };
  return { owned: list.includes(OWNED_APP_TAG), integration: value("integration"), preset: value("preset") };
}

// Microsoft publishes one ID per delegated scope, the same in every tenant.
const ADO_SCOPE_BY_ID: ReadonlyMap<string, string> = new Map(Object.entries(PUBLISHED_AZURE_DEVOPS_SCOPE_IDS).map(([name, id]) => [id.toLowerCase(), name]));

const apiName = (resourceAppId: string): string =>
  resourceAppId === AZURE_DEVOPS_APP_ID ? "Azure DevOps" : resourceAppId === MICROSOFT_GRAPH_APP_ID ? "Microsoft Graph" : `API ${resourceAppId}`;

/** The delegated Azure DevOps scopes an app requests: names where the ID is published, `unknown` IDs apart. */
function requestedAdoScopes(props: Props): { names: string[]; unknown: string[] } {
  const names: string[] = [];
  const unknown: string[] = [];
  for (const access of asArray(props.requiredResourceAccesses).map(asRecord)) {
    if (access.resourceAppId !== AZURE_DEVOPS_APP_ID) continue;
    for (const entry of asArray(access.resourceAccesses).map(asRecord)) {
      // Application permissions are another policy's business.
      if (entry.type !== "Scope") continue;
      const id = asString(entry.id) ?? "";
      const name = ADO_SCOPE_BY_ID.get(id.toLowerCase());
      if (name === undefined) unknown.push(id);
      else names.push(name);
    }
  }
  return { names, unknown };
}

/**
 * Delegated Azure DevOps scopes stay within what the app's preset needs, by
 * the presets' own code. Broad scopes are `broad-scopes`' business and a
 * `custom` app asks for what its config lists, so neither is compared here.
 * An app of ours whose preset tag names no preset is reported: nobody can
 * tell what it needs. An ID that is not a published Azure DevOps scope is
 * reported on any app, since nobody can tell what it grants.
 */
export function checkAdoScopes(props: Props): string[] {
  const tags = parseAppTags(props.tags);
  const out: string[] = [];
  const reviewed = isReviewedPreset(tags.preset);
  if (tags.owned && !reviewed && tags.preset !== "custom") {
    out.push(`has the ${OWNED_APP_TAG} tag but its ${OWNED_APP_TAG}:preset= tag names no preset (${tags.preset ?? "none"}), so what it needs is unknown: create it through the program, which tags it`);
  }
  const requested = requestedAdoScopes(props);
  for (const id of requested.unknown) {
    out.push(`requests Azure DevOps scope ID ${id}, which is not a scope Microsoft publishes: request scopes by name (entraApp.scopes)`);
  }
  if (!reviewed) return out;
  const needs = presetAppScopes(tags.preset);
  for (const scope of requested.names) {
    if (!isBroadScope(scope) && scopesBeyond([scope], needs).length > 0) {
      out.push(`requests ${scope}, beyond what preset ${tags.preset} needs (${listOrNone(needs)}): remove it, or use preset custom and list it in entraApp.scopes`);
    }
  }
  return out;
}

/**
 * Broad delegated scopes (see `isBroadScope`) only where allowed: by the
 * preset's reviewed need (never for `custom`), or by the stack's policy
 * config under the integration's name. `allowed` maps integration names to
 * the broad scopes the policy config allows them.
 */
export function checkAppBroadScopes(props: Props, resourceName: string, allowed: Readonly<Record<string, readonly string[]>>): string[] {
  const tags = parseAppTags(props.tags);
  const integration = integrationOf(resourceName, "app", tags.integration);
  const mayHold = allowedBroadScopes(presetAppScopes(tags.preset), allowed[integration] ?? []);
  return requestedAdoScopes(props)
    .names.filter((scope) => isBroadScope(scope) && !mayHold.includes(scope))
    .map((scope) => broadScopeMessage("requests", scope, integration, mayHold));
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
    const { problems } = judgeUrl(uri, { allowLoopbackHttp: true });
    if (problems.includes("invalid")) out.push(`redirect URI ${uri} is not a valid URL`);
    else if (problems.includes("not-https")) {
      out.push(`redirect URI ${uri} is not https (http is allowed only for localhost, 127.0.0.1 and [::1]): authorization codes would travel in clear text`);
    }
  }
  return out;
}

/** Who may sign in to an app registration when it names no audience (Entra ID's default too). */
export const SINGLE_TENANT = "AzureADMyOrg";

/**
 * An app registration is single-tenant (`AzureADMyOrg`): a multi-tenant app
 * lets accounts of any tenant sign in to the tool. `allowed` lists the
 * integrations the stack's policy config lets be multi-tenant.
 */
export function checkSignInAudience(props: Props, resourceName: string, allowed: readonly string[]): string[] {
  const audience = asString(props.signInAudience) ?? SINGLE_TENANT;
  if (audience === SINGLE_TENANT) return [];
  const integration = integrationOf(resourceName, "app", parseAppTags(props.tags).integration);
  if (allowed.includes(integration)) return [];
  return [
    `signInAudience ${audience} lets accounts outside this tenant sign in: use ${SINGLE_TENANT} (entraApp.signInAudience), or have the platform team list integration ${integration} under app-single-tenant.allowed in the stack's policy config`,
  ];
}

/**
 * Owners of an app registration or its service principal are on the allow-list
 * of the stack's policy config, when it has one (`allowedOwners` undefined:
 * no list, nothing to check). The deploying identity is always an owner (see
 * components/entra/app.ts), so it belongs on the list too. Owners still
 * unknown during a preview are not judged.
 */
export function checkOwners(props: Props, allowedOwners: readonly string[] | undefined): string[] {
  if (allowedOwners === undefined) return [];
  const allowed = new Set(allowedOwners.map((o) => o.toLowerCase()));
  return asStrings(props.owners)
    .filter((owner) => !allowed.has(owner.toLowerCase()))
    .map((owner) => `owner ${owner} is not on the allow-list of the stack's policy config (app-owners-allowed.allowedOwners): remove it from entraApp.owners, or have the platform team add it`);
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
