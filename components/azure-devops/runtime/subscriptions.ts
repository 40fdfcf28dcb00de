import { AdoClient } from "./client";
import {
  type ClientFactory,
  type FieldDiff,
  GUID,
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
  same,
  sortedRecord,
  text,
  updateUnlessGone,
} from "./common";
import { AdoRequestError } from "./errors";
import {
  EVENT_TYPES,
  MESSAGE_FORMAT_VALUES,
  MessagesToSend,
  RESOURCE_DETAILS_VALUES,
  ResourceDetailsToSend,
  SERVICE_HOOK_EVENTS,
  USERNAME_COLON,
  filtersFor,
  isEventType,
} from "./events";
import { type AllowedHost, allowedHostsFromEnv, isLoopbackHttpHost, webhookHostProblem } from "./hosts";

/** Publisher, consumer and action of every subscription this project manages. */
export const PUBLISHER_ID = "tfs";
/** The webhook consumer. */
export const CONSUMER_ID = "webHooks";
/** The webhook consumer's only action. */
export const CONSUMER_ACTION_ID = "httpRequest";

/** What the service shows instead of a confidential consumer input. */
export const MASKED_SECRET = "********";

/** Publisher inputs the service adds itself; never a difference. */
const SERVER_PUBLISHER_INPUTS = new Set(["hostId", "tfsSubscriptionId", "projectId"]);

/** Subscription states the service reports. */
export type SubscriptionStatus = "enabled" | "onProbation" | "disabledByUser" | "disabledBySystem" | "disabledByInactiveIdentity";

/**
 * Inputs of a ServiceHookSubscription as the provider receives them (secrets
 * already unwrapped by the engine). Only the password is confidential.
 */
export interface SubscriptionInputs {
  /** Organization URL or name. Defaults to AZDO_ORG_SERVICE_URL. */
  readonly organizationUrl?: string;
  /** Project id (GUID). */
  readonly projectId: string;
  /** Event type, one of `EVENT_TYPES`. */
  readonly eventType: string;
  /** Publisher input filters allowed for the event (repository id, branch, ...); empty means any. */
  readonly filters?: Readonly<Record<string, string | undefined>>;
  /** The webhook receiver. */
  readonly url: string;
  /** Basic auth user name. Defaults to none. */
  readonly basicAuthUsername?: string;
  /** Basic auth password. Defaults to none. */
  readonly basicAuthPassword?: string;
  /** Extra HTTP headers the service sends with each delivery. */
  readonly httpHeaders?: Readonly<Record<string, string>>;
  /** Defaults to "all". */
  readonly resourceDetailsToSend?: ResourceDetailsToSend;
  /** Defaults to "all". */
  readonly messagesToSend?: MessagesToSend;
  /** Defaults to "all". */
  readonly detailedMessagesToSend?: MessagesToSend;
}

/** The comparable, normalized shape shared by desired inputs and live state. */
export interface SubscriptionFields {
  readonly organizationUrl: string;
  readonly projectId: string;
  readonly eventType: string;
  /** Non-empty filters only. */
  readonly filters: Record<string, string>;
  readonly url: string;
  /** "" when there is none. */
  readonly basicAuthUsername: string;
  readonly httpHeaders: Record<string, string>;
  readonly resourceDetailsToSend: string;
  readonly messagesToSend: string;
  readonly detailedMessagesToSend: string;
}

/**
 * Outputs stored in state: every field `diff` needs, the live status, and a
 * salted hash of the password (never the password, which the service never
 * shows back either).
 */
export interface SubscriptionState extends SubscriptionFields {
  /** Live status; anything but "enabled" is drift. */
  readonly status: SubscriptionStatus;
  /** Whether the service holds a basic auth password. */
  readonly passwordSet: boolean;
  /** sha256 of salt and password, hex; "" when unknown or unset. */
  readonly passwordHash: string;
  /** Random salt for passwordHash, hex. */
  readonly passwordSalt: string;
}

/** A subscription as the REST API returns it (the fields used here). */
export interface SubscriptionResource {
  readonly id: string;
  readonly url?: string;
  readonly status?: string;
  readonly publisherId: string;
  readonly eventType: string;
  readonly consumerId: string;
  readonly consumerActionId: string;
  readonly createdDate?: string;
  readonly publisherInputs?: Record<string, string>;
  readonly consumerInputs?: Record<string, string>;
}

/** What `diff` reports. */
export type SubscriptionDiff = FieldDiff;

function passwordState(password: string): Pick<SubscriptionState, "passwordSet" | "passwordHash" | "passwordSalt"> {
  if (password === "") return { passwordSet: false, passwordHash: "", passwordSalt: "" };
  const salt = newSalt();
  return { passwordSet: true, passwordHash: hashPassword(password, salt), passwordSalt: salt };
}

/** "Key:value" lines, as the webhook consumer's httpHeaders input takes them. */
export function formatHttpHeaders(headers: Readonly<Record<string, string>>): string {
  return Object.entries(sortedRecord(Object.entries(headers)))
    .map(([name, value]) => `${name}:${value}`)
    .join("\n");
}

/** Parses the httpHeaders consumer input back into a sorted record. */
export function parseHttpHeaders(value: string | undefined): Record<string, string> {
  const entries: [string, string][] = [];
  for (const line of (value ?? "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    entries.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return sortedRecord(entries);
}

/** "all" is the service's empty default; it may report it as "", "all" or nothing. */
function normalizeChoice(value: string | undefined): string {
  return value === undefined || value === "" ? "all" : value;
}

/**
 * The normalized fields of desired inputs, without validation (diff runs in
 * preview, where a value may still be unknown).
 */
export function fieldsFromInputs(inputs: SubscriptionInputs, env: NodeJS.ProcessEnv = process.env): SubscriptionFields {
  const organizationUrl = organizationForDiff(inputs.organizationUrl, env);
  const filters = Object.entries(inputs.filters ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "");
  return {
    organizationUrl,
    projectId: text(inputs.projectId).toLowerCase(),
    eventType: text(inputs.eventType),
    filters: sortedRecord(filters),
    url: text(inputs.url),
    basicAuthUsername: text(inputs.basicAuthUsername),
    httpHeaders: sortedRecord(Object.entries(inputs.httpHeaders ?? {})),
    resourceDetailsToSend: normalizeChoice(inputs.resourceDetailsToSend),
    messagesToSend: normalizeChoice(inputs.messagesToSend),
    detailedMessagesToSend: normalizeChoice(inputs.detailedMessagesToSend),
  };
}

/** The normalized fields of a subscription the service returned. */
export function fieldsFromResource(resource: SubscriptionResource, organizationUrl: string): SubscriptionFields {
  const publisherInputs = resource.publisherInputs ?? {};
  const consumerInputs = resource.consumerInputs ?? {};
  const filters = Object.entries(publisherInputs).filter(([name, value]) => !SERVER_PUBLISHER_INPUTS.has(name) && value !== "");
  return {
    organizationUrl,
    projectId: text(publisherInputs.projectId).toLowerCase(),
    eventType: resource.eventType,
    filters: sortedRecord(filters),
    url: text(consumerInputs.url),
    basicAuthUsername: text(consumerInputs.basicAuthUsername),
    httpHeaders: parseHttpHeaders(consumerInputs.httpHeaders),
    resourceDetailsToSend: normalizeChoice(consumerInputs.resourceDetailsToSend),
    messagesToSend: normalizeChoice(consumerInputs.messagesToSend),
    detailedMessagesToSend: normalizeChoice(consumerInputs.detailedMessagesToSend),
  };
}

const NO_WHITESPACE = /^\S{1,256}$/;

/**
 * Checks desired inputs and returns one line per problem, each naming the
 * input. Lines never contain the password. The webhook URL's host must be a
 * public DNS name unless AZDO_ALLOWED_HOSTS in `env` lists it.
 */
export function validateInputs(inputs: SubscriptionInputs, env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const eventType = text(inputs.eventType);
  if (!isEventType(eventType)) {
    problems.push(`eventType: "${eventType}" is not supported; use one of ${EVENT_TYPES.join(", ")}`);
  } else {
    const allowed: readonly string[] = filtersFor(eventType);
    for (const name of Object.keys(inputs.filters ?? {})) {
      if (!allowed.includes(name)) {
        problems.push(`filters.${name}: not a filter of ${eventType}; it accepts ${allowed.join(", ")}`);
      }
    }
  }
  if (!GUID.test(text(inputs.projectId))) {
    problems.push("projectId: must be a project id (GUID), not a name");
  }
  problems.push(...validateUrl(text(inputs.url), env));
  const username = text(inputs.basicAuthUsername);
  if (username !== "" && !NO_WHITESPACE.test(username)) {
    problems.push("basicAuthUsername: must be 1-256 characters without whitespace");
  } else if (username.includes(":")) {
    problems.push(`basicAuthUsername: ${USERNAME_COLON}`);
  }
  const password = text(inputs.basicAuthPassword);
  if (password !== "" && !NO_WHITESPACE.test(password)) {
    problems.push("basicAuthPassword: must be 1-256 characters without whitespace");
  }
  for (const [name, value] of Object.entries(inputs.httpHeaders ?? {})) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) problems.push(`httpHeaders: "${name}" is not a valid header name`);
    if (typeof value !== "string" || !/^\S+$/.test(value)) {
      problems.push(`httpHeaders.${name}: the value must be non-empty without whitespace (the service's header format)`);
    }
  }
  const resourceDetails = inputs.resourceDetailsToSend;
  if (resourceDetails !== undefined && !(RESOURCE_DETAILS_VALUES as readonly string[]).includes(resourceDetails)) {
    problems.push(`resourceDetailsToSend: must be one of ${RESOURCE_DETAILS_VALUES.join(", ")}`);
  }
  for (const key of ["messagesToSend", "detailedMessagesToSend"] as const) {
    const value = inputs[key];
    if (value !== undefined && !(MESSAGE_FORMAT_VALUES as readonly string[]).includes(value)) {
      problems.push(`${key}: must be one of ${MESSAGE_FORMAT_VALUES.join(", ")}`);
    }
  }
  return problems;
}

function validateUrl(value: string, env: NodeJS.ProcessEnv): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return ["url: must be an absolute https URL"];
  }
  if (url.username !== "" || url.password !== "") {
    return ["url: must not carry credentials; use basicAuthUsername and basicAuthPassword"];
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHttpHost(url.hostname))) {
    return ["url: must use https (basic auth would travel in plain text)"];
  }
  let allowed: AllowedHost[];
  try {
    allowed = allowedHostsFromEnv(env);
  } catch (error) {
    // Only a host that needs the opt-in is held up by a malformed one.
    return webhookHostProblem(url, []) === undefined ? [] : [`url: ${(error as Error).message}`];
  }
  const problem = webhookHostProblem(url, allowed);
  return problem === undefined ? [] : [`url: ${problem}`];
}

/** Desired fields for create and update: fails on invalid inputs, then on a missing organization, before any call. */
function checkedFields(inputs: SubscriptionInputs, env: NodeJS.ProcessEnv): SubscriptionFields {
  requireNoProblems("service hook subscription", validateInputs(inputs, env));
  resolveOrganization(inputs.organizationUrl, env);
  return fieldsFromInputs(inputs, env);
}

/** The request body for create and replace, built field by field (never from spread inputs). */
export function subscriptionBody(fields: SubscriptionFields, password: string, status?: SubscriptionStatus): Record<string, unknown> {
  const eventType = fields.eventType as keyof typeof SERVICE_HOOK_EVENTS;
  const consumerInputs: Record<string, string> = { url: fields.url };
  if (fields.basicAuthUsername !== "") consumerInputs.basicAuthUsername = fields.basicAuthUsername;
  if (password !== "") consumerInputs.basicAuthPassword = password;
  if (Object.keys(fields.httpHeaders).length > 0) consumerInputs.httpHeaders = formatHttpHeaders(fields.httpHeaders);
  // "All" is the consumer's empty default value; sending it as a word is not in its value list.
  if (fields.resourceDetailsToSend !== "all") consumerInputs.resourceDetailsToSend = fields.resourceDetailsToSend;
  if (fields.messagesToSend !== "all") consumerInputs.messagesToSend = fields.messagesToSend;
  if (fields.detailedMessagesToSend !== "all") consumerInputs.detailedMessagesToSend = fields.detailedMessagesToSend;
  const body: Record<string, unknown> = {
    publisherId: PUBLISHER_ID,
    eventType: fields.eventType,
    resourceVersion: SERVICE_HOOK_EVENTS[eventType].resourceVersion,
    consumerId: CONSUMER_ID,
    consumerActionId: CONSUMER_ACTION_ID,
    publisherInputs: { projectId: fields.projectId, ...fields.filters },
    consumerInputs,
  };
  if (status !== undefined) body.status = status;
  return body;
}

/** Whether the service holds a password for the subscription (it shows one as "********"; an empty value is none). */
export function holdsPassword(resource: SubscriptionResource): boolean {
  return text(resource.consumerInputs?.basicAuthPassword) !== "";
}

function stateFromResource(
  resource: SubscriptionResource,
  organizationUrl: string,
  password: Pick<SubscriptionState, "passwordHash" | "passwordSalt">,
): SubscriptionState {
  const passwordSet = holdsPassword(resource);
  return {
    ...fieldsFromResource(resource, organizationUrl),
    status: (resource.status as SubscriptionStatus | undefined) ?? "enabled",
    passwordSet,
    // A password the service no longer holds cannot match any hash.
    passwordHash: passwordSet ? password.passwordHash : "",
    passwordSalt: passwordSet ? password.passwordSalt : "",
  };
}

/**
 * Compares stored state (after refresh: what `read` returned) with desired
 * inputs. Masked passwords and server-added publisher inputs never count;
 * a password change is caught through the salted hash; a status other than
 * enabled is drift that update repairs, except an inactive owner, which the
 * service will not re-enable, so that one replaces.
 */
export function diffSubscription(olds: Partial<SubscriptionState>, news: SubscriptionInputs, env: NodeJS.ProcessEnv = process.env): SubscriptionDiff {
  const desired = fieldsFromInputs(news, env);
  const replaces: string[] = [];
  const changed: string[] = [];
  if (desired.organizationUrl !== (olds.organizationUrl ?? "")) replaces.push("organizationUrl");
  if (desired.projectId !== (olds.projectId ?? "").toLowerCase()) replaces.push("projectId");
  if (desired.eventType !== olds.eventType) replaces.push("eventType");
  if (olds.status === "disabledByInactiveIdentity") replaces.push("status");
  for (const key of ["url", "basicAuthUsername", "resourceDetailsToSend", "messagesToSend", "detailedMessagesToSend"] as const) {
    if (desired[key] !== (olds[key] ?? (key === "url" || key === "basicAuthUsername" ? "" : "all"))) changed.push(key);
  }
  if (!same(desired.filters, olds.filters ?? {})) changed.push("filters");
  if (!same(desired.httpHeaders, olds.httpHeaders ?? {})) changed.push("httpHeaders");
  const password = text(news.basicAuthPassword);
  const passwordChanged =
    password === ""
      ? olds.passwordSet === true
      : olds.passwordSet !== true || hashPassword(password, olds.passwordSalt ?? "") !== olds.passwordHash;
  if (passwordChanged) changed.push("basicAuthPassword");
  if (olds.status !== undefined && olds.status !== "enabled" && !replaces.includes("status")) changed.push("status");
  return fieldDiff(replaces, changed);
}

function matches(resource: SubscriptionResource, desired: SubscriptionFields): boolean {
  if (resource.publisherId !== PUBLISHER_ID || resource.consumerId !== CONSUMER_ID || resource.consumerActionId !== CONSUMER_ACTION_ID) return false;
  // The service will not re-enable these, so adopting one could never reach the desired state.
  if (resource.status === "disabledByInactiveIdentity") return false;
  const live = fieldsFromResource(resource, desired.organizationUrl);
  return live.eventType === desired.eventType && live.projectId === desired.projectId && live.url === desired.url && same(live.filters, desired.filters);
}

/**
 * Finds subscriptions identical to `desired` in publisher, event, consumer,
 * project, URL and filters, oldest first, through the filtered query endpoint
 * (one call, never an organization-wide list).
 */
export async function findMatchingSubscriptions(client: AdoClient, desired: SubscriptionFields): Promise<SubscriptionResource[]> {
  const response = await client.request<{ results: SubscriptionResource[] }>("POST", "_apis/hooks/subscriptionsquery", {
    readOnly: true,
    // An answer without a results list is not "nothing found": create would then POST a duplicate.
    expect: expectField("results", "results list", Array.isArray),
    body: {
      publisherId: PUBLISHER_ID,
      eventType: desired.eventType,
      consumerId: CONSUMER_ID,
      consumerActionId: CONSUMER_ACTION_ID,
      publisherInputFilters: [{ conditions: [{ inputId: "projectId", operator: "equals", inputValue: desired.projectId, caseSensitive: false }] }],
      consumerInputFilters: [{ conditions: [{ inputId: "url", operator: "equals", inputValue: desired.url, caseSensitive: true }] }],
    },
  });
  // The service's filtering is a hint; decide here which results really match.
  return response.body.results
    .filter((resource) => matches(resource, desired))
    .sort((a, b) => (text(a.createdDate) < text(b.createdDate) ? -1 : text(a.createdDate) > text(b.createdDate) ? 1 : 0));
}

/** The shape check of every answer that returns one subscription. */
const EXPECT_SUBSCRIPTION = expectField("id", "subscription id", (id) => typeof id === "string" && GUID.test(id));

/**
 * The REST path of one subscription. `what` names the id in the error for one
 * that is not a GUID; the delivery history calls it a "subscription".
 */
export function subscriptionPath(id: string, what = "service hook subscription"): string {
  return `_apis/hooks/subscriptions/${encodeURIComponent(checkedId(what, id, GUID, "a GUID"))}`;
}

function adoptsExisting(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes)$/i.test(env.AZDO_ADOPT_EXISTING ?? "");
}

/**
 * Creates a subscription, in one call when nothing goes wrong.
 *
 * Trade-off: looking for an identical subscription before every create would
 * cost a second call per resource. Instead the POST goes out directly, and
 * only when its outcome is unknown (timeout, reset, 5xx, a 2xx answer that
 * cannot be read) does create wait a
 * backoff, look with the filtered query, adopt what it finds (PUT to the
 * desired state, password included), and POST again only when nothing is
 * there. A POST the service says it did not process (429, 503 with
 * Retry-After) is retried by the client. So a create never sends a second
 * POST while the first may have landed, unless the service applies a
 * timed-out POST only after the lookup that followed it. What create cannot
 * see is a subscription made outside it: one made by hand, or one whose
 * create succeeded just as the engine died (Pulumi then reports a pending
 * create). For those, AZDO_ADOPT_EXISTING=true makes every create look
 * first, at the cost of the extra call.
 */
export async function createSubscription(
  inputs: SubscriptionInputs,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ id: string; outs: SubscriptionState }> {
  const desired = checkedFields(inputs, env);
  const password = text(inputs.basicAuthPassword);
  const client = clientFor(desired.organizationUrl);

  const adopt = async (existing: SubscriptionResource): Promise<{ id: string; outs: SubscriptionState }> => {
    try {
      return { id: existing.id, outs: await replaceSubscription(client, existing.id, desired, password) };
    } catch (error) {
      // The subscription exists but will not be in state: a plain rerun would POST a second one.
      const next = `subscription ${existing.id} exists but is not in the stack's state: run \`pulumi up\` again with AZDO_ADOPT_EXISTING=true so it is adopted, not duplicated`;
      if (error instanceof AdoRequestError) throw new AdoRequestError({ ...error, hint: `${error.hint}; ${next}` });
      if (error instanceof Error) throw new Error(`${error.message}; ${next}`);
      throw error;
    }
  };

  if (adoptsExisting(env)) {
    const [existing] = await findMatchingSubscriptions(client, desired);
    if (existing) return adopt(existing);
  }

  return createWithLookup(client, {
    post: async () => {
      const response = await client.request<SubscriptionResource>("POST", "_apis/hooks/subscriptions", {
        body: subscriptionBody(desired, password),
        // An answer without the id may hide an applied POST: the client reports it as an unknown outcome, so it is looked for.
        expect: EXPECT_SUBSCRIPTION,
        secrets: [password],
      });
      return { id: response.body.id, outs: stateFromResource(response.body, desired.organizationUrl, passwordState(password)) };
    },
    find: async () => (await findMatchingSubscriptions(client, desired))[0],
    adopt,
    lookupFailedHint: (how) =>
      `the create may have been applied, and looking for it ${how} too: run \`pulumi up\` again with AZDO_ADOPT_EXISTING=true so an existing subscription is adopted, not duplicated`,
    nothingFound: "no subscription",
  });
}

async function replaceSubscription(client: AdoClient, id: string, desired: SubscriptionFields, password: string): Promise<SubscriptionState> {
  const response = await client.request<SubscriptionResource>("PUT", subscriptionPath(id), {
    body: subscriptionBody(desired, password, "enabled"),
    expect: EXPECT_SUBSCRIPTION,
    secrets: [password],
  });
  const outs = stateFromResource(response.body, desired.organizationUrl, passwordState(password));
  if (outs.status !== "enabled") {
    throw new Error(
      `service hook subscription ${id} stayed ${outs.status} after it was re-enabled: replace it (\`pulumi up --replace <urn>\`) so a new one is created under the current identity`,
    );
  }
  const kept = keptOtherwise(outs, desired, password !== "");
  if (kept.length > 0) {
    throw new Error(
      `service hook subscription ${id} was written, but Azure DevOps kept ${kept.join(", ")}: it changes or drops these values, so every \`pulumi up\` would show the same difference; use values the service keeps as sent`,
    );
  }
  return outs;
}

/**
 * The fields `diff` compares where the answer to a PUT differs from what was
 * sent, each with the value the service kept: url "https://...".
 * Header values and the password are never shown: either can be a credential.
 */
function keptOtherwise(live: SubscriptionState, desired: SubscriptionFields, passwordSent: boolean): string[] {
  const kept: string[] = [];
  for (const key of ["eventType", "projectId", "url", "basicAuthUsername", "resourceDetailsToSend", "messagesToSend", "detailedMessagesToSend"] as const) {
    if (live[key] !== desired[key]) kept.push(`${key} ${JSON.stringify(live[key])}`);
  }
  if (!same(live.filters, desired.filters)) kept.push(`filters ${JSON.stringify(live.filters)}`);
  if (!same(live.httpHeaders, desired.httpHeaders)) {
    const names = Object.keys(live.httpHeaders);
    kept.push(names.length === 0 ? "no httpHeaders" : `httpHeaders named ${names.join(", ")} (values not shown)`);
  }
  if (live.passwordSet !== passwordSent) kept.push(live.passwordSet ? "a basicAuthPassword" : "no basicAuthPassword");
  return kept;
}

/**
 * Reads live state; an empty id means the subscription was deleted out of
 * band, as two reads a short pause apart said (see readConfirmingGone).
 */
export async function readSubscription(
  id: string,
  props: Partial<SubscriptionState> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ id: string; props?: SubscriptionState }> {
  const organizationUrl = resolveOrganization(props?.organizationUrl, env);
  const client = clientFor(organizationUrl);
  const resource = await readConfirmingGone(client, async () => (await client.request<SubscriptionResource>("GET", subscriptionPath(id), { expect: EXPECT_SUBSCRIPTION })).body);
  if (resource === undefined) return { id: "" };
  const outs = stateFromResource(resource, organizationUrl, { passwordHash: props?.passwordHash ?? "", passwordSalt: props?.passwordSalt ?? "" });
  return { id: resource.id, props: outs };
}

/** Brings the subscription to the desired state with one PUT (re-enabling it). */
export async function updateSubscription(
  id: string,
  news: SubscriptionInputs,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<{ outs: SubscriptionState }> {
  const desired = checkedFields(news, env);
  return updateUnlessGone(`service hook subscription ${id}`, "recreates it", async () => ({
    outs: await replaceSubscription(clientFor(desired.organizationUrl), id, desired, text(news.basicAuthPassword)),
  }));
}

/** Deletes the subscription; one that is already gone counts as deleted. */
export async function deleteSubscription(
  id: string,
  props: Partial<SubscriptionState> | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clientFor: ClientFactory = environmentClient,
): Promise<void> {
  const client = clientFor(resolveOrganization(props?.organizationUrl, env));
  await deleteUnlessGone(() => client.request("DELETE", subscriptionPath(id)));
}
