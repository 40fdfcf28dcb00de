/**
 * How long the provider plugin takes to start: from spawning its launcher
 * (as the engine does, once per command) to the port it prints, the moment
 * the engine can call it. Needs the compiled plugin (`npm run build`).
 */
import { startPlugin } from "../test/engine/harness";

/** Milliseconds to the port line, per start. */
export async function pluginStartTimes(repo: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const plugin = await startPlugin(repo);
    times.push(performance.now() - started);
    await plugin.stop();
  }
  return times;
}
