/**
 * Retry settings small enough to keep fault tests fast (no vitest import: the
 * engine harness uses it too). The waits are short, but no outcome depends on
 * how long anything takes: the request timeout is the runtime's own default,
 * so a busy machine never turns a normal answer into an unknown outcome, and
 * the time budget is longer than any test may run, so the retry count is what
 * stops a retry chain. A test that wants a timeout holds a call open with the
 * loopback's `hang` fault and sets a short timeout for that operation only
 * (withRequestTimeout in test/azure-devops/helpers.ts).
 */
export const FAST_SETTINGS = {
  AZDO_MAX_RETRIES: "3",
  AZDO_RETRY_BASE_SECONDS: "0.005",
  AZDO_RETRY_MAX_DELAY_SECONDS: "0.05",
  AZDO_RETRY_MAX_SECONDS: "120",
  AZDO_REQUEST_TIMEOUT_SECONDS: "30",
} as const;

/**
 * The AZDO_ALLOWED_HOSTS opt-in for loopback servers: 127.0.0.1 on any port,
 * since every loopback server listens there, a test's second server included.
 */
export const LOOPBACK_ALLOWED_HOSTS = "127.0.0.1";

/**
 * The environment a client or script needs to reach a loopback server: its
 * PAT, the AZDO_ALLOWED_HOSTS opt-in for 127.0.0.1, and the fast retries.
 */
export function loopbackEnv(server: { readonly pat: string }): Record<string, string> {
  return { ...FAST_SETTINGS, AZDO_PERSONAL_ACCESS_TOKEN: server.pat, AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS };
}
