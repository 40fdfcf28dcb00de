import type { ProjectLookup } from "../azure-devops/lookups";
import { stableGuid } from "./ids";

/** Projects the offline organization always has, so globs in example stacks match something. */
const BASE_PROJECTS = ["infra", "platform-api", "platform-web", "platform-data", "payments", "website"];

/**
 * A project lookup for the offline plan: the base projects plus every project
 * named (without wildcards) anywhere in the stack's service-hook and
 * service-principal selectors, with stable made-up IDs. Real runs list the
 * organization's projects instead (components/azure-devops/lookups.ts).
 */
export function offlineProjects(config: Record<string, string>, project: string): ProjectLookup {
  const names = new Set(BASE_PROJECTS);
  try {
    const integrations = JSON.parse(config[`${project}:integrations`] ?? "[]") as { serviceHooks?: { projects?: unknown }; servicePrincipal?: { projects?: unknown } }[];
    for (const i of Array.isArray(integrations) ? integrations : []) {
      for (const list of [i?.serviceHooks?.projects, i?.servicePrincipal?.projects]) {
        if (Array.isArray(list)) for (const p of list) if (typeof p === "string" && !/[*?[\]]/.test(p) && p !== "") names.add(p);
      }
    }
    const store = JSON.parse(config[`${project}:configStore`] ?? "{}") as { project?: unknown };
    if (typeof store?.project === "string") names.add(store.project);
  } catch {
    // Malformed config is the config module's to report; the lookup just offers the base projects.
  }
  const projects = [...names].sort().map((name) => ({ id: stableGuid(`project/${name}`), name }));
  return async () => projects;
}
