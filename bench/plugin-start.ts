/**
 * How long the provider plugin takes to start: from spawning its launcher
 * (as the engine does, once per command) to the port it prints, the moment
 * the engine can call it. Needs the compiled plugin (`npm run build`).
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PACKAGE } from "../provider/schema";

/** Milliseconds to the port line, per start. */
export async function pluginStartTimes(repo: string, runs: number): Promise<number[]> {
  const launcher = path.join(repo, "provider", `pulumi-resource-${PACKAGE}`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawn(launcher, [], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`the plugin exited with ${code} before printing its port: ${stderr.trim()}`)));
    });
    times.push(performance.now() - started);
    child.kill();
    await new Promise((resolve) => child.once("exit", resolve));
  }
  return times;
}
