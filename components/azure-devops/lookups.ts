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

/** True when a selector is a pattern: `*` is the only wildcard (project names cannot contain it). */
export function isProjectPattern(selector: string): boolean {
  return selector.includes("*");
}

/**
 * Whether a name matches a pattern whose only wildcard is `*` (any run of
 * characters), without regard to case. Greedy with one backtrack point, so
 * the work is bounded by the lengths of pattern and name, whatever the
 * pattern: no regular expression is built from user input.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let pi = 0;
  let ni = 0;
  let star = -1;
  let resume = 0;
  while (ni < n.length) {
    if (pi < p.length && p[pi] === "*") {
      star = pi++;
      resume = ni;
    } else if (pi < p.length && p[pi] === n[ni]) {
      pi++;
      ni++;
    } else if (star >= 0) {
      pi = star + 1;
      ni = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

function pick(all: readonly Project[], selector: string): Project[] {
  return isProjectPattern(selector)
    ? all.filter((project) => matchesPattern(selector, project.name))
    : all.filter((project) => project.name.toLowerCase() === selector.toLowerCase());
}

/**
 * The projects the selectors pick, each once, sorted by name, less those
 * `exclude` names. A selector is a project name (matched without regard to
 * case, as Azure DevOps does) or a pattern with `*` as its only wildcard
 * (`platform-*`, `*`). Throws one {@link ProjectSelectionError} listing every
 * selector that picks nothing and every exclusion that leaves nothing out.
 */
export function selectProjects(all: readonly Project[], selectors: readonly string[], exclude: readonly string[] = []): Project[] {
  const selected = new Map<string, Project>();
  const problems: { selector: string; reason: string }[] = [];
  for (const selector of selectors) {
    if (selector.trim() === "") {
      problems.push({ selector, reason: "an empty name selects nothing" });
      continue;
    }
    const matched = pick(all, selector);
    if (matched.length === 0) problems.push({ selector, reason: isProjectPattern(selector) ? "no project name matches this pattern" : "no project has this name" });
    for (const project of matched) selected.set(project.id, project);
  }
  for (const selector of exclude) {
    const left = pick([...selected.values()], selector);
    if (left.length === 0) problems.push({ selector, reason: "excluded, but it matches none of the selected projects" });
    for (const project of left) selected.delete(project.id);
  }
  if (problems.length > 0) throw new ProjectSelectionError(problems);
  // Ordinal, not locale, order: the same on every machine.
  const key = (p: Project): string => p.name.toLowerCase();
  return [...selected.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
