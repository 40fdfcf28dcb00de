import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { Project, setProjectLookup } from "../../components/azure-devops/lookups";
import { ServiceHookSubscription } from "../../components/azure-devops/service-hook-subscription";
import { ServiceHooks, ServiceHooksArgs } from "../../components/service-hooks";
import { promiseOf } from "../helpers";
import { WEBHOOK_PASSWORD } from "./helpers";
import { SECRET_SIG, useResourceMocks } from "./mocks";

const PAT = "pat-that-must-not-leak-7Hq2";
const SUBSCRIPTION_TYPE = "pulumi-nodejs:dynamic/azure-devops:ServiceHookSubscription";
const registered = useResourceMocks(PAT);

/**
 * Expects the component's outputs to fail with `message`. A failing output is
 * how Pulumi fails the program, and its runtime leaves the same failure
 * unhandled on several internal promises; collect those here (and check they
 * are this failure) instead of letting vitest report them as stray errors.
 */
async function expectOutputFailure(output: pulumi.Output<unknown>, message: string): Promise<void> {
  const vitestListeners = process.listeners("unhandledRejection");
  const stray: unknown[] = [];
  const collect = (reason: unknown): void => {
    stray.push(reason);
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", collect);
  try {
    await expect(promiseOf(output)).rejects.toThrow(message);
  } finally {
    // Let the runtime's remaining promises settle while the collector listens.
    for (let seen = -1, rounds = 0; seen !== stray.length && rounds < 40; rounds++) {
      seen = stray.length;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    process.off("unhandledRejection", collect);
    for (const listener of vitestListeners) process.on("unhandledRejection", listener);
  }
  for (const reason of stray) expect((reason as Error).message).toContain(message);
}

const PROJECTS: Project[] = [
  { id: "11111111-1111-4111-8111-111111111111", name: "platform-api" },
  { id: "22222222-2222-4222-8222-222222222222", name: "Platform Web" },
  { id: "33333333-3333-4333-8333-333333333333", name: "Website" },
  { id: "44444444-4444-4444-8444-444444444444", name: "Other" },
];
let lookups: string[];

beforeEach(() => {
  registered.length = 0;
  lookups = [];
  setProjectLookup(async (organizationUrl) => {
    lookups.push(organizationUrl);
    return PROJECTS;
  });
});

function args(overrides: Partial<ServiceHooksArgs> = {}): ServiceHooksArgs {
  return {
    organizationUrl: "https://contoso.visualstudio.com/",
    projects: ["platform*", "website"],
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
    const { __provider, ...inputs } = subscription!.inputs as Record<string, unknown>;
    expect(typeof __provider).toBe("string");
    expect(inputs).toEqual({
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

  it("looks projects up once per organization per process", async () => {
    const first = new ServiceHooks("a", args());
    const second = new ServiceHooks("b", args({ organizationUrl: "https://dev.azure.com/Contoso" }));
    await Promise.all([promiseOf(first.subscriptionIds), promiseOf(second.subscriptionIds)]);
    expect(lookups).toEqual(["https://dev.azure.com/contoso"]);
  });

  it("names every project selector that matched nothing", async () => {
    const hooks = new ServiceHooks("x", args({ projects: ["Website", "Missing", "mobile-*"] }));
    await expectOutputFailure(
      hooks.subscriptionIds,
      'ServiceHooks x: in https://dev.azure.com/contoso, projects not found: "Missing" (no project has this name), "mobile-*" (no project name matches this pattern)',
    );
    expect(subscriptions()).toHaveLength(0);
  });

  it("refuses a repository filter across several projects", async () => {
    const hooks = new ServiceHooks("x", args({ filters: { repository: "278d5cd2-584d-4b63-824a-2ba458937249" } }));
    await expectOutputFailure(
      hooks.subscriptionIds,
      "ServiceHooks x: filters.repository is one repository id, but projects selects 3 projects (Platform Web, platform-api, Website); select the one project that holds it",
    );
  });

  it("refuses two projects that would get the same resource name", async () => {
    setProjectLookup(async () => [...PROJECTS, { id: "55555555-5555-4555-8555-555555555555", name: "Platform.Web" }]);
    const hooks = new ServiceHooks("x", args({ projects: ["platform*"] }));
    await expectOutputFailure(
      hooks.subscriptionIds,
      'ServiceHooks x: projects "Platform Web" and "Platform.Web" would share the resource name part "platform-web"; select only one of them',
    );
  });

  it("reports a failed project lookup through its outputs", async () => {
    setProjectLookup(async () => {
      throw new Error("Azure DevOps GET /contoso/_apis/projects returned 401: the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected");
    });
    const hooks = new ServiceHooks("x", args());
    await expectOutputFailure(hooks.subscriptionIds, "the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected");
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
  ])("throws at construction for %s", (_name, overrides, message) => {
    expect(() => new ServiceHooks("x", args(overrides))).toThrow(message);
  });
});

describe("ServiceHookSubscription", () => {
  it("has the dynamic type token, and a small serialized provider that holds no credential", async () => {
    const subscription = new ServiceHookSubscription("direct", {
      projectId: PROJECTS[0]!.id,
      eventType: "git.push",
      url: "https://hooks.example.com/",
      basicAuthPassword: WEBHOOK_PASSWORD,
    });
    await promiseOf(subscription.urn);
    const resource = registered.find((r) => r.name === "direct")!;
    expect(resource.type).toBe(SUBSCRIPTION_TYPE);
    const providerText = (resource.inputs as { __provider: string }).__provider;
    const bytes = Buffer.byteLength(providerText);
    console.info(`serialized ServiceHookSubscription provider: ${bytes} bytes`);
    expect(bytes).toBeLessThan(3072);
    expect(providerText).toContain("components/azure-devops/runtime/index.ts");
    expect(providerText).not.toContain(PAT);
    expect(providerText).not.toContain(WEBHOOK_PASSWORD);
    expect(providerText).not.toMatch(/__vite|__vi_import|zod/);
    expect(resource.inputs).toMatchObject({ basicAuthPassword: { [SECRET_SIG]: expect.any(String) } });
  });
});
