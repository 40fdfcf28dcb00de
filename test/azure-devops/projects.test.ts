import { describe, expect, it } from "vitest";
import { isProjectPattern, Project, ProjectSelectionError, restProjectLookup, selectProjects } from "../../components/azure-devops/lookups";
import { AdoClient, listProjects, patAuth } from "../../components/azure-devops/runtime";
import { LOOPBACK_ALLOWED_HOSTS, useLoopback } from "./helpers";

const ALL: Project[] = [
  { id: "1", name: "platform-api" },
  { id: "2", name: "platform-web" },
  { id: "3", name: "Website" },
  { id: "4", name: "data.lake" },
];

describe("selectProjects", () => {
  it("matches names without regard to case, like Azure DevOps", () => {
    expect(selectProjects(ALL, ["WEBSITE"])).toEqual([{ id: "3", name: "Website" }]);
  });

  it("matches * patterns, and * selects every project, each once and sorted", () => {
    expect(selectProjects(ALL, ["platform-*"]).map((p) => p.name)).toEqual(["platform-api", "platform-web"]);
    expect(selectProjects(ALL, ["*"]).map((p) => p.name)).toEqual(["data.lake", "platform-api", "platform-web", "Website"]);
    expect(selectProjects(ALL, ["*-web", "platform-*", "Website"]).map((p) => p.id)).toEqual(["1", "2", "3"]);
    expect(selectProjects(ALL, ["PLATFORM-*"]).map((p) => p.id)).toEqual(["1", "2"]);
  });

  it("throws one error listing every unmatched name and pattern", () => {
    let error: unknown;
    try {
      selectProjects(ALL, ["Website", "Mobile", "ios-*", ""]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProjectSelectionError);
    expect((error as Error).message).toBe(
      'projects not found: "Mobile" (no project has this name), "ios-*" (no project name matches this pattern), "" (an empty name selects nothing)',
    );
    expect((error as ProjectSelectionError).unmatched).toEqual(["Mobile", "ios-*", ""]);
  });

  it("a glob matches nothing in an empty organization", () => {
    expect(() => selectProjects([], ["*"])).toThrow('projects not found: "*" (no project name matches this pattern)');
  });

  it("tells patterns from names: * is the only wildcard", () => {
    expect(["*", "platform-*", "*-api"].map(isProjectPattern)).toEqual([true, true, true]);
    expect(["platform-api", "data.lake", "My Project", "a?", "{a,b}"].map(isProjectPattern)).toEqual([false, false, false, false, false]);
  });
});

describe("listing projects", () => {
  const server = useLoopback({ server: { projects: 7, maxPageSize: 3 } });

  it("follows the continuation token with one call per page", async () => {
    const client = new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth(server.pat), env: { AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS } });
    const projects = await listProjects(client, { pageSize: 3 });
    expect(projects.map((p) => p.name)).toEqual(["project-01", "project-02", "project-03", "project-04", "project-05", "project-06", "project-07"]);
    expect(server.calls.map((c) => c.query)).toEqual([
      { $top: "3", "api-version": "7.1" },
      { $top: "3", continuationToken: "3", "api-version": "7.1" },
      { $top: "3", continuationToken: "6", "api-version": "7.1" },
    ]);
  });

  it("also pages when the service returns fewer than asked", async () => {
    const client = new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth(server.pat), env: { AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS } });
    const projects = await listProjects(client, { pageSize: 100 });
    expect(projects).toHaveLength(7);
    expect(server.calls).toHaveLength(3);
  });

  it("the default lookup uses the REST client with the environment's credential", async () => {
    expect((await restProjectLookup(server.orgUrl)).map((p) => p.name)).toContain("project-07");
    expect(server.calls.filter((c) => c.path.endsWith("/_apis/projects"))).toHaveLength(3);
  });
});
