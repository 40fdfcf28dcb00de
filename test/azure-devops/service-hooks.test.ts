import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { Project } from "../../components/azure-devops/lookups";
import { ServiceHookSubscription } from "../../components/azure-devops/service-hook-subscription";
import { TOKENS } from "../../provider/schema";
import { ServiceHooks, ServiceHooksArgs } from "../../components/service-hooks";
import { promiseOf } from "../helpers";
import { WEBHOOK_PASSWORD } from "./helpers";
import { SECRET_SIG, useResourceMocks } from "./mocks";

const PAT = "pat-that-must-not-leak-7Hq2";
const SUBSCRIPTION_TYPE = TOKENS.serviceHookSubscription;
const registered = useResourceMocks(PAT);

const PROJECTS: Project[] = [
  { id: "11111111-1111-4111-8111-111111111111", name: "platform-api" },
  { id: "22222222-2222-4222-8222-222222222222", name: "Platform Web" },
  { id: "33333333-3333-4333-8333-333333333333", name: "Website" },
  { id: "44444444-4444-4444-8444-444444444444", name: "Other" },
];

beforeEach(() => {
  registered.length = 0;
});

function args(overrides: Partial<ServiceHooksArgs> = {}): ServiceHooksArgs {
  return {
    organizationUrl: "https://contoso.visualstudio.com/",
    projects: ["platform*", "website"],
    organizationProjects: PROJECTS,
    events: ["git.push", "git.pullrequest.merged"],
    url: "https://spacelift.example.com/webhooks/azure-devops",
    password: WEBHOOK_PASSWORD,
    ...overrides,
  };
}

function subscriptions(): pulumi.runtime.MockResourceArgs[] {
  return registered.filter((r) => r.type === SUBSCRIPTION_TYPE);
}

describe("ServiceHooks", () => {
  it("makes one subscription per selected project and event, with stable names", async () => {
    const hooks = new ServiceHooks("spacelift", args());
    const ids = await promiseOf(hooks.subscriptionIds);
    expect(subscriptions().map((r) => r.name).sort()).toEqual([
      "spacelift-platform-api-pr-merged",
      "spacelift-platform-api-push",
      "spacelift-platform-web-pr-merged",
      "spacelift-platform-web-push",
      "spacelift-website-pr-merged",
      "spacelift-website-push",
    ]);
    expect(ids).toEqual({
      "platform-api/git.push": "spacelift-platform-api-push_id",
      "platform-api/git.pullrequest.merged": "spacelift-platform-api-pr-merged_id",
      "Platform Web/git.push": "spacelift-platform-web-push_id",
      "Platform Web/git.pullrequest.merged": "spacelift-platform-web-pr-merged_id",
      "Website/git.push": "spacelift-website-push_id",
      "Website/git.pullrequest.merged": "spacelift-website-pr-merged_id",
    });
    // Sorted by lower-case name: a space sorts before a dash.
    expect(await promiseOf(hooks.selectedProjects)).toEqual(["Platform Web", "platform-api", "Website"]);
  });

  it("passes normalized, explicit inputs and a secret-wrapped password to each subscription", async () => {
    const hooks = new ServiceHooks("gitpod", args({ projects: ["Website"], events: ["git.push"], filters: { branch: "main" }, username: "ado" }));
    await promiseOf(hooks.subscriptionIds);
    const [subscription] = subscriptions();
    expect(subscription!.inputs).toEqual({
      organizationUrl: "https://dev.azure.com/contoso",
      projectId: "33333333-3333-4333-8333-333333333333",
      eventType: "git.push",
      filters: { branch: "main" },
      url: "https://spacelift.example.com/webhooks/azure-devops",
      basicAuthUsername: "ado",
      basicAuthPassword: { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: WEBHOOK_PASSWORD },
      resourceDetailsToSend: "all",
      messagesToSend: "all",
      detailedMessagesToSend: "all",
    });
  });

  it("registers the component with the fixed type token and no inputs, so no secret lands in its state", async () => {
    const hooks = new ServiceHooks("bytebase", args({ projects: ["*"], events: ["git.pullrequest.created"] }));
    await promiseOf(hooks.subscriptionIds);
    const component = registered.find((r) => r.type === "ado-integrations:service-hooks:ServiceHooks");
    expect(component?.name).toBe("bytebase");
    expect(component?.inputs).toEqual({});
    expect(subscriptions()).toHaveLength(PROJECTS.length);
  });

  it("keeps every credential out of registered inputs, the provider text and the outputs", async () => {
    const hooks = new ServiceHooks("terrakube", args());
    const ids = await promiseOf(hooks.subscriptionIds);
    for (const resource of registered) {
      const { basicAuthPassword, ...rest } = resource.inputs as Record<string, unknown>;
      if (basicAuthPassword !== undefined) expect(basicAuthPassword).toMatchObject({ [SECRET_SIG]: expect.any(String) });
      expect(JSON.stringify(rest)).not.toContain(WEBHOOK_PASSWORD);
      expect(JSON.stringify(rest)).not.toContain(PAT);
    }
    expect(JSON.stringify(ids)).not.toContain(WEBHOOK_PASSWORD);
  });

  it("registers every subscription while it is constructed, not in a later callback", async () => {
    const constructed: string[] = [];
    // Transformations run inside each child's constructor, so this list is complete when `new` returns.
    const hooks = new ServiceHooks("sync", args({ projects: ["Website"] }), {
      transformations: [
        ({ name }) => {
          constructed.push(name);
          return undefined;
        },
      ],
    });
    expect(constructed).toEqual(["sync", "sync-website-push", "sync-website-pr-merged"]);
    await promiseOf(hooks.subscriptionIds);
  });

  it.each<[string, Partial<ServiceHooksArgs>, string]>([
    ["no projects", { projects: [] }, 'ServiceHooks x: projects must select at least one project (a name, a glob such as "platform-*", or "*")'],
    [
      "no events",
      { events: [] },
      "ServiceHooks x: events must list at least one event type (git.push, git.pullrequest.created, git.pullrequest.merged, git.pullrequest.updated, ms.vss-code.git-pullrequest-comment-event)",
    ],
    [
      "an unsupported event",
      { events: ["build.complete" as never] },
      'ServiceHooks x: events: "build.complete" not supported; use git.push, git.pullrequest.created, git.pullrequest.merged, git.pullrequest.updated, ms.vss-code.git-pullrequest-comment-event',
    ],
    [
      "plain http to a remote organization",
      { organizationUrl: "http://dev.example.com/contoso" },
      "ServiceHooks x: organizationUrl: organization URL http://dev.example.com/contoso must use https (plain http is allowed only for 127.0.0.1 or localhost)",
    ],
    [
      "a selector that matches no project",
      { projects: ["Website", "Missing", "mobile-*"] },
      'ServiceHooks x: in https://dev.azure.com/contoso, projects not found: "Missing" (no project has this name), "mobile-*" (no project name matches this pattern)',
    ],
    [
      "a repository filter across several projects",
      { filters: { repository: "278d5cd2-584d-4b63-824a-2ba458937249" } },
      "ServiceHooks x: filters.repository is one repository id, but projects selects 3 projects (Platform Web, platform-api, Website); select the one project that holds it",
    ],
    [
      "two projects that would get the same resource name",
      { projects: ["platform*"], organizationProjects: [...PROJECTS, { id: "55555555-5555-4555-8555-555555555555", name: "Platform.Web" }] },
      'ServiceHooks x: projects "Platform Web" and "Platform.Web" would share the resource name part "platform-web"; select only one of them',
    ],
  ])("throws at construction for %s", (_name, overrides, message) => {
    expect(() => new ServiceHooks("x", args(overrides))).toThrow(message);
  });
});

describe("ServiceHookSubscription", () => {
  it("has the plugin's type token, no provider code in its inputs, and the password wrapped as a secret", async () => {
    const subscription = new ServiceHookSubscription("direct", {
      projectId: PROJECTS[0]!.id,
      eventType: "git.push",
      url: "https://hooks.example.com/",
      basicAuthPassword: WEBHOOK_PASSWORD,
    });
    await promiseOf(subscription.urn);
    const resource = registered.find((r) => r.name === "direct")!;
    expect(resource.type).toBe(SUBSCRIPTION_TYPE);
    expect(Object.keys(resource.inputs).sort()).toEqual(["basicAuthPassword", "eventType", "projectId", "url"]);
    expect(JSON.stringify(resource.inputs)).not.toContain(PAT);
    expect(resource.inputs).toMatchObject({ basicAuthPassword: { [SECRET_SIG]: expect.any(String) } });
  });
});
