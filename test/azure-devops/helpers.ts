import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { SubscriptionInputs } from "../../components/azure-devops/runtime/subscriptions";
import type { VariableGroupInputs } from "../../components/azure-devops/runtime/variable-groups";
import { type Fault, type Loopback, type LoopbackOptions, startLoopback } from "../loopback/server";
import { FAST_SETTINGS, loopbackEnv } from "../loopback/settings";

export { FAST_SETTINGS } from "../loopback/settings";

/** A webhook password that must never show up outside the secret input. */
export const WEBHOOK_PASSWORD = "hook-password-Zq8sV1xW";

const TOUCHED = ["AZDO_PERSONAL_ACCESS_TOKEN", "AZDO_AUTH", "AZDO_ORG_SERVICE_URL", "AZDO_ADOPT_EXISTING", "AZDO_ALLOWED_HOSTS", ...Object.keys(FAST_SETTINGS)];

export { LOOPBACK_ALLOWED_HOSTS } from "../loopback/settings";

/**
 * Points the environment the providers read at the loopback server (PAT auth,
 * the AZDO_ALLOWED_HOSTS opt-in for 127.0.0.1, fast retries) and returns a
 * function that restores it.
 */
export function useLoopbackEnvironment(server: Loopback, extra: Record<string, string> = {}): () => void {
  const saved = Object.fromEntries(TOUCHED.map((name) => [name, process.env[name]]));
  for (const name of TOUCHED) delete process.env[name];
  Object.assign(process.env, loopbackEnv(server), extra);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * The request timeout for an operation that meets a `hang` fault: the hung
 * call ends after it whatever the machine's speed, while each other call of
 * that operation still has a whole second to answer (a loopback call takes
 * milliseconds; the default of FAST_SETTINGS is 30 s).
 */
export const HANG_TIMEOUT_SECONDS = 1;

/**
 * Runs `operation` with AZDO_REQUEST_TIMEOUT_SECONDS set to `seconds`, then
 * restores it. Clients read their settings when an operation starts, so only
 * the operations started inside get the short timeout.
 */
export async function withRequestTimeout<T>(seconds: number, operation: () => Promise<T>): Promise<T> {
  const saved = process.env.AZDO_REQUEST_TIMEOUT_SECONDS;
  process.env.AZDO_REQUEST_TIMEOUT_SECONDS = String(seconds);
  try {
    return await operation();
  } finally {
    if (saved === undefined) delete process.env.AZDO_REQUEST_TIMEOUT_SECONDS;
    else process.env.AZDO_REQUEST_TIMEOUT_SECONDS = saved;
  }
}

/** Runs `operation` with {@link HANG_TIMEOUT_SECONDS} when `fault` is a `hang`, and as it is for any other fault (they answer at once). */
export function withTimeoutFor<T>(fault: Fault, operation: () => Promise<T>): Promise<T> {
  return fault.kind === "hang" ? withRequestTimeout(HANG_TIMEOUT_SECONDS, operation) : operation();
}

/** How {@link useLoopback} sets up each test. */
export interface UseLoopbackOptions {
  /** Options of the server. Defaults to startLoopback's. */
  readonly server?: LoopbackOptions;
  /** Point the environment at the server before each test (useLoopbackEnvironment) and restore it after. Defaults to true. */
  readonly environment?: boolean;
  /** Server-side collections emptied before each test, besides its calls and faults. Defaults to none. */
  readonly clear?: readonly ("subscriptions" | "variableGroups" | "entitlements")[];
}

/** Stands for the server of a {@link useLoopback} suite: every member reads the server running at the time. */
class SuiteLoopback implements Loopback {
  running?: Loopback;

  private get server(): Loopback {
    if (!this.running) throw new Error("the loopback server runs only between the suite's beforeAll and afterAll");
    return this.running;
  }
  get url(): string {
    return this.server.url;
  }
  get orgUrl(): string {
    return this.server.orgUrl;
  }
  get organization(): string {
    return this.server.organization;
  }
  get pat(): string {
    return this.server.pat;
  }
  get bearerToken(): string {
    return this.server.bearerToken;
  }
  get state(): Loopback["state"] {
    return this.server.state;
  }
  get faults(): Loopback["faults"] {
    return this.server.faults;
  }
  get calls(): Loopback["calls"] {
    return this.server.calls;
  }
  count(method?: string, path?: string | RegExp): number {
    return this.server.count(method, path);
  }
  stop(): Promise<void> {
    return this.server.stop();
  }
}

/**
 * Registers, in the current file or describe block, the hooks that start a
 * loopback server before its tests and stop it after them, and before each
 * test empty its calls, faults and the `clear` collections and (unless
 * `environment` is false) point the environment at it, restored after the
 * test. Returns the server, usable inside hooks and tests.
 */
export function useLoopback(options: UseLoopbackOptions = {}): Loopback {
  const suite = new SuiteLoopback();
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    suite.running = await startLoopback(options.server);
  });
  afterAll(async () => {
    await suite.stop();
    suite.running = undefined;
  });
  beforeEach(() => {
    if (options.environment !== false) restoreEnv = useLoopbackEnvironment(suite);
    for (const collection of options.clear ?? []) suite.state[collection].clear();
    suite.faults.clear();
    suite.calls.length = 0;
  });
  afterEach(() => {
    restoreEnv?.();
    restoreEnv = undefined;
  });
  return suite;
}

/** Everything an operator or a state file could see: results, errors with their fields and stacks. */
export function visible(value: unknown): string {
  if (value instanceof Error) return JSON.stringify({ ...value, message: value.message, stack: value.stack });
  return JSON.stringify(value) ?? String(value);
}

/** Collects what each call makes visible (its result, or the error it throws) in `seen`. */
export function visibleRecorder(): { seen: string[]; keep: (fn: () => Promise<unknown>) => Promise<void> } {
  const seen: string[] = [];
  const keep = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      seen.push(visible(await fn()));
    } catch (error) {
      seen.push(visible(error));
    }
  };
  return { seen, keep };
}

/** Desired inputs for a subscription in the server's first project. */
export function subscriptionInputs(server: Loopback, overrides: Partial<SubscriptionInputs> = {}): SubscriptionInputs {
  return {
    organizationUrl: server.orgUrl,
    projectId: server.state.projects[0]!.id,
    eventType: "git.push",
    url: "https://hooks.example.com/azure-devops",
    basicAuthUsername: "ado",
    basicAuthPassword: WEBHOOK_PASSWORD,
    resourceDetailsToSend: "all",
    messagesToSend: "none",
    detailedMessagesToSend: "none",
    ...overrides,
  };
}

/**
 * Variable group inputs for the server's first project, in the shape
 * subscriptionInputs gives hooks; `overrides` set what a test needs (name,
 * description, variables).
 */
export function variableGroupInputs(server: Loopback, overrides: Partial<VariableGroupInputs> = {}): VariableGroupInputs {
  const project = server.state.projects[0]!;
  return { organizationUrl: server.orgUrl, projectId: project.id, projectName: project.name, name: "ado-integrations", description: "", variables: {}, ...overrides };
}

/** Records everything written through console while `fn` runs. */
export async function captureConsole<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const originals = methods.map((m) => console[m]);
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    };
  }
  try {
    return { result: await fn(), lines };
  } catch (error) {
    return { error, lines };
  } finally {
    methods.forEach((m, i) => {
      console[m] = originals[i]!;
    });
  }
}
