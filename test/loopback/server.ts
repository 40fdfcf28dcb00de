import { createServer, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { CONFIDENTIAL_CONSUMER_INPUTS, maskedInputs, sendsMask } from "./masking";
import { LoopbackNotifications, notificationRoute } from "./notifications";

// A small, deterministic stand-in for the parts of Azure DevOps this project
// calls, shaped like Microsoft's recorded examples (masked passwords,
// server-added publisher inputs, null secret values), with scriptable faults
// and a log of every call so tests can count REST calls per operation.

/** The masked value the service shows for a confidential input (defined in ./masking). */
export { MASK } from "./masking";

/** Statuses a subscription can have. */
export type LoopbackSubscriptionStatus = "enabled" | "onProbation" | "disabledByUser" | "disabledBySystem" | "disabledByInactiveIdentity";

/** A subscription as the server keeps it: the password in clear, as the real service must. */
export interface StoredSubscription {
  id: string;
  publisherId: string;
  eventType: string;
  resourceVersion: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  status: LoopbackSubscriptionStatus;
  createdDate: string;
  modifiedDate: string;
}

/** A project. */
export interface StoredProject {
  id: string;
  name: string;
  description?: string;
}

/** A variable group, secret values included. */
export interface StoredVariableGroup {
  id: number;
  name: string;
  description: string;
  type: string;
  variables: Record<string, { value: string | null; isSecret?: boolean; isReadOnly?: boolean }>;
  projectReferences: { projectReference: { id: string; name: string }; name: string; description: string }[];
  createdOn: string;
  modifiedOn: string;
}

/** A service principal entitlement. */
export interface StoredEntitlement {
  id: string;
  originId: string;
  origin: string;
  displayName: string;
  accountLicenseType: string;
  dateCreated: string;
  /** Project group memberships, one per project, as `projectEntitlements` reports them. */
  projectEntitlements: LoopbackProjectEntitlement[];
}

/** A principal's membership of one project's group. */
export interface LoopbackProjectEntitlement {
  projectId: string;
  /** `projectReader`, `projectContributor`, `projectAdministrator`, `projectStakeholder` or `custom`. */
  groupType: string;
}

/** The group types the entitlement API knows, with the group names the service shows. */
const PROJECT_GROUP_NAMES: Record<string, string> = {
  projectStakeholder: "Project Valid Users",
  projectReader: "Readers",
  projectContributor: "Contributors",
  projectAdministrator: "Project Administrators",
  custom: "Custom",
};

/** What the service answers for an api-version without `-preview` on a preview resource. */
function previewRequired(version: string): HttpError {
  return new HttpError(
    400,
    `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
    "VssInvalidPreviewVersionException",
  );
}

/** One recorded call. */
export interface LoopbackCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON request body, when there was one. */
  readonly body?: unknown;
  /** Status answered, or 0 when nothing was (a reset connection, a hang). */
  status: number;
}

/** What a fault does to a matching call. */
export type Fault =
  /** Answer with this status (and Retry-After and `headers` if given). With `apply`, the call is carried out first. */
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly apply?: boolean; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  /**
   * Carry the call out, then answer with its status and a body nobody can
   * read: the real answer cut in half (`truncated`), an HTML page (`notJson`),
   * or nothing (`empty`). `status` replaces the real one (a 204 carries no
   * body). The outcome is unknown to the client: it was applied.
   */
  | { readonly kind: "garble"; readonly answer: "truncated" | "notJson" | "empty"; readonly status?: number }
  /** Carry the call out as if its JSON body were `alter(body)`: the service dropping or changing part of what was sent. */
  | { readonly kind: "alterRequest"; readonly alter: (body: unknown) => unknown }
  /** Answer 203 with an HTML sign-in page, as the service does for a rejected credential without X-TFS-FedAuthRedirect. */
  | { readonly kind: "signIn" }
  /** Destroy the connection without an answer. With `apply`, the call is carried out first. */
  | { readonly kind: "reset"; readonly apply?: boolean }
  /**
   * Carry the call out at once and never answer: the response stays open
   * until the client gives up and closes the connection (its request timeout:
   * an unknown outcome) or the server stops. Recorded with status 0. Nothing
   * here is timed, so the outcome does not depend on the machine's speed.
   */
  | { readonly kind: "hang" }
  /** Answer with a redirect (301, 302, 303, 307, 308) to `location`, without carrying the call out. */
  | { readonly kind: "redirect"; readonly status: number; readonly location: string }
  /** Carry the call out and add rate-limit headers to the answer. */
  | { readonly kind: "rateLimit"; readonly remaining?: number; readonly limit?: number; readonly resetSeconds?: number; readonly delaySeconds?: number; readonly retryAfter?: string };

/** Which calls a fault hits, and how many times. */
export interface FaultRule {
  /** HTTP method; any when absent. */
  readonly method?: string;
  /** A path suffix on a segment boundary (`_apis/hooks/subscriptions`), or a RegExp; any when absent. */
  readonly path?: string | RegExp;
  /** How many matching calls it hits. Defaults to 1. */
  readonly times?: number;
  /** Matching calls it lets through (to later rules, or untouched) before its first hit. Defaults to 0. */
  readonly after?: number;
  readonly fault: Fault;
}

/** Scripts faults; the first rule that matches a call and has hits left applies. */
export class Faults {
  private rules: { rule: FaultRule; left: number; letThrough: number }[] = [];

  /** Adds a rule. */
  add(rule: FaultRule): void {
    this.rules.push({ rule, left: rule.times ?? 1, letThrough: rule.after ?? 0 });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Hits not yet used, across rules. */
  get pending(): number {
    return this.rules.reduce((sum, r) => sum + (Number.isFinite(r.left) ? r.left : 1), 0);
  }

  /** @internal The fault for a call, consuming one hit. */
  take(method: string, path: string): Fault | undefined {
    for (const entry of this.rules) {
      if (entry.left <= 0) continue;
      const { rule } = entry;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && !pathMatches(rule.path, path)) continue;
      if (entry.letThrough > 0) {
        entry.letThrough--;
        continue;
      }
      entry.left--;
      return rule.fault;
    }
    return undefined;
  }
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  const suffix = pattern.replace(/^\/+/, "");
  return path === `/${suffix}` || path.endsWith(`/${suffix}`);
}

/** Options of {@link startLoopback}. */
export interface LoopbackOptions {
  /** Organization name in paths. Defaults to "contoso". */
  readonly organization?: string;
  /** The PAT the server accepts (any user name). Defaults to a fixed test value. */
  readonly pat?: string;
  /** The Entra bearer token the server accepts. Defaults to a fixed test value. */
  readonly bearerToken?: string;
  /** Projects, or how many to make ("project-01", ...). Defaults to 3 named like Microsoft's example. */
  readonly projects?: readonly { readonly id?: string; readonly name: string }[] | number;
  /** Largest page the projects list returns, whatever `$top` asks. Defaults to 100. */
  readonly maxPageSize?: number;
  /** Answer every rejected credential with a 203 sign-in page, even with X-TFS-FedAuthRedirect: Suppress. */
  readonly signInPageOnBadAuth?: boolean;
}

/** A running loopback server. */
export interface Loopback {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `http://127.0.0.1:PORT/{organization}` */
  readonly orgUrl: string;
  readonly organization: string;
  readonly pat: string;
  readonly bearerToken: string;
  readonly state: LoopbackState;
  readonly faults: Faults;
  /** Every call, in order. */
  readonly calls: LoopbackCall[];
  /** Calls with this method (any when undefined) whose path matches (a suffix or RegExp). */
  count(method?: string, path?: string | RegExp): number;
  /** Stops the server and drops open connections. */
  stop(): Promise<void>;
}

const HOST_ID = "d81542e4-cdfa-4333-b082-1ae2d6c3ad16";
const USER_ID = "00ca946b-2fe9-4f2a-ae2f-40d5c48001bc";

/** Server-side data, with out-of-band edits for drift tests. */
export class LoopbackState {
  /** Projects, in list order. */
  readonly projects: StoredProject[];
  /** Service hook subscriptions by id, passwords in clear. */
  readonly subscriptions = new Map<string, StoredSubscription>();
  /** Variable groups by id, secret values in clear. */
  readonly variableGroups = new Map<number, StoredVariableGroup>();
  /** Service principal entitlements by id. */
  readonly entitlements = new Map<string, StoredEntitlement>();
  /** Delivery history of the service hooks, and test deliveries (see notifications.ts). */
  readonly notifications = new LoopbackNotifications(this);
  private sequence = 0;
  private clock = Date.UTC(2024, 0, 1);

  constructor(projects: StoredProject[]) {
    this.projects = projects;
  }

  /** A deterministic, well-formed UUID. */
  nextId(): string {
    this.sequence++;
    return `00000000-0000-4000-8000-${this.sequence.toString(16).padStart(12, "0")}`;
  }

  /** A deterministic timestamp one second after the last. */
  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  /** Next integer id (variable groups). */
  nextNumber(): number {
    return ++this.sequence;
  }

  /** The stored subscription, or an error naming the id (test helper). */
  subscription(id: string): StoredSubscription {
    const found = this.subscriptions.get(id);
    if (!found) throw new Error(`loopback: no subscription ${id}`);
    return found;
  }

  /** Out-of-band edit: someone changed the webhook URL in the portal. */
  setSubscriptionUrl(id: string, url: string): void {
    const subscription = this.subscription(id);
    subscription.consumerInputs.url = url;
    subscription.modifiedDate = this.now();
  }

  /** Out-of-band edit: the service or a user changed the status. */
  setSubscriptionStatus(id: string, status: LoopbackSubscriptionStatus): void {
    const subscription = this.subscription(id);
    subscription.status = status;
    subscription.modifiedDate = this.now();
  }

  /** Out-of-band delete. */
  removeSubscription(id: string): void {
    this.subscription(id);
    this.subscriptions.delete(id);
  }

  /** The stored variable group, or an error naming the id (test helper). */
  variableGroup(id: number | string): StoredVariableGroup {
    const found = this.variableGroups.get(Number(id));
    if (!found) throw new Error(`loopback: no variable group ${id}`);
    return found;
  }

  /** Out-of-band edit: someone set (or added) a variable in the portal. */
  setVariable(groupId: number | string, name: string, variable: { value: string; isSecret?: boolean }): void {
    const group = this.variableGroup(groupId);
    group.variables[name] = { value: variable.value, ...(variable.isSecret ? { isSecret: true } : {}) };
    group.modifiedOn = this.now();
  }

  /** Out-of-band edit: someone deleted a variable in the portal. */
  removeVariable(groupId: number | string, name: string): void {
    const group = this.variableGroup(groupId);
    if (!(name in group.variables)) throw new Error(`loopback: variable group ${groupId} has no variable ${name}`);
    delete group.variables[name];
    group.modifiedOn = this.now();
  }

  /** Out-of-band delete of a whole variable group. */
  removeVariableGroup(id: number | string): void {
    this.variableGroups.delete(this.variableGroup(id).id);
  }

  /** The stored service principal entitlement, or an error naming the id (test helper). */
  entitlement(id: string): StoredEntitlement {
    const found = this.entitlements.get(id);
    if (!found) throw new Error(`loopback: no entitlement ${id}`);
    return found;
  }

  /** Out-of-band edit: an administrator changed the principal's access level. */
  setEntitlementAccessLevel(id: string, accountLicenseType: string): void {
    this.entitlement(id).accountLicenseType = accountLicenseType;
  }

  /** Out-of-band edit: an administrator changed the principal's project group memberships. */
  setEntitlementProjects(id: string, projectEntitlements: LoopbackProjectEntitlement[]): void {
    this.entitlement(id).projectEntitlements = projectEntitlements.map((p) => ({ ...p }));
  }

  /** Out-of-band removal of the principal from the organization. */
  removeEntitlement(id: string): void {
    this.entitlements.delete(this.entitlement(id).id);
  }

  /** Creates a subscription as the service would for a POST body; used by the POST route and by tests for hand-made ones. */
  insertSubscription(body: SubscriptionBody): StoredSubscription {
    const id = this.nextId();
    const at = this.now();
    const stored: StoredSubscription = {
      id,
      publisherId: body.publisherId,
      eventType: body.eventType,
      resourceVersion: body.resourceVersion ?? "1.0",
      consumerId: body.consumerId,
      consumerActionId: body.consumerActionId,
      publisherInputs: { ...body.publisherInputs, hostId: HOST_ID, tfsSubscriptionId: this.nextId() },
      consumerInputs: { ...body.consumerInputs },
      status: "enabled",
      createdDate: at,
      modifiedDate: at,
    };
    this.subscriptions.set(id, stored);
    return stored;
  }
}

interface SubscriptionBody {
  publisherId: string;
  eventType: string;
  resourceVersion?: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  status?: LoopbackSubscriptionStatus;
}

/** AccessLevel.accountLicenseType values of the entitlement API. */
const ACCOUNT_LICENSE_TYPES = new Set(["none", "earlyAdopter", "express", "professional", "advanced", "stakeholder"]);
const SUBSCRIPTION_STATUSES = new Set(["enabled", "onProbation", "disabledByUser", "disabledBySystem", "disabledByInactiveIdentity"]);

/** A reply the router produced. */
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey: string,
  ) {
    super(message);
  }
}

function errorBody(message: string, typeKey: string): Record<string, unknown> {
  // The service's error shape: message with a TF/VS code where it has one, and the exception type.
  return { $id: "1", innerException: null, message, typeName: `Microsoft.VisualStudio.Services.${typeKey}`, typeKey, errorCode: 0, eventId: 3000 };
}

const SIGN_IN_PAGE = "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in to your account</body></html>";

function stringRecord(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new HttpError(400, `${name} must be an object of strings`, "InvalidSubscriptionException");
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") throw new HttpError(400, `${name}.${key} must be a string`, "InvalidSubscriptionException");
    result[key] = item;
  }
  return result;
}

/** Starts the server on 127.0.0.1 with a random port. */
export async function startLoopback(options: LoopbackOptions = {}): Promise<Loopback> {
  const organization = options.organization ?? "contoso";
  const pat = options.pat ?? "loopback-pat-0123456789abcdef";
  const bearerToken = options.bearerToken ?? "loopback-entra-token-0123456789";
  const maxPageSize = options.maxPageSize ?? 100;
  const state = new LoopbackState([]);
  const projectSpec = options.projects ?? [{ name: "Fabrikam-Fiber-TFVC" }, { name: "Fabrikam-Fiber-Git" }, { name: "TestGit" }];
  const projectList = typeof projectSpec === "number" ? Array.from({ length: projectSpec }, (_, i) => ({ name: `project-${String(i + 1).padStart(2, "0")}` })) : projectSpec;
  for (const project of projectList) {
    state.projects.push({ id: ("id" in project && project.id) || state.nextId(), name: project.name });
  }
  const faults = new Faults();
  const calls: LoopbackCall[] = [];
  const sockets = new Set<Socket>();
  let base = "";

  const subscriptionView = (s: StoredSubscription): Record<string, unknown> => ({
    id: s.id,
    url: `${base}/${organization}/_apis/hooks/subscriptions/${s.id}`,
    status: s.status,
    publisherId: s.publisherId,
    eventType: s.eventType,
    resourceVersion: s.resourceVersion,
    eventDescription: "",
    consumerId: s.consumerId,
    consumerActionId: s.consumerActionId,
    actionDescription: describeAction(s.consumerInputs.url),
    createdBy: { id: USER_ID },
    createdDate: s.createdDate,
    modifiedBy: { id: USER_ID },
    modifiedDate: s.modifiedDate,
    publisherInputs: { ...s.publisherInputs },
    consumerInputs: maskedInputs(s.consumerInputs),
  });

  const projectView = (p: StoredProject): Record<string, unknown> => ({
    id: p.id,
    name: p.name,
    ...(p.description === undefined ? {} : { description: p.description }),
    url: `${base}/${organization}/_apis/projects/${p.id}`,
    state: "wellFormed",
    revision: 1,
    visibility: "private",
    lastUpdateTime: "2024-01-01T00:00:00Z",
  });

  const variableGroupView = (g: StoredVariableGroup): Record<string, unknown> => ({
    variables: Object.fromEntries(
      Object.entries(g.variables).map(([k, v]) => [k, v.isSecret ? { value: null, isSecret: true } : { value: v.value, ...(v.isReadOnly ? { isReadOnly: true } : {}) }]),
    ),
    id: g.id,
    type: g.type,
    name: g.name,
    description: g.description,
    createdBy: { id: USER_ID },
    createdOn: g.createdOn,
    modifiedBy: { id: USER_ID },
    modifiedOn: g.modifiedOn,
    isShared: g.projectReferences.length > 1,
    variableGroupProjectReferences: g.projectReferences,
  });

  const entitlementView = (e: StoredEntitlement): Record<string, unknown> => ({
    id: e.id,
    servicePrincipal: {
      subjectKind: "servicePrincipal",
      origin: e.origin,
      originId: e.originId,
      displayName: e.displayName,
      descriptor: `aadsp.${Buffer.from(e.id).toString("base64url")}`,
      applicationId: e.originId,
    },
    accessLevel: { accountLicenseType: e.accountLicenseType, licensingSource: "account", status: "active", licenseDisplayName: e.accountLicenseType },
    dateCreated: e.dateCreated,
    lastAccessedDate: "0001-01-01T00:00:00Z",
    projectEntitlements: e.projectEntitlements.map((p) => ({
      projectRef: { id: p.projectId, name: state.projects.find((x) => x.id === p.projectId)?.name ?? "" },
      group: { groupType: p.groupType, displayName: PROJECT_GROUP_NAMES[p.groupType] ?? p.groupType },
      projectPermissionInherited: "notInherited",
      teamRefs: [],
      assignmentSource: "unknown",
    })),
    extensions: [],
    groupAssignments: [],
  });

  const findProject = (idOrName: string): StoredProject => {
    const decoded = decodeURIComponent(idOrName);
    const project = state.projects.find((p) => p.id === decoded.toLowerCase() || p.name.toLowerCase() === decoded.toLowerCase());
    if (!project) throw new HttpError(404, `TF200016: The following project does not exist: ${decoded}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, "ProjectDoesNotExistWithNameException");
    return project;
  };

  const subscriptionBody = (raw: unknown): SubscriptionBody => {
    if (typeof raw !== "object" || raw === null) throw new HttpError(400, "The subscription body is missing.", "InvalidSubscriptionException");
    const body = raw as Record<string, unknown>;
    for (const key of ["publisherId", "eventType", "consumerId", "consumerActionId"]) {
      if (typeof body[key] !== "string" || body[key] === "") throw new HttpError(400, `The subscription is missing ${key}.`, "InvalidSubscriptionException");
    }
    const publisherInputs = stringRecord(body.publisherInputs, "publisherInputs");
    const consumerInputs = stringRecord(body.consumerInputs, "consumerInputs");
    findProject(publisherInputs.projectId ?? "");
    if (!/^https?:\/\//.test(consumerInputs.url ?? "")) throw new HttpError(400, "The subscription input 'url' must be an absolute URL.", "SubscriptionInputException");
    if (body.status !== undefined && !SUBSCRIPTION_STATUSES.has(body.status as string)) throw new HttpError(400, "Unknown subscription status.", "InvalidSubscriptionException");
    return {
      publisherId: body.publisherId as string,
      eventType: body.eventType as string,
      resourceVersion: typeof body.resourceVersion === "string" ? body.resourceVersion : undefined,
      consumerId: body.consumerId as string,
      consumerActionId: body.consumerActionId as string,
      publisherInputs,
      consumerInputs,
      status: body.status as LoopbackSubscriptionStatus | undefined,
    };
  };

  const subscriptionNotFound = (id: string): HttpError => new HttpError(404, `Subscription with id ${id} does not exist.`, "SubscriptionNotFoundException");

  const matchesFilters = (inputs: Record<string, string>, filters: unknown): boolean => {
    if (!Array.isArray(filters) || filters.length === 0) return true;
    // Each filter must match; a filter matches when any of its conditions holds.
    return filters.every((filter: { conditions?: { inputId: string; inputValue?: string; operator?: string; caseSensitive?: boolean }[] }) => {
      const conditions = filter.conditions ?? [];
      if (conditions.length === 0) return true;
      return conditions.some((c) => {
        const actual = inputs[c.inputId] ?? "";
        const expected = c.inputValue ?? "";
        const equal = c.caseSensitive ? actual === expected : actual.toLowerCase() === expected.toLowerCase();
        return c.operator === "notEquals" ? !equal : equal;
      });
    });
  };

  const variableGroupInput = (raw: unknown, pathProject?: StoredProject) => {
    if (typeof raw !== "object" || raw === null) throw new HttpError(400, "The variable group body is missing.", "InvalidRequestException");
    const body = raw as Record<string, unknown>;
    if (typeof body.name !== "string" || body.name.trim() === "") throw new HttpError(400, "Variable group name is required.", "InvalidRequestException");
    const variables: StoredVariableGroup["variables"] = {};
    for (const [key, value] of Object.entries((body.variables ?? {}) as Record<string, { value?: unknown; isSecret?: unknown; isReadOnly?: unknown }>)) {
      variables[key] = {
        value: typeof value?.value === "string" ? value.value : null,
        ...(value?.isSecret === true ? { isSecret: true } : {}),
        ...(value?.isReadOnly === true ? { isReadOnly: true } : {}),
      };
    }
    const references = Array.isArray(body.variableGroupProjectReferences)
      ? (body.variableGroupProjectReferences as { projectReference?: { id?: string; name?: string }; name?: string; description?: string }[]).map((r) => {
          const project = findProject(r.projectReference?.id ?? r.projectReference?.name ?? "");
          return { projectReference: { id: project.id, name: project.name }, name: r.name ?? (body.name as string), description: r.description ?? "" };
        })
      : [];
    if (references.length === 0 && pathProject) {
      references.push({ projectReference: { id: pathProject.id, name: pathProject.name }, name: body.name, description: typeof body.description === "string" ? body.description : "" });
    }
    if (references.length === 0) throw new HttpError(400, "variableGroupProjectReferences must name at least one project.", "InvalidRequestException");
    return {
      name: body.name,
      description: typeof body.description === "string" ? body.description : "",
      type: typeof body.type === "string" ? body.type : "Vsts",
      variables,
      references,
    };
  };

  const projectEntitlementInput = (projectId: string | undefined, groupType: string | undefined): LoopbackProjectEntitlement => {
    if (groupType === undefined || !(groupType in PROJECT_GROUP_NAMES)) throw new HttpError(400, `Unknown group type ${groupType ?? ""}.`, "InvalidAccessException");
    return { projectId: findProject(projectId ?? "").id, groupType };
  };

  const route = (method: string, segments: string[], query: Record<string, string>, body: unknown, contentType: string): Reply | Promise<Reply> => {
    // segments: [organization, (project,)? "_apis", ...]
    if (segments[0] !== organization) throw new HttpError(404, `TF400898: organization ${segments[0] ?? ""} not found.`, "OrganizationNotFoundException");
    const apis = segments.indexOf("_apis");
    if (apis < 1 || apis > 2) throw new HttpError(404, "No such API.", "LoopbackNoRoute");
    const pathProject = apis === 2 ? findProject(segments[1]!) : undefined;
    const rest = segments.slice(apis + 1);
    const key = `${method} ${rest.map((s, i) => (i >= 2 ? "{}" : s)).join("/")}`;
    const version = query["api-version"] ?? "";
    if (!/^7\.1(-preview(\.\d+)?)?$/.test(version)) {
      throw new HttpError(400, `The loopback server serves api-version 7.1 only; got "${version}".`, "LoopbackApiVersionException");
    }

    if (!pathProject && method === "GET" && rest.join("/") === "connectionData") {
      // connectionData is a preview resource: the service rejects a bare "7.1".
      if (!version.includes("-preview")) throw previewRequired(version);
      const user = { id: USER_ID, descriptor: "aad.loopback", providerDisplayName: "Loopback User", isActive: true, properties: {} };
      return {
        status: 200,
        body: {
          authenticatedUser: user,
          authorizedUser: user,
          instanceId: "a3c0ef7e-610c-4321-9a05-6d74e4930c7d",
          deploymentId: "d81542e4-cdfa-4333-b082-1ae2d6c3ad16",
          deploymentType: "hosted",
          locationServiceData: { serviceOwner: "00025394-6065-48ca-87d9-7f5672854ef7", defaultAccessMappingMoniker: "PublicAccessMapping", lastChangeId: 1, lastChangeId64: 1 },
        },
      };
    }

    if (!pathProject && method === "GET" && rest.join("/") === "projects") {
      const top = Math.min(Number(query.$top ?? 100) || 100, maxPageSize);
      const start = Number(query.continuationToken ?? 0) || 0;
      const page = state.projects.slice(start, start + top);
      const headers: Record<string, string> = {};
      if (start + top < state.projects.length) headers["x-ms-continuationtoken"] = String(start + top);
      return { status: 200, body: { count: page.length, value: page.map(projectView) }, headers };
    }

    if (!pathProject && rest[0] === "hooks") {
      // Notifications (delivery history, test deliveries) live in their own module.
      const delivery = notificationRoute({ state, subscriptionView, fail: (status, message, typeKey) => new HttpError(status, message, typeKey), subscriptionNotFound }, method, rest, query, body);
      if (delivery !== undefined) return delivery;
      const id = rest[2] ?? "";
      switch (key) {
        case "POST hooks/subscriptions": {
          const parsed = subscriptionBody(body);
          return { status: 200, body: subscriptionView(state.insertSubscription(parsed)) };
        }
        case "GET hooks/subscriptions": {
          const value = [...state.subscriptions.values()]
            .filter((s) => ["publisherId", "eventType", "consumerId", "consumerActionId"].every((f) => query[f] === undefined || query[f] === s[f as keyof StoredSubscription]))
            .map(subscriptionView);
          return { status: 200, body: { count: value.length, value } };
        }
        case "POST hooks/subscriptionsquery": {
          const q = (body ?? {}) as Record<string, unknown>;
          const results = [...state.subscriptions.values()]
            .filter((s) => ["publisherId", "eventType", "consumerId", "consumerActionId"].every((f) => q[f] === undefined || q[f] === null || q[f] === s[f as keyof StoredSubscription]))
            .filter((s) => matchesFilters(s.publisherInputs, q.publisherInputFilters) && matchesFilters(s.consumerInputs, q.consumerInputFilters))
            .map(subscriptionView);
          return { status: 200, body: { ...q, results } };
        }
        case "GET hooks/subscriptions/{}": {
          const found = state.subscriptions.get(id);
          if (!found) throw subscriptionNotFound(id);
          return { status: 200, body: subscriptionView(found) };
        }
        case "PUT hooks/subscriptions/{}": {
          const found = state.subscriptions.get(id);
          if (!found) throw subscriptionNotFound(id);
          const parsed = subscriptionBody(body);
          const consumerInputs = { ...parsed.consumerInputs };
          // Sending the mask back keeps the stored secret, as the service does.
          for (const name of CONFIDENTIAL_CONSUMER_INPUTS) {
            if (sendsMask(name, consumerInputs[name]) && found.consumerInputs[name] !== undefined) consumerInputs[name] = found.consumerInputs[name];
          }
          found.eventType = parsed.eventType;
          found.resourceVersion = parsed.resourceVersion ?? found.resourceVersion;
          found.publisherInputs = { ...parsed.publisherInputs, hostId: HOST_ID, tfsSubscriptionId: found.publisherInputs.tfsSubscriptionId ?? state.nextId() };
          found.consumerInputs = consumerInputs;
          // An owner who is inactive cannot have the subscription re-enabled.
          if (parsed.status !== undefined && found.status !== "disabledByInactiveIdentity") found.status = parsed.status;
          found.modifiedDate = state.now();
          return { status: 200, body: subscriptionView(found) };
        }
        case "DELETE hooks/subscriptions/{}": {
          if (!state.subscriptions.delete(id)) throw subscriptionNotFound(id);
          return { status: 204 };
        }
      }
    }

    if (rest[0] === "distributedtask" && rest[1] === "variablegroups") {
      const id = rest[2] === undefined ? undefined : Number(rest[2]);
      const group = id === undefined ? undefined : state.variableGroups.get(id);
      const missing = (): HttpError => new HttpError(404, `Variable group with id ${rest[2]} does not exist.`, "VariableGroupNotFoundException");
      if (method === "POST" && id === undefined) {
        const input = variableGroupInput(body, pathProject);
        for (const existing of state.variableGroups.values()) {
          const clash = existing.name.toLowerCase() === input.name.toLowerCase() && existing.projectReferences.some((r) => input.references.some((n) => n.projectReference.id === r.projectReference.id));
          if (clash) throw new HttpError(400, `Variable group with name ${input.name} already exists.`, "VariableGroupExistsException");
        }
        const at = state.now();
        const stored: StoredVariableGroup = { id: state.nextNumber(), name: input.name, description: input.description, type: input.type, variables: input.variables, projectReferences: input.references, createdOn: at, modifiedOn: at };
        state.variableGroups.set(stored.id, stored);
        return { status: 200, body: variableGroupView(stored) };
      }
      if (method === "GET" && id === undefined) {
        if (!pathProject) throw new HttpError(404, "List variable groups under a project.", "LoopbackNoRoute");
        const ids = query.groupIds?.split(",").map(Number);
        const value = [...state.variableGroups.values()]
          .filter((g) => g.projectReferences.some((r) => r.projectReference.id === pathProject.id))
          .filter((g) => ids === undefined || ids.includes(g.id))
          .filter((g) => query.groupName === undefined || g.name.toLowerCase() === query.groupName.toLowerCase())
          .map(variableGroupView);
        return { status: 200, body: { count: value.length, value } };
      }
      if (method === "GET") {
        if (!group || (pathProject && !group.projectReferences.some((r) => r.projectReference.id === pathProject.id))) throw missing();
        return { status: 200, body: variableGroupView(group) };
      }
      if (method === "PUT") {
        if (!group) throw missing();
        const input = variableGroupInput(body, pathProject);
        // A secret sent back as null keeps its stored value, as the service does.
        for (const [name, value] of Object.entries(input.variables)) {
          if (value.isSecret && value.value === null) value.value = group.variables[name]?.value ?? null;
        }
        Object.assign(group, { name: input.name, description: input.description, type: input.type, variables: input.variables, projectReferences: input.references, modifiedOn: state.now() });
        return { status: 200, body: variableGroupView(group) };
      }
      if (method === "DELETE") {
        if (!group) throw missing();
        // projectIds is required: the group leaves those projects and is deleted once it is in none.
        const from = query.projectIds?.split(",").map((p) => findProject(p.trim()).id) ?? (pathProject ? [pathProject.id] : undefined);
        if (from === undefined) throw new HttpError(400, "The projectIds parameter is required.", "ArgumentNullException");
        group.projectReferences = group.projectReferences.filter((r) => !from.includes(r.projectReference.id));
        if (group.projectReferences.length === 0) state.variableGroups.delete(group.id);
        return { status: 204 };
      }
    }

    if (!pathProject && rest[0] === "serviceprincipalentitlements") {
      // A preview resource: the service rejects a bare "7.1".
      if (!version.includes("-preview")) throw previewRequired(version);
      const id = rest[1];
      const notFound = (): HttpError => new HttpError(404, `VS403283: Could not find user with id ${id ?? ""}.`, "UserEntitlementNotFoundException");
      if (method === "POST" && id === undefined) {
        const b = (body ?? {}) as {
          servicePrincipal?: { origin?: string; originId?: string; displayName?: string };
          accessLevel?: { accountLicenseType?: string };
          projectEntitlements?: { group?: { groupType?: string }; projectRef?: { id?: string } }[];
        };
        const originId = b.servicePrincipal?.originId;
        if (!originId) throw new HttpError(400, "servicePrincipal.originId is required.", "InvalidAccessException");
        const accountLicenseType = b.accessLevel?.accountLicenseType ?? "express";
        if (!ACCOUNT_LICENSE_TYPES.has(accountLicenseType)) throw new HttpError(400, `Unknown accountLicenseType ${accountLicenseType}.`, "InvalidAccessException");
        const projectEntitlements = (b.projectEntitlements ?? []).map((p) => projectEntitlementInput(p.projectRef?.id, p.group?.groupType));
        // One entitlement per principal: adding a principal already in the organization
        // answers with it unchanged (the conservative reading; the real service is unverified here).
        let stored = [...state.entitlements.values()].find((e) => e.originId === originId);
        if (!stored) {
          stored = {
            id: state.nextId(),
            originId,
            origin: b.servicePrincipal?.origin ?? "aad",
            displayName: b.servicePrincipal?.displayName ?? originId,
            accountLicenseType,
            dateCreated: state.now(),
            projectEntitlements,
          };
          state.entitlements.set(stored.id, stored);
        }
        const view = entitlementView(stored);
        return { status: 200, body: { isSuccess: true, haveResultsBeenPersisted: true, operationResult: { isSuccess: true, errors: [], servicePrincipalId: stored.id, result: view }, servicePrincipalEntitlement: view } };
      }
      if (method === "GET" && id === undefined) {
        // The organization's service principals in one page, as a paged member list (discovery reads it).
        const members = [...state.entitlements.values()].map(entitlementView);
        return { status: 200, body: { members, continuationToken: null, totalCount: members.length } };
      }
      const found = id === undefined ? undefined : state.entitlements.get(id);
      if (method === "GET" && id !== undefined) {
        if (!found) throw notFound();
        return { status: 200, body: entitlementView(found) };
      }
      if (method === "PATCH" && id !== undefined) {
        if (!contentType.startsWith("application/json-patch+json")) {
          throw new HttpError(
            400,
            `The request indicated a Content-Type of "${contentType}" for method type "PATCH" which is not supported. Valid content types for this method are: application/json-patch+json.`,
            "VssRequestContentTypeNotSupportedException",
          );
        }
        if (!found) throw notFound();
        if (!Array.isArray(body)) throw new HttpError(400, "The request body must be a JSON patch document (an array of operations).", "InvalidAccessException");
        // Validate every operation before applying any, as one document is one change.
        const changes = (body as { op?: string; path?: string; value?: unknown }[]).map((operation) => {
          const path = operation.path ?? "";
          if (path === "/accessLevel" && (operation.op === "replace" || operation.op === "add")) {
            const level = (operation.value ?? {}) as { accountLicenseType?: string };
            if (!ACCOUNT_LICENSE_TYPES.has(level.accountLicenseType ?? "")) throw new HttpError(400, `Unknown accountLicenseType ${level.accountLicenseType ?? ""}.`, "InvalidAccessException");
            return (e: StoredEntitlement) => {
              e.accountLicenseType = level.accountLicenseType!;
            };
          }
          const project = /^\/projectEntitlements\/([0-9a-fA-F-]{36})$/.exec(path)?.[1]?.toLowerCase();
          if (project !== undefined && operation.op === "add") {
            const value = (operation.value ?? {}) as { group?: { groupType?: string }; projectRef?: { id?: string } };
            const membership = projectEntitlementInput(value.projectRef?.id ?? project, value.group?.groupType);
            return (e: StoredEntitlement) => {
              e.projectEntitlements = [...e.projectEntitlements.filter((p) => p.projectId !== membership.projectId), membership];
            };
          }
          if (project !== undefined && operation.op === "remove") {
            return (e: StoredEntitlement) => {
              e.projectEntitlements = e.projectEntitlements.filter((p) => p.projectId !== project);
            };
          }
          throw new HttpError(400, `The loopback server does not support op "${operation.op ?? ""}" on "${path}".`, "InvalidAccessException");
        });
        for (const change of changes) change(found);
        const operationResults = changes.map(() => ({ isSuccess: true, errors: [], servicePrincipalId: found.id, result: null }));
        return { status: 200, body: { isSuccess: true, operationResults, servicePrincipalEntitlement: entitlementView(found) } };
      }
      if (method === "DELETE" && id !== undefined) {
        if (!found) throw notFound();
        state.entitlements.delete(found.id);
        return { status: 204 };
      }
    }

    throw new HttpError(404, `The loopback server has no route for ${method} /${segments.join("/")}.`, "LoopbackNoRoute");
  };

  const authorized = (request: IncomingMessage): boolean => {
    const header = request.headers.authorization ?? "";
    if (header.startsWith("Bearer ")) return header.slice("Bearer ".length) === bearerToken;
    if (header.startsWith("Basic ")) {
      const decoded = Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
      return decoded.slice(decoded.indexOf(":") + 1) === pat;
    }
    return false;
  };

  const send = (response: ServerResponse, reply: Reply): void => {
    if (response.destroyed || response.writableEnded) return;
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.body === undefined) {
      response.writeHead(reply.status, headers);
      response.end();
      return;
    }
    if (typeof reply.body === "string") {
      response.writeHead(reply.status, { "content-type": "text/html; charset=utf-8", ...headers });
      response.end(reply.body);
      return;
    }
    response.writeHead(reply.status, { "content-type": "application/json; charset=utf-8; api-version=7.1", ...headers });
    response.end(JSON.stringify(reply.body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = (request.method ?? "GET").toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    let malformed = false;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        malformed = true;
      }
    }
    const call: LoopbackCall = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), ...(body === undefined ? {} : { body }), status: 0 };
    calls.push(call);
    const reply = (r: Reply): void => {
      call.status = r.status;
      send(response, r);
    };

    const fault = faults.take(method, url.pathname);
    if (fault?.kind === "signIn") return reply({ status: 203, body: SIGN_IN_PAGE });
    if (fault?.kind === "redirect") return reply({ status: fault.status, headers: { location: fault.location } });
    if (fault?.kind === "reset" && !fault.apply) {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "status" && !fault.apply) {
      return reply({
        status: fault.status,
        body: fault.body ?? errorBody(fault.status >= 500 ? "TF400898: An Internal Error Occurred." : `Injected ${fault.status}.`, "LoopbackInjectedException"),
        headers: { ...(fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }), ...fault.headers },
      });
    }

    if (!authorized(request)) {
      if (options.signInPageOnBadAuth || request.headers["x-tfs-fedauthredirect"] !== "Suppress") return reply({ status: 203, body: SIGN_IN_PAGE });
      return reply({
        status: 401,
        body: errorBody("TF400813: The user '' is not authorized to access this resource.", "UnauthorizedRequestException"),
        headers: { "www-authenticate": 'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="https://dev.azure.com/"' },
      });
    }

    let result: Reply;
    try {
      if (malformed) throw new HttpError(400, "The request body is not valid JSON.", "InvalidRequestException");
      const sent = fault?.kind === "alterRequest" ? fault.alter(structuredClone(body)) : body;
      result = await route(method, url.pathname.split("/").filter((s) => s !== ""), call.query, sent, request.headers["content-type"] ?? "");
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      result = { status: error.status, body: errorBody(error.message, error.typeKey) };
    }

    if (fault?.kind === "reset") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      return reply({ status: fault.status, body: fault.body ?? errorBody("TF400898: An Internal Error Occurred.", "LoopbackInjectedException") });
    }
    if (fault?.kind === "garble") {
      const status = fault.status ?? result.status;
      call.status = status;
      const real = result.body === undefined ? "" : JSON.stringify(result.body);
      if (fault.answer === "notJson") {
        response.writeHead(status, { "content-type": "text/html; charset=utf-8" });
        response.end("<html><body>Service Unavailable</body></html>");
      } else {
        response.writeHead(status, { "content-type": "application/json; charset=utf-8; api-version=7.1" });
        response.end(fault.answer === "truncated" ? real.slice(0, Math.floor(real.length / 2)) : "");
      }
      return;
    }
    if (fault?.kind === "rateLimit") {
      result.headers = {
        ...result.headers,
        ...(fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }),
        "x-ratelimit-resource": "Core",
        ...(fault.delaySeconds === undefined ? {} : { "x-ratelimit-delay": String(fault.delaySeconds) }),
        ...(fault.remaining === undefined ? {} : { "x-ratelimit-remaining": String(fault.remaining), "x-ratelimit-limit": String(fault.limit ?? 200) }),
        ...(fault.resetSeconds === undefined ? {} : { "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + fault.resetSeconds) }),
      };
    }
    // Applied, never answered: the client's timeout or stop() ends the connection.
    if (fault?.kind === "hang") return;
    reply(result);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A bug in the server: answer 500 so the test fails visibly, not by hanging.
      const message = error instanceof Error ? error.message : String(error);
      send(response, { status: 500, body: errorBody(`loopback bug: ${message}`, "LoopbackBug") });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    orgUrl: `${base}/${organization}`,
    organization,
    pat,
    bearerToken,
    state,
    faults,
    calls,
    count(method?: string, path?: string | RegExp): number {
      return calls.filter((c) => (method === undefined || c.method === method.toUpperCase()) && (path === undefined || pathMatches(path, c.path))).length;
    },
    async stop(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeAction(url: string | undefined): string {
  try {
    return url ? `To host ${new URL(url).host}` : "";
  } catch {
    return "";
  }
}
