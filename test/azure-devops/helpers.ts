import type { SubscriptionInputs } from "../../components/azure-devops/runtime/subscriptions";
import type { Loopback } from "../loopback/server";

/** Retry and timeout settings small enough to keep fault tests fast. */
export const FAST_SETTINGS = {
  AZDO_MAX_RETRIES: "3",
  AZDO_RETRY_BASE_SECONDS: "0.005",
  AZDO_RETRY_MAX_DELAY_SECONDS: "0.05",
  AZDO_RETRY_MAX_SECONDS: "5",
  AZDO_REQUEST_TIMEOUT_SECONDS: "0.2",
} as const;

/** A webhook password that must never show up outside the secret input. */
export const WEBHOOK_PASSWORD = "hook-password-Zq8sV1xW";

const TOUCHED = ["AZDO_PERSONAL_ACCESS_TOKEN", "AZDO_AUTH", "AZDO_ORG_SERVICE_URL", "AZDO_ADOPT_EXISTING", ...Object.keys(FAST_SETTINGS)];

/**
 * Points the environment the providers read at the loopback server (PAT auth,
 * fast retries) and returns a function that restores it.
 */
export function useLoopbackEnvironment(server: Loopback, extra: Record<string, string> = {}): () => void {
  const saved = Object.fromEntries(TOUCHED.map((name) => [name, process.env[name]]));
  for (const name of TOUCHED) delete process.env[name];
  Object.assign(process.env, FAST_SETTINGS, { AZDO_PERSONAL_ACCESS_TOKEN: server.pat }, extra);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
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
