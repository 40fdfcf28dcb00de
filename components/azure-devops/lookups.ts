import picomatch from "picomatch";
import { AdoClient } from "./runtime/client";
import { listProjects } from "./runtime/projects";

/** A project as selection sees it. */
export interface Project {
  readonly id: string;
  readonly name: string;
}

/**
 * Lists the projects of an organization. The stack takes one as a dependency
 * and asks it once per run, before any resource is registered: a real run
 * uses {@link restProjectLookup}, the offline plan and the tests pass their own.
 */
export type ProjectLookup = (organizationUrl: string) => Promise<Project[]>;

/** The real lookup: every well-formed project, paged, through the shared REST client. */
export const restProjectLookup: ProjectLookup = (organizationUrl) => listProjects(new AdoClient({ organizationUrl }));

/** Some selectors matched no project; lists every one of them. */
export class ProjectSelectionError extends Error {
  /** The selectors that matched nothing, as written. */
  readonly unmatched: readonly string[];

  constructor(problems: readonly { selector: string; reason: string }[]) {
    super(`projects not found: ${problems.map((p) => `"${p.selector}" (${p.reason})`).join(", ")}`);
    this.name = "ProjectSelectionError";
    this.unmatched = problems.map((p) => p.selector);
  }
}

/** True when a selector is a pattern; project names cannot contain any of these characters. */
export function isProjectPattern(selector: string): boolean {
  return /[*?[\]{}]/.test(selector);
}

/**
 * The projects the selectors pick, each once, sorted by name. A selector is a
 * project name (matched without regard to case, as Azure DevOps does) or a
 * glob such as `platform-*` or `*`. Throws one {@link ProjectSelectionError}
 * listing every name that is not a project and every glob that matches none.
 */
export function selectProjects(all: readonly Project[], selectors: readonly string[]): Project[] {
  const selected = new Map<string, Project>();
  const problems: { selector: string; reason: string }[] = [];
  for (const selector of selectors) {
    if (selector.trim() === "") {
      problems.push({ selector, reason: "an empty name selects nothing" });
      continue;
    }
    if (isProjectPattern(selector)) {
      const isMatch = picomatch(selector, { nocase: true, dot: true });
      const matched = all.filter((project) => isMatch(project.name));
      if (matched.length === 0) problems.push({ selector, reason: "no project name matches this pattern" });
      for (const project of matched) selected.set(project.id, project);
    } else {
      const project = all.find((p) => p.name.toLowerCase() === selector.toLowerCase());
      if (project) selected.set(project.id, project);
      else problems.push({ selector, reason: "no project has this name" });
    }
  }
  if (problems.length > 0) throw new ProjectSelectionError(problems);
  // Ordinal, not locale, order: the same on every machine.
  const key = (p: Project): string => p.name.toLowerCase();
  return [...selected.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
