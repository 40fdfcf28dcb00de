/**
 * What the offline plan lists for a stack file, and a loopback organization
 * with the same projects (same names and IDs), so the engine's result can be
 * compared with the plan one to one.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import YAML from "yaml";
import { offlineProjects } from "../../components/offline/projects";
import { ROOT } from "./harness";

/** A resource of the plan's JSON document. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

/** Runs `npm run plan -- --stack-file <file> --json` and returns its resources. */
export function planResources(stackFile: string): PlannedResource[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/plan.ts", "--stack-file", stackFile, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, AZDO_PERSONAL_ACCESS_TOKEN: "", ARM_CLIENT_SECRET: "" },
  });
  // Exit 3 is "planned, with a mandatory policy finding": still a plan.
  if (r.status !== 0 && r.status !== 3) throw new Error(`plan of ${stackFile} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout).resources as PlannedResource[];
}

/** The projects the offline plan uses for a stack file, for startLoopback. */
export async function planProjects(stackFile: string): Promise<{ id: string; name: string }[]> {
  const config = (YAML.parse(readFileSync(stackFile, "utf8")) as { config: Record<string, unknown> }).config;
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return offlineProjects(flat, "ado-integrations")("");
}

/** Planned resources of one dynamic kind (`ServiceHookSubscription`, ...). */
export function plannedOf(resources: readonly PlannedResource[], kind: string): PlannedResource[] {
  return resources.filter((r) => r.type.endsWith(`:${kind}`));
}
