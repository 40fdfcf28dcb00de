// Service hook delivery history for the loopback server: the notifications
// endpoints of Microsoft's hooks contract (list and get per subscription,
// notificationsquery, testnotifications), a test helper that records a
// delivery outcome, and test deliveries that really POST to the hook's URL.
//
// What the contract leaves open is decided here and marked so: the wrapper
// of the list answer ({count, value}, as every list of the service), the
// order of results (newest first; the runtime sorts anyway), the default
// maxResults of notificationsquery (100, the list endpoint's documented
// default), what includeDetails=false leaves out (the results: only the
// summary comes back), which subscriptions come back with a query (those with
// a result in the answer, as the contract's description says), and the text of details.request/details.response
// (the shape the portal's History tab shows: "Status Code: 401", ...).

import { MASK, maskedInputs, sendsMask } from "./masking";
import type { StoredSubscription } from "./server";

/** Result of a notification, as the contract names them. */
export type LoopbackNotificationResult = "pending" | "succeeded" | "failed" | "filtered";
/** Status of a notification, as the contract names them. */
export type LoopbackNotificationStatus = "queued" | "processing" | "requestInProgress" | "completed";

const RESULTS = new Set<string>(["pending", "succeeded", "failed", "filtered"]);
const STATUSES = new Set<string>(["queued", "processing", "requestInProgress", "completed"]);

/** One delivery attempt of an event to a hook's receiver, as the server keeps it. */
export interface StoredNotification {
  readonly id: number;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly publisherId: string;
  readonly consumerId: string;
  readonly consumerActionId: string;
  readonly publisherInputs: Record<string, string>;
  /** The receiver's inputs, the password in clear; views mask it. */
  readonly consumerInputs: Record<string, string>;
  status: LoopbackNotificationStatus;
  result: LoopbackNotificationResult;
  readonly createdDate: string;
  modifiedDate: string;
  /** The receiver's HTTP status, when it answered. */
  receiverStatus?: number;
  /** The receiver's answer body (first 1,000 characters), when it answered. */
  receiverBody?: string;
  /** Why no answer came (connection refused, a host the loopback does not deliver to). */
  errorMessage?: string;
  requestAttempts: number;
}

/** What {@link LoopbackNotifications.record} stores for a hook. */
export interface DeliveryOutcome {
  /** succeeded or failed (a completed delivery), pending (still queued) or filtered. */
  readonly result: LoopbackNotificationResult;
  /** The receiver's status. Defaults to 200 for succeeded; a failed delivery without one had no answer. */
  readonly statusCode?: number;
  /** When the event was queued. */
  readonly at: string | Date;
  /** The event type. Defaults to the subscription's. */
  readonly eventType?: string;
  /** The receiver's answer body. Defaults to none. */
  readonly body?: string;
}

/** The parts of LoopbackState this module uses (typed here to keep the import one-way). */
interface StateLike {
  readonly subscriptions: Map<string, StoredSubscription>;
  nextId(): string;
  now(): string;
}

/** Delivery history of every subscription, and how test deliveries behave. */
export class LoopbackNotifications {
  /** Every notification, in the order it was made. */
  readonly all: StoredNotification[] = [];
  /**
   * Leave test notifications queued instead of delivering them, as a busy
   * service would: the runtime's wait for the result then runs out.
   */
  holdTestDeliveries = false;
  /** Test deliveries POSTed to receivers, in order (URL and status only). */
  readonly testDeliveries: { readonly url: string; readonly status: number | undefined }[] = [];
  private sequence = 0;
  /** The same notifications by subscription, so a query for a few hooks does not scan them all. */
  private readonly bySubscription = new Map<string, StoredNotification[]>();

  constructor(private readonly state: StateLike) {}

  /** Test helper: records one delivery of an event to the hook `subscriptionId`, with the given outcome. */
  record(subscriptionId: string, outcome: DeliveryOutcome): StoredNotification {
    const subscription = this.state.subscriptions.get(subscriptionId);
    if (!subscription) throw new Error(`loopback: no subscription ${subscriptionId}`);
    if (!RESULTS.has(outcome.result)) throw new Error(`loopback: unknown notification result ${outcome.result}`);
    const at = new Date(outcome.at).toISOString();
    const completed = outcome.result === "succeeded" || outcome.result === "failed";
    const notification = this.create(subscription, at, outcome.eventType);
    notification.status = completed ? "completed" : outcome.result === "filtered" ? "completed" : "queued";
    notification.result = outcome.result;
    if (completed) notification.requestAttempts = 1;
    const status = outcome.statusCode ?? (outcome.result === "succeeded" ? 200 : undefined);
    if (status !== undefined) notification.receiverStatus = status;
    if (outcome.body !== undefined) notification.receiverBody = outcome.body.slice(0, 1000);
    if (outcome.result === "failed" && status === undefined) notification.errorMessage = "The receiver did not answer.";
    return notification;
  }

  /** Notifications of one subscription, newest first. */
  of(subscriptionId: string): StoredNotification[] {
    return [...(this.bySubscription.get(subscriptionId) ?? [])].sort(newestFirst);
  }

  /** A new queued notification of `subscription`'s event. */
  create(subscription: StoredSubscription, at: string, eventType?: string): StoredNotification {
    const notification: StoredNotification = {
      id: ++this.sequence,
      subscriptionId: subscription.id,
      eventId: this.state.nextId(),
      eventType: eventType ?? subscription.eventType,
      publisherId: subscription.publisherId,
      consumerId: subscription.consumerId,
      consumerActionId: subscription.consumerActionId,
      publisherInputs: { ...subscription.publisherInputs },
      consumerInputs: { ...subscription.consumerInputs },
      status: "queued",
      result: "pending",
      createdDate: at,
      modifiedDate: at,
      requestAttempts: 0,
    };
    this.all.push(notification);
    const list = this.bySubscription.get(subscription.id) ?? [];
    list.push(notification);
    this.bySubscription.set(subscription.id, list);
    return notification;
  }
}

function newestFirst(a: StoredNotification, b: StoredNotification): number {
  return b.createdDate.localeCompare(a.createdDate) || b.id - a.id;
}

/** A reply in server.ts's shape. */
interface Reply {
  status: number;
  body?: unknown;
}

/** What the routes need from server.ts. */
export interface NotificationRouteContext {
  readonly state: StateLike & { readonly notifications: LoopbackNotifications };
  readonly subscriptionView: (subscription: StoredSubscription) => Record<string, unknown>;
  /** The server's error for a refused call (HttpError). */
  readonly fail: (status: number, message: string, typeKey: string) => Error;
  /** The server's error for a subscription id it does not hold. */
  readonly subscriptionNotFound: (id: string) => Error;
}

const REASONS: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };

/** The notification as the service shows it; `details` hold the masked inputs and the request/response texts. */
export function notificationView(n: StoredNotification, withDetails = true): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: n.id,
    subscriptionId: n.subscriptionId,
    subscriberId: "00ca946b-2fe9-4f2a-ae2f-40d5c48001bc",
    eventId: n.eventId,
    status: n.status,
    result: n.result,
    createdDate: n.createdDate,
    modifiedDate: n.modifiedDate,
  };
  if (!withDetails) return view;
  const completed = n.status === "completed";
  const details: Record<string, unknown> = {
    publisherId: n.publisherId,
    eventType: n.eventType,
    consumerId: n.consumerId,
    consumerActionId: n.consumerActionId,
    publisherInputs: { ...n.publisherInputs },
    consumerInputs: maskedInputs(n.consumerInputs),
    queuedDate: n.createdDate,
    requestAttempts: n.requestAttempts,
    event: { id: n.eventId, eventType: n.eventType, publisherId: n.publisherId, createdDate: n.createdDate, resource: {}, resourceVersion: "1.0" },
  };
  if (completed && n.result !== "filtered") {
    Object.assign(details, { dequeuedDate: n.modifiedDate, processedDate: n.modifiedDate, completedDate: n.modifiedDate, requestDuration: 0.05 });
    const authorization = n.consumerInputs.basicAuthUsername !== undefined || n.consumerInputs.basicAuthPassword !== undefined ? `  Authorization: Basic ${MASK}\n` : "";
    details.request = `Method: POST\nURI: ${n.consumerInputs.url ?? ""}\nHTTP Version: 1.1\nHeaders:\n{\n${authorization}  Content-Type: application/json; charset=utf-8\n}\nContent:\n{"eventType":"${n.eventType}"}`;
    if (n.receiverStatus !== undefined) {
      details.response = `Status Code: ${n.receiverStatus}\nReason Phrase: ${REASONS[n.receiverStatus] ?? ""}\nHTTP Version: 1.1\nHeaders:\n{}\nContent:\n${n.receiverBody ?? ""}`;
    }
    if (n.result === "failed") {
      details.errorMessage = n.receiverStatus !== undefined ? `The remote server returned an error: (${n.receiverStatus}) ${REASONS[n.receiverStatus] ?? ""}.`.replace(" .", ".") : (n.errorMessage ?? "");
      details.errorDetail = details.errorMessage;
    }
  }
  view.details = details;
  return view;
}

function positiveInteger(value: unknown, name: string, fail: NotificationRouteContext["fail"]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw fail(400, `${name} must be a positive integer.`, "ArgumentException");
  return number;
}

function enumValue(value: unknown, name: string, allowed: Set<string>, fail: NotificationRouteContext["fail"]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !allowed.has(value)) throw fail(400, `${name} must be one of ${[...allowed].join(", ")}.`, "ArgumentException");
  return value;
}

function dateValue(value: unknown, name: string, fail: NotificationRouteContext["fail"]): string | undefined {
  if (value === undefined || value === null) return undefined;
  const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw fail(400, `${name} must be a date-time.`, "ArgumentException");
  return new Date(time).toISOString();
}

/**
 * Answers the notifications routes, or returns undefined for any other call.
 * `rest` is the path after `_apis`.
 */
export function notificationRoute(
  context: NotificationRouteContext,
  method: string,
  rest: readonly string[],
  query: Readonly<Record<string, string>>,
  body: unknown,
): Reply | Promise<Reply> | undefined {
  if (rest[0] !== "hooks") return undefined;
  const { state, fail, subscriptionNotFound } = context;
  const notifications = state.notifications;

  if (method === "GET" && rest[1] === "subscriptions" && rest[3] === "notifications" && rest.length <= 5) {
    const subscriptionId = rest[2]!;
    if (!state.subscriptions.has(subscriptionId)) throw subscriptionNotFound(subscriptionId);
    if (rest[4] !== undefined) {
      const id = Number(rest[4]);
      const found = notifications.of(subscriptionId).find((n) => n.id === id);
      if (!found) throw fail(404, `Notification with id ${rest[4]} does not exist for subscription ${subscriptionId}.`, "NotificationNotFoundException");
      return { status: 200, body: notificationView(found) };
    }
    const maxResults = positiveInteger(query.maxResults, "maxResults", fail) ?? 100;
    const status = enumValue(query.status, "status", STATUSES, fail);
    const result = enumValue(query.result, "result", RESULTS, fail);
    const value = notifications
      .of(subscriptionId)
      .filter((n) => (status === undefined || n.status === status) && (result === undefined || n.result === result))
      .slice(0, maxResults)
      .map((n) => notificationView(n));
    return { status: 200, body: { count: value.length, value } };
  }

  if (method === "POST" && rest.length === 2 && rest[1] === "notificationsquery") {
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw fail(400, "The notifications query is missing.", "ArgumentNullException");
    const q = body as Record<string, unknown>;
    const ids = q.subscriptionIds;
    if (ids !== undefined && ids !== null && (!Array.isArray(ids) || ids.some((id) => typeof id !== "string"))) throw fail(400, "subscriptionIds must be a list of subscription ids.", "ArgumentException");
    const subscriptionIds = (ids ?? undefined) as string[] | undefined;
    const maxResults = positiveInteger(q.maxResults, "maxResults", fail) ?? 100;
    const perSubscription = subscriptionIds === undefined ? undefined : positiveInteger(q.maxResultsPerSubscription, "maxResultsPerSubscription", fail);
    const resultType = enumValue(q.resultType, "resultType", RESULTS, fail);
    const status = enumValue(q.status, "status", STATUSES, fail);
    const minCreated = dateValue(q.minCreatedDate, "minCreatedDate", fail);
    const maxCreated = dateValue(q.maxCreatedDate, "maxCreatedDate", fail);
    const publisherId = typeof q.publisherId === "string" && q.publisherId !== "" ? q.publisherId : undefined;
    const wanted = subscriptionIds === undefined ? undefined : new Set(subscriptionIds.map((id) => id.toLowerCase()));
    const matching = (wanted === undefined ? [...notifications.all] : [...wanted].flatMap((id) => notifications.of(id)))
      .sort(newestFirst)
      .filter((n) => (resultType === undefined || n.result === resultType) && (status === undefined || n.status === status))
      .filter((n) => publisherId === undefined || n.publisherId === publisherId)
      .filter((n) => (minCreated === undefined || n.createdDate >= minCreated) && (maxCreated === undefined || n.createdDate <= maxCreated));
    const taken = new Map<string, number>();
    const results: StoredNotification[] = [];
    for (const n of matching) {
      if (results.length >= maxResults) break;
      const count = taken.get(n.subscriptionId) ?? 0;
      if (perSubscription !== undefined && count >= perSubscription) continue;
      taken.set(n.subscriptionId, count + 1);
      results.push(n);
    }
    const summaryOf = new Map<string, Map<string, number>>();
    for (const n of matching) {
      const counts = summaryOf.get(n.subscriptionId) ?? new Map<string, number>();
      counts.set(n.result, (counts.get(n.result) ?? 0) + 1);
      summaryOf.set(n.subscriptionId, counts);
    }
    const summary = [...summaryOf].map(([subscriptionId, counts]) => ({ subscriptionId, results: [...counts].map(([result, notificationCount]) => ({ result, notificationCount })) }));
    // "The subscriptions associated with the notifications returned": those with a result in this answer.
    const associated = [...new Set(results.map((n) => n.subscriptionId))].flatMap((id) => {
      const found = state.subscriptions.get(id);
      return found ? [context.subscriptionView(found)] : [];
    });
    const includeDetails = q.includeDetails === true;
    return {
      status: 200,
      body: { ...q, results: includeDetails ? results.map((n) => notificationView(n)) : [], summary, associatedSubscriptions: associated },
    };
  }

  if (method === "POST" && rest.length === 2 && rest[1] === "testnotifications") {
    return testNotification(context, query, body);
  }
  return undefined;
}

/**
 * POST testnotifications: queues a notification of the subscription's event
 * (the one `subscriptionId` names, its stored credentials standing in for
 * masked ones) and delivers it to the receiver with basic auth, before
 * answering with the notification as it was when queued; the outcome is
 * read back with GET .../notifications/{id}. Only http://127.0.0.1 and
 * http://localhost receivers are delivered to, so no test reaches a network.
 */
async function testNotification(context: NotificationRouteContext, query: Readonly<Record<string, string>>, body: unknown): Promise<Reply> {
  const { state, fail, subscriptionNotFound } = context;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw fail(400, "The notification is missing.", "ArgumentNullException");
  const b = body as { subscriptionId?: unknown; details?: { eventType?: unknown; consumerInputs?: unknown } };
  if (query.useRealData === "true") throw fail(400, "The loopback server sends sample data only.", "LoopbackNoRoute");
  if (typeof b.subscriptionId !== "string") throw fail(400, "The loopback server tests existing subscriptions only: subscriptionId is required.", "ArgumentNullException");
  const subscription = state.subscriptions.get(b.subscriptionId.toLowerCase());
  if (!subscription) throw subscriptionNotFound(b.subscriptionId);
  const notifications = state.notifications;
  const notification = notifications.create(subscription, state.now(), typeof b.details?.eventType === "string" ? b.details.eventType : undefined);
  // Inputs sent with the test replace the stored ones, except a masked password, which keeps the stored one.
  const sent = b.details?.consumerInputs;
  if (typeof sent === "object" && sent !== null) {
    for (const [key, value] of Object.entries(sent as Record<string, unknown>)) {
      if (typeof value === "string" && !sendsMask(key, value)) notification.consumerInputs[key] = value;
    }
  }
  const queued = notificationView(notification);
  if (!notifications.holdTestDeliveries) await deliver(notification, notifications);
  return { status: 200, body: queued };
}

async function deliver(notification: StoredNotification, notifications: LoopbackNotifications): Promise<void> {
  const inputs = notification.consumerInputs;
  const url = inputs.url ?? "";
  notification.requestAttempts = 1;
  let host = "";
  try {
    const parsed = new URL(url);
    host = parsed.protocol === "http:" ? parsed.hostname : "";
  } catch {
    host = "";
  }
  if (host !== "127.0.0.1" && host !== "localhost") {
    notification.errorMessage = "The loopback server delivers only to http://127.0.0.1 and http://localhost.";
    complete(notification, "failed");
    notifications.testDeliveries.push({ url, status: undefined });
    return;
  }
  const headers: Record<string, string> = { "Content-Type": "application/json; charset=utf-8" };
  if (inputs.basicAuthUsername !== undefined || inputs.basicAuthPassword !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${inputs.basicAuthUsername ?? ""}:${inputs.basicAuthPassword ?? ""}`).toString("base64")}`;
  }
  for (const line of (inputs.httpHeaders ?? "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const payload = { subscriptionId: notification.subscriptionId, notificationId: notification.id, id: notification.eventId, eventType: notification.eventType, publisherId: notification.publisherId, resource: {} };
  try {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(payload), redirect: "manual", signal: AbortSignal.timeout(5000) });
    notification.receiverStatus = response.status;
    notification.receiverBody = (await response.text()).slice(0, 1000);
    complete(notification, response.status >= 200 && response.status < 300 ? "succeeded" : "failed");
  } catch (error) {
    notification.errorMessage = `The receiver did not answer (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name}).`;
    complete(notification, "failed");
  }
  notifications.testDeliveries.push({ url, status: notification.receiverStatus });
}

function complete(notification: StoredNotification, result: "succeeded" | "failed"): void {
  notification.status = "completed";
  notification.result = result;
  notification.modifiedDate = notification.createdDate;
}
