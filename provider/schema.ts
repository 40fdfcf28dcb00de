import packageJson from "../package.json";

// The package the provider plugin serves: its name, version, resource tokens
// and schema. The program's resource classes take their tokens from here, so
// the plugin and the program cannot disagree on them.

/** The package name: the plugin is `pulumi-resource-<PACKAGE>`, named in Pulumi.yaml. */
export const PACKAGE = "azure-devops-integrations";

/** The plugin's version: the project's, from package.json (compiled into provider/dist with it). */
export const VERSION: string = packageJson.version;

/** Resource type tokens, fixed: renaming one strands every stack that holds it. */
export const TOKENS = {
  serviceHookSubscription: `${PACKAGE}:index:ServiceHookSubscription`,
  variableGroup: `${PACKAGE}:index:VariableGroup`,
  servicePrincipalEntitlement: `${PACKAGE}:index:ServicePrincipalEntitlement`,
  recordedValue: `${PACKAGE}:index:RecordedValue`,
  patHandoff: `${PACKAGE}:index:PatHandoff`,
} as const;

/** One of {@link TOKENS}. */
export type ResourceToken = (typeof TOKENS)[keyof typeof TOKENS];

/**
 * The tokens the same resources had as dynamic resources, before the plugin.
 * Only the state migration (scripts/migrate-state.ts) still knows them.
 */
export const DYNAMIC_TOKENS = {
  [TOKENS.serviceHookSubscription]: "pulumi-nodejs:dynamic/azure-devops:ServiceHookSubscription",
  [TOKENS.variableGroup]: "pulumi-nodejs:dynamic/azure-devops:VariableGroup",
  [TOKENS.servicePrincipalEntitlement]: "pulumi-nodejs:dynamic/azure-devops:ServicePrincipalEntitlement",
} satisfies Partial<Record<ResourceToken, string>>;

/** A property of the schema (the subset of Pulumi's package schema used here). */
export interface PropertySpec {
  readonly type?: "string" | "boolean" | "integer" | "number" | "array" | "object";
  readonly description: string;
  readonly items?: Omit<PropertySpec, "description"> & { readonly description?: string };
  readonly additionalProperties?: Omit<PropertySpec, "description"> & { readonly description?: string };
  readonly $ref?: string;
  readonly secret?: boolean;
  readonly replaceOnChanges?: boolean;
}

/** A resource of the schema. */
export interface ResourceSpec {
  readonly description: string;
  readonly inputProperties: Readonly<Record<string, PropertySpec>>;
  readonly requiredInputs: readonly string[];
  readonly properties: Readonly<Record<string, PropertySpec>>;
  readonly required: readonly string[];
}

const organizationUrl: PropertySpec = {
  type: "string",
  description:
    "Organization URL (https://dev.azure.com/<organization>) or name; another host only when AZDO_ALLOWED_HOSTS lists it where the plugin runs. Defaults to AZDO_ORG_SERVICE_URL where the plugin runs. Changing it replaces the resource.",
  replaceOnChanges: true,
};
const projectId: PropertySpec = {
  type: "string",
  description: "Project id (GUID), lower case in state. Changing it replaces the resource.",
  replaceOnChanges: true,
};
const stringMap = (description: string, secret = false): PropertySpec => ({
  type: "object",
  additionalProperties: { type: "string" },
  description,
  ...(secret && { secret }),
});
const format = (what: string): PropertySpec => ({ type: "string", description: `${what}: all, text, html, markdown or none. Defaults to all.` });

const subscriptionInputs: Record<string, PropertySpec> = {
  organizationUrl,
  projectId,
  eventType: { type: "string", description: "The `tfs` publisher's event, e.g. git.push or ms.vss-pipelines.run-state-changed-event. Changing it replaces the subscription.", replaceOnChanges: true },
  filters: stringMap("Publisher input filters the event accepts (repository, branch, pipelineId, …); empty means any."),
  url: { type: "string", description: "The https URL that receives the webhook; its host must be a public DNS name (no IP address, loopback, link-local or private name) unless AZDO_ALLOWED_HOSTS lists it." },
  basicAuthUsername: { type: "string", description: "Basic auth user name. Defaults to none." },
  basicAuthPassword: { type: "string", description: "Basic auth password. Never returned by the service; state keeps a salted hash of it.", secret: true },
  httpHeaders: stringMap("Extra headers sent with each delivery; values without whitespace."),
  resourceDetailsToSend: { type: "string", description: "How much of the event resource to send: all, minimal or none. Defaults to all." },
  messagesToSend: format("Which rendering of the message to send"),
  detailedMessagesToSend: format("Which rendering of the detailed message to send"),
};

const variable: PropertySpec = { type: "object", $ref: "#/types/azure-devops-integrations:index:Variable", description: "A variable." };

const entitlementProject: PropertySpec = { type: "object", $ref: "#/types/azure-devops-integrations:index:EntitlementProject", description: "A project group membership." };

const resources: Record<ResourceToken, ResourceSpec> = {
  [TOKENS.serviceHookSubscription]: {
    description: "An Azure DevOps service hook subscription that posts a `tfs` event to a webhook (consumer `webHooks`, action `httpRequest`). Refresh shows edits, disabling and deletion made outside Pulumi as drift. Import id: the subscription id.",
    inputProperties: subscriptionInputs,
    requiredInputs: ["projectId", "eventType", "url"],
    // Outputs: the inputs but the password, which neither the service nor state ever holds.
    properties: {
      ...Object.fromEntries(Object.entries(subscriptionInputs).filter(([name]) => name !== "basicAuthPassword")),
      organizationUrl: { ...organizationUrl, description: "Normalized organization URL." },
      status: { type: "string", description: "Live status; anything but enabled is drift the next update repairs." },
      passwordSet: { type: "boolean", description: "Whether the service holds a basic auth password." },
      passwordHash: { type: "string", description: "Salted sha256 of the basic auth password, hex; empty when unknown or unset.", secret: true },
      passwordSalt: { type: "string", description: "Salt of passwordHash, hex.", secret: true },
    },
    required: ["organizationUrl", "projectId", "eventType", "filters", "url", "basicAuthUsername", "httpHeaders", "resourceDetailsToSend", "messagesToSend", "detailedMessagesToSend", "status", "passwordSet", "passwordHash", "passwordSalt"],
  },
  [TOKENS.variableGroup]: {
    description: "An Azure Pipelines variable group in one project. Secret values never reach outputs: a salted hash per secret variable shows when one changes. Import id: `<projectId>/<groupId>`.",
    inputProperties: {
      organizationUrl,
      projectId,
      projectName: { type: "string", description: "That project's name, written into the group's project reference." },
      name: { type: "string", description: "Group name, unique in the project; an existing group of that name is adopted only when it carries this stack's marker (see owner)." },
      description: { type: "string", description: "Defaults to an empty string." },
      variables: { type: "object", additionalProperties: variable, description: "Variables by name; the whole map is secret.", secret: true },
      owner: {
        type: "string",
        description:
          "The stack that manages the group (`<project>/<stack>`), written as a marker line at the end of its description. Create adopts an existing group of the same name only when it carries this stack's marker, and fails otherwise. Defaults to none: no marker, and any group of the name is adopted. Not compared by diff.",
      },
    },
    requiredInputs: ["projectId", "projectName", "name", "variables"],
    properties: {
      organizationUrl: { ...organizationUrl, description: "Normalized organization URL." },
      projectId,
      projectName: { type: "string", description: "The project's name as the service reports it." },
      name: { type: "string", description: "Group name as the service holds it." },
      description: { type: "string", description: "Description as the service holds it." },
      variables: { type: "object", additionalProperties: variable, description: "Variables as the service holds them: plain values kept, secrets without a value.", secret: true },
      secretHashes: stringMap("Salted sha256 per secret variable, hex.", true),
      secretSalt: { type: "string", description: "Salt of secretHashes, hex.", secret: true },
      sharedWith: { type: "array", items: { type: "object", $ref: "#/types/azure-devops-integrations:index:SharedProjectReference" }, description: "Other projects the group is shared with; updates keep them." },
      modifiedOn: { type: "string", description: "The service's modification time of the group this state describes." },
      createdByStack: {
        type: "boolean",
        description: "Whether this stack created the group; false for one it adopted, which delete leaves in place. Absent in state written before it existed, which counts as true.",
      },
    },
    required: ["organizationUrl", "projectId", "projectName", "name", "description", "variables", "secretHashes", "secretSalt", "sharedWith", "modifiedOn"],
  },
  [TOKENS.servicePrincipalEntitlement]: {
    description: "An Entra service principal added to the Azure DevOps organization with an access level and project group memberships. Deleting it removes the principal from the organization. Import id: the entitlement id (the principal's Azure DevOps id).",
    inputProperties: {
      organizationUrl,
      servicePrincipalObjectId: { type: "string", description: "Entra object id of the service principal (Enterprise application). Changing it replaces the entitlement.", replaceOnChanges: true },
      accessLevel: { type: "string", description: "stakeholder, basic (express) or advanced." },
      projects: { type: "array", items: entitlementProject, description: "Projects whose Contributors or Readers group the principal joins. Defaults to none." },
    },
    requiredInputs: ["servicePrincipalObjectId", "accessLevel"],
    properties: {
      organizationUrl: { ...organizationUrl, description: "Normalized organization URL." },
      servicePrincipalObjectId: { type: "string", description: "The principal's Entra object id, lower case.", replaceOnChanges: true },
      accountLicenseType: { type: "string", description: "The license as the API names it: stakeholder, express (Basic), advanced, …" },
      projects: { type: "array", items: entitlementProject, description: "Contributors/Readers memberships as the service reports them, sorted by project id." },
      descriptor: { type: "string", description: "Graph descriptor (aadsp.…) of the principal." },
      displayName: { type: "string", description: "The principal's display name in Azure DevOps." },
      licenseStatus: { type: "string", description: "License status the service reports (active, pending, …)." },
      createdByStack: {
        type: "boolean",
        description:
          "Whether this stack added the principal; false when the Add answer showed it was in the organization already (another access level or projects), and delete then leaves it. Absent in state written before it existed, which counts as true.",
      },
    },
    required: ["organizationUrl", "servicePrincipalObjectId", "accountLicenseType", "projects", "descriptor", "displayName", "licenseStatus"],
  },
  [TOKENS.recordedValue]: {
    description: "A value recorded when the resource is created and never changed afterwards; it exists only in state. The program records the identity that first created an app registration, which stays one of its owners.",
    inputProperties: { value: { type: "string", description: "The value to record. Read only at creation: later values are not changes." } },
    requiredInputs: ["value"],
    properties: { value: { type: "string", description: "The value recorded at creation." } },
    required: ["value"],
  },
  [TOKENS.patHandoff]: {
    description: "The PAT handed to a tool; it exists only in state. A PAT that is fit to hand over replaces the one handed before; an unfit one (expired, or inside its warning window) is held back and the PAT handed before stays.",
    inputProperties: {
      value: { type: "string", description: "The PAT, or the Key Vault reference to it, the program holds now.", secret: true },
      fit: { type: "boolean", description: "Whether that PAT may be handed over: false when it is expired or expires inside its warning window." },
    },
    requiredInputs: ["value", "fit"],
    properties: {
      value: { type: "string", description: "The PAT handed to the tool; empty when no PAT was fit to hand over yet.", secret: true },
      fit: { type: "boolean", description: "Whether a PAT has been handed over: an unfit PAT changes nothing, so this stays false only until a fit one is offered." },
    },
    required: ["value", "fit"],
  },
};

/** The package schema the plugin serves (`pulumi package get-schema`, `pulumi import`). */
export const SCHEMA = {
  name: PACKAGE,
  version: VERSION,
  displayName: "Azure DevOps integrations",
  description: "Service hook subscriptions, variable groups and service-principal entitlements of Azure DevOps, through its REST API.",
  license: "MIT",
  meta: { moduleFormat: "(.*)" },
  config: {
    variables: {},
  },
  provider: {
    description: "Reads its credentials from the environment where it runs: AZDO_ORG_SERVICE_URL, AZDO_PERSONAL_ACCESS_TOKEN, or an Entra token through @azure/identity.",
  },
  types: {
    [`${PACKAGE}:index:Variable`]: {
      type: "object",
      description: "A variable of a variable group.",
      properties: {
        value: { type: "string", description: "The value; absent in outputs for a secret." },
        isSecret: { type: "boolean", description: "Encrypted at rest and never shown back by the service." },
      },
      required: ["isSecret"],
    },
    [`${PACKAGE}:index:SharedProjectReference`]: {
      type: "object",
      description: "Another project a variable group is shared with.",
      properties: {
        projectId: { type: "string", description: "Project id (GUID)." },
        projectName: { type: "string", description: "Project name." },
        name: { type: "string", description: "The group's name in that project." },
        description: { type: "string", description: "The group's description in that project." },
      },
      required: ["projectId", "projectName", "name", "description"],
    },
    [`${PACKAGE}:index:EntitlementProject`]: {
      type: "object",
      description: "A project group membership of a service principal.",
      properties: {
        projectId: { type: "string", description: "Project id (GUID)." },
        group: { type: "string", description: "Contributors or Readers." },
      },
      required: ["projectId", "group"],
    },
  },
  resources,
} as const;

/** Output properties the schema marks secret, by token: the plugin always returns them as secrets. */
export function secretOutputs(token: ResourceToken): string[] {
  return Object.entries(resources[token].properties)
    .filter(([, spec]) => spec.secret === true)
    .map(([name]) => name);
}

/** The token when `type` is one of this package's resource types. */
export function isResourceToken(type: string): type is ResourceToken {
  return Object.values(TOKENS).includes(type as ResourceToken);
}
