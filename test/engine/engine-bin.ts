import { afterEach, inject } from "vitest";
import type { Loopback } from "../loopback/server";
import type { EngineProject } from "./harness";

/** The folder with `pulumi` and its plugins, or why there is none (set by the engine suite's global setup). */
export function engine(): { bin?: string; reason?: string } {
  return { bin: inject("engineBin") || undefined, reason: inject("engineMissing") || undefined };
}

/** Where a test keeps its loopback server and project copy; both are removed after each test. */
export function perTest(): { server?: Loopback; project?: EngineProject } {
  const held: { server?: Loopback; project?: EngineProject } = {};
  afterEach(async () => {
    held.project?.remove();
    await held.server?.stop();
    held.project = undefined;
    held.server = undefined;
  });
  return held;
}
