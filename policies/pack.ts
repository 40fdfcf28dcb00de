/**
 * The pack's rules, as data: each names the resources it reads, its default
 * enforcement level, its settings (a zod schema, from which the CrossGuard
 * config schema is derived) and the function that finds its messages.
 *
 * `policies/index.ts` hands {@link policies} to `new PolicyPack(...)`; the
 * offline runner (run.ts) calls the very same `validateResource` functions.
 * Nothing here starts a server, so this module is safe to import anywhere.
 *
 * Resources are matched on their type token, not a class: the same tokens
 * name the Azure DevOps resources in the program and in the provider plugin,
 * and the PAT reference and the integration are components. The engine runs
 * resource policies on components too, with the inputs the component passed
 * to `super()`; stack policies would only see a component's registered
 * outputs, so every rule here is a resource policy.
 */
import type { EnforcementLevel, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { z } from "zod";
import { integrationSchema, MAX_ROTATION_DAYS } from "../components/config/schema";
import { TOKENS } from "../provider/schema";
import { checkVariableGroupSecrets } from "./rules/config-store";
import { ACCESS_LEVELS, checkAccessLevel, checkAllProjectsContributors } from "./rules/entitlement";
import {
  checkAdoScopes,
  checkAppBroadScopes,
  checkApplicationPermissions,
  checkOwners,
  checkRedirectUris,
  checkSecretLifetime,
  checkSecretRotation,
  checkSignInAudience,
} from "./rules/entra";
import { checkPatBroadScopes, checkPatExpiry, checkPatFullAccess, checkPatNotGlobal, checkPatScopes } from "./rules/pat";
import type { Props } from "./rules/read";
import { FULL_ACCESS_SCOPES, isBroadScope } from "./rules/scopes";
import { checkServiceHookAuth, checkServiceHookUrl } from "./rules/service-hooks";

/** Type tokens of the resources the policies look at. */
export const RESOURCE_TYPES = {
  application: "azuread:index/application:Application",
  servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
  applicationPassword: "azuread:index/applicationPassword:ApplicationPassword",
  serviceHookSubscription: TOKENS.serviceHookSubscription,
  variableGroup: TOKENS.variableGroup,
  servicePrincipalEntitlement: TOKENS.servicePrincipalEntitlement,
  patReference: "ado-integrations:credentials:PatReference",
  integration: "ado-integrations:index:Integration",
} as const;

/** Longest client-secret lifetime allowed when the pack config names none, in days. */
export const DEFAULT_MAX_SECRET_LIFETIME_DAYS = MAX_ROTATION_DAYS;

/** Highest service-principal access level allowed when the pack config names none: what Terrakube needs. */
export const DEFAULT_MAX_ACCESS_LEVEL = "basic";

/** A policy of this pack: a resource policy on some type tokens, with a default enforcement level. */
export interface AdoPolicy extends ResourceValidationPolicy {
  /** The level when the pack config sets none: mandatory for the security rules. */
  readonly enforcementLevel: EnforcementLevel;
  /** The type tokens this policy checks. */
  readonly resourceTypes: readonly string[];
  /** Reports one violation per problem found on a resource of {@link resourceTypes}; ignores other types. */
  readonly validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => void;
}

/** The resource a rule judges. */
export interface RuleResource {
  readonly type: string;
  /** The resource's name (not its URN): allowances are keyed by the integration it belongs to. */
  readonly name: string;
  readonly props: Props;
}

/** One rule: which resources it reads, its settings, and the messages it finds for one resource. */
export interface Rule {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly resourceTypes: readonly string[];
  /** The rule's settings in the pack config; every key optional or defaulted. */
  readonly settings?: z.ZodObject;
  readonly check: (resource: RuleResource, settings: Record<string, unknown>, now: Date) => string[];
}

/** A rule with typed settings, stored untyped in {@link RULES}. */
function rule<S extends z.ZodObject>(r: Omit<Rule, "settings" | "check"> & { settings: S; check: (resource: RuleResource, settings: z.output<S>, now: Date) => string[] }): Rule;
function rule(r: Omit<Rule, "settings"> & { settings?: undefined }): Rule;
function rule(r: Rule): Rule {
  return r;
}

// ---------------------------------------------------------------------------
// Settings: one zod schema per rule, validated when the offline runner loads
// a config file, parsed (defaults applied) at each validation, and turned into
// the JSON schema CrossGuard hands the CLI.

const wholeNumber = (min: number, max: number, fallback: number, description: string) =>
  z
    .number({ error: "must be a whole number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback)
    .describe(description);

// The stack config's own rule for an integration name: an allowance names integrations as the stack does.
const integrationName = integrationSchema.shape.name;
const integrationNames = (description: string) => z.array(integrationName, { error: "must be a list of integration names" }).default([]).describe(description);

const broadScope = z
  .string({ error: "must be a scope name" })
  .refine((s) => !FULL_ACCESS_SCOPES.includes(s) || s === "user_impersonation", { error: "is full access on a PAT, which no allowance makes acceptable (pat-no-full-access)" })
  .refine(isBroadScope, { error: "is not a broad scope: it needs no allowance" });

const SETTINGS = {
  broadScopes: z.object({
    allowed: z
      .record(integrationName, z.array(broadScope, { error: "must be a list of scopes" }), { error: "must map integration names to lists of broad scopes" })
      .default({})
      .describe("Broad scopes each integration may hold beyond its preset's need, by integration name."),
  }),
  singleTenant: z.object({ allowed: integrationNames("Integrations whose app registration may be multi-tenant.") }),
  owners: z.object({
    allowedOwners: z
      .array(z.uuid({ error: "must be an Entra object ID (a GUID)" }), { error: "must be a list of Entra object IDs" })
      .optional()
      .describe("Object IDs that may own app registrations and service principals, the deploying identity included; no list, no check."),
  }),
  secretLifetime: z.object({ maxLifetimeDays: wholeNumber(1, 3650, DEFAULT_MAX_SECRET_LIFETIME_DAYS, "Longest client-secret lifetime allowed, in days from now.") }),
  accessLevel: z.object({
    maxAccessLevel: z
      .enum(ACCESS_LEVELS, { error: `must be one of ${ACCESS_LEVELS.join(", ")}` })
      .default(DEFAULT_MAX_ACCESS_LEVEL)
      .describe("Highest access level a service principal's entitlement may request."),
  }),
  allProjectsContributors: z.object({ allowed: integrationNames('Integrations that may put their service principal in Contributors of every project ("*").') }),
};

/** The rules, in the order they run. */
export const RULES: readonly Rule[] = [
  rule({
    name: "ado-scopes-within-preset",
    description: "Delegated Azure DevOps scopes stay within what the preset's code says it needs; IDs are published scopes.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.application],
    check: (r) => checkAdoScopes(r.props),
  }),
  rule({
    name: "broad-scopes",
    description: "Broad Azure DevOps scopes (*_manage, admin, identity/security/entitlement writes, full access) only where the preset needs them or the policy config allows them by integration name.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.application, RESOURCE_TYPES.patReference],
    settings: SETTINGS.broadScopes,
    check: (r, s) => (r.type === RESOURCE_TYPES.application ? checkAppBroadScopes(r.props, r.name, s.allowed) : checkPatBroadScopes(r.props, r.name, s.allowed)),
  }),
  rule({
    name: "no-application-permissions",
    description: "App registrations request delegated scopes only, never application permissions (app roles).",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.application],
    check: (r) => checkApplicationPermissions(r.props),
  }),
  rule({
    name: "redirect-uris-https",
    description: "Redirect URIs are https; http only for localhost, 127.0.0.1 and [::1].",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.application],
    check: (r) => checkRedirectUris(r.props),
  }),
  rule({
    name: "app-single-tenant",
    description: "App registrations are single-tenant (AzureADMyOrg) unless the policy config allows the integration.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.application],
    settings: SETTINGS.singleTenant,
    check: (r, s) => checkSignInAudience(r.props, r.name, s.allowed),
  }),
  rule({
    name: "app-owners-allowed",
    description: "App registration and service principal owners are on the policy config's allow-list, when it has one.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.application, RESOURCE_TYPES.servicePrincipal],
    settings: SETTINGS.owners,
    check: (r, s) => checkOwners(r.props, s.allowedOwners),
  }),
  rule({
    name: "client-secret-lifetime",
    description: "Client secrets have an end date at most maxLifetimeDays (default 730) from now.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.applicationPassword],
    settings: SETTINGS.secretLifetime,
    check: (r, s, now) => checkSecretLifetime(r.props, now, s.maxLifetimeDays),
  }),
  rule({
    name: "client-secret-rotation",
    description: "Client secrets are rotated (rotateWhenChanged is set).",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.applicationPassword],
    check: (r) => checkSecretRotation(r.props),
  }),
  rule({
    name: "service-hook-https",
    description: "Service hooks post to https URLs that carry no credentials.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.serviceHookSubscription],
    check: (r) => checkServiceHookUrl(r.props),
  }),
  rule({
    name: "service-hook-basic-auth",
    description: "Service hooks authenticate with basic auth and a non-empty password.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.serviceHookSubscription],
    check: (r) => checkServiceHookAuth(r.props),
  }),
  rule({
    name: "pat-expiry",
    // Not whether the PAT has expired: that is a date, not a change, and a rule on it would stop every update of the
    // stack (prod makes every rule mandatory), the client-secret rotation included. The program holds back an unfit PAT's handoff.
    description: "Referenced PATs live at most 365 days and were not created in the future.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.patReference],
    check: (r, _s, now) => checkPatExpiry(r.props, now),
  }),
  rule({
    name: "pat-not-global",
    description: "Referenced PATs are scoped to one organization, not all organizations (global PATs stop working on 2026-12-01).",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.patReference],
    check: (r, _s, now) => checkPatNotGlobal(r.props, now),
  }),
  rule({
    name: "pat-no-full-access",
    description: "Referenced PATs never have full access (app_token).",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.patReference],
    check: (r) => checkPatFullAccess(r.props),
  }),
  rule({
    name: "pat-scopes-within-need",
    description: "Referenced PATs grant the scopes the tool needs and no more.",
    enforcementLevel: "advisory",
    resourceTypes: [RESOURCE_TYPES.patReference],
    check: (r, _s, now) => checkPatScopes(r.props, now),
  }),
  rule({
    name: "entitlement-access-level",
    description: "Service principals added to the organization get at most maxAccessLevel (default basic).",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.servicePrincipalEntitlement],
    settings: SETTINGS.accessLevel,
    check: (r, s) => checkAccessLevel(r.props, s.maxAccessLevel),
  }),
  rule({
    name: "entitlement-all-projects-contributors",
    description: 'No service principal in Contributors of every project ("*") unless the policy config allows the integration.',
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.integration],
    settings: SETTINGS.allProjectsContributors,
    check: (r, s) => checkAllProjectsContributors(r.props, r.name, s.allowed),
  }),
  rule({
    name: "config-store-secrets-secret",
    description: "Secret fields written to a variable group, and any value that looks like a credential, are secret variables.",
    enforcementLevel: "mandatory",
    resourceTypes: [RESOURCE_TYPES.variableGroup],
    check: (r) => checkVariableGroupSecrets(r.props),
  }),
];

/** Names of every policy in the pack, in the order they run. */
export const POLICY_NAMES: readonly string[] = RULES.map((r) => r.name);

/** The CrossGuard config schema of a rule's settings, derived from its zod schema. */
export function configSchemaOf(settings: z.ZodObject): PolicyConfigSchema {
  const json = z.toJSONSchema(settings, { io: "input", target: "draft-7" }) as { properties?: PolicyConfigSchema["properties"] };
  return { properties: json.properties ?? {} };
}

/**
 * The pack's policies, with `now` read from `clock` at each validation. Each
 * validation parses its settings with the rule's schema, so it sees the
 * defaults whichever way it is run.
 */
export function createPolicies(clock: () => Date = () => new Date()): AdoPolicy[] {
  return RULES.map((r) => ({
    name: r.name,
    description: r.description,
    enforcementLevel: r.enforcementLevel,
    resourceTypes: r.resourceTypes,
    ...(r.settings && { configSchema: configSchemaOf(r.settings) }),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!r.resourceTypes.includes(args.type)) return;
      const settings = r.settings ? r.settings.parse(args.getConfig<Record<string, unknown>>() ?? {}) : {};
      for (const message of r.check({ type: args.type, name: args.name, props: args.props }, settings, clock())) reportViolation(message);
    },
  }));
}

/** The policies `policies/index.ts` serves, on the real clock. */
export const policies: readonly AdoPolicy[] = createPolicies();
