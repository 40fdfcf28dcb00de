import { AdoAuth, authFromEnvironment } from "./auth";
import { AdoAuthError, AdoRequestError, hintForStatus, parseServiceError, serviceMessage } from "./errors";
import { ALLOWED_HOSTS_VARIABLE, type AllowedHost, allowedHostsFromEnv, mayReceiveCredential, mayReceiveEntraToken } from "./hosts";
import { normalizeOrganizationUrl } from "./org-url";

/** The REST API version every call uses unless the endpoint needs a preview version. */
export const DEFAULT_API_VERSION = "7.1";

/** Retry, timeout and pacing settings; each has an environment override. */
export interface AdoClientSettings {
  /** Retries after the first attempt. AZDO_MAX_RETRIES; defaults to 5. */
  readonly maxRetries: number;
  /** Total time a call may spend waiting between attempts. AZDO_RETRY_MAX_SECONDS; defaults to 120. */
  readonly retryMaxSeconds: number;
  /** Base of the exponential backoff. AZDO_RETRY_BASE_SECONDS; defaults to 0.5. */
  readonly retryBaseSeconds: number;
  /** Longest backoff or pacing wait (a longer Retry-After is honoured if the total allows). AZDO_RETRY_MAX_DELAY_SECONDS; defaults to 30. */
  readonly retryMaxDelaySeconds: number;
  /** How long one attempt may take, body included. AZDO_REQUEST_TIMEOUT_SECONDS; defaults to 30. */
  readonly timeoutSeconds: number;
  /**
   * Calls to one organization in flight at once, per process, retries
   * included. AZDO_MAX_CONCURRENT_REQUESTS; defaults to 12. Pulumi runs every
   * dynamic resource's operations in one provider process with unbounded
   * parallelism by default: without this, thousands of creates hit a throttled
   * organization at once and each spends its retries alone.
   */
  readonly maxConcurrentRequests: number;
}

/** Reported before every attempt, so tests and benchmarks can count REST calls. */
export interface AdoRequestEvent {
  readonly method: string;
  /** URL path without the query string. */
  readonly path: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
}

/** How to build an {@link AdoClient}; everything is optional. */
export interface AdoClientOptions extends Partial<AdoClientSettings> {
  /** Organization URL or name. Defaults to AZDO_ORG_SERVICE_URL. */
  readonly organizationUrl?: string;
  /** Credential. Defaults to {@link authFromEnvironment} (PAT or Entra, chosen at call time). */
  readonly auth?: AdoAuth;
  /** Called before every attempt. */
  readonly onRequest?: (event: AdoRequestEvent) => void;
  /** Waits between attempts; tests replace it to observe the delays. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where settings, credentials and AZDO_ALLOWED_HOSTS are read from. Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** One call's extras. */
export interface AdoRequestOptions {
  /** Query parameters; undefined values are left out. `api-version` is added. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON body. */
  readonly body?: unknown;
  /** Defaults to 7.1. */
  readonly apiVersion?: string;
  /** `vsaex` for user entitlement APIs, which live on their own host in the real service. */
  readonly host?: "vsaex";
  /** Marks a POST that only reads (a query), so it is retried like a GET. */
  readonly readOnly?: boolean;
  /** Body media type. Defaults to application/json; JSON-patch endpoints need application/json-patch+json. */
  readonly contentType?: string;
  /**
   * What a usable 2xx answer holds: given the parsed body (undefined when it
   * is empty), returns what is wrong with it ("no subscription id"), or
   * undefined. A wrong, empty or unreadable answer is then an error, and for
   * a POST one whose outcome is unknown (it may have been applied). Without a
   * check only an unreadable body is an error.
   */
  readonly expect?: (body: unknown) => string | undefined;
  /** Values the request carries that no error may show (a webhook password, secret variables), even when the service echoes them. */
  readonly secrets?: readonly string[];
}

/** A successful response. */
export interface AdoResponse<T> {
  readonly status: number;
  /** Parsed JSON body, or undefined for an empty one. */
  readonly body: T;
  readonly headers: Headers;
}

/** Reads {@link AdoClientSettings} from the environment, with defaults. */
export function clientSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AdoClientSettings {
  return {
    maxRetries: envNumber(env, "AZDO_MAX_RETRIES", 5),
    retryMaxSeconds: envNumber(env, "AZDO_RETRY_MAX_SECONDS", 120),
    retryBaseSeconds: envNumber(env, "AZDO_RETRY_BASE_SECONDS", 0.5),
    retryMaxDelaySeconds: envNumber(env, "AZDO_RETRY_MAX_DELAY_SECONDS", 30),
    timeoutSeconds: envNumber(env, "AZDO_REQUEST_TIMEOUT_SECONDS", 30),
    maxConcurrentRequests: Math.max(1, Math.floor(envNumber(env, "AZDO_MAX_CONCURRENT_REQUESTS", 12))),
  };
}

function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  }
  return value;
}

/**
 * Parses Retry-After: delay seconds or an HTTP date. Returns milliseconds, or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Paces calls to one organization across every client in the process: the
 * dynamic provider host runs many resource operations at once, each with its
 * own client, and they share the service's rate limit.
 */
class RateGate {
  private notBefore = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  /** Waits for one of `limit` slots; the returned function gives it back. */
  async acquire(limit: number): Promise<() => void> {
    if (this.inFlight >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next caller, so the count stays exact.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    };
  }

  /** How long the next call should wait. */
  waitMs(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  /**
   * Slows down when the service says it delayed us or our budget runs low,
   * or asks for a pause on a successful answer (Retry-After on a 2xx, which
   * Microsoft's rate-limit guidance says to honour before the next call).
   */
  observe(status: number, headers: Headers, now: number, capMs: number, baseMs: number): void {
    let pauseMs = 0;
    if (status >= 200 && status < 300) pauseMs = parseRetryAfter(headers.get("retry-after"), now) ?? 0;
    const delay = Number(headers.get("x-ratelimit-delay"));
    if (headers.has("x-ratelimit-delay") && Number.isFinite(delay) && delay > 0) {
      pauseMs = Math.max(pauseMs, delay * 1000);
    }
    const remaining = Number(headers.get("x-ratelimit-remaining"));
    const limit = Number(headers.get("x-ratelimit-limit"));
    if (headers.has("x-ratelimit-remaining") && Number.isFinite(remaining) && (limit > 0 ? remaining / limit < 0.1 : remaining <= 0)) {
      // Spread what is left of the window over the calls still allowed in it.
      const reset = Number(headers.get("x-ratelimit-reset")) * 1000;
      const windowMs = Number.isFinite(reset) && reset > now ? reset - now : baseMs;
      pauseMs = Math.max(pauseMs, windowMs / Math.max(remaining, 1));
    }
    if (pauseMs > 0) {
      this.notBefore = Math.max(this.notBefore, now + Math.min(pauseMs, capMs));
    }
  }
}

const rateGates = new Map<string, RateGate>();

function rateGateFor(organizationUrl: string): RateGate {
  let gate = rateGates.get(organizationUrl);
  if (!gate) {
    gate = new RateGate();
    rateGates.set(organizationUrl, gate);
  }
  return gate;
}

/** Waits `ms` milliseconds: the sleep of retries and polls unless a caller (a test) passes its own. */
export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one Azure DevOps REST client: auth, api-version, retries with backoff,
 * Retry-After and rate-limit pacing (on successful answers too), per-call
 * timeout, and errors that name the call and what to do, never a credential;
 * of a response body they show only a 4xx answer's own message, made safe
 * (see serviceMessage).
 *
 * The credential goes only to Azure DevOps's own hosts over https, or to a
 * host AZDO_ALLOWED_HOSTS lists (never an Entra token); every call is checked,
 * whatever built the client. A redirect is never followed: any 3xx is an
 * error, so a request body (a webhook password, secret variables) never
 * reaches the host the redirect names.
 *
 * Idempotent methods (GET, PUT, DELETE, PATCH) are retried on 5xx, timeouts
 * and connection errors. A POST is retried only when the service says it did
 * not process it (429, or 503 with Retry-After); any other failure of a POST,
 * a 2xx answer that cannot be read or lacks what `expect` requires included,
 * is thrown with `outcomeUnknown` so the caller can look before it retries.
 */
export class AdoClient {
  /** Normalized organization URL. */
  readonly organizationUrl: string;
  /** Effective retry and timeout settings. */
  readonly settings: AdoClientSettings;
  /** Attempts sent by this client so far, retries included. */
  requestCount = 0;

  private readonly auth: AdoAuth;
  private readonly allowedHosts: readonly AllowedHost[];
  private readonly onRequest?: (event: AdoRequestEvent) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly gate: RateGate;

  constructor(options: AdoClientOptions = {}) {
    const env = options.env ?? process.env;
    const organization = options.organizationUrl ?? env.AZDO_ORG_SERVICE_URL;
    if (organization === undefined || organization.trim() === "") {
      throw new Error("no Azure DevOps organization: pass organizationUrl or set AZDO_ORG_SERVICE_URL to https://dev.azure.com/<organization>");
    }
    this.allowedHosts = allowedHostsFromEnv(env);
    this.organizationUrl = normalizeOrganizationUrl(organization, this.allowedHosts);
    const fromEnv = clientSettingsFromEnv(env);
    this.settings = {
      maxRetries: options.maxRetries ?? fromEnv.maxRetries,
      retryMaxSeconds: options.retryMaxSeconds ?? fromEnv.retryMaxSeconds,
      retryBaseSeconds: options.retryBaseSeconds ?? fromEnv.retryBaseSeconds,
      retryMaxDelaySeconds: options.retryMaxDelaySeconds ?? fromEnv.retryMaxDelaySeconds,
      timeoutSeconds: options.timeoutSeconds ?? fromEnv.timeoutSeconds,
      maxConcurrentRequests: options.maxConcurrentRequests ?? fromEnv.maxConcurrentRequests,
    };
    this.auth = options.auth ?? authFromEnvironment(env);
    this.onRequest = options.onRequest;
    this.sleep = options.sleep ?? defaultSleep;
    this.gate = rateGateFor(this.organizationUrl);
  }

  /** Where the credential comes from, as auth errors name it. */
  get credentialSource(): string {
    return this.auth.source;
  }

  /**
   * Waits before retry number `attempt` (exponential backoff with full
   * jitter, or the server's delay) and returns true, or returns false at once
   * when the retry count or the time budget since `started` is used up.
   * Callers that retry whole operations (create after an unknown outcome) use
   * it too, so one budget governs both.
   */
  async backOff(attempt: number, started: number, serverDelayMs?: number): Promise<boolean> {
    if (attempt > this.settings.maxRetries) return false;
    const ceilingMs = Math.min(this.settings.retryMaxDelaySeconds * 1000, this.settings.retryBaseSeconds * 1000 * 2 ** (attempt - 1));
    const delayMs = serverDelayMs ?? Math.random() * ceilingMs;
    if (Date.now() - started + delayMs > this.settings.retryMaxSeconds * 1000) return false;
    await this.sleep(delayMs);
    return true;
  }

  /** Full URL for a path relative to the organization (`_apis/projects`, `{project}/_apis/...`). */
  url(path: string, options: AdoRequestOptions = {}): URL {
    let base = this.organizationUrl;
    if (options.host === "vsaex" && base.startsWith("https://dev.azure.com/")) {
      base = base.replace("https://dev.azure.com/", "https://vsaex.dev.azure.com/");
    }
    const url = new URL(`${base}/${path.replace(/^\/+/, "")}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    url.searchParams.set("api-version", options.apiVersion ?? DEFAULT_API_VERSION);
    return url;
  }

  /** Sends one call, retrying as the class comment describes; throws {@link AdoRequestError} or {@link AdoAuthError}. */
  async request<T = unknown>(method: string, path: string, options: AdoRequestOptions = {}): Promise<AdoResponse<T>> {
    // The slot is held through retries and Retry-After waits: a throttled
    // organization then sees at most maxConcurrentRequests calls from us.
    const release = await this.gate.acquire(this.settings.maxConcurrentRequests);
    try {
      return await this.send<T>(method, path, options);
    } finally {
      release();
    }
  }

  private async send<T>(method: string, path: string, options: AdoRequestOptions): Promise<AdoResponse<T>> {
    const url = this.url(path, options);
    const shownPath = url.pathname;
    if (!mayReceiveCredential(url, this.allowedHosts)) {
      throw notSent(
        method,
        shownPath,
        url,
        `${url.host} is not an Azure DevOps host, so no credential goes there; use https://dev.azure.com/<organization>, or for Azure DevOps Server have whoever runs the deployment list the host in ${ALLOWED_HOSTS_VARIABLE}`,
      );
    }
    const idempotent = method !== "POST" || options.readOnly === true;
    const started = Date.now();
    const baseMs = this.settings.retryBaseSeconds * 1000;
    const capMs = this.settings.retryMaxDelaySeconds * 1000;
    let reauthenticated = false;

    // Waits before another attempt if the budget allows; false means give up.
    const backOff = (attempt: number, serverDelayMs?: number): Promise<boolean> => this.backOff(attempt, started, serverDelayMs);

    for (let attempt = 1; ; attempt++) {
      const paceMs = this.gate.waitMs(Date.now());
      if (paceMs > 0) await this.sleep(paceMs);
      const authorization = await this.auth.authorization();
      // Decided by the header, so any bearer credential is held back, not only entraAuth's.
      if (/^bearer /i.test(authorization) && !mayReceiveEntraToken(url)) {
        throw notSent(
          method,
          shownPath,
          url,
          `an Entra token goes only to Azure DevOps Services (dev.azure.com), whatever ${ALLOWED_HOSTS_VARIABLE} lists; use a PAT for this server (AZDO_PERSONAL_ACCESS_TOKEN)`,
        );
      }
      this.requestCount++;
      this.onRequest?.({ method, path: shownPath, attempt });
      const headers: Record<string, string> = {
        Authorization: authorization,
        Accept: "application/json",
        // Without it an unauthenticated call gets a 203 sign-in page instead of a 401.
        "X-TFS-FedAuthRedirect": "Suppress",
        "User-Agent": "ado-integrations",
      };
      if (options.body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";

      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.settings.timeoutSeconds * 1000);
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: controller.signal,
          // A followed 307/308 would send the body (a webhook password, secret variables) to wherever Location points.
          redirect: "manual",
        });
        text = await response.text();
      } catch (error) {
        const timedOut = controller.signal.aborted;
        const failure = new AdoRequestError({
          method,
          path: shownPath,
          what: timedOut ? `got no response within ${this.settings.timeoutSeconds}s` : `failed without a response (${networkCode(error)})`,
          hint: !idempotent
            ? UNKNOWN_POST_HINT
            : timedOut
              ? `the service stayed slow for ${attempt} ${attempt === 1 ? "attempt" : "attempts"}; retry later, or raise AZDO_REQUEST_TIMEOUT_SECONDS`
              : `could not reach ${url.host}; check the organization URL and the network, then retry`,
          attempts: attempt,
          outcomeUnknown: true,
        });
        if (idempotent && (await backOff(attempt))) continue;
        throw failure;
      } finally {
        clearTimeout(timer);
      }

      this.gate.observe(response.status, response.headers, Date.now(), capMs, baseMs);
      const status = response.status;
      const contentType = response.headers.get("content-type") ?? "";

      if (status >= 300 && status < 400) {
        // Not retried: the same call would be redirected again.
        throw new AdoRequestError({
          method,
          path: shownPath,
          status,
          what: `returned ${status}, a redirect to ${redirectTarget(response.headers.get("location"), url)}`,
          hint: "the client follows no redirect, so nothing was sent there; check that the organization URL is the organization's own address (https://dev.azure.com/<organization>), not a proxy or an old address",
          attempts: attempt,
        });
      }

      if (status === 401 || (status === 203 && contentType.includes("text/html"))) {
        // A cached Entra token can be revoked early: drop it and try once more.
        if (status === 401 && this.auth.invalidate && !reauthenticated) {
          reauthenticated = true;
          this.auth.invalidate();
          continue;
        }
        throw new AdoAuthError({
          method,
          path: shownPath,
          status,
          ...parseServiceError(text),
          what: status === 401 ? "returned 401" : "returned 203 with a sign-in page",
          hint: rejectedHint(this.auth.source, this.organizationUrl),
          attempts: attempt,
          credentialSource: this.auth.source,
        });
      }

      if (status >= 200 && status < 300) {
        const answer = readAnswer(text, contentType, options.expect);
        if (!("problem" in answer)) return { status, body: answer.body as T, headers: response.headers };
        const problem = answer.problem;
        // A 2xx means the service received the call; an answer nobody can read says nothing about whether it was applied.
        throw new AdoRequestError({
          method,
          path: shownPath,
          status,
          what: `returned ${status} ${problem.what}`,
          hint: idempotent ? problem.hint : UNREADABLE_POST_HINT,
          attempts: attempt,
          outcomeUnknown: true,
        });
      }

      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
      // 429 and 503-with-Retry-After mean the service did not process the call,
      // so even a POST may go again; other 5xx replies may hide an applied POST.
      const notProcessed = status === 429 || (status === 503 && retryAfterMs !== undefined);
      const retryable = notProcessed || (idempotent && status >= 500);
      if (retryable && (await backOff(attempt, retryAfterMs))) continue;
      throw new AdoRequestError({
        method,
        path: shownPath,
        status,
        ...parseServiceError(text),
        // The service's own words help with a refused call; 5xx messages are internal and say nothing more.
        ...(status < 500 && { serviceMessage: serviceMessage(text, [...(options.secrets ?? []), ...credentialValues(authorization)]) }),
        what: `returned ${status}`,
        hint: !idempotent && status >= 500 && !notProcessed ? UNKNOWN_POST_HINT : hintForStatus(status, attempt),
        attempts: attempt,
        outcomeUnknown: status >= 500 && !notProcessed,
      });
    }
  }
}

/** A call refused before anything was sent. */
function notSent(method: string, path: string, url: URL, hint: string): AdoRequestError {
  return new AdoRequestError({ method, path, what: `was not sent to ${url.protocol}//${url.host}`, hint, attempts: 0 });
}

/** The origin a redirect names (never its path or query, which may carry a token). */
function redirectTarget(location: string | null, requested: URL): string {
  if (location === null || location.trim() === "") return "nowhere (no Location)";
  try {
    const target = new URL(location, requested);
    return target.protocol === "http:" || target.protocol === "https:" ? `${target.protocol}//${target.host}` : `a ${target.protocol} location`;
  } catch {
    return "an unreadable Location";
  }
}

const UNKNOWN_POST_HINT = "the service may or may not have applied this POST, so it was not sent again; look for its result before retrying";

function rejectedHint(source: string, organizationUrl: string): string {
  if (source.includes("PAT")) {
    return `${source} was rejected; check that it has not expired or been revoked and that it was issued for ${organizationUrl}`;
  }
  return `${source} was rejected; check that the identity is a user of ${organizationUrl} (Organization settings > Users) and that the organization is connected to the identity's Entra tenant`;
}

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  return error instanceof Error ? error.name : "unknown error";
}

const UNREADABLE_POST_HINT = "the service may have applied this POST, but its answer could not be read, so it was not sent again; look for its result before retrying";

/** A 2xx answer's parsed body (undefined when empty), or what is wrong with it as the error shows it. */
function readAnswer(
  text: string,
  contentType: string,
  expect: ((body: unknown) => string | undefined) | undefined,
): { readonly body: unknown } | { readonly problem: { readonly what: string; readonly hint: string } } {
  const retry = "retry, and report it if it persists";
  let body: unknown;
  if (text.trim() !== "") {
    if (!contentType.includes("json")) {
      return { problem: { what: `with ${contentType.split(";")[0]!.trim() || "a body"} instead of JSON`, hint: "check that the organization URL points at Azure DevOps" } };
    }
    try {
      body = JSON.parse(text);
    } catch {
      return { problem: { what: "with malformed JSON (cut short, or not JSON)", hint: retry } };
    }
  }
  const wrong = expect?.(body);
  if (wrong === undefined) return { body };
  return { problem: { what: body === undefined ? "with an empty body" : `but the body has ${wrong}`, hint: retry } };
}

/** The secret parts of an Authorization header value (a PAT, a token), so that no error shows them. */
function credentialValues(authorization: string): string[] {
  const [scheme, value = ""] = authorization.split(/\s+/, 2);
  if (/^basic$/i.test(scheme ?? "")) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    return [value, decoded.slice(decoded.indexOf(":") + 1)];
  }
  return [value];
}

/** True for an error that means the resource does not exist (404 or 410). */
export function isGone(error: unknown): boolean {
  return error instanceof AdoRequestError && (error.status === 404 || error.status === 410);
}
