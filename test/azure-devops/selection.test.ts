/**
 * Project selection: names, `*` patterns and exclusions, matched the same way
 * by the stack's check and by the components.
 */
import { describe, expect, it } from "vitest";
import { ProjectSelectionError, matchesPattern, selectProjects } from "../../components/azure-devops/lookups";

const project = (name: string, i: number) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, name });
const ALL = ["infra", "platform-api", "Platform-Web", "platform-data", "payments", "sandbox-platform", "website"].map(project);
const names = (selected: { name: string }[]) => selected.map((p) => p.name);

describe("matchesPattern", () => {
  it.each([
    ["platform-*", "platform-api", true],
    ["platform-*", "Platform-Web", true],
    ["*-platform", "sandbox-platform", true],
    ["*", "anything at all", true],
    ["p*-*a", "platform-data", true],
    ["p*-*a", "platform-api", false],
    ["platform-", "platform-api", false],
    ["*api", "platform-api", true],
    ["**", "", true],
  ] as const)("%s against %s: %s", (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });

  it("answers a pattern built to make backtracking matchers slow, correctly (no regular expression is built)", () => {
    const name = "a".repeat(64);
    expect(matchesPattern(`${"*a".repeat(30)}*b`, name)).toBe(false);
    expect(matchesPattern(`${"*a".repeat(30)}*`, name)).toBe(true);
  });
});

describe("selectProjects", () => {
  it("takes names without regard to case, and * patterns, each project once, sorted", () => {
    expect(names(selectProjects(ALL, ["INFRA", "platform-*", "platform-api"]))).toEqual(["infra", "platform-api", "platform-data", "Platform-Web"]);
  });

  it("leaves out what exclude names, by name or pattern", () => {
    expect(names(selectProjects(ALL, ["*"], ["sandbox-*", "Website"]))).toEqual(["infra", "payments", "platform-api", "platform-data", "Platform-Web"]);
  });

  it("names every selector that picks nothing and every exclusion that leaves nothing out, at once", () => {
    let error: unknown;
    try {
      selectProjects(ALL, ["platform-*", "billing", "ops-*"], ["platform-legacy"]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProjectSelectionError);
    expect((error as Error).message).toBe(
      'projects not found: "billing" (no project has this name), "ops-*" (no project name matches this pattern), "platform-legacy" (excluded, but it matches none of the selected projects)',
    );
  });

  it("treats characters other than * literally (the config check refuses them first)", () => {
    expect(() => selectProjects(ALL, ["platform-?pi"])).toThrow('"platform-?pi" (no project has this name)');
  });
});
