/**
 * Finds or builds the engine once for the whole engine suite (scripts/engine.sh)
 * and hands its folder to the tests. Without an engine the suite skips with the
 * reason, unless ADO_ENGINE_REQUIRED=true (set by .ci/run), which makes a
 * missing engine a failure.
 */
import type { TestProject } from "vitest/node";
import { findEngine } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    engineBin: string;
    engineMissing: string;
  }
}

export default function setup(project: TestProject): void {
  const { bin = "", reason: missing = "" } = findEngine();
  if (missing && /^(1|true|yes)$/i.test(process.env.ADO_ENGINE_REQUIRED ?? "")) {
    throw new Error(`${missing}; ADO_ENGINE_REQUIRED is set, so the engine suite fails instead of skipping`);
  }
  project.provide("engineBin", bin);
  project.provide("engineMissing", missing);
}
