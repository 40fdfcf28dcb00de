/**
 * The ado-integrations CrossGuard policies: one import for everything the
 * pack offers. Each job lives in its own file:
 *
 * - `rules/`: one file per kind of resource, each rule a pure `check*`
 *   function returning its messages (read.ts reads untyped inputs, https.ts
 *   and scopes.ts hold the definitions several rules share);
 * - `secret-names.ts`: the heuristics that tell a secret by its name or shape;
 * - `pack.ts`: the rules as data (types, levels, settings) and the policies;
 * - `config.ts`: the pack config files, validated with zod;
 * - `run.ts`: the offline runner the plan and the tests use.
 *
 * `policies/index.ts` hands {@link policies} to `new PolicyPack(...)`.
 * Nothing here starts a server, so this module is safe to import anywhere.
 */
export * from "./config";
export * from "./pack";
export * from "./run";
export * from "./secret-names";
export { checkVariableGroupSecrets } from "./rules/config-store";
export { checkAccessLevel, checkAllProjectsContributors, selectsAllProjects } from "./rules/entitlement";
export {
  checkAdoScopes,
  checkAppBroadScopes,
  checkApplicationPermissions,
  checkOwners,
  checkRedirectUris,
  checkSecretLifetime,
  checkSecretRotation,
  checkSignInAudience,
  OWNED_APP_TAG,
  parseAppTags,
  SINGLE_TENANT,
  type AppTags,
} from "./rules/entra";
export { checkServiceHookAuth, checkServiceHookUrl } from "./rules/service-hooks";
export { judgeUrl, LOOPBACK_HOSTS, type UrlProblem, type UrlVerdict } from "./rules/https";
export { checkPatBroadScopes, checkPatExpiry, checkPatFullAccess, checkPatNotGlobal, checkPatScopes } from "./rules/pat";
export { allowedBroadScopes, broadScopeMessage, FULL_ACCESS_SCOPES, isBroadScope, isReviewedPreset, presetAppScopes, presetPatScopes } from "./rules/scopes";
