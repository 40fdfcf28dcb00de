/**
 * Runs a bench script in a fresh `node --import tsx` process, as a user runs
 * the command it measures, and reads the one line it prints last:
 * `BENCH_RESULT <json>`. Shared by run.ts, discover.ts and health.ts.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "..");

/** The result line a bench child prints. */
export const RESULT_PREFIX = "BENCH_RESULT ";

/** Runs `bench/<script>` with `args` and resolves with its result; `label` names it in the error when it prints none. */
export function runBenchChild<T>(script: string, args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly label: string }): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO, "bench", script), ...args], { cwd: REPO, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (!line) return reject(new Error(`${options.label} exited ${code} without a result:\n${err.slice(-2000)}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
