import { z } from "zod";
import { type AllowedHost, hostMatchesPattern, webhookHostProblem } from "../azure-devops/runtime/hosts";
import { normalizeOrganizationUrl, organizationName } from "../azure-devops/runtime/org-url";
import { variableName } from "../config-store";
import { checkPat, patExpiry } from "../credentials/pat-checks";
import { defaultMinValidityDays, minValidityProblem } from "../entra/rotation";
import { PAT_SCOPES } from "../entra/scopes";
import { PRESETS } from "../presets";
import { FIELD_SOURCES, type FieldSource, type FormField, type PresetMode, type PresetName } from "../presets/types";
import { formatDate, parseDate } from "./dates";
import { ConfigError, KEY_NAME, didYouMean, formatPath, looksLikeSecret, quote } from "./messages";
import type { ConfigStoreModel, IntegrationModel, PatModel, StackModel } from "./model";
import {
  DEFAULT_PAT_WARNING_DAYS,
  DEFAULT_ROTATION_DAYS,
  TOP_LEVEL_KEYS,
  topLevelSchemas,
  type ConfigStoreInput,
  type IntegrationInput,
} from "./schema";

const FIELD_SOURCE_NAMES: readonly string[] = FIELD_SOURCES;

/** What a hook's delivery settings default to when the config leaves them out. */
export const HOOK_DELIVERY_DEFAULTS = { resourceDetailsToSend: "all", messagesToSend: "none", detailedMessagesToSend: "none" } as const;

/** Raw stack config for one project namespace, however it was loaded. */
export interface ConfigSource {
  /** Stack name, used for defaults such as the variable group name. */
  readonly stack: string;
  /** Keys set in the project's namespace, without the `<project>:` prefix. */
  keys(): readonly string[];
  /** The raw value: plain text, or JSON text for structured values. */
  raw(key: string): string | undefined;
  /** Whether the key was set with `--secret`. */
  isSecret(key: string): boolean;
}

/** Options that make parsing deterministic in tests and the plan. */
export interface ParseOptions {
  /** The clock: expiry checks and rotation windows are computed from it. */
  readonly now: Date;
  /**
   * Hosts besides Azure DevOps's own that whoever runs the deployment allows
   * (AZDO_ALLOWED_HOSTS, never the stack config): an Azure DevOps Server or
   * test organization, a test webhook receiver. Defaults to none.
   */
  readonly allowedHosts?: readonly AllowedHost[];
}

type Problem = { path: PropertyKey[]; message: string };

/**
 * Validates raw stack config and builds the model. Collects every problem
 * before throwing one ConfigError, so users fix everything in one pass.
 */
export function parseStackConfig(source: ConfigSource, opts: ParseOptions): StackModel {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const keys = new Set(source.keys());
  const allowedHosts = opts.allowedHosts ?? [];

  const values: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_KEYS) {
    const raw = source.raw(key);
    if (raw === undefined) continue;
    if (source.isSecret(key)) {
      problems.push({ path: [key], message: "must not be a secret: keep secret values in their own keys and reference them by name" });
      continue;
    }
    values[key] = key === "organization" ? raw : parseStructured(raw);
  }
  if (values.organization === undefined) {
    problems.push({ path: ["organization"], message: "is required: run `pulumi config set organization <name or URL>`" });
  }
  if (values.integrations === undefined) {
    problems.push({ path: ["integrations"], message: "is required: list at least one integration (see README, Config reference)" });
  }

  const parsed: Partial<{ organization: string; integrations: IntegrationInput[]; configStore: ConfigStoreInput }> = {};
  for (const key of TOP_LEVEL_KEYS) {
    if (!(key in values)) continue;
    const schema = topLevelSchemas[key] as z.ZodType;
    const result = schema.safeParse(values[key]);
    if (result.success) (parsed as Record<string, unknown>)[key] = result.data;
    else problems.push(...zodProblems(result.error.issues, [key], values[key], schema));
  }

  let organizationUrl = "";
  if (typeof values.organization === "string" && parsed.organization !== undefined) {
    try {
      organizationUrl = normalizeOrganizationUrl(parsed.organization, allowedHosts);
    } catch (e) {
      problems.push({ path: ["organization"], message: (e as Error).message });
    }
  }

  // Cross-field rules run on whatever integrations are well-formed enough to read.
  const referenced = new Set<string>();
  const rawIntegrations = Array.isArray(values.integrations) ? (values.integrations as unknown[]) : [];
  const seenNames = new Map<string, number>();
  rawIntegrations.forEach((item, i) => {
    if (!isRecord(item)) return;
    const name = item.name;
    if (typeof name === "string") {
      const first = seenNames.get(name);
      if (first !== undefined) problems.push({ path: ["integrations", i, "name"], message: `duplicates integrations[${first}].name "${name}": names must be unique` });
      else seenNames.set(name, i);
    }
    crossCheckIntegration(item, i, source, keys, referenced, problems, warnings, opts.now, allowedHosts);
    if (isRecord(values.configStore) && values.configStore.kind === "variableGroup") variableCollisions(item, i, problems);
  });

  for (const key of keys) {
    if ((TOP_LEVEL_KEYS as readonly string[]).includes(key) || referenced.has(key)) continue;
    const hint = didYouMean(key, TOP_LEVEL_KEYS);
    problems.push({
      path: [key],
      message: hint
        ? `unknown key${hint}`
        : "unknown key: not a setting, and no integration references it as a secret (passwordSecret or pat.secret)",
    });
  }

  if (problems.length > 0) {
    throw new ConfigError(problems.map((p) => `${formatPath(p.path)}: ${p.message}`));
  }

  const integrations = parsed.integrations!.map((item, index) => buildIntegration(item, index, organizationUrl, source.stack));
  return {
    organizationUrl,
    organizationName: organizationName(organizationUrl),
    integrations,
    configStore: buildConfigStore(parsed.configStore, source.stack),
    allowedHosts,
    warnings,
  };
}

function parseStructured(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The URL when the value is an https URL without credentials (what the schema accepts), else undefined. */
function httpsUrl(value: unknown): URL | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.username === "" && url.password === "" ? url : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** The schema inside optional, default, nullable and transform wrappers (what the user writes). */
function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

/** Keys an object schema accepts at `path` (for "did you mean"), read through zod's public API. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: z.ZodType | undefined = schema;
  for (const seg of path) {
    const s = unwrapped(cur);
    if (s instanceof z.ZodArray) cur = s.element as z.ZodType;
    else if (s instanceof z.ZodObject) cur = (s.shape as Record<string, z.ZodType>)[String(seg)];
    else return [];
    if (cur === undefined) return [];
  }
  const s = unwrapped(cur);
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  // A discriminated union is a union too: any of its objects' keys may be meant.
  if (s instanceof z.ZodUnion) return [...new Set((s.options as z.ZodType[]).flatMap((o) => (o instanceof z.ZodObject ? Object.keys(o.shape) : [])))];
  return [];
}

function zodProblems(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[], root: unknown, schema: z.ZodType): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const value = valueAt(root, issue.path);
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown key${didYouMean(key, known)}` });
      continue;
    }
    if (issue.code === "invalid_type" && value === undefined) {
      out.push({ path, message: "is required" });
      continue;
    }
    if (issue.code === "custom" && Array.isArray((issue.params as { known?: string[] } | undefined)?.known)) {
      const { known, listAll } = issue.params as { known: string[]; listAll?: boolean };
      const hint = typeof value === "string" ? didYouMean(value, known) : "";
      // A value far from every name gets the list where the schema asks for it (presets).
      const list = hint === "" && listAll === true ? `: use ${known.join(", ")}` : "";
      out.push({ path, message: `${issue.message}${quote(value)}${hint}${list}` });
      continue;
    }
    if (issue.code === "invalid_union") {
      // A discriminated union reports at the discriminator, or at the object when it is missing.
      const atKind = issue.path[issue.path.length - 1] === "kind";
      const kind = atKind ? value : isRecord(value) ? value.kind : undefined;
      out.push({ path: atKind ? path : [...path, "kind"], message: `unknown kind${quote(kind)}: must be stackOutputs or variableGroup` });
      continue;
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

/** Where an integration names a secret config key, relative to the integration. */
const SECRET_KEY_FIELDS = [
  ["serviceHooks", "passwordSecret"],
  ["pat", "secret"],
] as const;

/** The secret config keys one raw integration entry references, with where (unchecked values as written). */
function secretReferences(item: Record<string, unknown>): { path: PropertyKey[]; key: unknown }[] {
  return SECRET_KEY_FIELDS.flatMap(([block, field]) => {
    const b = item[block];
    return isRecord(b) && b[field] !== undefined ? [{ path: [block, field], key: b[field] }] : [];
  });
}

/**
 * The well-formed secret config key names a raw `integrations` value
 * references (`serviceHooks.passwordSecret`, `pat.secret`), in order, each
 * once. The offline plan lists the ones a stack file does not set.
 */
export function referencedSecretKeys(integrations: unknown): string[] {
  const keys = (Array.isArray(integrations) ? integrations : [])
    .filter(isRecord)
    .flatMap((item) => secretReferences(item).map((r) => r.key))
    .filter(isKeyName);
  return [...new Set(keys)];
}

/** A well-formed config key name, not a pasted value. */
function isKeyName(key: unknown): key is string {
  return typeof key === "string" && !looksLikeSecret(key) && KEY_NAME.test(key);
}

function modeOf(item: Record<string, unknown>): { preset?: PresetName; mode?: PresetMode; modeName?: string } {
  const presetName = item.preset;
  if (typeof presetName !== "string" || !(presetName in PRESETS)) return {};
  const preset = PRESETS[presetName as PresetName];
  const modeName = typeof item.mode === "string" ? item.mode : preset.defaultMode;
  return { preset: preset.name, mode: preset.modes[modeName], modeName };
}

function crossCheckIntegration(
  item: Record<string, unknown>,
  i: number,
  source: ConfigSource,
  keys: ReadonlySet<string>,
  referenced: Set<string>,
  problems: Problem[],
  warnings: string[],
  now: Date,
  allowedHosts: readonly AllowedHost[],
): void {
  const at = (...rest: PropertyKey[]): PropertyKey[] => ["integrations", i, ...rest];
  const label = typeof item.name === "string" ? item.name : `integrations[${i}]`;

  const secretKey = (path: PropertyKey[], key: unknown): void => {
    // A pasted value or a malformed name is the schema's problem (reported once, never echoed).
    if (!isKeyName(key)) return;
    referenced.add(key);
    if (!keys.has(key)) problems.push({ path, message: `config key "${key}" is not set: run \`pulumi config set --secret ${key} <value>\`` });
    else if (!source.isSecret(key)) problems.push({ path, message: `config key "${key}" is not a secret: set it again with \`pulumi config set --secret ${key} <value>\`` });
  };

  const hooks = isRecord(item.serviceHooks) ? item.serviceHooks : undefined;
  const pat = isRecord(item.pat) ? item.pat : undefined;
  const entra = isRecord(item.entraApp) ? item.entraApp : undefined;
  for (const ref of secretReferences(item)) secretKey(at(...ref.path), ref.key);
  // The schema judges each number alone; against the rotation period only when both are usable.
  const minValidityDays = entra?.secretMinValidityDays;
  const rotationDays = entra?.secretRotationDays ?? DEFAULT_ROTATION_DAYS;
  if (typeof minValidityDays === "number" && Number.isInteger(minValidityDays) && minValidityDays >= 0 && typeof rotationDays === "number" && Number.isInteger(rotationDays) && rotationDays >= 1) {
    const problem = minValidityProblem(minValidityDays, rotationDays);
    if (problem !== undefined) problems.push({ path: at("entraApp", "secretMinValidityDays"), message: problem });
  }

  // Only a URL the schema accepts (https, no credentials) is checked further.
  const hookUrl = hooks ? httpsUrl(hooks.url) : undefined;
  const hookHostProblem = hookUrl ? webhookHostProblem(hookUrl, allowedHosts) : undefined;
  if (hookHostProblem !== undefined) problems.push({ path: at("serviceHooks", "url"), message: hookHostProblem });

  const { preset, mode, modeName } = modeOf(item);
  if (!preset) return;
  const retired = mode ? undefined : PRESETS[preset].retiredModes?.[String(modeName)];
  if (retired !== undefined) {
    problems.push({ path: at("mode"), message: `${preset} no longer supports mode "${modeName}": ${retired}` });
    return;
  }
  if (!mode) {
    const modes = Object.keys(PRESETS[preset].modes);
    problems.push({ path: at("mode"), message: `${preset} has no mode${quote(modeName)}: use ${modes.join(" or ")}${didYouMean(String(modeName), modes)}` });
    return;
  }
  const isCustom = preset === "custom";

  // Blocks the mode needs, and blocks it would silently ignore.
  if (mode.entraApp?.redirect && !(entra && Array.isArray(entra.redirectUris) && entra.redirectUris.length > 0)) {
    problems.push({ path: at("entraApp", "redirectUris"), message: `is required for ${preset}: ${mode.entraApp.redirectHint ?? "the tool's callback URL"}` });
  }
  if (mode.serviceHooks && !hooks) problems.push({ path: at("serviceHooks"), message: `is required for ${preset}: url and projects of the webhooks` });
  if (mode.pat && !pat) problems.push({ path: at("pat"), message: `is required for ${preset}: the PAT's secret key, expiresOn and scopes` });
  if (!isCustom) {
    const unused: [string, boolean][] = [
      ["entraApp", entra !== undefined && !mode.entraApp],
      ["serviceHooks", hooks !== undefined && !mode.serviceHooks],
      ["pat", pat !== undefined && !mode.pat],
      ["servicePrincipal", item.servicePrincipal !== undefined && !mode.servicePrincipal],
      ["workloadIdentity", item.workloadIdentity !== undefined && !mode.workloadIdentity],
    ];
    for (const [block, isUnused] of unused) {
      if (isUnused) problems.push({ path: at(block), message: `${preset} (mode ${modeName}) does not use ${block}: remove it, or use preset custom` });
    }
    if (entra && Array.isArray(entra.redirectUris) && entra.redirectUris.length > 0 && mode.entraApp && !mode.entraApp.redirect) {
      problems.push({ path: at("entraApp", "redirectUris"), message: `${preset} (mode ${modeName}) signs in without a redirect: remove redirectUris` });
    }
    const patterns = mode.serviceHooks?.hostPatterns;
    if (hookUrl && hookHostProblem === undefined && patterns && !hostMatchesPattern(hookUrl.hostname, patterns)) {
      const tool = PRESETS[preset].displayName;
      warnings.push(`${label}: serviceHooks.url: ${hookUrl.hostname} is not a ${tool} host (${patterns.join(", ")}): check that the URL is the webhook endpoint ${tool} gave you`);
    }
    if (hooks && mode.serviceHooks?.passwordFromTool && hooks.passwordSecret === undefined) {
      const tool = PRESETS[preset].displayName;
      problems.push({
        path: at("serviceHooks", "passwordSecret"),
        message: `is required for ${preset}: ${tool} issues the webhook secret, so none is generated; store it with \`pulumi config set --secret <key> <value>\` and name the key here`,
      });
    }
    const hookPath = mode.serviceHooks?.path;
    if (hookUrl && hookHostProblem === undefined && hookPath && !hookUrl.pathname.endsWith(hookPath)) {
      const tool = PRESETS[preset].displayName;
      warnings.push(`${label}: serviceHooks.url: ${tool} receives webhooks on ${hookPath}, and this URL's path is ${hookUrl.pathname}: check that it ends in ${hookPath}`);
    }
    if (hooks && mode.serviceHooks && Array.isArray(hooks.events)) {
      const allowed = [...mode.serviceHooks.events, ...mode.serviceHooks.optionalEvents];
      hooks.events.forEach((e, j) => {
        if (typeof e === "string" && !allowed.includes(e) && !problems.some((p) => formatPath(p.path) === formatPath(at("serviceHooks", "events", j)))) {
          problems.push({ path: at("serviceHooks", "events", j), message: `${preset} does not handle "${e}": use ${allowed.join(", ")}` });
        }
      });
      // Listed events add to the needed ones; a list naming some needed events but not all reads as dropping the rest.
      const needed = mode.serviceHooks.events;
      const listed = hooks.events.filter((e): e is string => typeof e === "string");
      const dropped = needed.filter((e) => !listed.includes(e));
      if (dropped.length > 0 && dropped.length < needed.length) {
        problems.push({
          path: at("serviceHooks", "events"),
          message: `leaves out ${dropped.join(", ")}, which ${PRESETS[preset].displayName} needs: the needed events are always subscribed, so list only the events to add, or all of ${needed.join(", ")}`,
        });
      }
    }
  } else {
    if (entra && !Array.isArray(entra.scopes) && !Array.isArray(entra.graphScopes)) {
      problems.push({ path: at("entraApp", "scopes"), message: "is required for preset custom: list the delegated scopes the tool needs" });
    }
    if (hooks && !Array.isArray(hooks.events)) problems.push({ path: at("serviceHooks", "events"), message: "is required for preset custom" });
    if (item.workloadIdentity !== undefined && !entra) {
      problems.push({ path: at("workloadIdentity"), message: "needs an entraApp block: the federated credential belongs to the app" });
    }
    if (item.servicePrincipal !== undefined && !entra) {
      problems.push({ path: at("servicePrincipal"), message: "needs an entraApp block: the app's service principal is what joins the organization" });
    }
  }

  if (hooks && typeof hooks.repository === "string") {
    const projects = Array.isArray(hooks.projects) ? hooks.projects : [];
    if (projects.length !== 1 || typeof projects[0] !== "string" || /[*?[\]{}]/.test(projects[0])) {
      problems.push({ path: at("serviceHooks", "repository"), message: "is a repository ID, which belongs to one project: list exactly one project name (no globs)" });
    }
  }

  if (isRecord(item.fields)) {
    const available = new Set<string>(["organizationUrl", "organizationName", "organizationHost"]);
    const hasEntra = isCustom ? entra !== undefined : mode.entraApp !== undefined;
    if (hasEntra) for (const s of ["clientId", "clientSecret", "tenantId", "authorizationUrl", "tokenUrl", "issuer", "redirectUri"]) available.add(s);
    // A federated credential stands in for the client secret: there is none to hand on.
    if (item.workloadIdentity !== undefined) available.delete("clientSecret");
    if (hooks && (isCustom || mode.serviceHooks)) for (const s of ["webhookUrl", "webhookUsername", "webhookPassword"]) available.add(s);
    if (pat && (isCustom || mode.pat)) available.add("pat");
    if (pat && (isCustom || mode.pat) && typeof pat.owner === "string") available.add("patOwner");
    for (const [label, src] of Object.entries(item.fields)) {
      if (typeof src === "string" && FIELD_SOURCE_NAMES.includes(src) && !available.has(src)) {
        problems.push({ path: at("fields", label), message: `takes its value from ${src}, which this integration does not create` });
      }
    }
  }

  // A preset form field filled from pat.owner needs it set (a `fields` map is checked above).
  const ownerField = isRecord(item.fields) ? undefined : mode.form.find((f) => f.source === "patOwner");
  if (ownerField && pat && pat.owner === undefined) {
    problems.push({ path: at("pat", "owner"), message: `is required for ${preset}: its form field ${ownerField.label} is the PAT owner's user name` });
  }

  if (pat) {
    const sources = ["secret", "env", "keyVaultSecretUri"].filter((k) => pat[k] !== undefined);
    if (sources.length !== 1) {
      problems.push({ path: at("pat"), message: `set exactly one of secret, env or keyVaultSecretUri (found ${sources.length === 0 ? "none" : sources.join(", ")})` });
    }
    const scopes = Array.isArray(pat.scopes) ? pat.scopes.filter((s): s is string => typeof s === "string") : [];
    // With an unknown scope in the list, what it grants is unknown too: compare scopes only when all are known.
    const scopesKnown = scopes.length > 0 && scopes.every((s) => PAT_SCOPES.includes(s));
    if (typeof pat.expiresOn === "string" && parseDate(pat.expiresOn) && (pat.createdOn === undefined || (typeof pat.createdOn === "string" && parseDate(pat.createdOn)))) {
      const expiresOn = formatDate(parseDate(pat.expiresOn)!);
      const findings = checkPat(
        {
          expiresOn,
          createdOn: typeof pat.createdOn === "string" ? formatDate(parseDate(pat.createdOn)!) : undefined,
          scopes,
          allOrganizations: pat.allOrganizations === true,
        },
        scopesKnown ? (isCustom ? scopes : (mode.pat?.scopes ?? [])) : [],
        now,
      );
      // The one expiry warning of the run, with the PAT's own window; an expired PAT is held back at its handoff, not refused here.
      const expiry = patExpiry(expiresOn, typeof pat.expiryWarningDays === "number" ? pat.expiryWarningDays : DEFAULT_PAT_WARNING_DAYS, now);
      if (expiry?.warning !== undefined) warnings.push(`${label}: pat.expiresOn: ${expiry.warning}`);
      for (const f of findings) {
        if (f.severity === "error") problems.push({ path: at("pat", f.key), message: f.message });
        else warnings.push(`${label}: pat.${f.key}: ${f.message}`);
      }
    }
  }
}

/**
 * Labels of one integration's `fields` that a variable group would write to
 * the same variable: the store turns each run of other characters into `_`,
 * and Azure Pipelines reads variable names without regard to case. Names of
 * integrations hold no `.`, so labels of different integrations never meet.
 */
function variableCollisions(item: Record<string, unknown>, i: number, problems: Problem[]): void {
  if (typeof item.name !== "string" || !isRecord(item.fields)) return;
  const first = new Map<string, string>();
  for (const label of Object.keys(item.fields)) {
    const variable = variableName(item.name, label);
    const seen = first.get(variable.toLowerCase());
    if (seen === undefined) first.set(variable.toLowerCase(), label);
    else problems.push({ path: ["integrations", i, "fields", label], message: `is written to variable ${variable} in the variable group, as "${seen}" is: rename one of them` });
  }
}

function buildIntegration(input: IntegrationInput, index: number, organizationUrl: string, stack: string): IntegrationModel {
  const preset = PRESETS[input.preset as PresetName];
  const modeName = input.mode ?? preset.defaultMode;
  const mode = preset.modes[modeName]!;
  const isCustom = preset.name === "custom";
  const rotationDays = input.entraApp?.secretRotationDays ?? DEFAULT_ROTATION_DAYS;

  const entraNeeds = mode.entraApp;
  const entraApp =
    entraNeeds || (isCustom && input.entraApp)
      ? {
          redirectUris: input.entraApp?.redirectUris ?? [],
          adoScopes: input.entraApp?.scopes ?? entraNeeds?.adoScopes ?? [],
          graphScopes: input.entraApp?.graphScopes ?? entraNeeds?.graphScopes ?? [],
          allowBroadScopes: [...new Set([...(entraNeeds?.allowBroadScopes ?? []), ...(input.entraApp?.allowBroadScopes ?? [])])],
          presetScopes: isCustom ? (input.entraApp?.scopes ?? []) : (entraNeeds?.adoScopes ?? []),
          secretRotationDays: rotationDays,
          secretMinValidityDays: input.entraApp?.secretMinValidityDays ?? defaultMinValidityDays(rotationDays),
          idTokens: entraNeeds?.idTokens ?? false,
          owners: input.entraApp?.owners ?? [],
          signInAudience: input.entraApp?.signInAudience ?? "AzureADMyOrg",
        }
      : undefined;

  const spNeeds = mode.servicePrincipal;
  const servicePrincipal =
    spNeeds || (isCustom && input.servicePrincipal)
      ? {
          accessLevel: input.servicePrincipal?.accessLevel ?? spNeeds?.accessLevel ?? "basic",
          projects: input.servicePrincipal?.projects ?? [],
          exclude: input.servicePrincipal?.exclude ?? [],
          group: input.servicePrincipal?.group ?? spNeeds?.group ?? "Contributors",
        }
      : undefined;

  const h = input.serviceHooks;
  const serviceHooks = h
    ? {
        url: h.url,
        username: h.username ?? mode.serviceHooks?.username ?? "",
        password: h.passwordSecret ? ({ kind: "config", key: h.passwordSecret } as const) : ({ kind: "generated" } as const),
        projects: h.projects,
        exclude: h.exclude ?? [],
        // A preset's events are what the tool needs: the config's events add to them.
        events: isCustom ? (h.events ?? []) : [...new Set([...(mode.serviceHooks?.events ?? []), ...(h.events ?? [])])],
        repository: h.repository,
        branch: h.branch,
        resourceDetailsToSend: h.resourceDetailsToSend ?? HOOK_DELIVERY_DEFAULTS.resourceDetailsToSend,
        messagesToSend: h.messagesToSend ?? HOOK_DELIVERY_DEFAULTS.messagesToSend,
        detailedMessagesToSend: h.detailedMessagesToSend ?? HOOK_DELIVERY_DEFAULTS.detailedMessagesToSend,
      }
    : undefined;

  const p = input.pat;
  const pat: PatModel | undefined = p
    ? {
        source: p.secret
          ? { kind: "config", key: p.secret }
          : p.env
            ? { kind: "env", name: p.env }
            : { kind: "keyVault", uri: p.keyVaultSecretUri! },
        expiresOn: p.expiresOn,
        createdOn: p.createdOn,
        scopes: p.scopes,
        neededScopes: isCustom ? p.scopes : (mode.pat?.scopes ?? []),
        owner: p.owner,
        allOrganizations: p.allOrganizations ?? false,
        expiryWarningDays: p.expiryWarningDays ?? DEFAULT_PAT_WARNING_DAYS,
        testConnection: p.testConnection ?? false,
      }
    : undefined;

  return {
    index,
    name: input.name,
    preset: preset.name,
    mode: modeName,
    // The stack is in the default name: stacks share a tenant, and app names are kept unique.
    displayName: input.displayName ?? `${preset.displayName} (${organizationName(organizationUrl)}, ${stack})`,
    entraApp,
    servicePrincipal,
    serviceHooks,
    pat,
    workloadIdentity: input.workloadIdentity,
    fields: input.fields ? Object.entries(input.fields).map(([label, source]) => ({ label, source: source as FieldSource })) : defaultFields(mode, { entraApp, serviceHooks, pat }).filter((f) => !(input.workloadIdentity && f.source === "clientSecret")),
  };
}

/** Custom integrations without `fields` get the conventional labels for what they create. */
function defaultFields(mode: PresetMode, parts: { entraApp?: unknown; serviceHooks?: unknown; pat?: unknown }): FormField[] {
  if (mode.form.length > 0) return [...mode.form];
  const out: FormField[] = [];
  if (parts.entraApp) out.push({ label: "Client ID", source: "clientId" }, { label: "Client Secret", source: "clientSecret" }, { label: "Tenant ID", source: "tenantId" });
  if (parts.pat) out.push({ label: "Organization URL", source: "organizationUrl" }, { label: "Personal Access Token", source: "pat" });
  if (parts.serviceHooks) out.push({ label: "Webhook URL", source: "webhookUrl" }, { label: "Webhook Password", source: "webhookPassword" });
  return out;
}

function buildConfigStore(input: ConfigStoreInput | undefined, stack: string): ConfigStoreModel {
  if (!input || input.kind === "stackOutputs") return { kind: "stackOutputs" };
  return {
    kind: "variableGroup",
    project: input.project,
    name: input.name ?? `ado-integrations-${stack}`,
    description: input.description ?? `Written by the ado-integrations Pulumi stack "${stack}". Do not edit by hand.`,
  };
}
