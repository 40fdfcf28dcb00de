import { AdoClient, AdoRequestOptions } from "./client";
import {
  type ClientFactory,
  type FieldDiff,
  GUID,
  checkedId,
  deleteUnlessGone,
  environmentClient,
  expectField,
  fieldDiff,
  organizationForDiff,
  readConfirmingGone,
  requireNoProblems,
  resolveOrganization,
  same,
  text,
  updateUnlessGone,
} from "./common";
import { AdoRequestError, safeServiceText } from "./errors";

// Service Principal Entitlements (Member Entitlement Management), checked against
// Microsoft's REST reference and its vsts-rest-api-specs memberEntitlementManagement/7.1
// (no copy in ../shared):
// - host vsaex.dev.azure.com; every call needs api-version 7.1-preview.1 (a preview resource).
// - Add: POST _apis/serviceprincipalentitlements with { servicePrincipal: { origin, originId,
//   subjectKind }, accessLevel: { accountLicenseType, licensingSource }, projectEntitlements:
//   [{ group: { groupType }, projectRef: { id } }] }. HTTP 200 even when it fails: the answer's
//   isSuccess and operationResult.errors ([{ key, value }]) say what happened.
// - Get / Delete: GET / DELETE _apis/serviceprincipalentitlements/{id}.
// - Update: PATCH _apis/serviceprincipalentitlements/{id}, Content-Type
//   application/json-patch+json, ops `replace /accessLevel`, `add /projectEntitlements/{projectId}`
//   and `remove /projectEntitlements/{projectId}`; the answer carries isSuccess, operationResults
//   and servicePrincipalEntitlement.
// - accountLicenseType: none, earlyAdopter, express (Basic), professional, advanced, stakeholder.
//   groupType: projectStakeholder, projectReader, projectContributor, projectAdministrator, custom.
// Not verified against the live service: what Add answers for a principal already in the
// organization, whether `add` on a project the principal is already in is accepted, and
// whether `remove` clears every group of that project (so a group change is sent as remove + add).

/** The entitlement API is a preview resource; a bare "7.1" is refused. */
export const ENTITLEMENT_API_VERSION = "7.1-preview.1";

/** The media type the entitlement PATCH requires (the service answers 400 to application/json). */
export const JSON_PATCH_CONTENT_TYPE = "application/json-patch+json";

/** Access levels as the stack config names them. */
export const ACCESS_LEVELS = ["stakeholder", "express", "basic", "advanced"] as const;

/** An access level as the stack config names it. */
export type AccessLevelName = (typeof ACCESS_LEVELS)[number];

/** The API's accountLicenseType for each config name; Basic is `express` in the API. */
export const ACCOUNT_LICENSE_TYPES: Readonly<Record<AccessLevelName, string>> = {
  stakeholder: "stakeholder",
  express: "express",
  basic: "express",
  advanced: "advanced",
};

/** The project groups this resource can put a principal in. */
export type ProjectGroupName = "Contributors" | "Readers";

/** The API's groupType for each project group. */
export const PROJECT_GROUP_TYPES: Readonly<Record<ProjectGroupName, string>> = {
  Contributors: "projectContributor",
  Readers: "projectReader",
};

/** One project membership. */
export interface EntitlementProject {
  /** Project id (GUID); lower case in state. */
  readonly projectId: string;
  readonly group: ProjectGroupName;
}

/** Inputs of a ServicePrincipalEntitlement as the provider receives them. */
export interface EntitlementInputs {
  /** Organization URL or name. Defaults to AZDO_ORG_SERVICE_URL. */
  readonly organizationUrl?: string;
  /** Entra object id of the service principal (Enterprise application), not of the app registration. */
  readonly servicePrincipalObjectId: string;
  readonly accessLevel: AccessLevelName;
  /** Projects whose Contributors or Readers group the principal joins. Defaults to none. */
  readonly projects?: readonly EntitlementProject[];
}

/** The comparable, normalized shape shared by desired inputs and live state. */
export interface EntitlementFields {
  readonly organizationUrl: string;
  /** Lower case. */
  readonly servicePrincipalObjectId: string;
  /** The API's license type (`express` for Basic). */
  readonly accountLicenseType: string;
  /** Memberships of Contributors or Readers groups, sorted; other groups are not this resource's. */
  readonly projects: EntitlementProject[];
}

/** Outputs stored in state. */
export interface EntitlementState extends EntitlementFields {
  /** Graph descriptor (`aadsp.…`), for group memberships granted elsewhere. */
  readonly descriptor: string;
  /** The principal's display name in Azure DevOps. */
  readonly displayName: string;
  /** The license status the service reports (`active`, `pending`, …). */
  readonly licenseStatus: string;
  /**
   * Whether this stack added the principal to the organization (false: it was
   * there already, and delete leaves it). State written before this field
   * existed lacks it and counts as true, so destroy removes what it removed before.
   */
  readonly createdByStack?: boolean;
}

/** The createdByStack of earlier state, to carry into new state; nothing when the state predates it. */
function keptOwnership(state: Partial<EntitlementState> | undefined): Pick<EntitlementState, "createdByStack"> {
  return state?.createdByStack === undefined ? {} : { createdByStack: state.createdByStack };
}

/** An entitlement as the REST API returns it (the fields used here). */
export interface EntitlementResource {
  readonly id?: string;
  readonly servicePrincipal?: { readonly originId?: string; readonly descriptor?: string; readonly displayName?: string };
  readonly accessLevel?: { readonly accountLicenseType?: string; readonly status?: string };
  readonly projectEntitlements?: readonly { readonly projectRef?: { readonly id?: string }; readonly group?: { readonly groupType?: string } }[] | null;
}

/** One operation's outcome in an Add or Update answer. */
interface OperationResult {
  readonly isSuccess?: boolean;
  readonly errors?: readonly { readonly key?: unknown; readonly value?: unknown }[] | null;
  readonly servicePrincipalId?: string;
  readonly result?: EntitlementResource | null;
}

interface AddResponse {
  readonly isSuccess?: boolean;
  readonly operationResult?: OperationResult;
  readonly servicePrincipalEntitlement?: EntitlementResource;
}

interface PatchResponse {
  readonly isSuccess?: boolean;
  readonly operationResults?: readonly OperationResult[];
  readonly servicePrincipalEntitlement?: EntitlementResource;
}

/** One JSON patch operation of an entitlement update. */
export interface EntitlementPatchOperation {
  readonly op: "add" | "remove" | "replace";
  readonly path: string;
  readonly value?: unknown;
}

/** What `diffEntitlement` reports. */
export type EntitlementDiff = FieldDiff;

function sortProjects(projects: EntitlementProject[]): EntitlementProject[] {
  const key = (p: EntitlementProject): string => `${p.projectId}/${p.group}`;
  return projects.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function groupName(groupType: unknown): ProjectGroupName | undefined {
  return (Object.keys(PROJECT_GROUP_TYPES) as ProjectGroupName[]).find((name) => PROJECT_GROUP_TYPES[name] === groupType);
}

/**
 * The normalized fields of desired inputs, without validation (diff runs in
 * preview, where a value may still be unknown).
 */
export function entitlementFieldsFromInputs(inputs: EntitlementInputs, env: NodeJS.ProcessEnv = process.env): EntitlementFields {
  const organizationUrl = organizationForDiff(inputs.organizationUrl, env);
  const level = text(inputs.accessLevel) as AccessLevelName;
  return {
    organizationUrl,
    servicePrincipalObjectId: text(inputs.servicePrincipalObjectId).toLowerCase(),
    accountLicenseType: ACCOUNT_LICENSE_TYPES[level] ?? level,
    projects: sortProjects((Array.isArray(inputs.projects) ? inputs.projects : []).map((p) => ({ projectId: text(p?.projectId).toLowerCase(), group: p?.group }))),
  };
}

/** Checks desired inputs and returns one line per problem, each naming the input. */
export function validateEntitlementInputs(inputs: EntitlementInputs): string[] {
  const problems: string[] = [];
  if (!GUID.test(text(inputs.servicePrincipalObjectId))) {
    problems.push("servicePrincipalObjectId: must be the object id (GUID) of the service principal, as Entra ID > Enterprise applications shows it");
  }
  if (!(ACCESS_LEVELS as readonly string[]).includes(text(inputs.accessLevel))) {
    problems.push(`accessLevel: must be one of ${ACCESS_LEVELS.join(", ")}`);
  }
  if (inputs.projects !== undefined && !Array.isArray(inputs.projects)) {
    problems.push("projects: must be a list of { projectId, group }");
    return problems;
  }
  const seen = new Set<string>();
  (inputs.projects ?? []).forEach((project, i) => {
    const id = text(project?.projectId).toLowerCase();
    if (!GUID.test(id)) problems.push(`projects[${i}].projectId: must be a project id (GUID), not a name`);
    else if (seen.has(id)) problems.push(`projects[${i}].projectId: ${id} is listed twice; a principal joins one group per project`);
    seen.add(id);
    if (!Object.prototype.hasOwnProperty.call(PROJECT_GROUP_TYPES, text(project?.group))) problems.push(`projects[${i}].group: must be Contributors or Readers`);
  });
  return problems;
}

/** Desired fields for create and update: fails on invalid inputs, then on a missing organization, before any call. */
function checkedFields(inputs: EntitlementInputs, env: NodeJS.ProcessEnv): EntitlementFields {
  requireNoProblems("service principal entitlement", validateEntitlementInputs(inputs));
  resolveOrganization(inputs.organizationUrl, env);
  return entitlementFieldsFromInputs(inputs, env);
}

/** The Add body, built field by field (never from spread inputs). */
export function entitlementAddBody(desired: EntitlementFields): Record<string, unknown> {
  return {
    servicePrincipal: { origin: "aad", originId: desired.servicePrincipalObjectId, subjectKind: "servicePrincipal" },
    accessLevel: { accountLicenseType: desired.accountLicenseType, licensingSource: "account" },
    projectEntitlements: desired.projects.map((p) => ({ group: { groupType: PROJECT_GROUP_TYPES[p.group] }, projectRef: { id: p.projectId } })),
  };
}

/**
 * The JSON patch that takes `live` to `desired`: the access level, then per
 * project a remove where the group is wrong or not wanted and an add where it
 * is missing. Empty when nothing differs.
 */
export function entitlementPatch(live: Pick<EntitlementFields, "accountLicenseType" | "projects">, desired: EntitlementFields): EntitlementPatchOperation[] {
  const operations: EntitlementPatchOperation[] = [];
  if (live.accountLicenseType !== desired.accountLicenseType) {
    operations.push({ op: "replace", path: "/accessLevel", value: { accountLicenseType: desired.accountLicenseType, licensingSource: "account" } });
  }
  const liveGroups = new Map<string, string[]>();
  for (const p of live.projects) liveGroups.set(p.projectId, [...(liveGroups.get(p.projectId) ?? []), p.group]);
  const wanted = new Map(desired.projects.map((p) => [p.projectId, p.group]));
  for (const [projectId, groups] of liveGroups) {
    const want = wanted.get(projectId);
    if (want === undefined || groups.length !== 1 || groups[0] !== want) operations.push({ op: "remove", path: `/projectEntitlements/${projectId}` });
  }
  for (const [projectId, group] of wanted) {
    const groups = liveGroups.get(projectId) ?? [];
    if (groups.length !== 1 || groups[0] !== group) {
      operations.push({ op: "add", path: `/projectEntitlements/${projectId}`, value: { group: { groupType: PROJECT_GROUP_TYPES[group] }, projectRef: { id: projectId } } });
    }
  }
  return operations;
}

function stateFromResource(resource: EntitlementResource, organizationUrl: string): EntitlementState {
  const projects: EntitlementProject[] = [];
  for (const entry of resource.projectEntitlements ?? []) {
    const group = groupName(entry?.group?.groupType);
    const projectId = text(entry?.projectRef?.id).toLowerCase();
    if (group !== undefined && projectId !== "") projects.push({ projectId, group });
  }
  return {
    organizationUrl,
    servicePrincipalObjectId: text(resource.servicePrincipal?.originId).toLowerCase(),
    accountLicenseType: text(resource.accessLevel?.accountLicenseType),
    projects: sortProjects(projects),
    descriptor: text(resource.servicePrincipal?.descriptor),
    displayName: text(resource.servicePrincipal?.displayName),
    licenseStatus: text(resource.accessLevel?.status),
  };
}

/**
 * Compares stored state (after refresh: what `read` returned) with desired
 * inputs. Basic and express are one license. An access level or a
 * Contributors/Readers membership changed by hand is drift that update
 * repairs; another principal or organization replaces.
 */
export function diffEntitlement(olds: Partial<EntitlementState>, news: EntitlementInputs, env: NodeJS.ProcessEnv = process.env): EntitlementDiff {
  const desired = entitlementFieldsFromInputs(news, env);
  const replaces: string[] = [];
  const changed: string[] = [];
  if (desired.organizationUrl !== (olds.organizationUrl ?? "")) replaces.push("organizationUrl");
  if (desired.servicePrincipalObjectId !== (olds.servicePrincipalObjectId ?? "").toLowerCase()) replaces.push("servicePrincipalObjectId");
  if (desired.accountLicenseType !== (olds.accountLicenseType ?? "")) changed.push("accessLevel");
  if (!same(desired.projects, sortProjects([...(olds.projects ?? [])]))) changed.push("projects");
  return fieldDiff(replaces, changed);
}

/**
 * "key: message" per error, each message made safe as every service message
 * is (one line, nothing credential-shaped, cut short: safeServiceText); never
 * more of the answer than that.
 */
function describeErrors(results: readonly (OperationResult | undefined)[]): string {
  const lines = results
    .filter((r): r is OperationResult => r !== undefined && r.isSuccess !== true)
    .flatMap((r) => r.errors ?? [])
    .map((e) => `${safeServiceText(String(e?.key ?? "?")) ?? "?"}: ${safeServiceText(String(e?.value ?? "")) ?? "no message"}`);
  return lines.length > 0 ? lines.join("; ") : "no error details";
}

/** The shape check of the Add and Update answers: they say whether the change was made. */
const EXPECT_OUTCOME = expectField("isSuccess", "isSuccess", (value) => typeof value === "boolean");

/** VS403283 on Add: Entra ID has not replicated a new service principal into Azure DevOps yet. */
function replicationPending(result: OperationResult | undefined): boolean {
  return (result?.errors ?? []).some((e) => /\bVS403283\b/.test(`${String(e?.key ?? "")} ${String(e?.value ?? "")}`));
}

/** The REST path of the service principal entitlements, on the vsaex host. */
export const ENTITLEMENT_PATH = "_apis/serviceprincipalentitlements";

function entitlementPath(id: string): string {
  return `${ENTITLEMENT_PATH}/${checkedId("service principal entitlement", id, GUID, "a GUID")}`;
}

const EXPECT_ENTITLEMENT = expectField("id", "entitlement id", (value) => typeof value === "string" && value !== "");

/** Request options of every entitlement call: the vsaex host and the entitlement api-version, with `extra`. */
export function entitlementRequestOptions(extra: Partial<AdoRequestOptions> = {}): AdoRequestOptions {
  return { host: "vsaex", apiVersion: ENTITLEMENT_API_VERSION, ...extra };
}

async function patchEntitlement(
  client: AdoClient,
  id: string,
  operations: EntitlementPatchOperation[],
  organizationUrl: string,
  fallback: EntitlementState,
): Promise<EntitlementState> {
  // AdoClient sends application/json unless it honours `contentType`; the service needs JSON patch here.
  const options: AdoRequestOptions & { readonly contentType: string } = { ...entitlementRequestOptions({ body: operations }), contentType: JSON_PATCH_CONTENT_TYPE };
  const path = entitlementPath(id);
  const response = await client.request<PatchResponse>("PATCH", path, { ...options, expect: EXPECT_OUTCOME });
  const body = response.body;
  if (body.isSuccess !== true) {
    throw new AdoRequestError({
      method: "PATCH",
      path: client.url(path, options).pathname,
      what: `reported isSuccess=false (${describeErrors(body.operationResults ?? [])})`,
      hint: "the service refused part of the change; check that the projects exist and that the identity running Pulumi is a Project Collection Administrator",
      attempts: 1,
    });
  }
  // Without the entitlement in the answer, what was asked is what was applied.
  if (!body.servicePrincipalEntitlement) return fallback;
  const outs = stateFromResource(body.servicePrincipalEntitlement, organizationUrl);
  const kept = keptOtherwise(body.servicePrincipalEntitlement, outs, fallback);
  if (kept.length > 0) {
    throw new Error(
      `service principal entitlement ${id} was updated, but Azure DevOps kept ${kept.join(", ")}: it changes or drops these values, so every \`pulumi up\` would show the same difference; check the identity's licences and the projects' groups, or use values the service keeps`,
    );
  }
  return outs;
}

/**
 * The fields `diff` compares where the answer to a PATCH differs from what
 * was asked, each with what the service kept. An answer that lists no
 * projects says nothing about them (Microsoft's recorded answers leave them
 * out), so projects are compared only when it lists some.
 */
function keptOtherwise(answer: EntitlementResource, live: EntitlementState, desired: EntitlementFields): string[] {
  const kept: string[] = [];
  if (live.accountLicenseType !== "" && live.accountLicenseType !== desired.accountLicenseType) kept.push(`accessLevel ${JSON.stringify(live.accountLicenseType)}`);
  if ((answer.projectEntitlements ?? []).length > 0 && !same(live.projects, desired.projects)) {
    kept.push(`projects ${live.projects.length === 0 ? "none" : live.projects.map((p) => `${p.projectId} ${p.group}`).join(", ")}`);
  }
  return kept;
}

/**
 * Adds the service principal to the organization with its access level and
 * project groups: one call when nothing goes wrong.
 *
 * An organization holds one entitlement per principal, so sending Add again
 * cannot duplicate it: after an unknown outcome (timeout, reset, 5xx, a 2xx
 * answer that cannot be read) create
 * waits a backoff and sends it again. When Add reports VS403283 (Entra ID has
 * not replicated a principal created moments ago), create retries within the
 * same budget. When the answer shows a different access level or projects
 * (the principal was already there), one PATCH brings it to the desired state,
 * and the state records `createdByStack: false` so delete leaves the principal
 * in the organization. A principal already there with exactly the asked
 * access level and projects cannot be told apart from a new one by the
 * answer, and counts as created.
 */
export async function createEntitlement(
  inputs: EntitlementInputs,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ id: string; outs: EntitlementState }> {
  const desired = checkedFields(inputs, env);
  const client = clientFor(desired.organizationUrl);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    let body: AddResponse | undefined;
    try {
      // An unreadable answer is an unknown outcome: Add is sent again, which cannot add the principal twice.
      body = (await client.request<AddResponse>("POST", ENTITLEMENT_PATH, entitlementRequestOptions({ body: entitlementAddBody(desired), expect: EXPECT_OUTCOME }))).body;
    } catch (error) {
      if (!(error instanceof AdoRequestError) || !error.outcomeUnknown) throw error;
      if (await client.backOff(attempt, started)) continue;
      throw new AdoRequestError({
        ...error,
        hint: `${error.hint}; an organization holds one entitlement per service principal, so running \`pulumi up\` again cannot add it twice`,
      });
    }
    if (body?.isSuccess !== true) {
      if (replicationPending(body?.operationResult) && (await client.backOff(attempt, started))) continue;
      const pending = replicationPending(body?.operationResult);
      throw new AdoRequestError({
        method: "POST",
        path: client.url(ENTITLEMENT_PATH, entitlementRequestOptions()).pathname,
        what: `reported isSuccess=false (${describeErrors([body?.operationResult])})`,
        hint: pending
          ? `Entra ID has not replicated service principal ${desired.servicePrincipalObjectId} into Azure DevOps yet (tried ${attempt} times); run \`pulumi up\` again in a few minutes`
          : "check that servicePrincipalObjectId is the service principal's object id (Enterprise applications), not the app registration's, and that the identity running Pulumi is a Project Collection Administrator",
        attempts: attempt,
      });
    }
    const entitlement = body.servicePrincipalEntitlement ?? body.operationResult?.result ?? undefined;
    const id = text(entitlement?.id) || text(body.operationResult?.servicePrincipalId);
    if (id === "" || entitlement === undefined) {
      throw new Error(`Azure DevOps added service principal ${desired.servicePrincipalObjectId} but named no entitlement: run \`pulumi refresh\`, then \`pulumi up\` again`);
    }
    let outs = stateFromResource(entitlement, desired.organizationUrl);
    // Microsoft's recorded Add answer lists no projectEntitlements although one was asked
    // for: take what was asked then; the next refresh reads the truth.
    if ((entitlement.projectEntitlements ?? []).length === 0) outs = { ...outs, projects: desired.projects };
    if (outs.accountLicenseType === "") outs = { ...outs, accountLicenseType: desired.accountLicenseType };
    if (outs.servicePrincipalObjectId === "") outs = { ...outs, servicePrincipalObjectId: desired.servicePrincipalObjectId };
    const operations = entitlementPatch(outs, desired);
    // A fresh Add applies what was asked: an answer that differs describes a principal someone else added.
    const createdByStack = operations.length === 0;
    if (operations.length > 0) outs = await patchEntitlement(client, id, operations, desired.organizationUrl, { ...outs, ...desired });
    return { id, outs: { ...outs, createdByStack } };
  }
}

/**
 * Reads live state; an empty id means the principal was removed from the
 * organization out of band (404, an empty answer, or a license marked
 * deleted), as two reads a short pause apart said (see readConfirmingGone).
 */
export async function readEntitlement(
  id: string,
  props: Partial<EntitlementState> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ id: string; props?: EntitlementState }> {
  const organizationUrl = resolveOrganization(props?.organizationUrl, env);
  const client = clientFor(organizationUrl);
  const resource = await readConfirmingGone(client, async () => {
    const body = (
      await client.request<EntitlementResource | null | undefined>(
        "GET",
        entitlementPath(id),
        // An empty answer (or null) means the principal is gone; anything else must name the entitlement.
        entitlementRequestOptions({ expect: (b) => (b === undefined || b === null ? undefined : EXPECT_ENTITLEMENT(b)) }),
      )
    ).body;
    return body && body.accessLevel?.status !== "deleted" ? body : undefined;
  });
  if (resource === undefined) return { id: "" };
  return { id, props: { ...stateFromResource(resource, organizationUrl), ...keptOwnership(props) } };
}

/** Brings access level and project groups to the desired state with one PATCH (none when nothing differs). */
export async function updateEntitlement(
  id: string,
  olds: Partial<EntitlementState>,
  news: EntitlementInputs,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ outs: EntitlementState }> {
  const desired = checkedFields(news, env);
  const live = { accountLicenseType: olds.accountLicenseType ?? "", projects: [...(olds.projects ?? [])] };
  const current: EntitlementState = {
    ...desired,
    descriptor: olds.descriptor ?? "",
    displayName: olds.displayName ?? "",
    licenseStatus: olds.licenseStatus ?? "",
    ...keptOwnership(olds),
  };
  const operations = entitlementPatch(live, desired);
  if (operations.length === 0) return { outs: current };
  return updateUnlessGone(`service principal entitlement ${id}`, "adds the principal again", async () => ({
    outs: { ...(await patchEntitlement(clientFor(desired.organizationUrl), id, operations, desired.organizationUrl, current)), ...keptOwnership(olds) },
  }));
}

/**
 * Removes the principal from the organization (licenses, extensions and
 * project memberships with it); one already gone counts as removed. A
 * principal that was in the organization before this stack's create
 * (`createdByStack: false`) is left there, with whatever access this stack
 * gave it: only the stack's state forgets it.
 */
export async function deleteEntitlement(
  id: string,
  props: Partial<EntitlementState> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<void> {
  // State from before createdByStack existed counts as created, as destroy treated it then.
  if (props?.createdByStack === false) return;
  const client = clientFor(resolveOrganization(props?.organizationUrl, env));
  await deleteUnlessGone(() => client.request("DELETE", entitlementPath(id), entitlementRequestOptions()));
}
