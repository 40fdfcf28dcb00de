import { AdoClient, defaultSleep } from "./client";
import { checkedId, expectField, GUID } from "./common";
import { subscriptionPath } from "./subscriptions";

// Read-only access to service hook delivery history (notifications), and the
// one write the health check may make: a test notification. Every call goes
// through the client (bounded retries, Retry-After, no redirects); none of
// these endpoints pages with a continuation token, so each listing is one call
// per batch, bounded by maxResults.

/** What became of a delivery: pending (not done yet), succeeded, failed, or filtered (not sent). */
export type NotificationResult = "pending" | "succeeded" | "failed" | "filtered";
/** Where a delivery is: queued, processing, requestInProgress or completed. */
export type NotificationStatus = "queued" | "processing" | "requestInProgress" | "completed";

/** One delivery of an event to a hook's receiver, reduced to what the health check reads. */
export interface HookNotification {
  readonly id: number;
  readonly subscriptionId: string;
  readonly result: NotificationResult;
  readonly status: NotificationStatus;
  /** When the event was queued (ISO 8601). */
  readonly createdDate: string;
  /** The receiver's HTTP status, when the service recorded one. */
  readonly receiverStatus?: number;
}

/** A subscription's live status, as notificationsquery reports it with the results. */
export interface NotificationSubscription {
  readonly id: string;
  readonly status: string;
}

/** Notifications asked for per hook unless the caller says otherwise. */
export const DEFAULT_NOTIFICATIONS_PER_HOOK = 20;
/**
 * Hooks per notificationsquery call unless the caller says otherwise: 50
 * hooks x 20 notifications keeps one answer (details included) around a
 * megabyte, and 4,000 hooks take 80 calls.
 */
export const DEFAULT_HOOKS_PER_QUERY = 50;

/** The raw notification as the service sends it (the parts read here). */
interface RawNotification {
  id?: unknown;
  subscriptionId?: unknown;
  result?: unknown;
  status?: unknown;
  createdDate?: unknown;
  details?: { response?: unknown; errorMessage?: unknown } | null;
}

/**
 * The receiver's HTTP status recorded in a notification's details: the
 * "Status Code: 401" line of the response text, or the "(401)" of the error
 * message when there is no response text. Undefined when neither has one
 * (the receiver did not answer). Nothing else of either text is kept, as a
 * receiver's answer may echo what it was sent.
 */
export function receiverStatusOf(details: RawNotification["details"]): number | undefined {
  const response = typeof details?.response === "string" ? details.response : "";
  const fromResponse = /^\s*Status Code:\s*(\d{3})\b/im.exec(response)?.[1];
  if (fromResponse !== undefined) return Number(fromResponse);
  const message = typeof details?.errorMessage === "string" ? details.errorMessage : "";
  const fromMessage = /\((\d{3})\)/.exec(message)?.[1];
  return fromMessage === undefined ? undefined : Number(fromMessage);
}

function toNotification(raw: RawNotification): HookNotification | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  if (typeof raw.id !== "number" || typeof raw.subscriptionId !== "string" || typeof raw.createdDate !== "string") return undefined;
  if (Number.isNaN(Date.parse(raw.createdDate))) return undefined;
  const receiverStatus = receiverStatusOf(raw.details);
  return {
    id: raw.id,
    subscriptionId: raw.subscriptionId.toLowerCase(),
    result: (typeof raw.result === "string" ? raw.result : "pending") as NotificationResult,
    status: (typeof raw.status === "string" ? raw.status : "queued") as NotificationStatus,
    createdDate: new Date(raw.createdDate).toISOString(),
    ...(receiverStatus === undefined ? {} : { receiverStatus }),
  };
}

/** Newest first, then highest id first. */
export function byNewest(a: HookNotification, b: HookNotification): number {
  return b.createdDate.localeCompare(a.createdDate) || b.id - a.id;
}

/** A hook's REST path; a bad id is named a "subscription" in the error, as the health check has always said. */
function hookPath(subscriptionId: string): string {
  return subscriptionPath(subscriptionId, "subscription");
}

/** How {@link listNotifications} filters. */
export interface ListNotificationsOptions {
  /** Most notifications returned. Defaults to {@link DEFAULT_NOTIFICATIONS_PER_HOOK}. */
  readonly maxResults?: number;
  /** Only notifications with this status. Defaults to any. */
  readonly status?: NotificationStatus;
  /** Only notifications with this result. Defaults to any. */
  readonly result?: NotificationResult;
}

/** One hook's recent notifications, newest first: one GET, at most `maxResults` of them. */
export async function listNotifications(client: AdoClient, subscriptionId: string, options: ListNotificationsOptions = {}): Promise<HookNotification[]> {
  const maxResults = options.maxResults ?? DEFAULT_NOTIFICATIONS_PER_HOOK;
  const response = await client.request<{ value: RawNotification[] }>("GET", `${hookPath(subscriptionId)}/notifications`, {
    query: { maxResults, status: options.status, result: options.result },
    expect: expectField("value", "notification list", Array.isArray),
  });
  return response.body.value
    .map(toNotification)
    .filter((n): n is HookNotification => n !== undefined && n.subscriptionId === subscriptionId.toLowerCase())
    .sort(byNewest)
    .slice(0, maxResults);
}

/** One notification of a hook (one GET). */
export async function getNotification(client: AdoClient, subscriptionId: string, notificationId: number): Promise<HookNotification> {
  const response = await client.request<RawNotification>("GET", `${hookPath(subscriptionId)}/notifications/${notificationId}`, {
    expect: (body) => (toNotification(body as RawNotification) === undefined ? "no notification" : undefined),
  });
  return toNotification(response.body)!;
}

/** How {@link queryNotifications} asks. */
export interface QueryNotificationsOptions {
  /** Notifications per hook. Defaults to {@link DEFAULT_NOTIFICATIONS_PER_HOOK}. */
  readonly perHook?: number;
  /** Hooks per call. Defaults to {@link DEFAULT_HOOKS_PER_QUERY}. */
  readonly hooksPerCall?: number;
  /** Only notifications with this result. Defaults to any. */
  readonly resultType?: NotificationResult;
}

/** What {@link queryNotifications} found. */
export interface NotificationsByHook {
  /** Each asked-for hook's notifications, newest first (an empty list when it has none). */
  readonly notifications: Map<string, HookNotification[]>;
  /** Live status of the hooks the service reported along with the results. */
  readonly subscriptions: Map<string, NotificationSubscription>;
}

/**
 * The newest `perHook` notifications of every hook in `subscriptionIds`,
 * `hooksPerCall` hooks per notificationsquery call: ceil(hooks / hooksPerCall)
 * calls, each asking for at most hooksPerCall x perHook results. The query
 * has no continuation token, so a call's answer is the whole page.
 *
 * A service that ignores maxResultsPerSubscription could fill a page with a
 * few busy hooks and leave the others out, which would read as "never
 * delivered"; so when a page comes back full, each of its hooks without a
 * result is asked on its own (GET .../notifications), at most hooksPerCall
 * more calls for that page.
 */
export async function queryNotifications(client: AdoClient, subscriptionIds: readonly string[], options: QueryNotificationsOptions = {}): Promise<NotificationsByHook> {
  const perHook = options.perHook ?? DEFAULT_NOTIFICATIONS_PER_HOOK;
  const hooksPerCall = options.hooksPerCall ?? DEFAULT_HOOKS_PER_QUERY;
  if (!Number.isInteger(perHook) || perHook < 1) throw new Error(`notifications per hook must be a whole number of at least 1, got ${perHook}`);
  if (!Number.isInteger(hooksPerCall) || hooksPerCall < 1) throw new Error(`hooks per query must be a whole number of at least 1, got ${hooksPerCall}`);
  const ids = [...new Set(subscriptionIds.map((id) => checkedId("subscription", id, GUID, "a GUID").toLowerCase()))];
  const notifications = new Map<string, HookNotification[]>(ids.map((id) => [id, []]));
  const subscriptions = new Map<string, NotificationSubscription>();
  for (let start = 0; start < ids.length; start += hooksPerCall) {
    const batch = ids.slice(start, start + hooksPerCall);
    const maxResults = batch.length * perHook;
    const response = await client.request<{ results: RawNotification[]; associatedSubscriptions?: { id?: unknown; status?: unknown }[] | null }>("POST", "_apis/hooks/notificationsquery", {
      readOnly: true,
      body: { subscriptionIds: batch, maxResultsPerSubscription: perHook, maxResults, includeDetails: true, ...(options.resultType === undefined ? {} : { resultType: options.resultType }) },
      expect: expectField("results", "notification results", Array.isArray),
    });
    const results = response.body.results;
    for (const raw of results) {
      const n = toNotification(raw);
      // Results for hooks not asked about, or past the per-hook limit, are dropped: the page is ours to bound.
      const list = n === undefined ? undefined : notifications.get(n.subscriptionId);
      if (n !== undefined && list !== undefined) list.push(n);
    }
    for (const s of response.body.associatedSubscriptions ?? []) {
      if (typeof s?.id === "string" && typeof s.status === "string" && notifications.has(s.id.toLowerCase())) subscriptions.set(s.id.toLowerCase(), { id: s.id.toLowerCase(), status: s.status });
    }
    for (const id of batch) {
      const list = notifications.get(id)!;
      list.sort(byNewest);
      list.splice(perHook);
    }
    if (results.length >= maxResults) {
      for (const id of batch) {
        if (notifications.get(id)!.length > 0) continue;
        notifications.set(id, await listNotifications(client, id, { maxResults: perHook, result: options.resultType }));
      }
    }
  }
  return { notifications, subscriptions };
}

/** How {@link sendTestNotification} waits for the outcome. */
export interface TestNotificationOptions {
  /** Reads of the notification before giving up while it is still queued. Defaults to 10. */
  readonly polls?: number;
  /** Pause between reads, in milliseconds. Defaults to 2,000. */
  readonly pollIntervalMs?: number;
  /** Waits between reads; tests replace it. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a test delivery came to: the notification, or that it was still not completed after the last read. */
export type TestDelivery = { readonly completed: true; readonly notification: HookNotification } | { readonly completed: false; readonly notificationId: number; readonly polls: number };

/**
 * Sends one test notification of the hook's own event to its receiver, with
 * the credentials the service holds for it (the masked password stands for
 * the stored one), then reads the notification until it is completed, at most
 * `polls` times. Costs a GET of the hook, the POST, and 1..polls GETs.
 *
 * The POST is not read-only: the client does not resend it after an unclear
 * failure (one extra test event would be harmless, but the rule is the
 * client's, and a second event would be counted twice by the receiver).
 */
export async function sendTestNotification(client: AdoClient, subscriptionId: string, options: TestNotificationOptions = {}): Promise<TestDelivery> {
  const polls = options.polls ?? 10;
  const interval = options.pollIntervalMs ?? 2000;
  const sleep = options.sleep ?? defaultSleep;
  const hook = await client.request<{ publisherId?: string; eventType?: string; consumerId?: string; consumerActionId?: string; publisherInputs?: Record<string, string>; consumerInputs?: Record<string, string> }>(
    "GET",
    hookPath(subscriptionId),
    { expect: expectField("eventType", "subscription", (v) => typeof v === "string") },
  );
  const h = hook.body;
  const queued = await client.request<RawNotification>("POST", "_apis/hooks/testnotifications", {
    body: {
      subscriptionId: subscriptionId.toLowerCase(),
      details: { publisherId: h.publisherId, eventType: h.eventType, consumerId: h.consumerId, consumerActionId: h.consumerActionId, publisherInputs: h.publisherInputs ?? {}, consumerInputs: h.consumerInputs ?? {} },
    },
    expect: (body) => (typeof (body as RawNotification | undefined)?.id === "number" ? undefined : "no notification id"),
  });
  const notificationId = queued.body.id as number;
  for (let poll = 1; poll <= polls; poll++) {
    if (poll > 1) await sleep(interval);
    const notification = await getNotification(client, subscriptionId, notificationId);
    if (notification.status === "completed") return { completed: true, notification };
  }
  return { completed: false, notificationId, polls };
}
