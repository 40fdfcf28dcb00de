/**
 * REST-call measurements against the loopback Azure DevOps server: the
 * dynamic provider's methods are driven directly (as test/azure-devops does),
 * with as many operations in flight as a Pulumi deployment would run.
 */
import { restProjectLookup } from "../components/azure-devops/lookups";
import { clientSettingsFromEnv } from "../components/azure-devops/runtime/client";
import type { SubscriptionInputs, SubscriptionState } from "../components/azure-devops/runtime/subscriptions";
import { serviceHookSubscriptions as provider } from "../test/azure-devops/plugin";
import type { Fault } from "../test/loopback/server";
import { Loopback, startLoopback } from "../test/loopback/server";
import { DEFAULT_EVENTS, WEBHOOK_URL } from "./stack-doc";

/** Variables the provider's runtime reads; each scenario sets its own values and restores the rest. */
const TOUCHED = [
  "AZDO_PERSONAL_ACCESS_TOKEN",
  "AZDO_AUTH",
  "AZDO_ORG_SERVICE_URL",
  "AZDO_ADOPT_EXISTING",
  "AZDO_ALLOWED_HOSTS",
  "AZDO_MAX_RETRIES",
  "AZDO_RETRY_BASE_SECONDS",
  "AZDO_RETRY_MAX_DELAY_SECONDS",
  "AZDO_RETRY_MAX_SECONDS",
  "AZDO_REQUEST_TIMEOUT_SECONDS",
  "AZDO_MAX_CONCURRENT_REQUESTS",
];

const PASSWORD = "bench-hook-password-0123";

/** Calls and time of one kind of operation over every subscription. */
export interface OperationCount {
  readonly operations: number;
  readonly calls: number;
  /** Calls answered with something other than 2xx (retried or failed). */
  readonly nonSuccess: number;
  /** Calls by `METHOD path-shape`. */
  readonly byRoute: Record<string, number>;
  readonly ms: number;
}

/** Create, refresh, update and delete of `projects` x 4 subscriptions, fault-free. */
export interface LifecycleResult {
  readonly projects: number;
  readonly subscriptions: number;
  readonly concurrency: number;
  /** The program's one project lookup per run (restProjectLookup), against a server serving at most `serverMaxPageSize` per page. */
  readonly discovery: { readonly projectsFound: number; readonly calls: number; readonly requestedPageSize: number[]; readonly serverMaxPageSize: number };
  readonly create: OperationCount;
  readonly read: OperationCount;
  readonly update: OperationCount;
  readonly delete: OperationCount;
  /** Subscriptions on the server after the creates, and after the deletes. */
  readonly onServerAfterCreate: number;
  readonly onServerAfterDelete: number;
  /** `GET _apis/hooks/subscriptions` (the organization-wide list) and `POST subscriptionsquery`, over the whole lifecycle. */
  readonly orgWideListings: number;
  readonly queries: number;
}

/** Creating subscriptions while the server answers some share of calls with a fault. */
export interface FaultyCreateResult {
  readonly scenario: string;
  readonly subscriptions: number;
  readonly concurrency: number;
  readonly faults: unknown;
  /** The client's per-organization limit in force (AZDO_MAX_CONCURRENT_REQUESTS, default 12). */
  readonly clientLimit: number;
  /** Most HTTP requests to the server outstanding at once (fetch called, response not yet in), as the bench saw them. */
  readonly peakInFlight: number;
  readonly ms: number;
  readonly calls: number;
  readonly byRoute: Record<string, number>;
  readonly faultsInjected: number;
  readonly failedCreates: number;
  /** The first failed create's message, if any. */
  readonly firstFailure?: string;
  readonly onServer: number;
  /** (project, event, url) triples held by more than one subscription. */
  readonly duplicateTriples: number;
  /** (project, event, url) triples that should exist but do not. */
  readonly missingTriples: number;
  /** Every create returned a distinct id that exists on the server. */
  readonly idsDistinctAndPresent: boolean;
  /** Distinct ids the successful creates returned that exist on the server. */
  readonly distinctIdsOnServer: number;
  readonly orgWideListings: number;
  /** Lookups (subscriptionsquery) that were not filtered to one project and URL. */
  readonly unfilteredQueries: number;
}

function useEnvironment(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(TOUCHED.map((name) => [name, process.env[name]]));
  for (const name of TOUCHED) delete process.env[name];
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Runs `fn` over `items` with at most `limit` in flight, like the engine's parallelism. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await fn(items[index]!) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A deterministic generator in [0, 1), so a run's fault pattern is reproducible. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function route(method: string, path: string): string {
  return `${method} ${path.replace(/^\/[^/]+\//, "").replace(/subscriptions\/[0-9a-f-]{36}$/, "subscriptions/{id}")}`;
}

function countCalls(server: Loopback, from: number): { calls: number; nonSuccess: number; byRoute: Record<string, number> } {
  const calls = server.calls.slice(from);
  const byRoute: Record<string, number> = {};
  for (const call of calls) {
    const key = route(call.method, call.path);
    byRoute[key] = (byRoute[key] ?? 0) + 1;
  }
  return { calls: calls.length, nonSuccess: calls.filter((c) => c.status < 200 || c.status > 299).length, byRoute };
}

function orgWideListings(server: Loopback): number {
  return server.calls.filter((c) => c.method === "GET" && /\/_apis\/hooks\/subscriptions\/?$/.test(c.path)).length;
}

function desiredInputs(server: Loopback): SubscriptionInputs[] {
  return server.state.projects.flatMap((project) =>
    DEFAULT_EVENTS.map((eventType) => ({
      organizationUrl: server.orgUrl,
      projectId: project.id,
      eventType,
      filters: {},
      url: WEBHOOK_URL,
      basicAuthUsername: "",
      basicAuthPassword: PASSWORD,
      resourceDetailsToSend: "all" as const,
      messagesToSend: "none" as const,
      detailedMessagesToSend: "none" as const,
    })),
  );
}

type QueryFilters = { conditions?: { inputId?: string }[] }[];

function hasCondition(filters: QueryFilters | undefined, inputId: string): boolean {
  return Array.isArray(filters) && filters.some((f) => (f.conditions ?? []).some((c) => c.inputId === inputId));
}

function tripleKey(projectId: string, eventType: string, url: string): string {
  return `${projectId.toLowerCase()}|${eventType}|${url}`;
}

/** Counts (project, event, url) triples on the server held more than once, and wanted ones missing. */
function duplicates(server: Loopback, wanted: readonly SubscriptionInputs[]): { duplicateTriples: number; missingTriples: number } {
  const held = new Map<string, number>();
  for (const s of server.state.subscriptions.values()) {
    const key = tripleKey(s.publisherInputs.projectId ?? "", s.eventType, s.consumerInputs.url ?? "");
    held.set(key, (held.get(key) ?? 0) + 1);
  }
  return {
    duplicateTriples: [...held.values()].filter((n) => n > 1).length,
    missingTriples: wanted.filter((w) => !held.has(tripleKey(w.projectId, w.eventType, w.url))).length,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

function failures(results: readonly PromiseSettledResult<unknown>[], what: string): void {
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed.length > 0) throw new Error(`${what}: ${failed.length} failed, first: ${(failed[0]!.reason as Error)?.message}`);
}

/**
 * Project discovery, then create, refresh (read), update and delete of every
 * subscription for `projects` x 4 events, without faults, counting calls.
 */
export async function measureLifecycle(projects: number, concurrency: number): Promise<LifecycleResult> {
  const serverMaxPageSize = 100;
  const server = await startLoopback({ projects, maxPageSize: serverMaxPageSize });
  const restore = useEnvironment({ AZDO_PERSONAL_ACCESS_TOKEN: server.pat, AZDO_ALLOWED_HOSTS: new URL(server.url).host });
  try {
    // Discovery through the program's own lookup, which a real `pulumi up` asks once (buildStack)
    // and hands the list to every component.
    const found = await restProjectLookup(server.orgUrl);
    const discoveryCalls = server.calls.filter((c) => c.method === "GET" && c.path.endsWith("/_apis/projects"));
    const discovery = {
      projectsFound: found.length,
      calls: discoveryCalls.length,
      requestedPageSize: [...new Set(discoveryCalls.map((c) => Number(c.query.$top)))],
      serverMaxPageSize,
    };

    const wanted = desiredInputs(server);
    const phase = async <R>(fn: (i: number) => Promise<R>): Promise<{ results: R[]; count: OperationCount }> => {
      const from = server.calls.length;
      const { value, ms } = await timed(() => pool(wanted.map((_, i) => i), concurrency, fn));
      failures(value, "fault-free operation");
      const counted = countCalls(server, from);
      return { results: value.map((r) => (r as PromiseFulfilledResult<R>).value), count: { operations: wanted.length, ...counted, ms } };
    };

    const created = await phase((i) => provider.create(wanted[i]!));
    const onServerAfterCreate = server.state.subscriptions.size;
    const state = created.results.map((r) => ({ id: r.id, outs: r.outs as SubscriptionState }));
    const read = await phase((i) => provider.read!(state[i]!.id, state[i]!.outs));
    const moved = wanted.map((w) => ({ ...w, url: `${w.url}-moved` }));
    const update = await phase((i) => provider.update!(state[i]!.id, state[i]!.outs, moved[i]!));
    const removed = await phase((i) => provider.delete!(state[i]!.id, state[i]!.outs));
    return {
      projects,
      subscriptions: wanted.length,
      concurrency,
      discovery,
      create: created.count,
      read: read.count,
      update: update.count,
      delete: removed.count,
      onServerAfterCreate,
      onServerAfterDelete: server.state.subscriptions.size,
      orgWideListings: orgWideListings(server),
      queries: server.count("POST", "_apis/hooks/subscriptionsquery"),
    };
  } finally {
    restore();
    await server.stop();
  }
}

/** How the server decides which calls fail. */
export type FaultModel =
  /** Each call that `applies` matches gets `fault` with probability `share` (seeded, so reproducible). */
  | { readonly kind: "share"; readonly share: number; readonly applies: (method: string, path: string) => boolean; readonly fault: Fault; readonly seed: number }
  /**
   * A throughput budget like the service's (simplified to a fixed window of
   * calls): the first `allowance` calls of each `windowMs` pass, the rest get
   * 429 with Retry-After = the time left in the window.
   */
  | { readonly kind: "window"; readonly allowance: number; readonly windowMs: number };

/** Options of {@link measureFaultyCreates}. */
export interface FaultyCreateOptions {
  readonly scenario: string;
  readonly projects: number;
  /** Create operations started at once (the engine's parallelism). */
  readonly concurrency: number;
  readonly faults: FaultModel;
  /** Client settings (AZDO_* variables); every other AZDO_* setting is the client's default. */
  readonly env: Record<string, string>;
}

/**
 * Wraps the global fetch (which the REST client calls once per attempt) to
 * count requests outstanding at once; the returned function restores it and
 * gives the peak.
 */
function trackInFlight(): () => number {
  const original = globalThis.fetch;
  let now = 0;
  let peak = 0;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    now++;
    peak = Math.max(peak, now);
    try {
      return await original(...args);
    } finally {
      now--;
    }
  };
  return () => {
    globalThis.fetch = original;
    return peak;
  };
}

function faultTaker(model: FaultModel, onInjected: () => void): (method: string, path: string) => Fault | undefined {
  if (model.kind === "share") {
    const random = seededRandom(model.seed);
    // Every call is a candidate, at random: the pattern a busy service shows, not a scripted sequence.
    return (method, path) => {
      if (!model.applies(method, path) || random() >= model.share) return undefined;
      onInjected();
      return model.fault;
    };
  }
  let windowStart = Date.now();
  let used = 0;
  return () => {
    const now = Date.now();
    if (now - windowStart >= model.windowMs) {
      windowStart = now - ((now - windowStart) % model.windowMs);
      used = 0;
    }
    if (used < model.allowance) {
      used++;
      return undefined;
    }
    onInjected();
    return { kind: "status", status: 429, retryAfter: ((model.windowMs - (now - windowStart)) / 1000).toFixed(3) };
  };
}

/** Creates `projects` x 4 subscriptions while the server injects faults, and checks nothing was duplicated or lost. */
export async function measureFaultyCreates(options: FaultyCreateOptions): Promise<FaultyCreateResult> {
  const server = await startLoopback({ projects: options.projects });
  const restore = useEnvironment({ AZDO_PERSONAL_ACCESS_TOKEN: server.pat, AZDO_ALLOWED_HOSTS: new URL(server.url).host, ...options.env });
  let injected = 0;
  server.faults.take = faultTaker(options.faults, () => injected++);
  const clientLimit = clientSettingsFromEnv().maxConcurrentRequests;
  const stopTracking = trackInFlight();
  let peakInFlight: number | undefined;
  try {
    const wanted = desiredInputs(server);
    // Every operation starts as the engine would start it; the client decides how many reach the server.
    const { value: results, ms } = await timed(() => pool(wanted, options.concurrency, (inputs) => provider.create(inputs)));
    peakInFlight = stopTracking();
    const ids = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : []));
    const counted = countCalls(server, 0);
    const queries = server.calls.filter((c) => c.method === "POST" && c.path.endsWith("/_apis/hooks/subscriptionsquery"));
    const filtered = (body: unknown): boolean => {
      const b = body as { publisherInputFilters?: QueryFilters; consumerInputFilters?: QueryFilters } | undefined;
      return hasCondition(b?.publisherInputFilters, "projectId") && hasCondition(b?.consumerInputFilters, "url");
    };
    return {
      scenario: options.scenario,
      subscriptions: wanted.length,
      concurrency: options.concurrency,
      faults: options.faults.kind === "share" ? { ...options.faults, applies: undefined } : options.faults,
      clientLimit,
      peakInFlight,
      ms,
      calls: counted.calls,
      byRoute: counted.byRoute,
      faultsInjected: injected,
      failedCreates: results.filter((r) => r.status === "rejected").length,
      firstFailure: (results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason as Error | undefined)?.message,
      onServer: server.state.subscriptions.size,
      ...duplicates(server, wanted),
      idsDistinctAndPresent: new Set(ids).size === wanted.length && ids.every((id) => server.state.subscriptions.has(id)),
      distinctIdsOnServer: [...new Set(ids)].filter((id) => server.state.subscriptions.has(id)).length,
      orgWideListings: orgWideListings(server),
      unfilteredQueries: queries.filter((q) => !filtered(q.body)).length,
    };
  } finally {
    if (peakInFlight === undefined) stopTracking();
    restore();
    await server.stop();
  }
}
