import { inject } from "vitest";

/** The folder with `pulumi` and its plugins, or why there is none (set by the engine suite's global setup). */
export function engine(): { bin?: string; reason?: string } {
  return { bin: inject("engineBin") || undefined, reason: inject("engineMissing") || undefined };
}
