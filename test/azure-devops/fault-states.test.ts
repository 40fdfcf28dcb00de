/**
 * Issue 12: every fault ends in one known state, with no duplicate object, no
 * silent success and no endless loop. Each case drives the provider plugin (or
 * the client) against the loopback server and asserts the server's final
 * state, the exact error and the number of calls.
 */
import { describe, expect, it } from "vitest";
import { AdoClient, AdoRequestError, type EntitlementInputs, type VariableGroupInputs, listProjects, patAuth, safeServiceText } from "../../components/azure-devops/runtime";
import { AzureDevOpsIntegrationsProvider } from "../../provider/provider";
import { TOKENS } from "../../provider/schema";
import { type Fault, startLoopback } from "../loopback/server";
import { LOOPBACK_ALLOWED_HOSTS, WEBHOOK_PASSWORD, subscriptionInputs, useLoopback, variableGroupInputs } from "./helpers";
import { servicePrincipalEntitlements, serviceHookSubscriptions, variableGroups } from "./plugin";

const server = useLoopback({ clear: ["subscriptions", "variableGroups", "entitlements"] });

const SECRET = "fault-states-secret-Qw7pL2";
const SP_OBJECT_ID = "00ed1ce5-4257-4bbd-946e-1b57718e203e";

const HOOK_POST = "POST /contoso/_apis/hooks/subscriptions";
const HOOK_QUERY = "POST /contoso/_apis/hooks/subscriptionsquery";
const HOOK_PUT = "PUT /contoso/_apis/hooks/subscriptions/{id}";
const HOOK_GET = "GET /contoso/_apis/hooks/subscriptions/{id}";
const GROUP_POST = "POST /contoso/_apis/distributedtask/variablegroups";
const GROUP_LOOKUP = "GET /contoso/{project}/_apis/distributedtask/variablegroups";
const GROUP_PUT = "PUT /contoso/_apis/distributedtask/variablegroups/{id}";
const ENTITLEMENT_POST = "POST /contoso/_apis/serviceprincipalentitlements";

/** Every call so far, ids and the project replaced by placeholders. */
function callLog(): string[] {
  const project = server.state.projects[0]!.id;
  return server.calls.map(
    (c) =>
      `${c.method} ${c.path
        .replace(project, "{project}")
        .replace(/subscriptions\/[0-9a-f-]+$/, "subscriptions/{id}")
        .replace(/variablegroups\/\d+$/, "variablegroups/{id}")
        .replace(/serviceprincipalentitlements\/[0-9a-f-]+$/, "serviceprincipalentitlements/{id}")}`,
  );
}

function onlyOne<K>(map: Map<K, unknown>): K {
  expect(map.size).toBe(1);
  return [...map.keys()][0]!;
}

function groupInputs(overrides: Partial<VariableGroupInputs> = {}): VariableGroupInputs {
  return variableGroupInputs(server, {
    name: "ado-integrations-fault-states",
    variables: { "app.Client_Id": { value: "client-1", isSecret: false }, "app.Client_Secret": { value: SECRET, isSecret: true } },
    ...overrides,
  });
}

function spInputs(overrides: Partial<EntitlementInputs> = {}): EntitlementInputs {
  return { organizationUrl: server.orgUrl, servicePrincipalObjectId: SP_OBJECT_ID, accessLevel: "basic", projects: [{ projectId: server.state.projects[0]!.id, group: "Readers" }], ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

/** Creates through the plugin and forgets the calls that took. */
async function created<I, S>(provider: { create(inputs: I): Promise<{ id: string; outs?: S }> }, inputs: I): Promise<{ id: string; outs: S }> {
  const result = await provider.create(inputs);
  server.calls.length = 0;
  return { id: result.id, outs: result.outs! };
}

const UNREADABLE: [string, Fault & { kind: "garble" }, string][] = [
  ["cut short", { kind: "garble", answer: "truncated" }, "returned 200 with malformed JSON (cut short, or not JSON)"],
  ["not JSON", { kind: "garble", answer: "notJson" }, "returned 200 with text/html instead of JSON"],
  ["empty", { kind: "garble", answer: "empty" }, "returned 200 with an empty body"],
];

describe("1. an unreadable 2xx answer to a create is an unknown outcome", () => {
  it.each(UNREADABLE)("a service hook POST applied but answered %s is looked up and adopted: one hook", async (_name, fault) => {
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault });
    const inputs = subscriptionInputs(server);
    const result = await serviceHookSubscriptions.create(inputs);
    expect(callLog()).toEqual([HOOK_POST, HOOK_QUERY, HOOK_PUT]);
    expect(result.id).toBe(onlyOne(server.state.subscriptions));
    expect(server.state.subscription(result.id).consumerInputs).toMatchObject({ url: inputs.url, basicAuthPassword: WEBHOOK_PASSWORD });
    // The next `up` finds nothing to do, so it creates no second hook.
    expect((await serviceHookSubscriptions.diff!(result.id, result.outs!, inputs)).changes).toBe(false);
  });

  it("a service hook POST answered 200 with an empty body but not applied is looked for, then sent once more: one hook", async () => {
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "status", status: 200, body: "" } });
    const result = await serviceHookSubscriptions.create(subscriptionInputs(server));
    expect(callLog()).toEqual([HOOK_POST, HOOK_QUERY, HOOK_POST]);
    expect(result.id).toBe(onlyOne(server.state.subscriptions));
  });

  it("when the lookup fails too, the error says the create may have been applied and how to adopt it", async () => {
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "garble", answer: "empty" } });
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptionsquery", times: 4, fault: { kind: "status", status: 503 } });
    const inputs = subscriptionInputs(server);
    const error = await rejection(serviceHookSubscriptions.create(inputs));
    expect(error.message).toBe(
      "Azure DevOps POST /contoso/_apis/hooks/subscriptions returned 200 with an empty body: the service may have applied this POST, but its answer could not be read, so it was not sent again; look for its result before retrying; the create may have been applied, and looking for it returned 503 too: run `pulumi up` again with AZDO_ADOPT_EXISTING=true so an existing subscription is adopted, not duplicated",
    );
    expect(error).toMatchObject({ status: 200, outcomeUnknown: true });
    expect(server.count("POST", "_apis/hooks/subscriptions")).toBe(1);
    expect(server.count("POST", "_apis/hooks/subscriptionsquery")).toBe(4);
    const applied = onlyOne(server.state.subscriptions);

    // What the error says to do adopts the hook the POST left: still one.
    process.env.AZDO_ADOPT_EXISTING = "true";
    server.calls.length = 0;
    expect((await serviceHookSubscriptions.create(inputs)).id).toBe(applied);
    expect(callLog()).toEqual([HOOK_QUERY, HOOK_PUT]);
    expect(onlyOne(server.state.subscriptions)).toBe(applied);
  });

  it("when the adopting PUT fails too, the error names the hook left behind and how to adopt it", async () => {
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "garble", answer: "truncated" } });
    server.faults.add({ method: "PUT", fault: { kind: "garble", answer: "empty" } });
    const inputs = subscriptionInputs(server);
    const error = await rejection(serviceHookSubscriptions.create(inputs));
    const left = onlyOne(server.state.subscriptions);
    expect(error.message).toBe(
      `Azure DevOps PUT /contoso/_apis/hooks/subscriptions/${left} returned 200 with an empty body: retry, and report it if it persists; subscription ${left} exists but is not in the stack's state: run \`pulumi up\` again with AZDO_ADOPT_EXISTING=true so it is adopted, not duplicated`,
    );
    expect(callLog()).toEqual([HOOK_POST, HOOK_QUERY, HOOK_PUT]);

    process.env.AZDO_ADOPT_EXISTING = "true";
    expect((await serviceHookSubscriptions.create(inputs)).id).toBe(left);
    expect(onlyOne(server.state.subscriptions)).toBe(left);
  });

  it("an unreadable answer to the lookup is not 'nothing found': no second POST", async () => {
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "status", status: 500, apply: true } });
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptionsquery", times: 4, fault: { kind: "status", status: 200, body: {} } });
    const error = await rejection(serviceHookSubscriptions.create(subscriptionInputs(server)));
    expect(error.message).toBe(
      "Azure DevOps POST /contoso/_apis/hooks/subscriptions returned 500 (TF400898 LoopbackInjectedException): the service may or may not have applied this POST, so it was not sent again; look for its result before retrying; the create may have been applied, and looking for it returned 200 but the body has no results list too: run `pulumi up` again with AZDO_ADOPT_EXISTING=true so an existing subscription is adopted, not duplicated",
    );
    expect(callLog()).toEqual([HOOK_POST, HOOK_QUERY]);
    onlyOne(server.state.subscriptions);
  });

  it.each(UNREADABLE)("a variable group POST applied but answered %s is looked up and adopted: one group", async (_name, fault) => {
    server.faults.add({ method: "POST", path: "_apis/distributedtask/variablegroups", fault });
    const result = await variableGroups.create(groupInputs());
    expect(callLog()).toEqual([GROUP_POST, GROUP_LOOKUP, GROUP_PUT]);
    expect(result.id).toBe(String(onlyOne(server.state.variableGroups)));
    expect(server.state.variableGroup(result.id).variables["app.Client_Secret"]!.value).toBe(SECRET);
  });

  it.each(UNREADABLE)("an entitlement Add applied but answered %s is sent again, which cannot add the principal twice", async (_name, fault) => {
    server.faults.add({ method: "POST", path: "_apis/serviceprincipalentitlements", fault });
    const result = await servicePrincipalEntitlements.create(spInputs());
    expect(callLog()).toEqual([ENTITLEMENT_POST, ENTITLEMENT_POST]);
    expect(result.id).toBe(onlyOne(server.state.entitlements));
  });
});

describe("2. one 404 is not proof of deletion", () => {
  it.each([404, 410])("a hook read answered %s once, right after its create, stays in state: the next `up` makes no duplicate", async (status) => {
    const inputs = subscriptionInputs(server);
    const { id, outs } = await created(serviceHookSubscriptions, inputs);
    server.faults.add({ method: "GET", fault: { kind: "status", status } });
    const read = await serviceHookSubscriptions.read!(id, outs);
    expect(read).toEqual({ id, props: outs });
    expect(callLog()).toEqual([HOOK_GET, HOOK_GET]);
    expect(server.calls.map((c) => c.status)).toEqual([status, 200]);
    expect((await serviceHookSubscriptions.diff!(id, read.props!, inputs)).changes).toBe(false);
    expect(onlyOne(server.state.subscriptions)).toBe(id);
  });

  it("a hook that is really gone answers 404 twice and is dropped from state", async () => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    server.state.removeSubscription(id);
    expect(await serviceHookSubscriptions.read!(id, outs)).toEqual({ id: "" });
    expect(server.calls.map((c) => c.status)).toEqual([404, 404]);
  });

  it("a variable group answered 404, or empty, once stays in state", async () => {
    const { id, outs } = await created(variableGroups, groupInputs());
    server.faults.add({ method: "GET", fault: { kind: "status", status: 404 } });
    expect((await variableGroups.read!(id, outs)).id).toBe(id);
    server.faults.add({ method: "GET", fault: { kind: "status", status: 200, body: "" } });
    expect((await variableGroups.read!(id, outs)).id).toBe(id);
    expect(server.calls.map((c) => c.status)).toEqual([404, 200, 200, 200]);
    expect(String(onlyOne(server.state.variableGroups))).toBe(id);
  });

  it("an entitlement answered 404 once stays in state", async () => {
    const { id, outs } = await created(servicePrincipalEntitlements, spInputs());
    server.faults.add({ method: "GET", fault: { kind: "status", status: 404 } });
    expect(await servicePrincipalEntitlements.read!(id, outs)).toEqual({ id, props: outs });
    expect(server.calls.map((c) => c.status)).toEqual([404, 200]);
    expect(onlyOne(server.state.entitlements)).toBe(id);
  });
});

describe("3. empty or malformed answers on read, update and delete are clear errors", () => {
  it.each(UNREADABLE)("a hook read answered %s names the call, the status and what was wrong", async (_name, fault, what) => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    server.faults.add({ method: "GET", fault });
    const error = await rejection(serviceHookSubscriptions.read!(id, outs));
    expect(error).toBeInstanceOf(AdoRequestError);
    const hint = fault.answer === "notJson" ? "check that the organization URL points at Azure DevOps" : "retry, and report it if it persists";
    expect(error.message).toBe(`Azure DevOps GET /contoso/_apis/hooks/subscriptions/${id} ${what}: ${hint}`);
    expect(callLog()).toEqual([HOOK_GET]);
    expect(onlyOne(server.state.subscriptions)).toBe(id);
  });

  it("a hook read answered with JSON that is not a subscription says what is missing", async () => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    server.faults.add({ method: "GET", fault: { kind: "status", status: 200, body: { count: 0, value: [] } } });
    const error = await rejection(serviceHookSubscriptions.read!(id, outs));
    expect(error.message).toBe(`Azure DevOps GET /contoso/_apis/hooks/subscriptions/${id} returned 200 but the body has no subscription id: retry, and report it if it persists`);
    expect(server.calls).toHaveLength(1);
  });

  it("a hook update answered empty is an error, not a success with empty state; the hook was written", async () => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    server.faults.add({ method: "PUT", fault: { kind: "garble", answer: "empty" } });
    const inputs = subscriptionInputs(server, { url: "https://hooks.example.com/v2" });
    const error = await rejection(serviceHookSubscriptions.update!(id, outs, inputs));
    expect(error.message).toBe(`Azure DevOps PUT /contoso/_apis/hooks/subscriptions/${id} returned 200 with an empty body: retry, and report it if it persists`);
    expect(callLog()).toEqual([HOOK_PUT]);
    expect(server.state.subscription(onlyOne(server.state.subscriptions)).consumerInputs.url).toBe("https://hooks.example.com/v2");
  });

  it("a hook delete answered with an HTML page is an error; a second delete finds it gone", async () => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    // A 204 carries no body: the page comes with a 200, as a proxy in the way would send it.
    server.faults.add({ method: "DELETE", fault: { kind: "garble", answer: "notJson", status: 200 } });
    const error = await rejection(serviceHookSubscriptions.delete!(id, outs));
    expect(error.message).toBe(`Azure DevOps DELETE /contoso/_apis/hooks/subscriptions/${id} returned 200 with text/html instead of JSON: check that the organization URL points at Azure DevOps`);
    expect(server.state.subscriptions.size).toBe(0);
    await serviceHookSubscriptions.delete!(id, outs);
    expect(server.calls.map((c) => c.status)).toEqual([200, 404]);
  });

  it("a variable group read answered cut short, and an entitlement update answered empty, are clear errors", async () => {
    const group = await created(variableGroups, groupInputs());
    server.faults.add({ method: "GET", fault: { kind: "garble", answer: "truncated" } });
    expect((await rejection(variableGroups.read!(group.id, group.outs))).message).toBe(
      `Azure DevOps GET /contoso/${server.state.projects[0]!.id}/_apis/distributedtask/variablegroups/${group.id} returned 200 with malformed JSON (cut short, or not JSON): retry, and report it if it persists`,
    );
    expect(server.calls.map((c) => `${c.method} ${c.status}`)).toEqual(["GET 200"]);
    const sp = await created(servicePrincipalEntitlements, spInputs());
    server.faults.add({ method: "PATCH", fault: { kind: "garble", answer: "empty" } });
    expect((await rejection(servicePrincipalEntitlements.update!(sp.id, sp.outs, spInputs({ accessLevel: "advanced" })))).message).toBe(
      `Azure DevOps PATCH /contoso/_apis/serviceprincipalentitlements/${sp.id} returned 200 with an empty body: retry, and report it if it persists`,
    );
    expect(server.calls.map((c) => `${c.method} ${c.status}`)).toEqual(["PATCH 200"]);
    expect(server.state.entitlement(onlyOne(server.state.entitlements)).accountLicenseType).toBe("advanced");
  });
});

describe("4. updates are checked against what was sent", () => {
  it("a hook whose branch filter the service drops is an error naming what it kept", async () => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    server.faults.add({
      method: "PUT",
      fault: { kind: "alterRequest", alter: (body) => ({ ...(body as object), publisherInputs: { projectId: server.state.projects[0]!.id } }) },
    });
    const error = await rejection(serviceHookSubscriptions.update!(id, outs, subscriptionInputs(server, { filters: { branch: "main" } })));
    expect(error.message).toBe(
      `service hook subscription ${id} was written, but Azure DevOps kept filters {}: it changes or drops these values, so every \`pulumi up\` would show the same difference; use values the service keeps as sent`,
    );
    expect(callLog()).toEqual([HOOK_PUT]);
    expect(server.state.subscription(onlyOne(server.state.subscriptions)).publisherInputs.branch).toBeUndefined();
  });

  it("a hook whose URL and header the service rewrites names the URL, and only the header's name", async () => {
    const { id, outs } = await created(serviceHookSubscriptions, subscriptionInputs(server));
    server.faults.add({
      method: "PUT",
      fault: {
        kind: "alterRequest",
        alter: (body) => {
          const b = body as { consumerInputs: Record<string, string> };
          return { ...b, consumerInputs: { ...b.consumerInputs, url: "https://hooks.example.com/azure-devops/", httpHeaders: "X-Token:other-token-value" } };
        },
      },
    });
    const error = await rejection(serviceHookSubscriptions.update!(id, outs, subscriptionInputs(server, { httpHeaders: { "X-Token": "sent-token-value" } })));
    expect(error.message).toBe(
      `service hook subscription ${id} was written, but Azure DevOps kept url "https://hooks.example.com/azure-devops/", httpHeaders named X-Token (values not shown): it changes or drops these values, so every \`pulumi up\` would show the same difference; use values the service keeps as sent`,
    );
    expect(error.message).not.toMatch(/token-value/);
    expect(server.calls).toHaveLength(1);
  });

  it("a variable group whose secret the service stores as plain names the variable, never a value", async () => {
    const { id, outs } = await created(variableGroups, groupInputs());
    server.faults.add({
      method: "PUT",
      fault: {
        kind: "alterRequest",
        alter: (body) => {
          const b = body as { variables: Record<string, { value: string; isSecret?: boolean }> };
          return { ...b, variables: { ...b.variables, "app.Client_Secret": { value: b.variables["app.Client_Secret"]!.value } } };
        },
      },
    });
    const error = await rejection(variableGroups.update!(id, outs, groupInputs({ description: "v2" })));
    expect(error.message).toBe(
      `variable group ${id} was written, but Azure DevOps kept variables.app.Client_Secret as a plain variable: it changes or drops these values, so every \`pulumi up\` would show the same difference; use values the service keeps as sent`,
    );
    expect(error.message).not.toContain(SECRET);
    expect(callLog()).toEqual([GROUP_PUT]);
    onlyOne(server.state.variableGroups);
  });

  it("an entitlement whose access level the service keeps is an error naming the level it kept", async () => {
    const { id, outs } = await created(servicePrincipalEntitlements, spInputs());
    server.faults.add({ method: "PATCH", fault: { kind: "alterRequest", alter: (ops) => (ops as { path: string }[]).filter((op) => op.path !== "/accessLevel") } });
    const error = await rejection(servicePrincipalEntitlements.update!(id, outs, spInputs({ accessLevel: "advanced" })));
    expect(error.message).toBe(
      `service principal entitlement ${id} was updated, but Azure DevOps kept accessLevel "express": it changes or drops these values, so every \`pulumi up\` would show the same difference; check the identity's licences and the projects' groups, or use values the service keeps`,
    );
    expect(server.calls.map((c) => c.method)).toEqual(["PATCH"]);
    expect(server.state.entitlement(onlyOne(server.state.entitlements)).accountLicenseType).toBe("express");
  });
});

describe("5. project paging is bounded", () => {
  const client = (settings: { retryMaxSeconds?: number } = {}): AdoClient =>
    new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth(server.pat), env: { AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS }, maxRetries: 0, ...settings });
  const page = (token: string, value: unknown[] = []): Fault => ({ kind: "status", status: 200, body: { count: value.length, value }, headers: { "x-ms-continuationtoken": token } });
  const project = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, name: `paged-${n}` });

  it("stops at an empty page that still carries a continuation token", async () => {
    for (let i = 1; i <= 10; i++) server.faults.add({ path: "_apis/projects", fault: page(`fresh-${i}`) });
    const error = await rejection(listProjects(client()));
    expect(error.message).toBe(
      `listing projects of ${server.orgUrl} stopped after 1 page: the service returned an empty page with a continuation token; retry later, and report it if it persists`,
    );
    expect(server.count("GET", "_apis/projects")).toBe(1);
  });

  it("stops at a continuation token seen before", async () => {
    server.faults.add({ path: "_apis/projects", times: 10, fault: page("same", [project(1)]) });
    const error = await rejection(listProjects(client()));
    expect(error.message).toBe(
      `listing projects of ${server.orgUrl} stopped after 2 pages: the service returned the same continuation token twice; retry later, and report it if it persists`,
    );
    expect(server.count("GET", "_apis/projects")).toBe(2);
  });

  it("stops at the page limit while fresh tokens keep coming", async () => {
    for (let i = 1; i <= 10; i++) server.faults.add({ path: "_apis/projects", fault: page(`fresh-${i}`, [project(i)]) });
    const error = await rejection(listProjects(client(), { maxPages: 4 }));
    expect(error.message).toBe(
      `listing projects of ${server.orgUrl} stopped after 4 pages: the service still returned a continuation token after 4 pages; retry later, and report it if it persists`,
    );
    expect(server.count("GET", "_apis/projects")).toBe(4);
  });

  it("stops when the listing outlasts the time budget (AZDO_RETRY_MAX_SECONDS), measured on an injected clock", async () => {
    for (let i = 1; i <= 10; i++) server.faults.add({ path: "_apis/projects", fault: page(`fresh-${i}`, [project(i)]) });
    let clock = 0;
    // Each look at the clock is 50 s later: the second page ends 100 s in, the third 150 s.
    const error = await rejection(listProjects(client({ retryMaxSeconds: 120 }), { now: () => (clock += 50_000) }));
    expect(error.message).toBe(
      `listing projects of ${server.orgUrl} stopped after 3 pages: the service still returned a continuation token after 120s (AZDO_RETRY_MAX_SECONDS); retry later, and report it if it persists`,
    );
    expect(server.count("GET", "_apis/projects")).toBe(3);
  });

  it("an answer without a project list is an error, not an empty organization", async () => {
    server.faults.add({ path: "_apis/projects", fault: { kind: "status", status: 200, body: {} } });
    const error = await rejection(listProjects(client()));
    expect(error.message).toBe("Azure DevOps GET /contoso/_apis/projects returned 200 but the body has no project list: retry, and report it if it persists");
    expect(server.count("GET", "_apis/projects")).toBe(1);
  });
});

describe("6. Retry-After on a successful answer paces the next call", () => {
  it("waits as told before the next call to that organization, capped at AZDO_RETRY_MAX_DELAY_SECONDS", async () => {
    // Servers and organizations of their own: pacing is shared per organization URL across clients.
    // The waits are tens of seconds, only recorded, so however slowly this machine gets from one
    // call to the next, most of each is left when the next call looks.
    const paced = await startLoopback({ organization: "paced-retry-after" });
    const capped = await startLoopback({ organization: "capped-retry-after" });
    const sleeps: number[] = [];
    const pacedClient = (orgUrl: string, pat: string): AdoClient =>
      new AdoClient({
        organizationUrl: orgUrl,
        auth: patAuth(pat),
        env: { AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS },
        retryMaxDelaySeconds: 30,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
    try {
      const c = pacedClient(paced.orgUrl, paced.pat);
      paced.faults.add({ fault: { kind: "rateLimit", retryAfter: "20" } });
      await c.request("GET", "_apis/projects");
      expect(sleeps).toEqual([]);
      await c.request("GET", "_apis/projects");
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(10_000);
      expect(sleeps[0]).toBeLessThanOrEqual(20_000);
      expect(paced.calls.map((call) => call.status)).toEqual([200, 200]);

      // An hour-long Retry-After waits no longer than the longest configured wait (the recorded sleeps let no time pass).
      sleeps.length = 0;
      const d = pacedClient(capped.orgUrl, capped.pat);
      capped.faults.add({ fault: { kind: "rateLimit", retryAfter: "3600" } });
      await d.request("GET", "_apis/projects");
      await d.request("GET", "_apis/projects");
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThan(20_000);
      expect(sleeps[0]).toBeLessThanOrEqual(30_000);
      expect(capped.calls.map((call) => call.status)).toEqual([200, 200]);
    } finally {
      await paced.stop();
      await capped.stop();
    }
  });
});

describe("7. a basic-auth user name with a colon is an input error", () => {
  const COLON = "must not contain ':' (basic auth splits user name and password at the first colon, so the receiver would reject every delivery and Azure DevOps would disable the hook)";

  it("create refuses it before any call, and the plugin's check names the property in the same words", async () => {
    const inputs = subscriptionInputs(server, { basicAuthUsername: "ado:bot" });
    await expect(serviceHookSubscriptions.create(inputs)).rejects.toThrow(`invalid service hook subscription:\n  basicAuthUsername: ${COLON}`);
    const check = await new AzureDevOpsIntegrationsProvider().check(`urn:pulumi:dev::ado-integrations::${TOKENS.serviceHookSubscription}::x`, {}, { ...inputs });
    expect(check.failures).toEqual([{ property: "basicAuthUsername", reason: COLON }]);
    expect(server.calls).toHaveLength(0);
    expect(server.state.subscriptions.size).toBe(0);
  });
});

describe("9. errors keep the service's message for a 4xx, safely", () => {
  it("a 400 shows the service's first line with the echoed password, PAT and tokens removed, and creates nothing", async () => {
    server.faults.add({
      method: "POST",
      fault: {
        kind: "status",
        status: 400,
        body: {
          message: `VS402345: basicAuthPassword '${WEBHOOK_PASSWORD}' is not accepted for https://bot:${WEBHOOK_PASSWORD}@hooks.example.com/?token=abc123 (key 9f86d081884c7d659a2feaa0c55ad015, PAT ${server.pat})\n   at Microsoft.VisualStudio.Services.ServiceHooks.Server.SubscriptionService.Create()`,
          typeKey: "SubscriptionInputException",
        },
      },
    });
    const error = await rejection(serviceHookSubscriptions.create(subscriptionInputs(server)));
    expect(error.message).toBe(
      'Azure DevOps POST /contoso/_apis/hooks/subscriptions returned 400 (VS402345 SubscriptionInputException) saying "VS402345: basicAuthPassword \'[redacted]\' is not accepted for https://[redacted]@hooks.example.com/?token=[redacted] (key [redacted], PAT [redacted])": the service rejected the request as invalid; check the inputs the error code names',
    );
    expect(callLog()).toEqual([HOOK_POST]);
    expect(server.state.subscriptions.size).toBe(0);
  });

  it("an entitlement refusal shows each service message on one line, without its stack or a token", async () => {
    const { id, outs } = await created(servicePrincipalEntitlements, spInputs());
    const value = `VS403404: Access level advanced is not available for ghp_abcdefghijklmnopqrstuvwxyz0123456789.\nServer stack trace: at Microsoft.VisualStudio.Services.MemberEntitlementManagement ${"x".repeat(500)}`;
    server.faults.add({
      method: "PATCH",
      fault: { kind: "status", status: 200, body: { isSuccess: false, operationResults: [{ isSuccess: false, errors: [{ key: "accessLevel", value }] }], servicePrincipalEntitlement: null } },
    });
    const error = await rejection(servicePrincipalEntitlements.update!(id, outs, spInputs({ accessLevel: "advanced" })));
    expect(error.message).toBe(
      `Azure DevOps PATCH /contoso/_apis/serviceprincipalentitlements/${id} reported isSuccess=false (accessLevel: VS403404: Access level advanced is not available for [redacted].): the service refused part of the change; check that the projects exist and that the identity running Pulumi is a Project Collection Administrator`,
    );
    expect(server.calls).toHaveLength(1);
  });

  it("safeServiceText keeps ids and names, and cuts a long line", () => {
    expect(safeServiceText("TF200016: The following project does not exist: 6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c. Verify the name.")).toBe(
      "TF200016: The following project does not exist: 6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c. Verify the name.",
    );
    expect(safeServiceText("Authorization: Basic Omxvb3BiYWNrLXBhdA== was refused; jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe("Authorization: Basic [redacted] was refused; jwt [redacted]");
    expect(safeServiceText("x".repeat(300))).toBe(`${"x".repeat(237)}...`);
    expect(safeServiceText("\n  \n")).toBeUndefined();
  });
});
