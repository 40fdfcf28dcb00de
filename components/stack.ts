import * as pulumi from "@pulumi/pulumi";
import { type Project, type ProjectLookup, ProjectSelectionError, restProjectLookup, selectProjects } from "./azure-devops/lookups";
import { ConfigError, type StackConfig } from "./config";
import { writeStackOutputs, type StoredKey, type StoreOutputs } from "./config-store";
import { CONFIG_STORE_NAME, VariableGroupStore } from "./config-store/variable-group";
import type { EnvReader, PatConnectionTest } from "./credentials/pat-reference";
import { ResourcePrincipals } from "./entra/resource-principals";
import { Integration } from "./integration";

/**
 * What the stack takes from outside its config. `pulumi up` runs with every
 * default; the offline plan and the tests pass their own stand-ins here, and
 * no component is told how it is being run.
 */
export interface StackDeps {
  /** The clock for rotation windows and expiry checks. Defaults to now. */
  readonly now?: Date;
  /** Lists the organization's projects; asked at most once per run. Defaults to {@link restProjectLookup}. */
  readonly projectLookup?: ProjectLookup;
  /** Reads the environment: the variable a `pat.env` PAT is in, and AZDO_ALLOWED_HOSTS (index.ts). Defaults to the process environment. */
  readonly readEnv?: EnvReader;
  /** Checks a PAT whose declaration asks for `testConnection`. Defaults to `testPatConnection` (a REST call). */
  readonly testPatConnection?: PatConnectionTest;
  /** Shows a config warning (PAT expiry, broad scopes) once. Defaults to `pulumi.log.warn`; the offline plan lists them itself. */
  readonly warn?: (message: string) => void;
}

/** Stack outputs: what `pulumi stack output` shows. */
export interface StackOutputs {
  /** `https://dev.azure.com/<org>`. */
  readonly organizationUrl: string;
  /** Per integration: what was created, and where its form values were written. */
  readonly integrations: Record<string, Record<string, unknown>>;
  /** Form values by integration and label; always exported, secrets as Pulumi secrets. */
  readonly fields: StoreOutputs;
  /** The configured store and, for a variable group, its ID. */
  readonly configStore: Record<string, unknown>;
  /** Where each form value was written. */
  readonly configStoreKeys: StoredKey[];
  /** The tenant, and where the Azure DevOps scope IDs came from. */
  readonly tenant?: Record<string, unknown>;
  /** Warnings found while planning (PAT expiry, broad scopes). */
  readonly warnings: readonly string[];
}

/**
 * Builds every integration in the stack config and writes the results to the
 * configured store. The one place that wires config to components.
 */
export async function buildStack(config: StackConfig, deps: StackDeps = {}): Promise<StackOutputs> {
  const now = deps.now ?? new Date();
  const organizationProjects = await checkProjectSelections(config, deps.projectLookup ?? restProjectLookup);
  const warn = deps.warn ?? ((message: string) => pulumi.log.warn(message));
  for (const w of config.warnings) warn(w);

  const entra = config.integrations.flatMap((i) => (i.entraApp ? [i.entraApp] : []));
  const principals =
    entra.length > 0
      ? new ResourcePrincipals("tenant", {
          needsAzureDevOps: entra.some((e) => e.adoScopes.length > 0),
          needsGraph: entra.some((e) => e.graphScopes.length > 0),
        })
      : undefined;

  const integrations: Record<string, Record<string, unknown>> = {};
  const entries = [];
  for (const model of config.integrations) {
    const integration = new Integration(model.name, {
      model,
      organizationUrl: config.organizationUrl,
      allowedHosts: config.allowedHosts,
      organizationName: config.organizationName,
      organizationProjects,
      principals,
      secret: config.secret,
      now,
      readEnv: deps.readEnv,
      testPatConnection: deps.testPatConnection,
    });
    entries.push(...integration.entries);
    // Plain objects with Output leaves: one unknown value (in preview) does not hide the rest.
    integrations[model.name] = {
      preset: model.preset,
      mode: model.mode,
      ...(integration.entraApp && {
        entraApp: {
          clientId: integration.entraApp.clientId,
          tenantId: integration.entraApp.tenantId,
          objectId: integration.entraApp.objectId,
          servicePrincipalObjectId: integration.entraApp.servicePrincipalObjectId,
          authorizationUrl: integration.entraApp.authorizationUrl,
          tokenUrl: integration.entraApp.tokenUrl,
          issuer: integration.entraApp.issuer,
          redirectUris: integration.entraApp.redirectUris,
          // Absent when a federated credential stands in for client secrets.
          ...(integration.entraApp.secretRotation && { secretRotation: integration.entraApp.secretRotation }),
        },
      }),
      ...(integration.serviceHooks && { serviceHooks: { subscriptionIds: integration.serviceHooks.subscriptionIds } }),
      ...(integration.entitlement && {
        servicePrincipal: { entitlementId: integration.entitlement.id, accountLicenseType: integration.entitlement.accountLicenseType },
      }),
      ...(integration.pat && {
        pat: { source: integration.pat.source, expiresOn: integration.pat.expiresOn, daysLeft: integration.pat.daysLeft, scopes: integration.pat.scopes },
      }),
    };
  }

  const store = writeStackOutputs(entries);
  let configStore: Record<string, unknown> = { kind: "stackOutputs" };
  let configStoreKeys = store.keys;
  if (config.configStore.kind === "variableGroup") {
    const vg = config.configStore;
    const group = new VariableGroupStore(CONFIG_STORE_NAME, {
      organizationUrl: config.organizationUrl,
      project: vg.project,
      organizationProjects,
      groupName: vg.name,
      description: vg.description,
      entries,
    });
    configStore = { kind: "variableGroup", project: vg.project, name: vg.name, groupId: group.groupId };
    configStoreKeys = [...group.keys];
  }
  return {
    organizationUrl: config.organizationUrl,
    ...(principals && { tenant: { tenantId: principals.tenantId, azureDevOpsScopeIds: principals.azureDevOpsScopeSource } }),
    integrations,
    fields: store.outputs,
    configStore,
    configStoreKeys,
    warnings: config.warnings,
  };
}

/**
 * Lists the organization's projects through `lookup` and resolves every
 * project selector against them before any resource is registered, so a
 * missing project stops the run with nothing half-created. Returns the list
 * the components select from again; empty, without a lookup, when nothing in
 * the config selects projects.
 */
export async function checkProjectSelections(config: StackConfig, lookup: ProjectLookup): Promise<readonly Project[]> {
  const selectors: { path: string; list: readonly string[]; exclude?: readonly string[] }[] = [];
  for (const i of config.integrations) {
    if (i.serviceHooks) selectors.push({ path: `integrations[${i.index}].serviceHooks.projects`, list: i.serviceHooks.projects, exclude: i.serviceHooks.exclude });
    if (i.servicePrincipal && i.servicePrincipal.projects.length > 0) {
      selectors.push({ path: `integrations[${i.index}].servicePrincipal.projects`, list: i.servicePrincipal.projects, exclude: i.servicePrincipal.exclude });
    }
  }
  if (config.configStore.kind === "variableGroup") selectors.push({ path: "configStore.project", list: [config.configStore.project] });
  if (selectors.length === 0) return [];
  const all = await lookup(config.organizationUrl);
  const problems: string[] = [];
  for (const s of selectors) {
    try {
      selectProjects(all, s.list, s.exclude);
    } catch (e) {
      if (!(e instanceof ProjectSelectionError)) throw e;
      problems.push(`${s.path}: ${e.message} in ${config.organizationUrl}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return all;
}
