/** What every Azure DevOps REST failure reports; never a credential or a response body. */
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
  /** What happened, in a few words ("returned 404", "timed out after 30s"). */
  readonly what: string;
  /** What to do about it. */
  readonly hint: string;
  /** How many times the call was sent. */
  readonly attempts: number;
  /** True when the call may or may not have been applied (timeout, reset, 5xx). */
  readonly outcomeUnknown?: boolean;
}

/** An Azure DevOps REST call that failed after the client's retries. */
export class AdoRequestError extends Error implements AdoErrorDetails {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly typeKey?: string;
  readonly what: string;
  readonly hint: string;
  readonly attempts: number;
  readonly outcomeUnknown: boolean;

  constructor(details: AdoErrorDetails) {
    const ids = [details.code, details.typeKey].filter((x) => x !== undefined).join(" ");
    super(`Azure DevOps ${details.method} ${details.path} ${details.what}${ids === "" ? "" : ` (${ids})`}: ${details.hint}`);
    this.name = "AdoRequestError";
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.typeKey = details.typeKey;
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
 * The message itself is dropped: it can echo request values, secrets included.
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
