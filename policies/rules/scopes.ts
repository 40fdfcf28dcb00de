/**
 * Which Azure DevOps scopes are broad, and what each preset is known to need.
 * Both are read from code reviewed with the program, never from tags or
 * inputs the stack config of an integration writes: the pack judges what a
 * resource requests against these.
 */
import { PRESETS, type PresetName } from "../../components/presets";
import { listOrNone } from "./read";

/** Scopes that give full access: everything the signed-in user (`user_impersonation`) or the PAT's owner (`app_token`) can do. */
export const FULL_ACCESS_SCOPES: readonly string[] = ["user_impersonation", "app_token"];

// Administration: repository policies and permissions (Code full), other people's tokens.
const ADMIN_SCOPES: ReadonlySet<string> = new Set(["vso.code_full", "vso.tokenadministration", "vso.tokens"]);

// Writing identities, security or entitlements is administering the organization's people.
const SENSITIVE_WRITE = /^vso\.(?:identity|security|entitlements|memberentitlementmanagement)_write$/;

/**
 * Whether a scope is broad: full access (`user_impersonation`, `app_token`),
 * an administration scope (`vso.code_full`, `vso.tokenadministration`,
 * `vso.tokens`), any `*_manage`, or a `*_write` on identity, security or
 * entitlements. A broad scope needs an allowance (see `broad-scopes`).
 */
export function isBroadScope(scope: string): boolean {
  return FULL_ACCESS_SCOPES.includes(scope) || ADMIN_SCOPES.has(scope) || scope.endsWith("_manage") || SENSITIVE_WRITE.test(scope);
}

/** Whether `name` is a preset of this program other than `custom`, which needs whatever its config asks for. */
export function isReviewedPreset(name: string | undefined): name is Exclude<PresetName, "custom"> {
  return name !== undefined && name !== "custom" && Object.prototype.hasOwnProperty.call(PRESETS, name);
}

/**
 * The Azure DevOps scopes a preset's app registration needs, in any of its
 * modes (an app's tags name the preset, not the mode). Empty for `custom`
 * and for names that are no preset.
 */
export function presetAppScopes(preset: string | undefined): string[] {
  if (!isReviewedPreset(preset)) return [];
  return [...new Set(Object.values(PRESETS[preset].modes).flatMap((m) => m.entraApp?.adoScopes ?? []))];
}

/** The scopes a preset's PAT needs, in any of its modes. Empty for `custom` and for names that are no preset. */
export function presetPatScopes(preset: string | undefined): string[] {
  if (!isReviewedPreset(preset)) return [];
  return [...new Set(Object.values(PRESETS[preset].modes).flatMap((m) => m.pat?.scopes ?? []))];
}

/**
 * The broad scopes an integration may hold: those its preset's reviewed need
 * includes (none for `custom`), plus what the stack's policy config allows it
 * by name. A full-access scope is never allowed on a PAT (`pat-no-full-access`).
 */
export function allowedBroadScopes(presetNeed: readonly string[], configured: readonly string[]): string[] {
  return [...new Set([...presetNeed.filter(isBroadScope), ...configured])];
}

/**
 * The message for a broad scope an integration may not hold. `subject` says
 * how the resource holds it ("requests" for an app, "pat.scopes: holds" for a PAT).
 */
export function broadScopeMessage(subject: string, scope: string, integration: string, allowed: readonly string[]): string {
  return `${subject} ${scope}, a broad scope integration ${integration} is not allowed (allowed: ${listOrNone(allowed)}): only the stack's policy config, reviewed by the platform team, allows one (broad-scopes.allowed.${integration})`;
}
