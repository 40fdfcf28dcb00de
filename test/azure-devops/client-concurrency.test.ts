import { afterEach, describe, expect, it } from "vitest";
import { AdoClient, clientSettingsFromEnv, patAuth } from "../../components/azure-devops/runtime";

const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

/** A fake service that answers after a tick and counts how many calls are open at once. */
function fakeService(answer: (n: number) => Response) {
  let open = 0;
  let calls = 0;
  const seen = { maxOpen: 0, calls: () => calls };
  globalThis.fetch = (async () => {
    const n = ++calls;
    open++;
    seen.maxOpen = Math.max(seen.maxOpen, open);
    await new Promise((r) => setTimeout(r, 2));
    open--;
    return answer(n);
  }) as typeof fetch;
  return seen;
}

const ok = () => new Response("{}", { status: 200, headers: { "content-type": "application/json" } });

describe("calls in flight per organization", () => {
  it("never exceeds maxConcurrentRequests, and every call completes", async () => {
    const seen = fakeService(ok);
    const client = new AdoClient({ organizationUrl: "https://dev.azure.com/concurrency-a", auth: patAuth("p"), env: {}, maxConcurrentRequests: 3 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.request("GET", `_apis/projects/${i}`)));
    expect(seen.calls()).toBe(20);
    expect(seen.maxOpen).toBe(3);
  });

  it("holds the slot through retries, so throttled calls do not let more in", async () => {
    // Every third call is throttled with a short Retry-After.
    const seen = fakeService((n) => (n % 3 === 0 ? new Response("", { status: 429, headers: { "retry-after": "0" } }) : ok()));
    const client = new AdoClient({ organizationUrl: "https://dev.azure.com/concurrency-b", auth: patAuth("p"), env: {}, maxConcurrentRequests: 2, retryBaseSeconds: 0.001 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.request("POST", "_apis/hooks/subscriptions", { body: { i } })));
    expect(seen.maxOpen).toBeLessThanOrEqual(2);
    // Some calls were retried (so the limit held across retries), and all 12 succeeded.
    expect(seen.calls()).toBeGreaterThan(12);
  });

  it("reads the limit from AZDO_MAX_CONCURRENT_REQUESTS, default 12, at least 1", () => {
    expect(clientSettingsFromEnv({}).maxConcurrentRequests).toBe(12);
    expect(clientSettingsFromEnv({ AZDO_MAX_CONCURRENT_REQUESTS: "4" }).maxConcurrentRequests).toBe(4);
    expect(clientSettingsFromEnv({ AZDO_MAX_CONCURRENT_REQUESTS: "0" }).maxConcurrentRequests).toBe(1);
    expect(() => clientSettingsFromEnv({ AZDO_MAX_CONCURRENT_REQUESTS: "many" })).toThrow('AZDO_MAX_CONCURRENT_REQUESTS must be a non-negative number, got "many"');
  });
});
