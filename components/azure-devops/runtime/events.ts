// Plain data with no imports: the config module validates against it, and the
// dynamic provider loads it at call time.

/**
 * The service hook events this project subscribes to (publisher `tfs`), with
 * the short name used in resource names, the payload resource version, and
 * the publisher inputs Azure DevOps accepts as filters for that event.
 */
export const SERVICE_HOOK_EVENTS = {
  "git.push": {
    shortName: "push",
    resourceVersion: "1.0",
    filters: ["repository", "branch", "pushedBy"],
  },
  "git.pullrequest.created": {
    shortName: "pr-created",
    resourceVersion: "1.0",
    filters: ["repository", "branch", "pullrequestCreatedBy", "pullrequestReviewersContains"],
  },
  "git.pullrequest.merged": {
    shortName: "pr-merged",
    resourceVersion: "1.0",
    filters: ["repository", "branch", "pullrequestCreatedBy", "pullrequestReviewersContains", "mergeResult"],
  },
  "git.pullrequest.updated": {
    shortName: "pr-updated",
    resourceVersion: "1.0",
    // notificationType ("Change" in the UI) is in Microsoft's recorded event type descriptor.
    filters: ["repository", "branch", "pullrequestCreatedBy", "pullrequestReviewersContains", "notificationType"],
  },
  "ms.vss-code.git-pullrequest-comment-event": {
    shortName: "pr-commented",
    resourceVersion: "2.0",
    filters: ["repository", "branch"],
  },
} as const;

/** An event type this project can subscribe to, e.g. `git.push`. */
export type EventType = keyof typeof SERVICE_HOOK_EVENTS;

/** Every supported event type, in a fixed order. */
export const EVENT_TYPES = Object.keys(SERVICE_HOOK_EVENTS) as EventType[];

/** A publisher input that filters an event (`repository`, `branch`, ...). */
export type EventFilterName = (typeof SERVICE_HOOK_EVENTS)[EventType]["filters"][number];

/** Every publisher input name that some supported event accepts as a filter. */
export const EVENT_FILTER_NAMES: readonly EventFilterName[] = [
  "repository",
  "branch",
  "pushedBy",
  "pullrequestCreatedBy",
  "pullrequestReviewersContains",
  "mergeResult",
  "notificationType",
];

/** Values of the webhook consumer's `resourceDetailsToSend` input. */
export const RESOURCE_DETAILS_VALUES = ["all", "minimal", "none"] as const;

/** How much of the event resource the webhook payload carries. */
export type ResourceDetailsToSend = (typeof RESOURCE_DETAILS_VALUES)[number];

/**
 * Values of the webhook consumer's `messagesToSend` and
 * `detailedMessagesToSend` inputs (the service has no `minimal` for these).
 */
export const MESSAGE_FORMAT_VALUES = ["all", "text", "html", "markdown", "none"] as const;

/** Which rendering of the event message the webhook payload carries. */
export type MessagesToSend = (typeof MESSAGE_FORMAT_VALUES)[number];

/** True when `value` is a supported event type. */
export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(SERVICE_HOOK_EVENTS, value);
}

/** The filter names `eventType` accepts, for validation messages. */
export function filtersFor(eventType: EventType): readonly EventFilterName[] {
  return SERVICE_HOOK_EVENTS[eventType].filters;
}

/**
 * Why a basic-auth user name may not hold a colon (RFC 7617: the receiver
 * splits user name and password at the first colon, so every delivery would
 * fail and the service would disable the hook). The config schema and the
 * runtime's validateInputs (the plugin's `check`) both say it in these words.
 */
export const USERNAME_COLON =
  "must not contain ':' (basic auth splits user name and password at the first colon, so the receiver would reject every delivery and Azure DevOps would disable the hook)";
