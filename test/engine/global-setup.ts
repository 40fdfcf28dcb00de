/**
 * Finds or builds the engine once for the whole engine suite (scripts/engine.sh)
 * and hands its folder to the tests. Without an engine the suite skips with the
 * reason, unless ADO_ENGINE_REQUIRED=true (set by .ci/run), which makes a
 * missing engine a failure.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    engineBin: string;
    engineMissing: string;
  }
}

export default function setup(project: TestProject): void {
  const root = path.resolve(__dirname, "../..");
  let bin = process.env.ADO_ENGINE_BIN ?? "";
  let missing = "";
  if (!bin) {
    const r = spawnSync("bash", [path.join(root, "scripts/engine.sh")], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const lines = (r.stdout ?? "").trim().split("\n");
    if (r.status === 0 && lines.length > 0 && lines[lines.length - 1]) bin = lines[lines.length - 1]!;
    else missing = `no Pulumi engine: scripts/engine.sh exited ${r.status} (see its output above)`;
  }
  if (missing && /^(1|true|yes)$/i.test(process.env.ADO_ENGINE_REQUIRED ?? "")) {
    throw new Error(`${missing}; ADO_ENGINE_REQUIRED is set, so the engine suite fails instead of skipping`);
  }
  project.provide("engineBin", bin);
  project.provide("engineMissing", missing);
}
