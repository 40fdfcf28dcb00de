import { TOKEN_PREFIX, looksGenerated } from "./credential-shapes";

/** What every Azure DevOps REST failure reports: never a credential, and of a response body only the service's own one-line message. */
export interface AdoErrorDetails {
  /** HTTP method of the failed call. */
  readonly method: string;
  /** URL path of the failed call, without its query string. */
  readonly path: string;
  /** HTTP status, or undefined when no response arrived (timeout, reset). */
  readonly status?: number;
  /** Azure DevOps error code such as `TF400813` or `VS403403`, when the body had one. */
  readonly code?: string;
  /** The service's exception type name (`typeKey`), when the body had one. */
  readonly typeKey?: string;
  /**
   * The service's own message of a 4xx answer: its first line, cut short, with
   * every value the caller marked secret and anything credential-shaped
   * removed (see {@link serviceMessage}).
   */
  readonly serviceMessage?: string;
  /** What happened, in a few words ("returned 404", "timed out after 30s"). */
  readonly what: string;
  /** What to do about it. */
  readonly hint: string;
  /** How many times the call was sent. */
  readonly attempts: number;
  /** True when the call may or may not have been applied (timeout, reset, 5xx, a 2xx answer that cannot be read). */
  readonly outcomeUnknown?: boolean;
}

/** An Azure DevOps REST call that failed after the client's retries. */
export class AdoRequestError extends Error implements AdoErrorDetails {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly typeKey?: string;
  readonly serviceMessage?: string;
  readonly what: string;
  readonly hint: string;
  readonly attempts: number;
  readonly outcomeUnknown: boolean;

  constructor(details: AdoErrorDetails) {
    const ids = [details.code, details.typeKey].filter((x) => x !== undefined).join(" ");
    const said = details.serviceMessage === undefined ? "" : ` saying "${details.serviceMessage}"`;
    super(`Azure DevOps ${details.method} ${details.path} ${details.what}${ids === "" ? "" : ` (${ids})`}${said}: ${details.hint}`);
    this.name = "AdoRequestError";
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.typeKey = details.typeKey;
    this.serviceMessage = details.serviceMessage;
    this.what = details.what;
    this.hint = details.hint;
    this.attempts = details.attempts;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

/** The service rejected the credential (401, or a 203 sign-in page). */
export class AdoAuthError extends AdoRequestError {
  /** Where the rejected credential came from, e.g. "the PAT in AZDO_PERSONAL_ACCESS_TOKEN". */
  readonly credentialSource: string;

  constructor(details: AdoErrorDetails & { readonly credentialSource: string }) {
    super(details);
    this.name = "AdoAuthError";
    this.credentialSource = details.credentialSource;
  }
}

/** A credential could not be obtained at all (no PAT, Entra sign-in failed). */
export class AdoCredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdoCredentialError";
  }
}

const ERROR_CODE = /\b(?:TF|VS)\d{5,6}\b/;

/**
 * Pulls the error code and exception type out of an Azure DevOps error body.
 * The message is left to {@link serviceMessage}, which makes it safe to show.
 */
export function parseServiceError(bodyText: string): { code?: string; typeKey?: string } {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (typeof body !== "object" || body === null) return {};
  const record = body as { message?: unknown; typeKey?: unknown };
  const result: { code?: string; typeKey?: string } = {};
  if (typeof record.message === "string") {
    const match = ERROR_CODE.exec(record.message);
    if (match) result.code = match[0];
  }
  if (typeof record.typeKey === "string" && /^[A-Za-z0-9_.]+$/.test(record.typeKey)) {
    result.typeKey = record.typeKey;
  }
  return result;
}

/** Longest service message an error shows. */
export const SERVICE_MESSAGE_MAX = 240;

/** What stands in for a removed value. */
const REDACTED = "[redacted]";

// Credential-shaped text. A message can echo what the request carried, and the
// caller cannot list every secret (a PAT in a URL, a token in a header value).
const CREDENTIAL_SHAPES: readonly [RegExp, string][] = [
  // user:password@ in a URL
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, `$1${REDACTED}@`],
  // Authorization schemes and their credential
  [/\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // name=value or name: value where the name says it holds a secret
  [/\b((?:[A-Za-z_-]*(?:password|passwd|pwd|secret|token|apikey|api[-_]key|authorization|credential)[A-Za-z_-]*)|pat|key|sig|signature)(\s*[=:]\s*)(?!(?:basic|bearer)\s|\[redacted\])("[^"]*"|'[^']*'|[^\s&,;]+)/gi, `$1$2${REDACTED}`],
  // JWTs and well-known token formats
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [new RegExp(`\\b(?:${TOKEN_PREFIX})[A-Za-z0-9_-]+`, "g"), REDACTED],
];

/** Runs that may be generated secrets ({@link looksGenerated}); GUID parts are shorter. */
const SECRET_RUN = /[A-Za-z0-9+=~]{16,}/g;

/**
 * Text from the service made safe to show: its first line, whitespace
 * collapsed, each of `secrets` (values the request carried) and anything
 * credential-shaped replaced by `[redacted]`, cut to {@link SERVICE_MESSAGE_MAX}
 * characters. Undefined when nothing is left.
 */
export function safeServiceText(value: string, secrets: readonly string[] = []): string | undefined {
  let line = value.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)) {
    line = line.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of CREDENTIAL_SHAPES) line = line.replace(pattern, replacement);
  line = line.replace(SECRET_RUN, (run) => (looksGenerated(run) ? REDACTED : run));
  line = line.replace(/\s+/g, " ").trim();
  if (line === "") return undefined;
  return line.length > SERVICE_MESSAGE_MAX ? `${line.slice(0, SERVICE_MESSAGE_MAX - 3)}...` : line;
}

/** The `message` of an Azure DevOps error body, made safe by {@link safeServiceText}; undefined when there is none. */
export function serviceMessage(bodyText: string, secrets: readonly string[] = []): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const message = typeof body === "object" && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof message === "string" ? safeServiceText(message, secrets) : undefined;
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}

/** What to do about a failed call, by status. */
export function hintForStatus(status: number, attempts: number): string {
  if (status === 400) return "the service rejected the request as invalid; check the inputs the error code names";
  if (status === 403) {
    return "the credential is valid but lacks permission for this call; grant the identity access (service hooks need 'Edit subscriptions' on the project) or use a PAT with the needed scopes";
  }
  if (status === 404) return "not found; check the organization URL and that the project or resource still exists";
  if (status === 409) return "the service reports a conflict with the current state; run `pulumi refresh` and retry";
  if (status === 410) return "the resource is gone; run `pulumi refresh` so it is recreated";
  if (status === 429) {
    return `still rate limited after ${attemptsText(attempts)}; retry later, lower \`pulumi up --parallel\`, or raise AZDO_RETRY_MAX_SECONDS`;
  }
  if (status >= 500) {
    return `the service failed after ${attemptsText(attempts)}; retry later (see https://status.dev.azure.com) or raise AZDO_MAX_RETRIES`;
  }
  return "unexpected response; retry, and report it if it persists";
}
