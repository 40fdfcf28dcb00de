/** Retry and timeout settings small enough to keep fault tests fast (no vitest import: the engine bench uses it too). */
export const FAST_SETTINGS = {
  AZDO_MAX_RETRIES: "3",
  AZDO_RETRY_BASE_SECONDS: "0.005",
  AZDO_RETRY_MAX_DELAY_SECONDS: "0.05",
  AZDO_RETRY_MAX_SECONDS: "5",
  AZDO_REQUEST_TIMEOUT_SECONDS: "0.2",
} as const;
