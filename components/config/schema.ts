import { z } from "zod";
import { AZURE_DEVOPS_SCOPES, GRAPH_SCOPES, PAT_SCOPES } from "../entra/scopes";
import { FIELD_SOURCES, PRESET_NAMES } from "../presets/types";
import { patEnvProblem } from "../credentials/pat-checks";
import { EVENT_TYPES, MESSAGE_FORMAT_VALUES, RESOURCE_DETAILS_VALUES, USERNAME_COLON } from "../azure-devops/runtime/events";
import { isLoopbackHttpHost } from "../azure-devops/runtime/hosts";
import { formatDate, parseDate } from "./dates";
import { KEY_NAME, PASTED_SECRET, looksLikeSecret } from "./messages";

/**
 * The shape of `Pulumi.<stack>.yaml` under the `ado-integrations:` namespace.
 * Objects are strict, so a misspelt key is an error rather than silently ignored.
 * Cross-field rules (preset needs, secret references, duplicates) live in parse.ts.
 */

/** Default client-secret rotation period, in days. */
export const DEFAULT_ROTATION_DAYS = 180;
/** Longest client-secret rotation period allowed, in days. */
export const MAX_ROTATION_DAYS = 730;
/** Default PAT expiry warning window, in days. */
export const DEFAULT_PAT_WARNING_DAYS = 30;

const url = (what: string, opts: { allowLocalhostHttp: boolean }) =>
  z.string({ error: "must be a URL string" }).superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `must be a valid URL (${what})` });
      return;
    }
    const localOk = opts.allowLocalhostHttp && parsed.protocol === "http:" && isLoopbackHttpHost(parsed.hostname);
    if (parsed.protocol !== "https:" && !localOk) {
      ctx.addIssue({
        code: "custom",
        message: opts.allowLocalhostHttp ? "must be an https URL (http is allowed only for localhost)" : "must be an https URL",
      });
    }
    if (parsed.username || parsed.password) {
      ctx.addIssue({ code: "custom", message: "must not carry a user name or password; use the secret keys for credentials" });
    }
  });

const date = z
  .string({ error: "must be a date written YYYY-MM-DD" })
  .refine((v) => parseDate(v) !== undefined, { message: "must be a real date written YYYY-MM-DD" })
  // One spelling downstream, whichever form the CLI handed over (see parseDate).
  .transform((v) => formatDate(parseDate(v)!));

/** A config key name that holds a secret, set with `pulumi config set --secret`. */
const configKeyRef = z.string({ error: "must be the name of a config key" }).superRefine((value, ctx) => {
  // A pasted value is named as such and never echoed; parse.ts reports the rest.
  if (looksLikeSecret(value)) ctx.addIssue({ code: "custom", message: PASTED_SECRET });
  else if (!KEY_NAME.test(value)) {
    ctx.addIssue({ code: "custom", message: "must be the name of a config key set with `pulumi config set --secret`: a letter, then up to 63 letters, digits, '_', '.' or '-'" });
  }
});

/** One of `values`; an unknown one gets the closest name, or with `listAll` every name when none is close. */
const enumOf = (values: readonly string[], what: string, listAll = false) =>
  z.string({ error: `must be ${what}` }).refine((v) => values.includes(v), { message: `unknown ${what}`, params: { known: values, listAll } });

const nonEmptyList = <T extends z.ZodType>(item: T, what: string, one: string) =>
  z.array(item, { error: `must be a list of ${what}` }).min(1, { message: `must list at least one ${one}` });

/**
 * Characters no Azure DevOps project name has, other than `*`: in a selector
 * they can only be meant as pattern syntax, which is not supported.
 */
const NOT_IN_PROJECT_NAMES = /[?[\]{}\\/:"'<>;#$,+=|]/;

/** One project selector: a project name, or a pattern whose only wildcard is `*`. */
const projectSelector = z
  .string({ error: "must be a project name or pattern" })
  .min(1, { message: "must not be empty" })
  .max(64, { message: "must be at most 64 characters, the longest project name Azure DevOps allows" })
  .superRefine((value, ctx) => {
    const shown = looksLikeSecret(value) ? "this selector" : `"${value}"`;
    if (value.startsWith("!")) {
      ctx.addIssue({ code: "custom", message: `${shown} does not leave a project out here: list the projects to leave out under exclude` });
    } else if (NOT_IN_PROJECT_NAMES.test(value)) {
      ctx.addIssue({ code: "custom", message: `${shown} is neither a project name nor a pattern: write project names, or patterns with * as the only wildcard (platform-*), and list what to leave out under exclude` });
    }
  });

/** Project selectors: exact names, patterns with `*` (`platform-*`), or `*`. */
const projectSelectors = nonEmptyList(projectSelector, "project names or patterns", "project name or pattern");

/** Selected projects to leave out again, by name or `*` pattern. */
const projectExclusions = z.array(projectSelector, { error: "must be a list of project names or patterns" });

const entraApp = z.strictObject({
  redirectUris: z.array(url("redirect URI", { allowLocalhostHttp: true }), { error: "must be a list of URLs" }).optional(),
  scopes: z.array(enumOf(Object.keys(AZURE_DEVOPS_SCOPES), "Azure DevOps scope"), { error: "must be a list of scopes" }).optional(),
  graphScopes: z.array(enumOf(GRAPH_SCOPES, "Microsoft Graph scope"), { error: "must be a list of scopes" }).optional(),
  allowBroadScopes: z.array(enumOf(Object.keys(AZURE_DEVOPS_SCOPES), "Azure DevOps scope"), { error: "must be a list of scopes" }).optional(),
  secretRotationDays: z
    .number({ error: "must be a whole number of days" })
    .int({ message: "must be a whole number of days" })
    .min(1, { message: "must be at least 1 day" })
    .max(MAX_ROTATION_DAYS, { message: `must be at most ${MAX_ROTATION_DAYS} days` })
    .optional(),
  // At most half of secretRotationDays: parse.ts checks that, with the rotation period in hand.
  secretMinValidityDays: z.number({ error: "must be a whole number of days" }).int({ message: "must be a whole number of days" }).min(0, { message: "must be at least 0 days" }).optional(),
  owners: z.array(z.uuid({ message: "must be an Entra object ID (a GUID)" }), { error: "must be a list of object IDs" }).optional(),
  signInAudience: z.enum(["AzureADMyOrg", "AzureADMultipleOrgs"], { error: "must be AzureADMyOrg or AzureADMultipleOrgs" }).optional(),
});

const servicePrincipal = z.strictObject({
  accessLevel: z.enum(["stakeholder", "express", "basic", "advanced"], { error: "must be stakeholder, express, basic or advanced" }).optional(),
  projects: projectSelectors.optional(),
  exclude: projectExclusions.optional(),
  group: z.enum(["Contributors", "Readers"], { error: "must be Contributors or Readers" }).optional(),
});

const resourceDetails = z.enum(RESOURCE_DETAILS_VALUES, { error: `must be ${RESOURCE_DETAILS_VALUES.join(", ")}` });
const messageFormat = z.enum(MESSAGE_FORMAT_VALUES, { error: `must be ${MESSAGE_FORMAT_VALUES.join(", ")}` });

const serviceHooks = z.strictObject({
  url: url("webhook URL", { allowLocalhostHttp: false }),
  username: z
    .string({ error: "must be a string (may be empty)" })
    .refine((v) => !v.includes(":"), { message: USERNAME_COLON })
    .optional(),
  passwordSecret: configKeyRef.optional(),
  projects: projectSelectors,
  exclude: projectExclusions.optional(),
  events: nonEmptyList(enumOf(EVENT_TYPES, "event type"), "event types", "event type").optional(),
  repository: z.string({ error: "must be a repository name" }).min(1).optional(),
  branch: z.string({ error: "must be a branch name" }).min(1).optional(),
  resourceDetailsToSend: resourceDetails.optional(),
  messagesToSend: messageFormat.optional(),
  detailedMessagesToSend: messageFormat.optional(),
});

const pat = z.strictObject({
  secret: configKeyRef.optional(),
  env: z
    .string({ error: "must be an environment variable name" })
    .superRefine((value, ctx) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
        ctx.addIssue({ code: "custom", message: "must be an environment variable name" });
        return;
      }
      const problem = patEnvProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  keyVaultSecretUri: z
    .string({ error: "must be a Key Vault secret URI" })
    .regex(/^https:\/\/[a-z0-9-]{3,24}\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[A-Za-z0-9-]{1,127}(\/[0-9a-f]{32})?$/, {
      message: "must be a Key Vault secret URI: https://<vault>.vault.azure.net/secrets/<name>[/<version>]",
    })
    .optional(),
  expiresOn: date,
  createdOn: date.optional(),
  scopes: nonEmptyList(enumOf(PAT_SCOPES, "PAT scope"), "scopes", "scope"),
  owner: z.string({ error: "must be a user principal name or name" }).min(1).optional(),
  allOrganizations: z.boolean({ error: "must be true or false" }).optional(),
  expiryWarningDays: z.number({ error: "must be a whole number of days" }).int().min(0).max(365).optional(),
  testConnection: z.boolean({ error: "must be true or false" }).optional(),
});

/** A federated credential in place of a client secret: the workload's token issuer and subject. */
const workloadIdentity = z.strictObject({
  issuer: url("token issuer", { allowLocalhostHttp: false }),
  subject: z
    .string({ error: "must be the subject of the workload's tokens (system:serviceaccount:<namespace>:<service account>)" })
    .min(1, { message: "must not be empty" })
    .max(600, { message: "must be at most 600 characters" }),
});

/** One integration entry under `integrations`. */
export const integrationSchema = z.strictObject({
  name: z
    .string({ error: "must be a string" })
    .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, { message: "must be 2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'" }),
  preset: enumOf(PRESET_NAMES, "preset", true),
  mode: z.string({ error: "must be a string" }).optional(),
  displayName: z.string({ error: "must be a string" }).min(1).max(120).optional(),
  entraApp: entraApp.optional(),
  servicePrincipal: servicePrincipal.optional(),
  serviceHooks: serviceHooks.optional(),
  pat: pat.optional(),
  workloadIdentity: workloadIdentity.optional(),
  fields: z.record(z.string(), enumOf(FIELD_SOURCES, "field source"), { error: "must map form labels to value sources" }).optional(),
});

/** Where results are written. */
export const configStoreSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("stackOutputs") }),
    z.strictObject({
      kind: z.literal("variableGroup"),
      project: z.string({ error: "must be a project name" }).min(1, { message: "must be a project name" }),
      name: z.string({ error: "must be a variable group name" }).min(1).max(200).optional(),
      description: z.string().max(500).optional(),
    }),
  ],
  { error: "must have kind stackOutputs or variableGroup" },
);

/** Structured keys of the namespace and their schemas. */
export const topLevelSchemas = {
  organization: z.string({ error: "must be an organization name or URL" }).min(1, { message: "must be an organization name or URL" }),
  integrations: z.array(integrationSchema, { error: "must be a list of integrations" }).min(1, { message: "must list at least one integration" }),
  configStore: configStoreSchema.optional(),
} as const;

/** Top-level keys the program reads (other keys must be secrets referenced by an integration). */
export const TOP_LEVEL_KEYS = Object.keys(topLevelSchemas) as (keyof typeof topLevelSchemas)[];

export type IntegrationInput = z.infer<typeof integrationSchema>;
export type ConfigStoreInput = z.infer<typeof configStoreSchema>;
