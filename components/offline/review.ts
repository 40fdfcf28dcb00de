/**
 * What a security reviewer needs from a plan, per integration, as plain
 * items: webhooks, scopes and why, owners, access levels, the PAT, and which
 * config-store keys hold secrets. Built only from what the program registered
 * and exported (secrets already shown as [secret]), so the same code reads the
 * plan of the pull request and the plan of its base, and `diffReviews` can
 * say exactly what a pull request changes. Never holds a credential value.
 */
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS, PUBLISHED_GRAPH_SCOPE_IDS } from "../entra/published-ids";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "../entra/scopes";
import { PRESETS } from "../presets";
import type { Preset } from "../presets/types";
import { TOKENS } from "../../provider/schema";
import type { Evaluation, PlannedResource } from "./evaluate";
import { stableGuid } from "./ids";

/** One reviewable fact: a stable key, and a value whose change is a change of the fact. */
export interface ReviewItem {
  readonly key: string;
  readonly value: string;
  /** Shown next to the item, never compared: why the item is there (a scope's need). */
  readonly why?: string;
}

/** The sections of an integration's review, in the order they are shown. */
export const SECTIONS = ["Integration", "Webhooks", "Entra app", "Scopes", "Owners", "Service principal", "PAT", "Config-store keys", "Other resources"] as const;

/** A section of a review. */
export type Section = (typeof SECTIONS)[number];

/** What one integration asks for. */
export interface IntegrationReview {
  readonly name: string;
  readonly preset: string;
  readonly mode: string;
  /** The mode's one-line summary, from the preset. */
  readonly summary?: string;
  readonly sections: Readonly<Partial<Record<Section, readonly ReviewItem[]>>>;
}

/** The review of a whole stack; `stack` holds what no integration owns (the config store). */
export interface StackReview {
  readonly organizationUrl: string;
  readonly integrations: readonly IntegrationReview[];
  readonly stack: Readonly<Partial<Record<Section, readonly ReviewItem[]>>>;
}

// Registered inputs and resolved outputs are untyped JSON from the mocks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** The identity the offline tenant says is deploying: shown as such, since its ID is made up. */
export const OFFLINE_DEPLOYER = stableGuid("offline-deployer");

/** The start of the program's own component types: they group resources and are not created themselves. */
export const COMPONENT_PREFIX = "ado-integrations:";
const HOOK = TOKENS.serviceHookSubscription;
const ENTITLEMENT = TOKENS.servicePrincipalEntitlement;
const APP = "azuread:index/application:Application";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const RANDOM = "random:index/randomPassword:RandomPassword";

/**
 * Where the stack keeps integrations' form values, from the `configStore`
 * output: "variable group <name> in project <project>" or "stack outputs".
 * Without the project when `withProject` is false.
 */
export function storeDescription(configStore: unknown, withProject = true): string {
  const store = (configStore ?? { kind: "stackOutputs" }) as Record<string, Loose>;
  if (store.kind !== "variableGroup") return "stack outputs";
  return withProject ? `variable group ${store.name} in project ${store.project}` : `variable group ${store.name}`;
}

/** The Integration component a resource belongs to, by walking up its parents. */
export function integrationOf(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): string | undefined {
  let cur: PlannedResource | undefined = r;
  while (cur) {
    if (cur.type === "ado-integrations:index:Integration") return cur.name;
    cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  }
  return undefined;
}

/** A scope's name from its published ID, or `?`. */
export function scopeName(resourceAppId: string, id: string): string {
  const table = resourceAppId === AZURE_DEVOPS_APP_ID ? PUBLISHED_AZURE_DEVOPS_SCOPE_IDS : resourceAppId === MICROSOFT_GRAPH_APP_ID ? PUBLISHED_GRAPH_SCOPE_IDS : {};
  return Object.entries(table).find(([, v]) => v === id)?.[0] ?? "?";
}

/** An API's name for people. */
export function apiName(resourceAppId: string): string {
  return resourceAppId === AZURE_DEVOPS_APP_ID ? "Azure DevOps" : resourceAppId === MICROSOFT_GRAPH_APP_ID ? "Microsoft Graph" : resourceAppId;
}

/** Builds the review of an evaluated stack. */
export function reviewOf(e: Evaluation): StackReview {
  const byUrn = new Map(e.resources.map((r) => [r.urn, r]));
  const custom = e.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  const infos = (e.outputs.integrations ?? {}) as Record<string, Record<string, Loose>>;
  const storeKeys = (e.outputs.configStoreKeys ?? []) as { integration: string; label: string; key: string; secret?: boolean }[];
  const integrations = Object.entries(infos).map(([name, info]) =>
    integrationReview(
      name,
      info,
      custom.filter((r) => integrationOf(r, byUrn) === name),
      storeKeys.filter((k) => k.integration === name),
      e.projectNames,
    ),
  );
  const stack: Partial<Record<Section, ReviewItem[]>> = {
    "Config-store keys": [{ key: "store", value: storeDescription(e.outputs.configStore) }],
  };
  const shared = custom.filter((r) => !integrationOf(r, byUrn));
  if (shared.length > 0) stack["Other resources"] = shared.map(otherResource);
  return { organizationUrl: String(e.outputs.organizationUrl ?? ""), integrations, stack };
}

function integrationReview(
  name: string,
  info: Record<string, Loose>,
  own: readonly PlannedResource[],
  storeKeys: readonly { label: string; key: string; secret?: boolean }[],
  projectNames: Readonly<Record<string, string>>,
): IntegrationReview {
  const preset = PRESETS[info.preset as keyof typeof PRESETS] as Preset | undefined;
  const mode = preset?.modes[String(info.mode)];
  const need = (scope: string, needs: readonly string[] | undefined, where: string): string =>
    !preset
      ? `preset ${info.preset} is not in this version of the program`
      : preset.name === "custom"
        ? `listed in the stack config (${where}): preset custom has no needs of its own`
        : (needs ?? []).includes(scope)
          ? `${preset.name} (${info.mode}) needs it`
          : `not a need of ${preset.name} (${info.mode}): asked for in the stack config (${where})`;
  const sections: Partial<Record<Section, ReviewItem[]>> = {
    Integration: [
      { key: "preset", value: String(info.preset) },
      { key: "mode", value: String(info.mode) },
    ],
  };
  const add = (section: Section, item: ReviewItem) => (sections[section] ??= []).push(item);
  const passwordFrom = own.some((r) => r.type === RANDOM) ? "generated by the stack" : "[secret] from a secret config key";

  for (const r of own) {
    const i = r.inputs as Record<string, Loose>;
    switch (r.type) {
      case HOOK: {
        const filters = Object.entries(i.filters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
        // Every other setting too (what the payload carries), so no change to a hook goes unseen.
        const settings = rest(i, ["url", "basicAuthUsername", "basicAuthPassword", "filters", "projectId", "eventType", "organizationUrl"]);
        add("Webhooks", {
          key: `${projectNames[i.projectId] ?? i.projectId} / ${i.eventType}`,
          value: `${i.url} (basic auth user "${i.basicAuthUsername ?? ""}", password ${i.basicAuthPassword === undefined ? "none" : passwordFrom}${filters.length ? `; filters ${filters.join(", ")}` : ""}${settings ? `; ${settings}` : ""})`,
        });
        break;
      }
      case APP: {
        add("Entra app", { key: "display name", value: String(i.displayName) });
        add("Entra app", { key: "sign-in audience", value: String(i.signInAudience) });
        add("Entra app", { key: "ID tokens", value: i.web?.implicitGrant?.idTokenIssuanceEnabled ? "issued" : "not issued" });
        for (const uri of i.web?.redirectUris ?? []) add("Entra app", { key: `redirect URI ${uri}`, value: "" });
        for (const rra of i.requiredResourceAccesses ?? []) {
          for (const a of (rra.resourceAccesses ?? []) as { id: string; type: string }[]) {
            const scope = scopeName(rra.resourceAppId, a.id);
            const needs = rra.resourceAppId === MICROSOFT_GRAPH_APP_ID ? mode?.entraApp?.graphScopes : mode?.entraApp?.adoScopes;
            add("Scopes", {
              key: `${apiName(rra.resourceAppId)} ${scope}`,
              value: `${a.type === "Role" ? "application permission (Role)" : "delegated (Scope)"}, ${a.id}`,
              why: need(scope, needs, rra.resourceAppId === MICROSOFT_GRAPH_APP_ID ? "entraApp.graphScopes" : "entraApp.scopes"),
            });
          }
        }
        for (const o of i.owners ?? []) add("Owners", { key: String(o), value: "app" });
        const web = rest(i.web ?? {}, ["redirectUris", "implicitGrant"]);
        const settings = [rest(i, ["displayName", "signInAudience", "web", "requiredResourceAccesses", "owners"]), web && `web: ${web}`].filter(Boolean).join("; ");
        if (settings) add("Entra app", { key: "other settings", value: settings });
        break;
      }
      case SP:
        for (const o of i.owners ?? []) {
          const app = sections.Owners?.find((x) => x.key === String(o));
          if (app) (sections.Owners![sections.Owners!.indexOf(app)] = { key: app.key, value: "app and service principal" });
          else add("Owners", { key: String(o), value: "service principal" });
        }
        break;
      case PASSWORD:
        add("Entra app", { key: `client secret ${r.name}`, value: `${String(i.displayName ?? "")}, ends ${String(i.endDate)}` });
        break;
      case ENTITLEMENT: {
        add("Service principal", { key: "access level", value: String(i.accessLevel) });
        const settings = rest(i, ["accessLevel", "projects", "organizationUrl", "servicePrincipalObjectId"]);
        if (settings) add("Service principal", { key: "other settings", value: settings });
        for (const p of (i.projects ?? []) as { projectId: string; group: string }[]) {
          add("Service principal", { key: `project ${projectNames[p.projectId] ?? p.projectId}`, value: p.group });
        }
        break;
      }
      case RANDOM:
        add("Webhooks", { key: "password", value: `generated by the stack: ${String(i.length)} characters` });
        break;
      default:
        add("Other resources", otherResource(r));
    }
  }

  const pat = info.pat as Record<string, Loose> | undefined;
  if (pat) {
    add("PAT", { key: "source", value: String(pat.source) });
    add("PAT", { key: "expires", value: `${String(pat.expiresOn)}${typeof pat.daysLeft === "number" ? ` (${pat.daysLeft} days left)` : ""}` });
    for (const [k, v] of Object.entries(pat)) {
      if (!["source", "expiresOn", "daysLeft", "scopes"].includes(k) && (v === null || typeof v !== "object")) add("PAT", { key: k, value: String(v) });
    }
    for (const s of (pat.scopes ?? []) as string[]) add("Scopes", { key: `PAT ${s}`, value: "PAT scope", why: need(s, mode?.pat?.scopes, "pat.scopes") });
  }
  for (const k of storeKeys) add("Config-store keys", { key: k.label, value: `${k.key}${k.secret ? " (secret)" : ""}` });

  return { name, preset: String(info.preset), mode: String(info.mode), summary: mode?.summary, sections };
}

/** The inputs not named in `shown`, as `key=value` pairs (objects as JSON), or "" when none. */
function rest(inputs: Record<string, unknown>, shown: readonly string[]): string {
  return Object.entries(inputs)
    .filter(([k, v]) => !shown.includes(k) && !k.startsWith("__") && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(", ");
}

/** Any resource the review has no words for: its type, name and inputs (secrets already [secret]). */
function otherResource(r: PlannedResource): ReviewItem {
  const inputs = Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !k.startsWith("__")));
  return { key: `${r.type.split(":").pop()} ${r.name}`, value: JSON.stringify(inputs) };
}

/** One difference between the base's review and the pull request's. */
export interface ReviewChange {
  /** The integration, or `(stack)` for what no integration owns. */
  readonly integration: string;
  readonly section: Section;
  readonly kind: "added" | "removed" | "changed";
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
  readonly why?: string;
}

/** The stack-wide pseudo-integration in changes. */
export const STACK_ROW = "(stack)";

/**
 * What changes from `base` to `head`: items added, removed or with another
 * value, per integration and section. An integration only on one side has all
 * its items added or removed. `base` undefined: the stack is new.
 */
export function diffReviews(base: StackReview | undefined, head: StackReview): ReviewChange[] {
  const changes: ReviewChange[] = [];
  const sides = (r: StackReview | undefined) =>
    new Map<string, Partial<Record<Section, readonly ReviewItem[]>>>([...(r?.integrations ?? []).map((i) => [i.name, i.sections] as const), [STACK_ROW, r?.stack ?? {}]]);
  const before = sides(base);
  const after = sides(head);
  if (!base) before.delete(STACK_ROW);
  const names = [...new Set([...(base?.integrations ?? []).map((i) => i.name), ...head.integrations.map((i) => i.name), STACK_ROW])];
  for (const name of names) {
    const b = before.get(name) ?? {};
    const a = after.get(name) ?? {};
    for (const section of SECTIONS) {
      const bi = new Map((b[section] ?? []).map((x) => [x.key, x]));
      const ai = new Map((a[section] ?? []).map((x) => [x.key, x]));
      for (const [key, x] of ai) {
        const old = bi.get(key);
        if (!old) changes.push({ integration: name, section, kind: "added", key, after: x.value, why: x.why });
        else if (old.value !== x.value) changes.push({ integration: name, section, kind: "changed", key, before: old.value, after: x.value, why: x.why });
      }
      for (const [key, x] of bi) if (!ai.has(key)) changes.push({ integration: name, section, kind: "removed", key, before: x.value });
    }
  }
  return changes;
}
