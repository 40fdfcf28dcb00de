import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AdoAuthError,
  AdoClient,
  AdoClientOptions,
  AdoCredentialError,
  AdoRequestError,
  AZURE_DEVOPS_SCOPE,
  authFromEnvironment,
  clientSettingsFromEnv,
  entraAuth,
  environmentPatAuth,
  parseRetryAfter,
  parseServiceError,
  patAuth,
  TokenSource,
} from "../../components/azure-devops/runtime";
import { type Loopback, startLoopback } from "../loopback/server";
import { HANG_TIMEOUT_SECONDS, LOOPBACK_ALLOWED_HOSTS, useLoopback } from "./helpers";

// Each client here gets its settings, credential and env explicitly, so the process environment stays untouched.
const server = useLoopback({ environment: false });
let sleeps: number[];

/** The opt-in every client of a loopback organization needs. */
const LOOPBACK_ENV = { AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS };

beforeEach(() => {
  sleeps = [];
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/**
 * Delivers calls to https://dev.azure.com at the loopback server, as the
 * network would deliver them to Microsoft: the client still builds, checks and
 * sends for the real host, which an Entra token may go to.
 */
function routeDevAzureComToLoopback(): void {
  const realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return realFetch(url.origin === "https://dev.azure.com" ? `${server.url}${url.pathname}${url.search}` : input, init);
  });
}

/**
 * A client with tiny retry settings whose waits are recorded instead of slept.
 * The timeout and the time budget are the runtime's defaults, so a busy
 * machine never turns an answer into a timeout or cuts a retry chain short;
 * tests that want a timeout hold a call open (`hang`).
 */
function client(overrides: Partial<AdoClientOptions> = {}): AdoClient {
  return new AdoClient({
    organizationUrl: server.orgUrl,
    auth: patAuth(server.pat, "the test PAT"),
    maxRetries: 3,
    retryBaseSeconds: 0.005,
    retryMaxDelaySeconds: 0.05,
    retryMaxSeconds: 120,
    timeoutSeconds: 30,
    env: LOOPBACK_ENV,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

function subscriptionBody(): Record<string, unknown> {
  return {
    publisherId: "tfs",
    eventType: "git.push",
    resourceVersion: "1.0",
    consumerId: "webHooks",
    consumerActionId: "httpRequest",
    publisherInputs: { projectId: server.state.projects[0]!.id },
    consumerInputs: { url: "https://hooks.example.com/" },
  };
}

async function failure(promise: Promise<unknown>): Promise<AdoRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AdoRequestError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("requests", () => {
  it("sends api-version 7.1 and the caller's query, and reports each attempt", async () => {
    const events: string[] = [];
    const c = client({ onRequest: (e) => events.push(`${e.method} ${e.path} #${e.attempt}`) });
    const response = await c.request<{ value: unknown[] }>("GET", "_apis/projects", { query: { $top: 2, continuationToken: undefined } });
    expect(response.body.value).toHaveLength(2);
    expect(server.calls[0]!.query).toEqual({ $top: "2", "api-version": "7.1" });
    expect(events).toEqual(["GET /contoso/_apis/projects #1"]);
    expect(c.requestCount).toBe(1);
  });

  it("puts entitlement calls on the vsaex host of the real service, and keeps other base URLs", () => {
    const real = new AdoClient({ organizationUrl: "https://dev.azure.com/contoso", auth: patAuth("x"), env: {} });
    expect(real.url("_apis/serviceprincipalentitlements", { host: "vsaex", apiVersion: "7.1-preview.1" }).toString()).toBe(
      "https://vsaex.dev.azure.com/contoso/_apis/serviceprincipalentitlements?api-version=7.1-preview.1",
    );
    expect(client().url("_apis/serviceprincipalentitlements", { host: "vsaex" }).toString()).toBe(`${server.orgUrl}/_apis/serviceprincipalentitlements?api-version=7.1`);
  });

  it("needs an organization", () => {
    expect(() => new AdoClient({ auth: patAuth("x"), env: {} })).toThrow(
      "no Azure DevOps organization: pass organizationUrl or set AZDO_ORG_SERVICE_URL to https://dev.azure.com/<organization>",
    );
    expect(new AdoClient({ auth: patAuth("x"), env: { AZDO_ORG_SERVICE_URL: "https://fabrikam.visualstudio.com/" } }).organizationUrl).toBe("https://dev.azure.com/fabrikam");
  });
});

describe("retries", () => {
  it("honours Retry-After in seconds on 429, for a GET", async () => {
    server.faults.add({ method: "GET", path: "_apis/projects", fault: { kind: "status", status: 429, retryAfter: "2" } });
    await client().request("GET", "_apis/projects");
    expect(sleeps).toEqual([2000]);
    expect(server.count("GET", "_apis/projects")).toBe(2);
  });

  it("honours Retry-After as an HTTP date on 503", async () => {
    // A minute ahead (whole seconds: an HTTP date has no fractions), so however slowly
    // this machine gets from here to the client's reading of it, most of it is left.
    const at = new Date(Date.now() + 60_000).toUTCString();
    server.faults.add({ path: "_apis/projects", fault: { kind: "status", status: 503, retryAfter: at } });
    await client().request("GET", "_apis/projects");
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(30_000);
    expect(sleeps[0]).toBeLessThanOrEqual(60_000);
  });

  it("retries a GET on 500 and 503 with jittered exponential backoff", async () => {
    server.faults.add({ path: "_apis/projects", times: 2, fault: { kind: "status", status: 500 } });
    server.faults.add({ path: "_apis/projects", fault: { kind: "status", status: 503 } });
    await client().request("GET", "_apis/projects");
    expect(server.count("GET", "_apis/projects")).toBe(4);
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(5 * 2 ** i));
  });

  it("gives up after AZDO_MAX_RETRIES with an error that names the call, status, code and what to do", async () => {
    server.faults.add({ path: "_apis/projects", times: Infinity, fault: { kind: "status", status: 500 } });
    const error = await failure(client().request("GET", "_apis/projects"));
    expect(error.message).toBe(
      "Azure DevOps GET /contoso/_apis/projects returned 500 (TF400898 LoopbackInjectedException): the service failed after 4 attempts; retry later (see https://status.dev.azure.com) or raise AZDO_MAX_RETRIES",
    );
    expect(error).toMatchObject({ method: "GET", path: "/contoso/_apis/projects", status: 500, code: "TF400898", attempts: 4, outcomeUnknown: true });
    expect(server.count("GET", "_apis/projects")).toBe(4);
  });

  it("stops when the total retry time would be exceeded", async () => {
    server.faults.add({ path: "_apis/projects", times: Infinity, fault: { kind: "status", status: 429, retryAfter: "30" } });
    const error = await failure(client({ retryMaxSeconds: 10 }).request("GET", "_apis/projects"));
    expect(error.message).toBe(
      'Azure DevOps GET /contoso/_apis/projects returned 429 (LoopbackInjectedException) saying "Injected 429.": still rate limited after 1 attempt; retry later, lower `pulumi up --parallel`, or raise AZDO_RETRY_MAX_SECONDS',
    );
    expect(sleeps).toEqual([]);
  });

  it("retries a GET after a connection reset and after a timeout", async () => {
    server.faults.add({ path: "_apis/projects", fault: { kind: "reset" } });
    server.faults.add({ path: "_apis/projects", fault: { kind: "hang" } });
    const response = await client({ timeoutSeconds: HANG_TIMEOUT_SECONDS }).request<{ count: number }>("GET", "_apis/projects");
    expect(response.body.count).toBe(3);
    expect(server.calls.map((c) => c.status)).toEqual([0, 0, 200]);
  });

  it("names a timeout that outlasts the retries", async () => {
    // Every attempt is held open, so no answer can beat the short timeout.
    server.faults.add({ path: "_apis/projects", times: Infinity, fault: { kind: "hang" } });
    const error = await failure(client({ maxRetries: 1, timeoutSeconds: 0.05 }).request("GET", "_apis/projects"));
    expect(error.message).toBe(
      "Azure DevOps GET /contoso/_apis/projects got no response within 0.05s: the service stayed slow for 2 attempts; retry later, or raise AZDO_REQUEST_TIMEOUT_SECONDS",
    );
    expect(server.calls.map((c) => c.status)).toEqual([0, 0]);
  });
});

describe("POST is never retried blindly", () => {
  it("is retried on 429, which the service did not process", async () => {
    server.faults.add({ method: "POST", fault: { kind: "status", status: 429, retryAfter: "1" } });
    await client().request("POST", "_apis/hooks/subscriptions", { body: subscriptionBody() });
    expect(server.count("POST")).toBe(2);
    expect(server.state.subscriptions.size).toBe(1);
  });

  it("is retried on 503 with Retry-After", async () => {
    server.state.subscriptions.clear();
    server.faults.add({ method: "POST", fault: { kind: "status", status: 503, retryAfter: "1" } });
    await client().request("POST", "_apis/hooks/subscriptions", { body: subscriptionBody() });
    expect(server.count("POST")).toBe(2);
    expect(server.state.subscriptions.size).toBe(1);
  });

  it.each([
    ["503 without Retry-After", { kind: "status", status: 503, apply: true }, "returned 503 (TF400898 LoopbackInjectedException)"],
    ["500", { kind: "status", status: 500, apply: true }, "returned 500 (TF400898 LoopbackInjectedException)"],
  ] as const)("is not retried on %s, and says the outcome is unknown", async (_name, fault, what) => {
    server.state.subscriptions.clear();
    server.faults.add({ method: "POST", fault });
    const error = await failure(client().request("POST", "_apis/hooks/subscriptions", { body: subscriptionBody() }));
    expect(error.message).toBe(
      `Azure DevOps POST /contoso/_apis/hooks/subscriptions ${what}: the service may or may not have applied this POST, so it was not sent again; look for its result before retrying`,
    );
    expect(error.outcomeUnknown).toBe(true);
    expect(server.count("POST")).toBe(1);
    expect(server.state.subscriptions.size).toBe(1);
  });

  it("is not retried after a timeout, though the service applied it", async () => {
    server.state.subscriptions.clear();
    server.faults.add({ method: "POST", fault: { kind: "hang" } });
    const error = await failure(client({ timeoutSeconds: 0.05 }).request("POST", "_apis/hooks/subscriptions", { body: subscriptionBody() }));
    expect(error.what).toBe("got no response within 0.05s");
    expect(error.outcomeUnknown).toBe(true);
    expect(server.count("POST")).toBe(1);
    expect(server.state.subscriptions.size).toBe(1);
  });

  it("is not retried after a connection reset", async () => {
    server.faults.add({ method: "POST", fault: { kind: "reset" } });
    const error = await failure(client().request("POST", "_apis/hooks/subscriptions", { body: subscriptionBody() }));
    expect(error.what).toMatch(/^failed without a response \((ECONNRESET|UND_ERR_SOCKET|EPIPE|TypeError)\)$/);
    expect(error.outcomeUnknown).toBe(true);
    expect(server.count("POST")).toBe(1);
  });

  it("is retried like a GET when it only reads (a query)", async () => {
    server.faults.add({ method: "POST", fault: { kind: "status", status: 500 } });
    await client().request("POST", "_apis/hooks/subscriptionsquery", { body: {}, readOnly: true });
    expect(server.count("POST", "_apis/hooks/subscriptionsquery")).toBe(2);
  });
});

describe("errors never carry a credential or a response body", () => {
  it("keeps the code, type and message of a 400, with the secret the message echoed removed", async () => {
    server.faults.add({
      method: "POST",
      fault: { kind: "status", status: 400, body: { message: "VS402345: the input https://hooks.example.com/?token=ECHOED-SECRET is invalid", typeKey: "SubscriptionInputException" } },
    });
    const error = await failure(client().request("POST", "_apis/hooks/subscriptions", { body: subscriptionBody(), query: { token: "QUERY-SECRET" } }));
    expect(error.message).toBe(
      'Azure DevOps POST /contoso/_apis/hooks/subscriptions returned 400 (VS402345 SubscriptionInputException) saying "VS402345: the input https://hooks.example.com/?token=[redacted] is invalid": the service rejected the request as invalid; check the inputs the error code names',
    );
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toMatch(/ECHOED-SECRET|QUERY-SECRET|loopback-pat/);
  });

  it("parses codes from message and typeKey only", () => {
    expect(parseServiceError('{"message":"TF400813: The user is not authorized","typeKey":"UnauthorizedRequestException"}')).toEqual({
      code: "TF400813",
      typeKey: "UnauthorizedRequestException",
    });
    expect(parseServiceError("<html>")).toEqual({});
    expect(parseServiceError('{"typeKey":"not a <type>"}')).toEqual({});
  });
});

describe("auth", () => {
  it("a rejected PAT is a 401 auth error that names where the PAT came from", async () => {
    const error = await failure(client({ auth: environmentPatAuth({ AZDO_PERSONAL_ACCESS_TOKEN: "wrong-pat-value" }) }).request("GET", "_apis/connectionData", { apiVersion: "7.1-preview.1" }));
    expect(error).toBeInstanceOf(AdoAuthError);
    expect(error.message).toBe(
      `Azure DevOps GET /contoso/_apis/connectionData returned 401 (TF400813 UnauthorizedRequestException): the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected; check that it has not expired or been revoked and that it was issued for ${server.orgUrl}`,
    );
    expect(error.message).not.toContain("wrong-pat-value");
    expect(server.calls).toHaveLength(1);
  });

  it("a 203 sign-in page is an auth error too, and is not retried", async () => {
    server.faults.add({ fault: { kind: "signIn" } });
    const error = await failure(client().request("GET", "_apis/projects"));
    expect(error).toBeInstanceOf(AdoAuthError);
    expect(error.message).toBe(
      `Azure DevOps GET /contoso/_apis/projects returned 203 with a sign-in page: the test PAT was rejected; check that it has not expired or been revoked and that it was issued for ${server.orgUrl}`,
    );
    expect(server.calls).toHaveLength(1);
  });

  it("a server that answers bad credentials with a sign-in page yields the same auth error", async () => {
    const signIn = await startLoopback({ signInPageOnBadAuth: true });
    try {
      const c = new AdoClient({ organizationUrl: signIn.orgUrl, auth: patAuth("nope", "the PAT in AZDO_PERSONAL_ACCESS_TOKEN"), env: LOOPBACK_ENV });
      const error = await failure(c.request("GET", "_apis/projects"));
      expect(error).toBeInstanceOf(AdoAuthError);
      expect(error.what).toBe("returned 203 with a sign-in page");
    } finally {
      await signIn.stop();
    }
  });

  it("uses an Entra token, cached until near expiry", async () => {
    let calls = 0;
    let expiresIn = 3600_000;
    const credential: TokenSource = {
      getToken: async (scopes) => {
        calls++;
        expect(scopes).toBe(AZURE_DEVOPS_SCOPE);
        return { token: server.bearerToken, expiresOnTimestamp: Date.now() + expiresIn };
      },
    };
    const auth = entraAuth(credential);
    routeDevAzureComToLoopback();
    const c = client({ organizationUrl: "https://dev.azure.com/contoso", auth });
    await Promise.all([c.request("GET", "_apis/projects"), c.request("GET", "_apis/projects")]);
    await c.request("GET", "_apis/projects");
    expect(calls).toBe(1);
    expiresIn = 60_000;
    auth.invalidate!();
    await c.request("GET", "_apis/projects");
    await c.request("GET", "_apis/projects");
    // A token within five minutes of expiry is fetched again on every call.
    expect(calls).toBe(3);
  });

  it("a rejected Entra token is fetched once more, then named in the error", async () => {
    let calls = 0;
    const credential: TokenSource = { getToken: async () => ({ token: `stale-token-${++calls}`, expiresOnTimestamp: Date.now() + 3600_000 }) };
    routeDevAzureComToLoopback();
    const error = await failure(client({ organizationUrl: "https://dev.azure.com/contoso", auth: entraAuth(credential) }).request("GET", "_apis/projects"));
    expect(error).toBeInstanceOf(AdoAuthError);
    expect(error.message).toBe(
      "Azure DevOps GET /contoso/_apis/projects returned 401 (TF400813 UnauthorizedRequestException): the Entra token from DefaultAzureCredential was rejected; check that the identity is a user of https://dev.azure.com/contoso (Organization settings > Users) and that the organization is connected to the identity's Entra tenant",
    );
    expect(calls).toBe(2);
    expect(server.calls).toHaveLength(2);
  });

  it("an Entra sign-in failure names the credential and keeps only the AADSTS code", async () => {
    const credential: TokenSource = {
      getToken: async () => {
        const error = new Error("AADSTS7000215: Invalid client secret provided. secret=LEAKED-VALUE");
        error.name = "ClientAuthenticationError";
        throw error;
      },
    };
    await expect(client({ auth: entraAuth(credential) }).request("GET", "_apis/projects")).rejects.toThrow(
      new AdoCredentialError(
        "could not get the Entra token from DefaultAzureCredential (ClientAuthenticationError AADSTS7000215): run `az login`, use workload identity federation in the pipeline, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or set AZDO_PERSONAL_ACCESS_TOKEN",
      ),
    );
  });

  it("chooses PAT when AZDO_PERSONAL_ACCESS_TOKEN is set, Entra otherwise, and obeys AZDO_AUTH", () => {
    expect(authFromEnvironment({ AZDO_PERSONAL_ACCESS_TOKEN: "x" }).source).toBe("the PAT in AZDO_PERSONAL_ACCESS_TOKEN");
    expect(authFromEnvironment({}).source).toBe("the Entra token from DefaultAzureCredential");
    expect(authFromEnvironment({ AZDO_PERSONAL_ACCESS_TOKEN: "x", AZDO_AUTH: "entra" }).source).toBe("the Entra token from DefaultAzureCredential");
    expect(() => authFromEnvironment({ AZDO_AUTH: "pat" })).toThrow(
      "AZDO_AUTH=pat but AZDO_PERSONAL_ACCESS_TOKEN is not set: set it, or unset AZDO_AUTH to sign in with Entra",
    );
    expect(() => authFromEnvironment({ AZDO_AUTH: "oauth" })).toThrow('AZDO_AUTH must be "pat" or "entra" (or unset to choose by AZDO_PERSONAL_ACCESS_TOKEN)');
  });

  it("reads the PAT at call time, so a PAT set later is used and none is kept", async () => {
    const env: NodeJS.ProcessEnv = {};
    const auth = environmentPatAuth(env);
    await expect(auth.authorization()).rejects.toThrow("AZDO_PERSONAL_ACCESS_TOKEN is not set");
    env.AZDO_PERSONAL_ACCESS_TOKEN = server.pat;
    await client({ auth }).request("GET", "_apis/projects");
    expect(JSON.stringify(auth)).not.toContain(server.pat);
  });
});

describe("pacing", () => {
  it("waits for X-RateLimit-Delay and spreads calls when X-RateLimit-Remaining runs low", async () => {
    // A server and organization per case: pacing is shared per organization
    // URL across clients, so no case (or later test) inherits another's pause.
    // The waits are tens of seconds, only recorded, so however slowly this
    // machine gets from one call to the next, most of each is left when the
    // next call looks.
    const servers = await Promise.all(["pacing-delay", "pacing-low", "pacing-plenty"].map((organization) => startLoopback({ organization })));
    const [delayed, lowBudget, plenty] = servers;
    const pacedClient = (paced: Loopback): AdoClient =>
      new AdoClient({
        organizationUrl: paced.orgUrl,
        auth: patAuth(paced.pat),
        env: LOOPBACK_ENV,
        retryMaxDelaySeconds: 30,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
    try {
      const c = pacedClient(delayed!);
      delayed!.faults.add({ fault: { kind: "rateLimit", delaySeconds: 20 } });
      await c.request("GET", "_apis/projects");
      await c.request("GET", "_apis/projects");
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(10_000);
      expect(sleeps[0]).toBeLessThanOrEqual(20_000);

      sleeps.length = 0;
      const d = pacedClient(lowBudget!);
      // One call left in a window of a minute: the wait would be the whole minute.
      lowBudget!.faults.add({ fault: { kind: "rateLimit", remaining: 1, limit: 200, resetSeconds: 60 } });
      await d.request("GET", "_apis/projects");
      await d.request("GET", "_apis/projects");
      // Capped at the longest configured wait.
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(20_000);
      expect(sleeps[0]).toBeLessThanOrEqual(30_000);

      sleeps.length = 0;
      const e = pacedClient(plenty!);
      plenty!.faults.add({ fault: { kind: "rateLimit", remaining: 150, limit: 200 } });
      await e.request("GET", "_apis/projects");
      await e.request("GET", "_apis/projects");
      expect(sleeps).toEqual([]);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});

describe("settings", () => {
  it("reads overrides from the environment and rejects nonsense", () => {
    expect(clientSettingsFromEnv({})).toEqual({ maxRetries: 5, retryMaxSeconds: 120, retryBaseSeconds: 0.5, retryMaxDelaySeconds: 30, timeoutSeconds: 30, maxConcurrentRequests: 12 });
    expect(
      clientSettingsFromEnv({ AZDO_MAX_RETRIES: "2", AZDO_RETRY_MAX_SECONDS: "9", AZDO_RETRY_BASE_SECONDS: "0.1", AZDO_RETRY_MAX_DELAY_SECONDS: "3", AZDO_REQUEST_TIMEOUT_SECONDS: "4" }),
    ).toEqual({ maxRetries: 2, retryMaxSeconds: 9, retryBaseSeconds: 0.1, retryMaxDelaySeconds: 3, timeoutSeconds: 4, maxConcurrentRequests: 12 });
    expect(() => clientSettingsFromEnv({ AZDO_MAX_RETRIES: "many" })).toThrow('AZDO_MAX_RETRIES must be a non-negative number, got "many"');
  });

  it("parses Retry-After seconds and dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:58 GMT"))).toBe(2000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:29:00 GMT"))).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
