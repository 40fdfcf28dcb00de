import { AdoClient } from "./client";
import {
  type ClientFactory,
  type FieldDiff,
  GUID,
  INTEGER_ID,
  checkedId,
  createWithLookup,
  deleteUnlessGone,
  environmentClient,
  expectField,
  fieldDiff,
  hashPassword,
  newSalt,
  organizationForDiff,
  readConfirmingGone,
  requireNoProblems,
  resolveOrganization,
  sortedRecord,
  text,
  updateUnlessGone,
} from "./common";

/** The only variable group type this project writes (no Key Vault link). */
export const VARIABLE_GROUP_TYPE = "Vsts";

/** One variable as the caller declares it. */
export interface VariableInput {
  readonly value: string;
  readonly isSecret: boolean;
}

/**
 * Inputs of a VariableGroup as the provider receives them (secrets already
 * unwrapped by the engine). Secret values live only here, never in outputs.
 */
export interface VariableGroupInputs {
  /** Organization URL or name. Defaults to AZDO_ORG_SERVICE_URL. */
  readonly organizationUrl?: string;
  /** Project id (GUID) the group belongs to. */
  readonly projectId: string;
  /** That project's name, for the project reference. */
  readonly projectName: string;
  /** Group name, unique in the project (the service compares it case-insensitively). */
  readonly name: string;
  /** Defaults to "". */
  readonly description?: string;
  /** Variables by name. */
  readonly variables: Readonly<Record<string, VariableInput>>;
  /**
   * The stack that manages the group (`<project>/<stack>`), written as a
   * marker line into its description: create adopts a group of the same name
   * only when it carries this marker. Defaults to "", which writes no marker
   * and adopts any group of the name (the behaviour before markers).
   */
  readonly owner?: string;
}

/** A variable as state keeps it: a secret has no value, a plain one keeps it so drift can be shown. */
export interface VariableState {
  readonly isSecret: boolean;
  /** Absent for a secret. */
  readonly value?: string;
}

/** Another project the group is shared with; kept on every PUT so this resource never unshares it. */
export interface SharedProjectReference {
  readonly projectId: string;
  readonly projectName: string;
  /** The group's name in that project. */
  readonly name: string;
  readonly description: string;
}

/** The comparable, normalized shape shared by desired inputs and live state. */
export interface VariableGroupFields {
  readonly organizationUrl: string;
  /** Lower case. */
  readonly projectId: string;
  readonly projectName: string;
  readonly name: string;
  readonly description: string;
  /** Sorted by name. */
  readonly variables: Record<string, VariableState>;
}

/**
 * Outputs stored in state: every field `diff` needs, and a salted hash per
 * secret variable (never the value, which the service never shows back).
 */
export interface VariableGroupState extends VariableGroupFields {
  /** sha256 of salt, name and value per secret variable, hex; "" when unknown. */
  readonly secretHashes: Record<string, string>;
  /** Random salt for secretHashes, hex. */
  readonly secretSalt: string;
  /** Other projects' references, as last read. */
  readonly sharedWith: SharedProjectReference[];
  /** The service's modifiedOn for the version this state describes. */
  readonly modifiedOn: string;
  /**
   * Whether this stack created the group (false: it adopted a group someone
   * else made, which delete leaves in place). State written before this field
   * existed lacks it and counts as true, so destroy deletes what it deleted before.
   */
  readonly createdByStack?: boolean;
}

/** The marker line a group's description carries: which stack manages it, and whether that stack created it. */
export function ownerMarker(owner: string, createdByStack: boolean): string {
  return `Managed by Pulumi stack "${owner}" (${createdByStack ? "created by it" : "adopted; destroy leaves it"}).`;
}

const MARKER = /(?:^|\n)Managed by Pulumi stack "([^"\n]*)" \((created by it|adopted; destroy leaves it)\)\.$/;

/** The description without its marker line, and the marker's stack and kind when there is one. */
export function parseOwnerMarker(description: string): { description: string; owner?: string; createdByStack?: boolean } {
  const match = MARKER.exec(description);
  if (!match) return { description };
  return { description: description.slice(0, match.index), owner: match[1]!, createdByStack: match[2] === "created by it" };
}

/** The description as sent: the desired one, then the marker line when the group has an owner. */
function describedWithMarker(description: string, owner: string, createdByStack: boolean): string {
  if (owner === "") return description;
  return `${description}${description === "" ? "" : "\n"}${ownerMarker(owner, createdByStack)}`;
}

/** A variable group as the REST API returns it (the fields used here). */
export interface VariableGroupResource {
  readonly id: number;
  readonly name: string;
  readonly description?: string;
  readonly type?: string;
  readonly modifiedOn?: string;
  readonly variables?: Record<string, { value?: string | null; isSecret?: boolean; isReadOnly?: boolean } | null>;
  readonly variableGroupProjectReferences?: {
    readonly name?: string;
    readonly description?: string;
    readonly projectReference?: { readonly id?: string; readonly name?: string };
  }[];
}

/** What `diffVariableGroup` reports; `changed` names a variable as `variables.<name>`, never its value. */
export type VariableGroupDiff = FieldDiff;

/** Salted hash of one secret variable; the name is mixed in so equal values in two variables hash apart. */
export function hashSecretVariable(name: string, value: string, salt: string): string {
  return hashPassword(`${name}\u0000${value}`, salt);
}

function secretHashes(inputs: VariableGroupInputs, salt: string): Record<string, string> {
  const hashes: [string, string][] = [];
  for (const [name, variable] of Object.entries(inputs.variables ?? {})) {
    if (variable?.isSecret === true) hashes.push([name, hashSecretVariable(name, text(variable.value), salt)]);
  }
  return sortedRecord(hashes);
}

/**
 * The normalized fields of desired inputs, without validation (diff runs in
 * preview, where a value may still be unknown).
 */
export function variableGroupFieldsFromInputs(inputs: VariableGroupInputs, env: NodeJS.ProcessEnv = process.env): VariableGroupFields {
  const organizationUrl = organizationForDiff(inputs.organizationUrl, env);
  const variables = Object.entries(inputs.variables ?? {}).map(([name, variable]): [string, VariableState] =>
    variable?.isSecret === true ? [name, { isSecret: true }] : [name, { isSecret: false, value: text(variable?.value) }],
  );
  return {
    organizationUrl,
    projectId: text(inputs.projectId).toLowerCase(),
    projectName: text(inputs.projectName),
    name: text(inputs.name),
    description: text(inputs.description),
    variables: sortedRecord(variables),
  };
}

/**
 * Checks desired inputs and returns one line per problem, each naming the
 * input. Lines name variables but never contain a value.
 */
export function validateVariableGroupInputs(inputs: VariableGroupInputs): string[] {
  const problems: string[] = [];
  if (!GUID.test(text(inputs.projectId))) problems.push("projectId: must be a project id (GUID), not a name");
  if (text(inputs.projectName).trim() === "") problems.push("projectName: must name the project");
  const name = text(inputs.name);
  if (name.trim() === "" || name !== name.trim()) problems.push("name: must be non-empty without leading or trailing spaces");
  if (inputs.description !== undefined && typeof inputs.description !== "string") problems.push("description: must be a string");
  // The marker quotes the owner on one line: a quote or line break would make it unreadable.
  if (inputs.owner !== undefined && (typeof inputs.owner !== "string" || /["\r\n]/.test(inputs.owner))) problems.push("owner: must be a string without quotes or line breaks");
  if (typeof inputs.variables !== "object" || inputs.variables === null || Array.isArray(inputs.variables)) {
    problems.push("variables: must be an object of { value, isSecret } by variable name");
    return problems;
  }
  for (const [variableName, variable] of Object.entries(inputs.variables)) {
    if (variableName.trim() === "" || variableName !== variableName.trim()) {
      problems.push(`variables: "${variableName}" is not a usable variable name (empty, or leading or trailing spaces)`);
    }
    if (typeof variable?.value !== "string") problems.push(`variables.${variableName}.value: must be a string`);
    if (typeof variable?.isSecret !== "boolean") problems.push(`variables.${variableName}.isSecret: must be true or false`);
  }
  return problems;
}

/** Desired fields for create and update: fails on invalid inputs, then on a missing organization, before any call. */
function checkedFields(inputs: VariableGroupInputs, env: NodeJS.ProcessEnv): VariableGroupFields {
  requireNoProblems("variable group", validateVariableGroupInputs(inputs));
  resolveOrganization(inputs.organizationUrl, env);
  return variableGroupFieldsFromInputs(inputs, env);
}

/**
 * The VariableGroupParameters body for POST and PUT, built field by field
 * (never from spread inputs). Secret values are always sent: sending null
 * would keep whatever the service holds, which may not be what is desired.
 */
export function variableGroupBody(
  inputs: VariableGroupInputs,
  desired: VariableGroupFields,
  sharedWith: readonly SharedProjectReference[] = [],
  createdByStack = true,
): Record<string, unknown> {
  const description = describedWithMarker(desired.description, text(inputs.owner), createdByStack);
  const variables: Record<string, { value: string; isSecret?: boolean }> = {};
  for (const [name, variable] of Object.entries(inputs.variables)) {
    variables[name] = variable.isSecret ? { value: variable.value, isSecret: true } : { value: variable.value };
  }
  return {
    name: desired.name,
    description,
    type: VARIABLE_GROUP_TYPE,
    variables,
    variableGroupProjectReferences: [
      { name: desired.name, description, projectReference: { id: desired.projectId, name: desired.projectName } },
      ...sharedWith.map((r) => ({ name: r.name, description: r.description, projectReference: { id: r.projectId, name: r.projectName } })),
    ],
  };
}

function ownReference(resource: VariableGroupResource, projectId: string): NonNullable<VariableGroupResource["variableGroupProjectReferences"]>[number] | undefined {
  return (resource.variableGroupProjectReferences ?? []).find((r) => text(r.projectReference?.id).toLowerCase() === projectId);
}

/**
 * Live state from a group the service returned. Secret values come back as
 * null: a secret keeps its known hash only while it is still secret.
 */
function stateFromResource(
  resource: VariableGroupResource,
  organizationUrl: string,
  projectId: string,
  hashes: Pick<VariableGroupState, "secretHashes" | "secretSalt">,
  createdByStack?: boolean,
): VariableGroupState {
  const variables: [string, VariableState][] = [];
  const liveHashes: [string, string][] = [];
  for (const [name, variable] of Object.entries(resource.variables ?? {})) {
    if (variable?.isSecret === true) {
      variables.push([name, { isSecret: true }]);
      liveHashes.push([name, hashes.secretHashes[name] ?? ""]);
    } else {
      variables.push([name, { isSecret: false, value: text(variable?.value) }]);
    }
  }
  const references = resource.variableGroupProjectReferences ?? [];
  return {
    organizationUrl,
    projectId,
    projectName: text(ownReference(resource, projectId)?.projectReference?.name),
    name: text(resource.name),
    // The marker line is this resource's bookkeeping, not the description the program asked for.
    description: parseOwnerMarker(text(resource.description)).description,
    variables: sortedRecord(variables),
    secretHashes: sortedRecord(liveHashes),
    secretSalt: liveHashes.length > 0 ? hashes.secretSalt : "",
    sharedWith: references
      .filter((r) => text(r.projectReference?.id).toLowerCase() !== projectId)
      .map((r) => ({ projectId: text(r.projectReference?.id).toLowerCase(), projectName: text(r.projectReference?.name), name: text(r.name), description: text(r.description) })),
    modifiedOn: text(resource.modifiedOn),
    ...(createdByStack !== undefined && { createdByStack }),
  };
}

/**
 * Compares stored state (after refresh: what `read` returned) with desired
 * inputs. A secret that reads back as null is not a change; a new secret
 * value is caught through its salted hash; a variable edited, added, removed
 * or made (non-)secret by hand is. The project name is only a label (the
 * service keys on the id), so it never counts.
 */
export function diffVariableGroup(olds: Partial<VariableGroupState>, news: VariableGroupInputs, env: NodeJS.ProcessEnv = process.env): VariableGroupDiff {
  const desired = variableGroupFieldsFromInputs(news, env);
  const replaces: string[] = [];
  const changed: string[] = [];
  if (desired.organizationUrl !== (olds.organizationUrl ?? "")) replaces.push("organizationUrl");
  if (desired.projectId !== (olds.projectId ?? "").toLowerCase()) replaces.push("projectId");
  if (desired.name !== (olds.name ?? "")) changed.push("name");
  if (desired.description !== (olds.description ?? "")) changed.push("description");
  const live = olds.variables ?? {};
  const hashes = olds.secretHashes ?? {};
  const names = [...new Set([...Object.keys(desired.variables), ...Object.keys(live)])].sort();
  for (const name of names) {
    const want = desired.variables[name];
    const have = live[name];
    if (want === undefined || have === undefined || want.isSecret !== have.isSecret) {
      changed.push(`variables.${name}`);
    } else if (want.isSecret) {
      const known = hashes[name] ?? "";
      if (known === "" || hashSecretVariable(name, text(news.variables?.[name]?.value), olds.secretSalt ?? "") !== known) changed.push(`variables.${name}`);
    } else if (want.value !== (have.value ?? "")) {
      changed.push(`variables.${name}`);
    }
  }
  return fieldDiff(replaces, changed);
}

/**
 * The group with this name in the project (the service compares names
 * case-insensitively), lowest id first, through the name-filtered list of the
 * project: one call. The service treats `*` in the filter as a wildcard, so
 * the exact match is decided here.
 */
export async function findVariableGroup(client: AdoClient, projectId: string, name: string): Promise<VariableGroupResource | undefined> {
  const project = checkedId("project", projectId, GUID, "a GUID");
  const response = await client.request<{ value: VariableGroupResource[] }>("GET", `${project}/_apis/distributedtask/variablegroups`, {
    query: { groupName: name },
    // An answer without a list is not "no such group": create would then POST again.
    expect: expectField("value", "list of groups", Array.isArray),
  });
  return response.body.value
    .filter((g) => text(g.name).toLowerCase() === name.toLowerCase() && ownReference(g, projectId.toLowerCase()) !== undefined)
    .sort((a, b) => a.id - b.id)[0];
}

const isGroupId = (id: unknown): boolean => typeof id === "number" && Number.isInteger(id) && id > 0;

/** The shape check of every answer that returns one group. */
const EXPECT_GROUP = expectField("id", "variable group id", isGroupId);

/** The secret values a request carries, which no error may show. */
function secretValues(inputs: VariableGroupInputs): string[] {
  return Object.values(inputs.variables ?? {})
    .filter((v) => v?.isSecret === true)
    .map((v) => text(v.value));
}

function groupPath(id: string | number): string {
  return `_apis/distributedtask/variablegroups/${checkedId("variable group", String(id), INTEGER_ID, "a positive integer")}`;
}

function freshHashes(inputs: VariableGroupInputs): Pick<VariableGroupState, "secretHashes" | "secretSalt"> {
  const salt = newSalt();
  return { secretHashes: secretHashes(inputs, salt), secretSalt: salt };
}

async function replaceGroup(
  client: AdoClient,
  id: string | number,
  inputs: VariableGroupInputs,
  desired: VariableGroupFields,
  sharedWith: readonly SharedProjectReference[],
  createdByStack: boolean | undefined,
): Promise<VariableGroupState> {
  const response = await client.request<VariableGroupResource>("PUT", groupPath(id), {
    body: variableGroupBody(inputs, desired, sharedWith, createdByStack ?? true),
    expect: EXPECT_GROUP,
    secrets: secretValues(inputs),
  });
  const outs = stateFromResource(response.body, desired.organizationUrl, desired.projectId, freshHashes(inputs), createdByStack);
  const kept = keptOtherwise(outs, desired);
  if (kept.length > 0) {
    throw new Error(
      `variable group ${id} was written, but Azure DevOps kept ${kept.join(", ")}: it changes or drops these values, so every \`pulumi up\` would show the same difference; use values the service keeps as sent`,
    );
  }
  return outs;
}

/**
 * The fields `diff` compares where the answer to a PUT differs from what was
 * sent, each with what the service kept; a secret's value is never shown
 * (the service never returns it either).
 */
function keptOtherwise(live: VariableGroupFields, desired: VariableGroupFields): string[] {
  const kept: string[] = [];
  if (live.name !== desired.name) kept.push(`name ${JSON.stringify(live.name)}`);
  if (live.description !== desired.description) kept.push(`description ${JSON.stringify(live.description)}`);
  const names = [...new Set([...Object.keys(desired.variables), ...Object.keys(live.variables)])].sort();
  for (const name of names) {
    const want = desired.variables[name];
    const have = live.variables[name];
    if (have === undefined) kept.push(`no variables.${name}`);
    else if (want === undefined) kept.push(`variables.${name}, which was not sent`);
    else if (want.isSecret !== have.isSecret) kept.push(`variables.${name} as ${have.isSecret ? "a secret" : "a plain variable"}`);
    else if (!have.isSecret && have.value !== want.value) kept.push(`variables.${name} ${JSON.stringify(have.value ?? "")}`);
  }
  return kept;
}

/**
 * Creates the group, in one call when nothing goes wrong.
 *
 * The POST goes out directly. When its outcome is unknown (timeout, reset,
 * 5xx, a 2xx answer that cannot be read) create waits a backoff, looks for
 * a group with this name in the project, adopts it (PUT to the desired
 * state, secrets included) and POSTs again only when there is none. When the service refuses the POST because
 * the name is taken (400/409), the group is adopted the same way. With an
 * `owner`, a group is adopted only when its description carries that stack's
 * marker (one this stack wrote, or one its owner added by hand to hand it
 * over); any other group of the name fails the create, naming the group and
 * whom to ask, and is left untouched. A POST the service says it did not
 * process (429, 503 with Retry-After) is retried by the client.
 */
export async function createVariableGroup(
  inputs: VariableGroupInputs,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ id: string; outs: VariableGroupState }> {
  const desired = checkedFields(inputs, env);
  const client = clientFor(desired.organizationUrl);

  const owner = text(inputs.owner);
  const adopt = async (existing: VariableGroupResource): Promise<{ id: string; outs: VariableGroupState }> => {
    const others = stateFromResource(existing, desired.organizationUrl, desired.projectId, { secretHashes: {}, secretSalt: "" }).sharedWith;
    if (owner === "") return { id: String(existing.id), outs: await replaceGroup(client, existing.id, inputs, desired, others, undefined) };
    const marker = parseOwnerMarker(text(existing.description));
    if (marker.owner !== owner) throw new Error(notOursMessage(existing, desired, owner, marker.owner));
    // Our marker: this stack made the group (a POST whose answer was lost, or state since lost) or took it over by hand.
    return { id: String(existing.id), outs: await replaceGroup(client, existing.id, inputs, desired, others, marker.createdByStack) };
  };

  return createWithLookup(client, {
    post: async () => {
      const response = await client.request<VariableGroupResource>("POST", "_apis/distributedtask/variablegroups", {
        body: variableGroupBody(inputs, desired),
        // An answer without the id may hide an applied POST: the client reports it as an unknown outcome, so it is looked for.
        expect: EXPECT_GROUP,
        secrets: secretValues(inputs),
      });
      return { id: String(response.body.id), outs: stateFromResource(response.body, desired.organizationUrl, desired.projectId, freshHashes(inputs), owner === "" ? undefined : true) };
    },
    find: () => findVariableGroup(client, desired.projectId, desired.name),
    adopt,
    // The name is taken: names are unique per project, so that group is this resource's when it carries this stack's marker.
    refusedAsExisting: (error) => error.status === 400 || error.status === 409,
    lookupFailedHint: (how) =>
      `looking for a variable group named "${desired.name}" in project ${desired.projectId} ${how} too: run \`pulumi up\` again, and an existing group of that name${owner === "" ? "" : " carrying this stack's marker"} will be adopted, not duplicated`,
    nothingFound: `no variable group named "${desired.name}"`,
  });
}

/**
 * Why create refuses a group of the same name that another stack, or nobody,
 * marked: names are unique per project, so two stacks would overwrite each
 * other's variables and one's destroy would delete the other's group.
 */
function notOursMessage(existing: VariableGroupResource, desired: VariableGroupFields, owner: string, found: string | undefined): string {
  const whose =
    found === undefined
      ? "it carries no stack marker, so someone made it by hand or another tool did: ask whoever manages it (the Library page shows who created it)"
      : `its description names Pulumi stack "${found}": ask whoever runs that stack`;
  return (
    `variable group "${desired.name}" (id ${existing.id}) already exists in project ${desired.projectId} and is not managed by this stack ("${owner}"); ${whose} ` +
    `to rename or delete it, or give this integration another group name. To let this stack manage it and leave it in place on destroy, add the line ` +
    `${JSON.stringify(ownerMarker(owner, false))} at the end of its description and run \`pulumi up\` again`
  );
}

/**
 * Reads live state; an empty id means the group was deleted out of band (or
 * no longer belongs to the project), as two reads a short pause apart said
 * (see readConfirmingGone). When the service's modifiedOn moved
 * since this state was written, someone edited the group by hand and may have
 * replaced a secret the service never shows: the secret hashes are dropped so
 * the next update sends every secret again.
 */
export async function readVariableGroup(
  id: string,
  props: Partial<VariableGroupState> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ id: string; props?: VariableGroupState }> {
  const organizationUrl = resolveOrganization(props?.organizationUrl, env);
  const projectId = text(props?.projectId).toLowerCase();
  if (!GUID.test(projectId)) {
    throw new Error(`variable group ${id}: its state has no projectId, so it cannot be read; run \`pulumi state delete <urn>\` and \`pulumi up\`, which adopts the group by name`);
  }
  const client = clientFor(organizationUrl);
  // The service may answer an unknown id with an empty body (or null) instead
  // of a 404; a group no longer in the project is gone from it too.
  const resource = await readConfirmingGone(client, async () => {
    const body = (
      await client.request<VariableGroupResource | null | undefined>("GET", `${projectId}/${groupPath(id)}`, {
        expect: (b) => (b === undefined || b === null ? undefined : EXPECT_GROUP(b)),
      })
    ).body;
    return body && ownReference(body, projectId) !== undefined ? body : undefined;
  });
  if (resource === undefined) return { id: "" };
  const untouched = props?.modifiedOn !== undefined && props.modifiedOn !== "" && text(resource.modifiedOn) === props.modifiedOn;
  const hashes = untouched ? { secretHashes: props?.secretHashes ?? {}, secretSalt: props?.secretSalt ?? "" } : { secretHashes: {}, secretSalt: "" };
  return { id: String(resource.id), props: stateFromResource(resource, organizationUrl, projectId, hashes, props?.createdByStack) };
}

/** Brings the group to the desired state with one PUT, secrets included, keeping other projects' references. */
export async function updateVariableGroup(
  id: string,
  olds: Partial<VariableGroupState>,
  news: VariableGroupInputs,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ outs: VariableGroupState }> {
  const desired = checkedFields(news, env);
  return updateUnlessGone(`variable group ${id}`, "recreates it", async () => ({
    outs: await replaceGroup(clientFor(desired.organizationUrl), id, news, desired, olds.sharedWith ?? [], olds.createdByStack),
  }));
}

/**
 * Removes the group from its project; the service deletes it once no
 * project references it. One that is already gone counts as deleted. A
 * group this stack adopted but did not create (`createdByStack: false`) is
 * left as it is: only the stack's state forgets it.
 */
export async function deleteVariableGroup(
  id: string,
  props: Partial<VariableGroupState> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<void> {
  // State from before createdByStack existed counts as created, as destroy treated it then.
  if (props?.createdByStack === false) return;
  const client = clientFor(resolveOrganization(props?.organizationUrl, env));
  await deleteUnlessGone(() => client.request("DELETE", groupPath(id), { query: { projectIds: text(props?.projectId).toLowerCase() || undefined } }));
}
