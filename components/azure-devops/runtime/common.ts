import { createHash, randomBytes } from "node:crypto";
import { AdoClient, isGone } from "./client";
import { AdoRequestError } from "./errors";
import { allowedHostsFromEnv } from "./hosts";
import { normalizeOrganizationUrl } from "./org-url";

// Helpers every resource runtime (subscriptions, variable groups, entitlements)
// shares. Only `hashPassword` and `ClientFactory` are public (see ./index).

/** How the provider functions get a client: tests inject one, the provider builds one from the environment. */
export type ClientFactory = (organizationUrl: string) => AdoClient;

/** The default {@link ClientFactory}: credentials and settings from the environment. */
export const environmentClient: ClientFactory = (organizationUrl) => new AdoClient({ organizationUrl });

/** A project or object id (GUID), any case. */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A variable group id: a positive integer. */
export const INTEGER_ID = /^[1-9][0-9]{0,9}$/;

/**
 * The id, when it has the shape `pattern` describes (`shape`: "a GUID");
 * otherwise throws before the id goes into a request path. An id reaches a
 * path from state or from `pulumi import`, so the message points at both.
 */
export function checkedId(resource: string, id: string, pattern: RegExp, shape: string): string {
  if (!pattern.test(id)) {
    const shown = JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}...` : id);
    throw new Error(`${resource} id ${shown} is not ${shape}: check the id given to \`pulumi import\`, or remove the resource from state (\`pulumi state delete <urn>\`) and import it by its real id`);
  }
  return id;
}

/** The value when it is a string, else "" (inputs may still be unknown in preview). */
export function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * The normalized organization URL from an input, or from AZDO_ORG_SERVICE_URL
 * when the input is empty; a host besides Azure DevOps's own must be listed in
 * AZDO_ALLOWED_HOSTS.
 */
export function resolveOrganization(value: unknown, env: NodeJS.ProcessEnv): string {
  const raw = text(value) || env.AZDO_ORG_SERVICE_URL || "";
  if (raw === "") {
    throw new Error("organizationUrl is not set and AZDO_ORG_SERVICE_URL is empty: set one to https://dev.azure.com/<organization>");
  }
  return normalizeOrganizationUrl(raw, allowedHostsFromEnv(env));
}

/** Like {@link resolveOrganization}, but an unknown or invalid value comes back raw so a difference still shows in diff. */
export function organizationForDiff(value: unknown, env: NodeJS.ProcessEnv): string {
  try {
    return resolveOrganization(value, env);
  } catch {
    return text(value);
  }
}

/** A record with its keys in code-unit order, so equal records serialize alike. */
export function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Deep equality of JSON-shaped values, whatever the order of object keys:
 * state read back from the Pulumi engine has its keys sorted, while inputs
 * keep the order the program built them in (a perpetual diff on entitlement
 * projects, seen only through the real engine).
 */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonicalJson(a)) === JSON.stringify(canonicalJson(b));
}

function canonicalJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v !== null && typeof v === "object") {
    return sortedRecord(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, canonicalJson(x)]));
  }
  return v;
}

/** Throws one error listing every problem of a resource's inputs, or nothing when there is none. */
export function requireNoProblems(resource: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(`invalid ${resource}:\n  ${problems.join("\n  ")}`);
  }
}

/** What a resource's diff reports. */
export interface FieldDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  /** Every field that differs, for tests and messages. */
  readonly changed: string[];
}

/** The diff for these replacing and updatable differences; `changed` lists the replacing ones first. */
export function fieldDiff(replaces: string[], changed: string[]): FieldDiff {
  return { changes: replaces.length > 0 || changed.length > 0, replaces, changed: [...replaces, ...changed] };
}

/** Salted sha256 of a password, hex. */
export function hashPassword(password: string, salt: string): string {
  return createHash("sha256").update(`${salt}\u0000${password}`).digest("hex");
}

/** A fresh random salt for {@link hashPassword}, hex. */
export function newSalt(): string {
  return randomBytes(16).toString("hex");
}

/**
 * Runs an update; when the object is gone (404, 410), fails with what to do:
 * `pulumi refresh` first, so the next `pulumi up` `next` (e.g. "recreates it").
 */
export async function updateUnlessGone<T>(resource: string, next: string, update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (error) {
    if (isGone(error)) {
      throw new Error(`${resource} no longer exists in Azure DevOps: run \`pulumi refresh\` so the next \`pulumi up\` ${next}`);
    }
    throw error;
  }
}

/**
 * Reads an object, and when the service says it is gone (404, 410, or
 * `read` returning undefined for the kind's own sign of it) reads once more
 * after a short pause before believing it: right after a create, or once
 * among successes, a 404 can be the service's lag, and dropping a live object
 * from state makes the next `pulumi up` create a duplicate and orphan it. The
 * pause is twice the backoff base (AZDO_RETRY_BASE_SECONDS), capped by
 * AZDO_RETRY_MAX_DELAY_SECONDS, and skipped when AZDO_MAX_RETRIES is 0 or the
 * time budget is spent. Undefined only when both reads say gone.
 */
export async function readConfirmingGone<T>(client: AdoClient, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const once = async (): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  };
  const first = await once();
  if (first !== undefined) return first;
  const { retryBaseSeconds, retryMaxDelaySeconds } = client.settings;
  await client.backOff(1, Date.now(), Math.min(retryBaseSeconds * 2, retryMaxDelaySeconds) * 1000);
  return once();
}

/** "no <what>" when `body` is not an object whose `field` passes `valid`; the shape check `AdoRequestOptions.expect` takes. */
export function expectField(field: string, what: string, valid: (value: unknown) => boolean): (body: unknown) => string | undefined {
  return (body) => (typeof body === "object" && body !== null && valid((body as Record<string, unknown>)[field]) ? undefined : `no ${what}`);
}

/** Runs a delete; an object that is already gone (404, 410) counts as deleted. */
export async function deleteUnlessGone(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

/** The steps of {@link createWithLookup} for one resource kind. */
export interface CreateSteps<Found, Created> {
  /** Sends the create (POST) once. */
  readonly post: () => Promise<Created>;
  /** Looks for an object an earlier POST may have made; undefined when there is none. */
  readonly find: () => Promise<Found | undefined>;
  /** Brings a found object to the desired state. */
  readonly adopt: (existing: Found) => Promise<Created>;
  /** A refusal meaning the object exists already: adopt it at once instead of failing. Defaults to none. */
  readonly refusedAsExisting?: (error: AdoRequestError) => boolean;
  /** Added to the hint when the lookup fails too, given how it failed (the error's `what`, or "failed"). */
  readonly lookupFailedHint: (how: string) => string;
  /** What a lookup that found nothing did not find ("no subscription"). */
  readonly nothingFound: string;
}

/**
 * Creates an object with one POST when nothing goes wrong. Only when the
 * POST's outcome is unknown (timeout, reset, 5xx, a 2xx answer that cannot
 * be read) does it wait a backoff, look for the object, adopt what it finds,
 * and POST again only when nothing is there and the retry budget allows; a
 * refusal `refusedAsExisting` accepts is looked up and adopted without
 * waiting. A POST the service says it did not process (429, 503 with
 * Retry-After) is retried by the client.
 */
export async function createWithLookup<Found, Created>(client: AdoClient, steps: CreateSteps<Found, Created>): Promise<Created> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await steps.post();
    } catch (error) {
      if (!(error instanceof AdoRequestError)) throw error;
      const refused = steps.refusedAsExisting?.(error) ?? false;
      if (!error.outcomeUnknown && !refused) throw error;
      // Wait first after an unknown outcome: a POST still being processed gets time to land before the lookup.
      const mayRetry = refused ? false : await client.backOff(attempt, started);
      let existing: Found | undefined;
      try {
        existing = await steps.find();
      } catch (lookupError) {
        const how = lookupError instanceof AdoRequestError ? lookupError.what : "failed";
        throw new AdoRequestError({ ...error, hint: `${error.hint}; ${steps.lookupFailedHint(how)}` });
      }
      if (existing) return steps.adopt(existing);
      // A refusal with nothing behind it is a real input error.
      if (refused) throw error;
      if (!mayRetry) {
        throw new AdoRequestError({ ...error, hint: `${error.hint}; a lookup afterwards found ${steps.nothingFound}, so none was left behind` });
      }
    }
  }
}
