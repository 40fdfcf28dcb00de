import { hostMatchesPattern, type AllowedHost, webhookHostProblem } from "../azure-devops/runtime/hosts";
import { type EventType, USERNAME_COLON, isEventType } from "../azure-devops/runtime/events";
import { TOKENS } from "../../provider/schema";
import { parseOwnerMarker } from "../azure-devops/runtime/variable-groups";
import { variableName } from "../config-store";
import { CONFIG_STORE_NAME, VARIABLE_GROUP_STORE_TYPE, storeGroupName } from "../config-store/variable-group";
import { HOOK_DELIVERY_DEFAULTS } from "../config/parse";
import { formatDate } from "../config/dates";
import { PRESETS } from "../presets";
import type { FormField, Preset, PresetMode, PresetName, ServiceHookNeeds } from "../presets/types";
import { INTEGRATION_TYPE, serviceHooksName } from "../integration-names";
import { SERVICE_HOOKS_TYPE, hookResourceName } from "../service-hooks";
import type { FoundGroup, FoundHook, FoundPrincipal, OrganizationListing } from "./listing";

// Recognition is data: a hook belongs to a tool when one of the tool's preset
// modes handles the hook's event and either lists host patterns the hook's
// URL matches (a hosted tool: Spacelift) or, for a tool people host
// themselves (Atlantis), names both the path it receives webhooks on and the
// user name it checks, and the hook has both. A new preset that says so in
// its `serviceHooks` is recognized with no change here. Nothing in this file
// calls the network.

/** What discovery writes for a PAT owner it cannot see; the report says to replace it. */
export const PAT_OWNER_PLACEHOLDER = "<the PAT owner's user name>";

/** Type tokens of the program's components, as the components declare them (parents in the import file). */
export const COMPONENT_TYPES = {
  integration: INTEGRATION_TYPE,
  serviceHooks: SERVICE_HOOKS_TYPE,
  variableGroupStore: VARIABLE_GROUP_STORE_TYPE,
} as const;

/** The config-store component's name in the program (components/stack.ts). */
export { CONFIG_STORE_NAME };

/** A preset mode that receives webhooks. */
export interface HookMode {
  readonly preset: Preset;
  readonly mode: string;
  readonly needs: ServiceHookNeeds;
}

/** Whether a mode says enough to tell its hooks from others': host patterns, or a path and a user name. */
function identifiable(needs: ServiceHookNeeds): boolean {
  return (needs.hostPatterns !== undefined && needs.hostPatterns.length > 0) || (needs.path !== undefined && needs.path !== "" && needs.username !== "");
}

/** Every preset mode whose hooks can be told apart, from the presets themselves, default modes first. */
export function hookModes(presets: Readonly<Record<string, Preset>> = PRESETS): HookMode[] {
  const modes: HookMode[] = [];
  for (const preset of Object.values(presets)) {
    const names = Object.keys(preset.modes).sort((a, b) => (a === preset.defaultMode ? -1 : b === preset.defaultMode ? 1 : 0));
    for (const mode of names) {
      const needs = preset.modes[mode]!.serviceHooks;
      if (needs && identifiable(needs)) modes.push({ preset, mode, needs });
    }
  }
  return modes;
}

/** Whether the hook goes where the mode's hooks go: a host it names, or its path with its user name. */
function goesTo(hook: FoundHook, needs: ServiceHookNeeds): boolean {
  if (hook.host === "") return false;
  if (needs.hostPatterns && needs.hostPatterns.length > 0) return hostMatchesPattern(hook.host, needs.hostPatterns);
  return new URL(hook.url).pathname.endsWith(needs.path!) && hook.basicAuthUsername === needs.username;
}

/** Why a hook is not adopted, or the mode it belongs to. */
export type HookVerdict = { readonly mode: HookMode } | { readonly reason: string };

/**
 * Which preset mode a hook belongs to: its host matches the mode's host
 * patterns and the mode handles its event. A mode that signs in without a
 * redirect is preferred (its config needs nothing discovery cannot see).
 */
export function recognizeHook(hook: FoundHook, modes: readonly HookMode[], allowedHosts: readonly AllowedHost[] = []): HookVerdict {
  const byHost = modes.filter((m) => goesTo(hook, m.needs));
  if (byHost.length === 0) return { reason: "no preset names this host (or this path and user name)" };
  const tool = byHost[0]!.preset.displayName;
  const handling = byHost.filter((m) => [...m.needs.events, ...m.needs.optionalEvents].includes(hook.eventType));
  if (handling.length === 0 || !isEventType(hook.eventType)) return { reason: `${tool}'s host, but ${tool} does not handle ${hook.eventType}` };
  if (hook.publisherId !== "tfs") return { reason: `${tool}'s host, but published by ${hook.publisherId}, not tfs` };
  let url: URL;
  try {
    url = new URL(hook.url);
  } catch {
    return { reason: "the URL cannot be read" };
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "") return { reason: `${tool}'s host, but the URL is not https or carries credentials` };
  const hostProblem = webhookHostProblem(url, allowedHosts);
  if (hostProblem !== undefined) return { reason: hostProblem };
  const plain = handling.find((m) => !m.preset.modes[m.mode]!.entraApp?.redirect);
  return { mode: plain ?? handling[0]! };
}

/** One import-file entry: a resource the program will declare, by the name it will give it. */
export interface ImportEntry {
  readonly type: string;
  readonly name: string;
  /** Absent for a component (it is recorded, not read). */
  readonly id?: string;
  /** The name of the parent entry. */
  readonly parent?: string;
  readonly component?: boolean;
}

/** A secret key the user must set before `pulumi import`. */
export interface SecretKey {
  readonly key: string;
  /** What goes in it, in the user's words. */
  readonly what: string;
}

/** An integration discovery will write into the stack config. */
export interface DiscoveredIntegration {
  /** The config entry (`integrations[]`), valid under the config schema. */
  readonly config: Record<string, unknown>;
  readonly name: string;
  readonly preset: PresetName;
  readonly mode: string;
  /** The mode's setup form: the config-store variables the program writes. */
  readonly form: readonly FormField[];
  readonly url: string;
  /** Hooks adopted, by resource name. */
  readonly adopted: ReadonlyMap<string, FoundHook>;
  /** Hooks of this integration left out, with why. */
  readonly leftOut: readonly { readonly hook: FoundHook; readonly reason: string }[];
  /** Project and event pairs the program will create, having no hook today. */
  readonly missing: readonly string[];
  /** What the first `pulumi up` will change in place, and why. */
  readonly updates: readonly string[];
  readonly secrets: readonly SecretKey[];
}

/** A variable group that looks like an integration's. */
export interface GroupFinding {
  readonly group: FoundGroup;
  /** Why it looks like one. */
  readonly why: string;
}

/** A service principal that looks like a tool's. */
export interface PrincipalFinding {
  readonly principal: FoundPrincipal;
  readonly tool: string;
}

/** Everything discovery concluded. */
export interface Discovery {
  readonly organizationUrl: string;
  /** Hooks by target host, hosts sorted. */
  readonly hosts: readonly { readonly host: string; readonly hooks: readonly FoundHook[]; readonly verdict: string }[];
  readonly integrations: readonly DiscoveredIntegration[];
  /** The group adopted as the config store, when one matches the integrations' fields. */
  readonly configStore?: { readonly group: FoundGroup; readonly config: Record<string, unknown>; readonly updates: readonly string[] };
  readonly groups: readonly GroupFinding[];
  readonly principals: readonly PrincipalFinding[];
  readonly principalsProblem?: string;
  /** The import file's entries, parents first. */
  readonly imports: readonly ImportEntry[];
  readonly secrets: readonly SecretKey[];
}

/** Options of {@link recognize}. */
export interface RecognizeOptions {
  /** The presets to recognize with. Defaults to PRESETS. */
  readonly presets?: Readonly<Record<string, Preset>>;
  /** Hosts AZDO_ALLOWED_HOSTS allows; a webhook URL on another non-public host is not adoptable. Defaults to none. */
  readonly allowedHosts?: readonly AllowedHost[];
  /** The date written as a PAT's expiresOn, which no API shows. Defaults to today. */
  readonly patExpiresOn?: Date;
}

/** A config key name from an integration name and a role: `spacelift` + `WebhookPassword`. */
function keyName(integration: string, role: string): string {
  return `${integration.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}${role}`;
}

/** The one value all hooks share, or undefined when they differ. */
function shared<T>(hooks: readonly FoundHook[], pick: (hook: FoundHook) => T): T | undefined {
  const values = new Set(hooks.map((h) => JSON.stringify(pick(h))));
  return values.size === 1 ? pick(hooks[0]!) : undefined;
}

/** Oldest first, then by id: the hook kept when two would take one resource name. */
function byAge(a: FoundHook, b: FoundHook): number {
  return a.createdDate < b.createdDate ? -1 : a.createdDate > b.createdDate ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function buildIntegration(
  name: string,
  hookMode: HookMode,
  url: string,
  hooks: readonly FoundHook[],
  projectNames: ReadonlyMap<string, string>,
  patExpiresOn: Date,
): DiscoveredIntegration {
  const { preset, mode, needs } = hookMode;
  const presetMode: PresetMode = preset.modes[mode]!;
  const updates: string[] = [];
  const leftOut: { hook: FoundHook; reason: string }[] = [];
  const known = hooks.filter((h) => {
    if (projectNames.has(h.projectId)) return true;
    leftOut.push({ hook: h, reason: `its project ${h.projectId} is not in the organization's project list` });
    return false;
  });
  const projects = [...new Set(known.map((h) => projectNames.get(h.projectId)!))].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  // The program subscribes every preset event and adds the config's: only optional events found go in the config.
  const extra = needs.optionalEvents.filter((e) => known.some((h) => h.eventType === e));
  const events = [...needs.events, ...extra];
  const hooksConfig: Record<string, unknown> = { url, projects };
  if (extra.length > 0) hooksConfig.events = extra;

  const username = shared(known, (h) => h.basicAuthUsername);
  if (username === undefined) updates.push(`basicAuthUsername: the hooks use different user names; all get "${needs.username}"`);
  else if (username !== needs.username) {
    if (username.includes(":")) updates.push(`basicAuthUsername: "${username}" ${USERNAME_COLON}; it becomes "${needs.username}"`);
    else hooksConfig.username = username;
  }
  hooksConfig.passwordSecret = keyName(name, "WebhookPassword");

  const filters = shared(known, (h) => h.filters);
  if (filters === undefined) updates.push("filters: the hooks filter differently; all lose their filters");
  else {
    const { repository, branch, ...other } = filters;
    if (repository !== undefined && projects.length === 1) hooksConfig.repository = repository;
    else if (repository !== undefined) updates.push("filters.repository: a repository belongs to one project, and these hooks span several; the filter is removed");
    if (branch !== undefined) hooksConfig.branch = branch;
    if (Object.keys(other).length > 0) updates.push(`filters ${Object.keys(other).join(", ")}: not in the stack config's settings; removed`);
  }
  for (const key of ["resourceDetailsToSend", "messagesToSend", "detailedMessagesToSend"] as const) {
    const value = shared(known, (h) => h[key]);
    if (value === undefined) updates.push(`${key}: the hooks differ; all get "${HOOK_DELIVERY_DEFAULTS[key]}"`);
    else if (value !== HOOK_DELIVERY_DEFAULTS[key]) hooksConfig[key] = value;
  }
  const withHeaders = known.filter((h) => h.httpHeaderNames.length > 0).length;
  if (withHeaders > 0) updates.push(`httpHeaders: ${withHeaders} hook(s) send delivery headers, which the stack config has no setting for; removed`);
  const disabled = known.filter((h) => h.status !== "enabled").length;
  if (disabled > 0) updates.push(`status: ${disabled} hook(s) are not enabled; re-enabled`);
  const noPassword = known.filter((h) => !h.passwordSet).length;
  if (noPassword > 0) updates.push(`basicAuthPassword: ${noPassword} hook(s) have no password; they get the one in ${hooksConfig.passwordSecret as string}, which ${preset.displayName} must then be given too`);
  updates.push(`basicAuthPassword: Azure DevOps never shows a hook's password, so the first \`pulumi up\` writes the one in ${hooksConfig.passwordSecret as string} to each hook (an update, not a replacement)`);

  const adopted = new Map<string, FoundHook>();
  for (const hook of [...known].sort(byAge)) {
    const projectName = projectNames.get(hook.projectId)!;
    const resourceName = hookResourceName(serviceHooksName(name), { name: projectName, id: hook.projectId }, hook.eventType as EventType);
    const kept = adopted.get(resourceName);
    if (kept) leftOut.push({ hook, reason: `a second ${hook.eventType} hook to this URL in ${projectName} (hook ${kept.id} is adopted); delete it by hand after the import` });
    else adopted.set(resourceName, hook);
  }
  const missing: string[] = [];
  for (const project of projects) {
    for (const event of events) {
      if (!known.some((h) => projectNames.get(h.projectId) === project && h.eventType === event)) missing.push(`${project}/${event}`);
    }
  }

  const config: Record<string, unknown> = { name, preset: preset.name };
  if (mode !== preset.defaultMode) config.mode = mode;
  const secrets: SecretKey[] = [{ key: hooksConfig.passwordSecret as string, what: `the webhook password ${preset.displayName} has for ${url}` }];
  if (presetMode.entraApp?.redirect) {
    // No API shows the tool's callback URL: a stand-in that must be replaced before `pulumi up`.
    config.entraApp = { redirectUris: [`https://${new URL(url).host}/`] };
    updates.push(`entraApp.redirectUris: not discoverable; replace https://${new URL(url).host}/ with ${presetMode.entraApp.redirectHint ?? "the tool's callback URL"}`);
  }
  config.serviceHooks = hooksConfig;
  if (presetMode.pat) {
    const patKey = keyName(name, "Pat");
    config.pat = { secret: patKey, expiresOn: formatDate(patExpiresOn), scopes: [...presetMode.pat.scopes] };
    if (presetMode.form.some((f) => f.source === "patOwner")) {
      // The tool's form shows the PAT owner's user name, which no listing shows.
      (config.pat as Record<string, unknown>).owner = PAT_OWNER_PLACEHOLDER;
      updates.push(`pat.owner: not discoverable; replace "${PAT_OWNER_PLACEHOLDER}" with the user name of the PAT's owner`);
    }
    secrets.push({ key: patKey, what: `the PAT ${preset.displayName} uses (scopes ${presetMode.pat.scopes.join(", ")})` });
    updates.push(`pat.expiresOn: no API shows when ${preset.displayName}'s PAT expires; ${formatDate(patExpiresOn)} is written, set the real date (--pat-expires)`);
  }
  return { config, name, preset: preset.name, mode, form: presetMode.form, url, adopted, leftOut, missing, updates, secrets };
}

/** Words of a preset that, in a group or principal name, suggest the tool: its name and display name. */
function presetWords(presets: Readonly<Record<string, Preset>>): { word: string; tool: string }[] {
  const words: { word: string; tool: string }[] = [];
  for (const preset of Object.values(presets)) {
    if (preset.name === "custom") continue;
    for (const word of new Set([preset.name, ...preset.displayName.split(/[^A-Za-z0-9]+/)])) {
      if (word.length >= 4) words.push({ word: word.toLowerCase(), tool: preset.displayName });
    }
  }
  return words;
}

/** Concludes, from what was listed, what the stack config and the import file hold. Pure. */
export function recognize(listing: OrganizationListing, options: RecognizeOptions = {}): Discovery {
  const presets = options.presets ?? PRESETS;
  const modes = hookModes(presets);
  const projectNames = new Map(listing.projects.map((p) => [p.id.toLowerCase(), p.name]));

  // Hooks by host, and by the integration (mode and URL) they belong to.
  const byHost = new Map<string, FoundHook[]>();
  const byIntegration = new Map<string, { mode: HookMode; url: string; hooks: FoundHook[] }>();
  const hostVerdicts = new Map<string, Set<string>>();
  for (const hook of listing.hooks) {
    const onHost = byHost.get(hook.host);
    if (onHost) onHost.push(hook);
    else byHost.set(hook.host, [hook]);
    const verdict = recognizeHook(hook, modes, options.allowedHosts ?? []);
    const said = hostVerdicts.get(hook.host) ?? new Set<string>();
    hostVerdicts.set(hook.host, said);
    if ("reason" in verdict) {
      said.add(`not adopted: ${verdict.reason}`);
      continue;
    }
    said.add(`${verdict.mode.preset.displayName} (preset ${verdict.mode.preset.name}${verdict.mode.mode === verdict.mode.preset.defaultMode ? "" : `, mode ${verdict.mode.mode}`})`);
    const key = `${verdict.mode.preset.name}\u0000${verdict.mode.mode}\u0000${hook.url}`;
    const entry = byIntegration.get(key) ?? { mode: verdict.mode, url: hook.url, hooks: [] };
    entry.hooks.push(hook);
    byIntegration.set(key, entry);
  }

  // One integration per tool and URL; a tool's second URL gets `<preset>-2`.
  const integrations: DiscoveredIntegration[] = [];
  const perPreset = new Map<string, number>();
  const entries = [...byIntegration.values()].sort((a, b) => (a.mode.preset.name + a.url < b.mode.preset.name + b.url ? -1 : 1));
  for (const entry of entries) {
    const n = (perPreset.get(entry.mode.preset.name) ?? 0) + 1;
    perPreset.set(entry.mode.preset.name, n);
    const name = n === 1 ? entry.mode.preset.name : `${entry.mode.preset.name}-${n}`;
    integrations.push(buildIntegration(name, entry.mode, entry.url, entry.hooks, projectNames, options.patExpiresOn ?? new Date()));
  }

  // The config store: the group holding the most of the integrations' form fields, as the program names them.
  const wanted = new Set<string>();
  for (const i of integrations) for (const field of i.form) wanted.add(variableName(i.name, field.label).toLowerCase());
  const score = (g: FoundGroup): number => g.variables.filter((v) => wanted.has(v.toLowerCase())).length;
  const candidates = listing.groups.filter((g) => score(g) > 0).sort((a, b) => score(b) - score(a) || a.id - b.id);
  const store = candidates[0];
  const words = presetWords(presets);
  const groups: GroupFinding[] = [];
  for (const group of listing.groups) {
    if (group === store) continue;
    const haystack = [group.name, ...group.variables].join(" ").toLowerCase();
    const marker = parseOwnerMarker(group.description).owner;
    const tool = words.find((w) => haystack.includes(w.word))?.tool;
    if (score(group) > 0) groups.push({ group, why: `holds ${score(group)} of the integrations' fields, fewer than group ${store!.id} "${store!.name}", which is adopted` });
    else if (marker !== undefined) groups.push({ group, why: `managed by Pulumi stack "${marker}"` });
    else if (tool !== undefined) groups.push({ group, why: `its name or variables mention ${tool}; its variables are not laid out as the config store writes them, so it is not adopted` });
  }
  let configStore: Discovery["configStore"];
  if (store) {
    const description = parseOwnerMarker(store.description).description;
    const updates = [`variables: the first \`pulumi up\` writes every form value (secret ones included: Azure DevOps never shows them) and removes variables the stack does not write`];
    configStore = { group: store, config: { kind: "variableGroup", project: store.projectName, name: store.name, description }, updates };
  }

  const principals: PrincipalFinding[] = [];
  for (const principal of listing.principals) {
    const tool = words.find((w) => principal.displayName.toLowerCase().includes(w.word))?.tool;
    if (tool !== undefined) principals.push({ principal, tool });
  }

  // The import file: each component before its children, as the engine resolves parents by name.
  const imports: ImportEntry[] = [];
  for (const i of integrations) {
    if (i.adopted.size === 0) continue;
    imports.push({ type: COMPONENT_TYPES.integration, name: i.name, component: true });
    const hooksName = serviceHooksName(i.name);
    imports.push({ type: COMPONENT_TYPES.serviceHooks, name: hooksName, parent: i.name, component: true });
    for (const [name, hook] of [...i.adopted].sort(([a], [b]) => (a < b ? -1 : 1))) {
      imports.push({ type: TOKENS.serviceHookSubscription, name, id: hook.id, parent: hooksName });
    }
  }
  if (configStore) {
    imports.push({ type: COMPONENT_TYPES.variableGroupStore, name: CONFIG_STORE_NAME, component: true });
    imports.push({ type: TOKENS.variableGroup, name: storeGroupName(CONFIG_STORE_NAME), id: `${configStore.group.projectId}/${configStore.group.id}`, parent: CONFIG_STORE_NAME });
  }

  const hosts = [...byHost.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, hooks]) => ({ host, hooks, verdict: [...hostVerdicts.get(host)!].join("; ") }));
  return {
    organizationUrl: listing.organizationUrl,
    hosts,
    integrations,
    ...(configStore && { configStore }),
    groups,
    principals,
    ...(listing.principalsProblem !== undefined && { principalsProblem: listing.principalsProblem }),
    imports,
    secrets: integrations.flatMap((i) => i.secrets),
  };
}
