import { describe, expect, it } from "vitest";
import { EVENT_FILTER_NAMES, EVENT_TYPES, SERVICE_HOOK_EVENTS, filtersFor, isEventType } from "../../components/azure-devops/runtime/events";

describe("service hook events data", () => {
  it("lists the supported events in a fixed order", () => {
    expect(EVENT_TYPES).toEqual(["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"]);
  });

  it("gives each event a distinct short name for resource names", () => {
    const shortNames = EVENT_TYPES.map((e) => SERVICE_HOOK_EVENTS[e].shortName);
    expect(new Set(shortNames).size).toBe(EVENT_TYPES.length);
    for (const name of shortNames) expect(name).toMatch(/^[a-z-]+$/);
  });

  it("uses the service's publisher input names as filters", () => {
    expect(filtersFor("git.push")).toEqual(["repository", "branch", "pushedBy"]);
    expect(filtersFor("git.pullrequest.merged")).toContain("mergeResult");
    expect(filtersFor("git.pullrequest.created")).not.toContain("mergeResult");
    for (const event of EVENT_TYPES) {
      expect(filtersFor(event)).toEqual(expect.arrayContaining(["repository", "branch"]));
      for (const filter of filtersFor(event)) expect(EVENT_FILTER_NAMES).toContain(filter);
    }
  });

  it("recognizes event types", () => {
    expect(isEventType("git.push")).toBe(true);
    expect(isEventType("build.complete")).toBe(false);
    expect(isEventType("toString")).toBe(false);
  });
});
