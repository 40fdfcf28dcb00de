import { describe, expect, it } from "vitest";
import { EVENT_TYPES, SERVICE_HOOK_EVENTS } from "../../components/azure-devops/runtime/events";
import type { SubscriptionInputs, SubscriptionState } from "../../components/azure-devops/runtime/subscriptions";
import { serviceHookSubscriptions as provider } from "./plugin";
import { MASK } from "../loopback/server";
import { WEBHOOK_PASSWORD, subscriptionInputs, useLoopback } from "./helpers";

// Provider methods are called directly: under mocks Pulumi never runs them.
const server = useLoopback();

async function create(inputs: SubscriptionInputs): Promise<{ id: string; outs: SubscriptionState }> {
  const result = await provider.create(inputs);
  return { id: result.id, outs: result.outs! };
}

async function read(id: string, props: SubscriptionState): Promise<{ id?: string; props?: SubscriptionState }> {
  return provider.read!(id, props);
}

describe.each(EVENT_TYPES)("lifecycle of %s", (eventType) => {
  it("creates, reads, updates and deletes with one REST call each, and a second diff finds nothing", async () => {
    const filters: Record<string, string> = { branch: "main" };
    if ((SERVICE_HOOK_EVENTS[eventType].filters as readonly string[]).includes("pushedBy")) filters.pushedBy = "ci@contoso.com";
    const inputs = subscriptionInputs(server, { eventType, filters, httpHeaders: { "X-Source": "ado" } });

    const created = await create(inputs);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`POST /contoso/_apis/hooks/subscriptions`]);
    const stored = server.state.subscription(created.id);
    expect(stored.eventType).toBe(eventType);
    expect(stored.resourceVersion).toBe(SERVICE_HOOK_EVENTS[eventType].resourceVersion);
    expect(stored.publisherInputs).toMatchObject({ projectId: inputs.projectId, ...filters });
    expect(stored.consumerInputs).toEqual({
      url: inputs.url,
      basicAuthUsername: "ado",
      basicAuthPassword: WEBHOOK_PASSWORD,
      httpHeaders: "X-Source:ado",
      messagesToSend: "none",
      detailedMessagesToSend: "none",
    });
    expect(created.outs).toMatchObject({ status: "enabled", passwordSet: true, eventType, filters, url: inputs.url });
    expect(JSON.stringify(created.outs)).not.toContain(WEBHOOK_PASSWORD);
    expect((await provider.diff!(created.id, created.outs, inputs)).changes).toBe(false);

    server.calls.length = 0;
    const refreshed = await read(created.id, created.outs);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /contoso/_apis/hooks/subscriptions/${created.id}`]);
    expect(refreshed).toEqual({ id: created.id, props: created.outs });
    // The masked password and the server-added hostId/tfsSubscriptionId are not changes.
    expect(await provider.diff!(created.id, refreshed.props!, inputs)).toEqual({ changes: false, replaces: [] });

    const changedInputs = { ...inputs, url: "https://hooks.example.com/v2" };
    expect(await provider.diff!(created.id, refreshed.props!, changedInputs)).toEqual({ changes: true, replaces: [] });
    server.calls.length = 0;
    const updated = await provider.update!(created.id, refreshed.props!, changedInputs);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`PUT /contoso/_apis/hooks/subscriptions/${created.id}`]);
    expect(server.state.subscription(created.id).consumerInputs.url).toBe("https://hooks.example.com/v2");
    expect((await provider.diff!(created.id, updated.outs!, changedInputs)).changes).toBe(false);

    server.calls.length = 0;
    await provider.delete!(created.id, updated.outs!);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`DELETE /contoso/_apis/hooks/subscriptions/${created.id}`]);
    expect(server.state.subscriptions.has(created.id)).toBe(false);
  });
});

describe("drift", () => {
  it("an out-of-band URL change shows after refresh and update puts it back", async () => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    server.state.setSubscriptionUrl(id, "https://attacker.example.net/steal");
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed.url).toBe("https://attacker.example.net/steal");
    expect(await provider.diff!(id, refreshed, inputs)).toEqual({ changes: true, replaces: [] });
    await provider.update!(id, refreshed, inputs);
    expect(server.state.subscription(id).consumerInputs.url).toBe(inputs.url);
  });

  it.each(["disabledBySystem", "disabledByUser", "onProbation"] as const)("status %s is drift and update re-enables it", async (status) => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    server.state.setSubscriptionStatus(id, status);
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed.status).toBe(status);
    expect(await provider.diff!(id, refreshed, inputs)).toEqual({ changes: true, replaces: [] });
    const updated = await provider.update!(id, refreshed, inputs);
    expect(updated.outs!.status).toBe("enabled");
    expect(server.state.subscription(id).status).toBe("enabled");
    // The password reached the service again with the re-enabling PUT.
    expect(server.state.subscription(id).consumerInputs.basicAuthPassword).toBe(WEBHOOK_PASSWORD);
  });

  it("an inactive owner replaces the subscription, because the service will not re-enable it", async () => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    server.state.setSubscriptionStatus(id, "disabledByInactiveIdentity");
    const refreshed = (await read(id, outs)).props!;
    expect(await provider.diff!(id, refreshed, inputs)).toEqual({ changes: true, replaces: ["status"] });
    await expect(provider.update!(id, refreshed, inputs)).rejects.toThrow(
      `service hook subscription ${id} stayed disabledByInactiveIdentity after it was re-enabled: replace it (\`pulumi up --replace <urn>\`) so a new one is created under the current identity`,
    );
  });

  it("a subscription deleted out of band reads as gone (empty id), so the next up recreates it", async () => {
    const { id, outs } = await create(subscriptionInputs(server));
    server.state.removeSubscription(id);
    expect(await read(id, outs)).toEqual({ id: "" });
  });

  it("updating a subscription deleted out of band says to refresh", async () => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    server.state.removeSubscription(id);
    await expect(provider.update!(id, outs, { ...inputs, url: "https://hooks.example.com/x" })).rejects.toThrow(
      `service hook subscription ${id} no longer exists in Azure DevOps: run \`pulumi refresh\` so the next \`pulumi up\` recreates it`,
    );
  });

  it("deleting a subscription that is already gone succeeds", async () => {
    const { id, outs } = await create(subscriptionInputs(server));
    server.state.removeSubscription(id);
    await expect(provider.delete!(id, outs)).resolves.toBeUndefined();
  });
});

describe("password", () => {
  it("a new password is a change detected through the salted hash, and the update delivers it", async () => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    expect(outs.passwordHash).toMatch(/^[0-9a-f]{64}$/);
    expect(outs.passwordSalt).toMatch(/^[0-9a-f]{32}$/);
    const refreshed = (await read(id, outs)).props!;
    expect(server.state.subscription(id).consumerInputs.basicAuthPassword).toBe(WEBHOOK_PASSWORD);
    expect(await provider.diff!(id, refreshed, inputs)).toEqual({ changes: false, replaces: [] });

    const rotated = { ...inputs, basicAuthPassword: "rotated-password-9Kd2" };
    expect(await provider.diff!(id, refreshed, rotated)).toEqual({ changes: true, replaces: [] });
    const updated = await provider.update!(id, refreshed, rotated);
    expect(server.state.subscription(id).consumerInputs.basicAuthPassword).toBe("rotated-password-9Kd2");
    expect(await provider.diff!(id, updated.outs!, rotated)).toEqual({ changes: false, replaces: [] });
    expect(await provider.diff!(id, updated.outs!, inputs)).toEqual({ changes: true, replaces: [] });
  });

  it("removing the password is a change, and so is a password the service lost", async () => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    expect((await provider.diff!(id, outs, { ...inputs, basicAuthPassword: "" })).changes).toBe(true);
    delete server.state.subscription(id).consumerInputs.basicAuthPassword;
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed).toMatchObject({ passwordSet: false, passwordHash: "", passwordSalt: "" });
    expect((await provider.diff!(id, refreshed, inputs)).changes).toBe(true);
  });
});

describe("diff", () => {
  it("replaces on project, event type or organization, and ignores how the organization URL is written", async () => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await create(inputs);
    const other = server.state.projects[1]!.id;
    expect(await provider.diff!(id, outs, { ...inputs, projectId: other })).toEqual({ changes: true, replaces: ["projectId"] });
    expect(await provider.diff!(id, outs, { ...inputs, eventType: "git.pullrequest.created" })).toEqual({ changes: true, replaces: ["eventType"] });
    expect(await provider.diff!(id, outs, { ...inputs, organizationUrl: "https://dev.azure.com/contoso" })).toEqual({ changes: true, replaces: ["organizationUrl"] });
    expect(await provider.diff!(id, outs, { ...inputs, organizationUrl: `${server.orgUrl}/` })).toEqual({ changes: false, replaces: [] });
    expect(await provider.diff!(id, outs, { ...inputs, projectId: inputs.projectId.toUpperCase() })).toEqual({ changes: false, replaces: [] });
  });

  it("takes the organization from AZDO_ORG_SERVICE_URL when the input leaves it out", async () => {
    process.env.AZDO_ORG_SERVICE_URL = server.orgUrl;
    const inputs = subscriptionInputs(server, { organizationUrl: undefined });
    const { id, outs } = await create(inputs);
    expect(outs.organizationUrl).toBe(server.orgUrl);
    expect(await provider.diff!(id, outs, inputs)).toEqual({ changes: false, replaces: [] });
  });

  it("sees filter, header and payload-option changes, and treats empty filters as none", async () => {
    const inputs = subscriptionInputs(server, { filters: { branch: "main", repository: "" } });
    const { id, outs } = await create(inputs);
    expect(server.state.subscription(id).publisherInputs).not.toHaveProperty("repository");
    expect((await provider.diff!(id, outs, { ...inputs, filters: { branch: "main" } })).changes).toBe(false);
    expect((await provider.diff!(id, outs, { ...inputs, filters: { branch: "release" } })).changes).toBe(true);
    expect((await provider.diff!(id, outs, { ...inputs, httpHeaders: { "X-A": "1" } })).changes).toBe(true);
    expect((await provider.diff!(id, outs, { ...inputs, resourceDetailsToSend: "minimal" })).changes).toBe(true);
    expect((await provider.diff!(id, outs, { ...inputs, basicAuthUsername: "other" })).changes).toBe(true);
  });

  it("reads 'all' back whether the service reports it as '', 'all' or nothing", async () => {
    const inputs = subscriptionInputs(server, { messagesToSend: "all", detailedMessagesToSend: "all" });
    const { id, outs } = await create(inputs);
    expect(server.state.subscription(id).consumerInputs).not.toHaveProperty("messagesToSend");
    server.state.subscription(id).consumerInputs.messagesToSend = "";
    server.state.subscription(id).consumerInputs.detailedMessagesToSend = "all";
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed).toMatchObject({ messagesToSend: "all", detailedMessagesToSend: "all" });
    expect((await provider.diff!(id, refreshed, inputs)).changes).toBe(false);
  });
});

describe("validation", () => {
  it("lists every bad input by name, without echoing the password", async () => {
    const inputs = subscriptionInputs(server, {
      eventType: "git.pullrequest.created",
      filters: { pushedBy: "someone" },
      projectId: "Fabrikam-Fiber-Git",
      url: "http://hooks.example.com/plain",
      basicAuthPassword: "has whitespace secret",
      messagesToSend: "minimal" as never,
    });
    await expect(provider.create(inputs)).rejects.toThrow(
      [
        "invalid service hook subscription:",
        "  filters.pushedBy: not a filter of git.pullrequest.created; it accepts repository, branch, pullrequestCreatedBy, pullrequestReviewersContains",
        "  projectId: must be a project id (GUID), not a name",
        "  url: must use https (basic auth would travel in plain text)",
        "  basicAuthPassword: must be 1-256 characters without whitespace",
        "  messagesToSend: must be one of all, text, html, markdown, none",
      ].join("\n"),
    );
    expect(server.calls).toHaveLength(0);
  });

  it("rejects an unsupported event type and a URL with credentials", async () => {
    await expect(provider.create(subscriptionInputs(server, { eventType: "build.complete", url: "https://u:p@hooks.example.com/" }))).rejects.toThrow(
      [
        "invalid service hook subscription:",
        '  eventType: "build.complete" is not supported; use one of git.push, git.pullrequest.created, git.pullrequest.merged, git.pullrequest.updated, ms.vss-code.git-pullrequest-comment-event',
        "  url: must not carry credentials; use basicAuthUsername and basicAuthPassword",
      ].join("\n"),
    );
  });

  it("masks the password on every read, as the service does", async () => {
    const { id } = await create(subscriptionInputs(server));
    const subscriptionUrl = `${server.orgUrl}/_apis/hooks/subscriptions/${id}?api-version=7.1`;
    const response = await fetch(subscriptionUrl, { headers: { Authorization: `Basic ${Buffer.from(`:${server.pat}`).toString("base64")}`, "X-TFS-FedAuthRedirect": "Suppress" } });
    const body = (await response.json()) as { consumerInputs: Record<string, string>; publisherInputs: Record<string, string> };
    expect(body.consumerInputs.basicAuthPassword).toBe(MASK);
    expect(Object.keys(body.publisherInputs)).toEqual(expect.arrayContaining(["hostId", "tfsSubscriptionId", "projectId"]));
  });
});
