import type { AdoClient } from "../azure-devops/runtime/client";
import { expectField, sortedRecord, text } from "../azure-devops/runtime/common";
import { ENTITLEMENT_PATH, type EntitlementResource, entitlementRequestOptions } from "../azure-devops/runtime/entitlements";
import { type ProjectRef, listPages, listProjects } from "../azure-devops/runtime/projects";
import { CONSUMER_ID, type SubscriptionResource, fieldsFromResource, holdsPassword } from "../azure-devops/runtime/subscriptions";
import type { VariableGroupResource } from "../azure-devops/runtime/variable-groups";

// The read side of discovery: every call is a GET through the runtime's client
// (retries, Retry-After, no redirects, credentials only to Azure DevOps), and
// every listing is paged by the runtime's `listPages`, one call per page.
//
// - Webhook subscriptions: GET _apis/hooks/subscriptions?consumerId=webHooks,
//   organization-wide. Microsoft's 7.1 contract takes no paging parameter and
//   answers in one page; a continuation token, should the service send one, is
//   followed like any other listing's.
// - Variable groups: GET {project}/_apis/distributedtask/variablegroups per
//   project, `$top` and `continuationToken` as the 7.1 contract describes them.
// - Service principals: GET _apis/serviceprincipalentitlements on vsaex, read as
//   a paged member list ({ members, continuationToken }). Microsoft's 7.1
//   contract documents Get/Add/Update/Delete for this resource but not the
//   list; the list is unverified against the live service, so a refusal is
//   reported and discovery goes on without it.

/** Variable groups asked for per page. */
export const VARIABLE_GROUP_PAGE_SIZE = 100;

/** One webhook subscription as discovery sees it: normalized fields, never a password. */
export interface FoundHook {
  readonly id: string;
  readonly projectId: string;
  readonly publisherId: string;
  readonly eventType: string;
  readonly url: string;
  /** The URL's host, lower case; "" when the URL cannot be read. */
  readonly host: string;
  readonly basicAuthUsername: string;
  /** Whether the service holds a password (it shows "********" for one). */
  readonly passwordSet: boolean;
  readonly status: string;
  readonly createdDate: string;
  /** Non-empty publisher filters (repository, branch, ...). */
  readonly filters: Record<string, string>;
  /** Names of the delivery headers; their values can be credentials and are never kept. */
  readonly httpHeaderNames: readonly string[];
  readonly resourceDetailsToSend: string;
  readonly messagesToSend: string;
  readonly detailedMessagesToSend: string;
}

/** One variable group in one project: names and flags only, never a value of a secret. */
export interface FoundGroup {
  readonly id: number;
  readonly projectId: string;
  readonly projectName: string;
  readonly name: string;
  readonly description: string;
  /** Variable names, sorted. */
  readonly variables: readonly string[];
}

/** A service principal in the organization. */
export interface FoundPrincipal {
  /** The entitlement id (what `pulumi import` takes). */
  readonly id: string;
  readonly displayName: string;
  /** Entra object id of the service principal. */
  readonly originId: string;
  readonly accountLicenseType: string;
  readonly projectCount: number;
}

/** Everything discovery read from the organization. */
export interface OrganizationListing {
  readonly organizationUrl: string;
  readonly projects: readonly ProjectRef[];
  readonly hooks: readonly FoundHook[];
  readonly groups: readonly FoundGroup[];
  readonly principals: readonly FoundPrincipal[];
  /** Why the service principals could not be listed, when they could not. */
  readonly principalsProblem?: string;
}

/** The webhook subscription as discovery keeps it. */
export function foundHook(resource: SubscriptionResource, organizationUrl: string): FoundHook {
  const fields = fieldsFromResource(resource, organizationUrl);
  let host = "";
  try {
    host = new URL(fields.url).hostname.toLowerCase();
  } catch {
    // An unreadable URL groups under "" and is never recognized.
  }
  return {
    id: resource.id,
    projectId: fields.projectId,
    publisherId: resource.publisherId,
    eventType: fields.eventType,
    url: fields.url,
    host,
    basicAuthUsername: fields.basicAuthUsername,
    // The service shows a set password as "********"; whatever it shows, only whether there is one is kept.
    passwordSet: holdsPassword(resource),
    status: text(resource.status) || "enabled",
    createdDate: text(resource.createdDate),
    filters: fields.filters,
    httpHeaderNames: Object.keys(fields.httpHeaders),
    resourceDetailsToSend: fields.resourceDetailsToSend,
    messagesToSend: fields.messagesToSend,
    detailedMessagesToSend: fields.detailedMessagesToSend,
  };
}

/** Every webhook subscription of the organization, one call per page. */
export async function listHooks(client: AdoClient): Promise<FoundHook[]> {
  const hooks: FoundHook[] = [];
  const pages = listPages<SubscriptionResource>(client, {
    what: "service hook subscriptions",
    path: "_apis/hooks/subscriptions",
    query: { consumerId: CONSUMER_ID },
    items: (body) => (body as { value: SubscriptionResource[] }).value,
    expect: expectField("value", "subscription list", Array.isArray),
  });
  for await (const page of pages) for (const resource of page) hooks.push(foundHook(resource, client.organizationUrl));
  return hooks;
}

/** The variable groups of one project, one call per page. */
export async function listGroups(client: AdoClient, project: ProjectRef): Promise<FoundGroup[]> {
  const groups: FoundGroup[] = [];
  const pages = listPages<VariableGroupResource>(client, {
    what: `variable groups of project ${project.name}`,
    path: `${project.id}/_apis/distributedtask/variablegroups`,
    query: { queryOrder: "idAscending" },
    pageSize: VARIABLE_GROUP_PAGE_SIZE,
    items: (body) => (body as { value: VariableGroupResource[] }).value,
    expect: expectField("value", "list of groups", Array.isArray),
  });
  for await (const page of pages) {
    for (const group of page) {
      groups.push({
        id: group.id,
        projectId: project.id.toLowerCase(),
        projectName: project.name,
        name: text(group.name),
        description: text(group.description),
        variables: Object.keys(sortedRecord(Object.keys(group.variables ?? {}).map((name) => [name, true]))),
      });
    }
  }
  return groups;
}

/** The organization's service principals, one call per page. */
export async function listPrincipals(client: AdoClient): Promise<FoundPrincipal[]> {
  const principals: FoundPrincipal[] = [];
  const pages = listPages<EntitlementResource & { id?: string }>(client, {
    what: "service principals",
    path: ENTITLEMENT_PATH,
    ...entitlementRequestOptions(),
    items: (body) => (body as { members: EntitlementResource[] }).members,
    expect: expectField("members", "member list", Array.isArray),
    nextToken: (_headers, body) => {
      const token = (body as { continuationToken?: unknown }).continuationToken;
      // The paged member list carries the token in its body, as a string or a one-element list.
      return typeof token === "string" ? token : Array.isArray(token) && typeof token[0] === "string" ? token[0] : undefined;
    },
  });
  for await (const page of pages) {
    for (const member of page) {
      principals.push({
        id: text(member.id),
        displayName: text(member.servicePrincipal?.displayName),
        originId: text(member.servicePrincipal?.originId).toLowerCase(),
        accountLicenseType: text(member.accessLevel?.accountLicenseType),
        projectCount: (member.projectEntitlements ?? []).length,
      });
    }
  }
  return principals;
}

/**
 * Reads what discovery needs: projects, webhook subscriptions, every
 * project's variable groups and the service principals. Only GETs; the
 * client's own limit on calls in flight paces the per-project listings.
 */
export async function listOrganization(client: AdoClient): Promise<OrganizationListing> {
  const [projects, hooks] = await Promise.all([listProjects(client), listHooks(client)]);
  const perProject = await Promise.all(projects.map((project) => listGroups(client, project)));
  // A group shared with several projects is listed in each; it is kept once, in the first project that lists it.
  const byId = new Map<number, FoundGroup>();
  for (const group of perProject.flat()) if (!byId.has(group.id)) byId.set(group.id, group);
  const groups = [...byId.values()];
  let principals: FoundPrincipal[] = [];
  let principalsProblem: string | undefined;
  try {
    principals = await listPrincipals(client);
  } catch (error) {
    principalsProblem = (error as Error).message;
  }
  return { organizationUrl: client.organizationUrl, projects, hooks, groups, principals, ...(principalsProblem !== undefined && { principalsProblem }) };
}
