import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdoClient } from "../../components/azure-devops/runtime/client";
import { getNotification, listNotifications, queryNotifications, receiverStatusOf } from "../../components/azure-devops/runtime/notifications";
import { ref, type SwaggerDocument, validate } from "../azure-devops/swagger-validator";
import { type Loopback, startLoopback } from "../loopback/server";
import { addHook, healthEnv, hoursAgo, type Receiver, startReceiver } from "./fixture";

// The loopback server's notifications endpoints against Microsoft's contract,
// and the runtime's read calls against the loopback server.

const SPECS = [path.resolve(__dirname, "../../../shared/ado-rest-api"), path.resolve(process.cwd(), "../shared/ado-rest-api")].find((dir) => existsSync(dir));

let server: Loopback;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.stop();
});
beforeEach(async () => {
  server = await startLoopback();
});
afterEach(async () => {
  await server.stop();
});

async function call(method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.orgUrl}/${apiPath}${apiPath.includes("?") ? "&" : "?"}api-version=7.1`, {
    method,
    headers: { Authorization: `Basic ${Buffer.from(`:${server.pat}`).toString("base64")}`, "X-TFS-FedAuthRedirect": "Suppress", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

function client(): AdoClient {
  return new AdoClient({ organizationUrl: server.orgUrl, env: healthEnv(server) });
}

describe("loopback notifications endpoints", () => {
  it("lists a hook's notifications newest first, filtered by result and status, at most maxResults", async () => {
    const hook = addHook(server, { url: receiver.url });
    const n = server.state.notifications;
    n.record(hook.id, { result: "succeeded", at: hoursAgo(5) });
    n.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(4) });
    n.record(hook.id, { result: "failed", at: hoursAgo(3) });
    n.record(hook.id, { result: "pending", at: hoursAgo(2) });

    const all = (await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications`)).body as { count: number; value: { id: number; result: string; status: string }[] };
    expect(all.value.map((v) => [v.id, v.result, v.status])).toEqual([
      [4, "pending", "queued"],
      [3, "failed", "completed"],
      [2, "failed", "completed"],
      [1, "succeeded", "completed"],
    ]);
    expect(all.count).toBe(4);
    const failed = (await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications?result=failed&maxResults=1`)).body as { value: { id: number }[] };
    expect(failed.value.map((v) => v.id)).toEqual([3]);
    const queued = (await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications?status=queued`)).body as { value: { id: number }[] };
    expect(queued.value.map((v) => v.id)).toEqual([4]);
    expect(await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications?result=broken`)).toMatchObject({ status: 400, body: { message: "result must be one of pending, succeeded, failed, filtered." } });
    expect(await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications/9`)).toMatchObject({ status: 404, body: { typeKey: "NotificationNotFoundException" } });
    expect(await call("GET", "_apis/hooks/subscriptions/00000000-0000-4000-8000-0000000000ff/notifications")).toMatchObject({ status: 404, body: { typeKey: "SubscriptionNotFoundException" } });
  });

  it("records the receiver's status in details.response and never shows the stored password", async () => {
    const hook = addHook(server, { url: receiver.url, password: "stored-password-Pq2" });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(1) });
    const one = (await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications/1`)).body as { details: { response: string; request: string; errorMessage: string; consumerInputs: Record<string, string> } };
    expect(one.details.response.split("\n").slice(0, 2)).toEqual(["Status Code: 401", "Reason Phrase: Unauthorized"]);
    expect(one.details.errorMessage).toBe("The remote server returned an error: (401) Unauthorized.");
    expect(one.details.consumerInputs.basicAuthPassword).toBe("********");
    expect(one.details.request).toContain("Authorization: Basic ********");
    expect(JSON.stringify(one)).not.toContain("stored-password-Pq2");
  });

  it("answers notificationsquery per hook (maxResultsPerSubscription), overall (maxResults), by result and date, with a summary and the subscriptions", async () => {
    const a = addHook(server, { url: receiver.url });
    const b = addHook(server, { url: receiver.url });
    const other = addHook(server, { url: receiver.url });
    for (const [hook, hours] of [[a, 5], [a, 4], [a, 3], [b, 2], [other, 1]] as const) server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(hours) });
    server.state.notifications.record(b.id, { result: "failed", statusCode: 500, at: hoursAgo(6) });

    const q = await call("POST", "_apis/hooks/notificationsquery", { subscriptionIds: [a.id, b.id], maxResultsPerSubscription: 2, includeDetails: true });
    const body = q.body as { results: { subscriptionId: string; id: number }[]; summary: unknown[]; associatedSubscriptions: { id: string }[]; maxResultsPerSubscription: number };
    expect(body.results.map((r) => r.id)).toEqual([4, 3, 2, 6]);
    expect(body.summary).toEqual([
      { subscriptionId: b.id, results: [{ result: "succeeded", notificationCount: 1 }, { result: "failed", notificationCount: 1 }] },
      { subscriptionId: a.id, results: [{ result: "succeeded", notificationCount: 3 }] },
    ]);
    expect(body.associatedSubscriptions.map((s) => s.id)).toEqual([b.id, a.id]);
    expect(body.maxResultsPerSubscription).toBe(2);

    const capped = (await call("POST", "_apis/hooks/notificationsquery", { subscriptionIds: [a.id, b.id], maxResults: 2, includeDetails: true })).body as { results: { id: number }[] };
    expect(capped.results.map((r) => r.id)).toEqual([4, 3]);
    const failed = (await call("POST", "_apis/hooks/notificationsquery", { resultType: "failed", includeDetails: true })).body as { results: { id: number }[] };
    expect(failed.results.map((r) => r.id)).toEqual([6]);
    const recent = (await call("POST", "_apis/hooks/notificationsquery", { minCreatedDate: hoursAgo(2.5), includeDetails: true })).body as { results: { id: number }[] };
    expect(recent.results.map((r) => r.id)).toEqual([5, 4]);
    // Without includeDetails only the summary comes back.
    const summaryOnly = (await call("POST", "_apis/hooks/notificationsquery", { subscriptionIds: [a.id] })).body as { results: unknown[]; summary: unknown[] };
    expect(summaryOnly.results).toEqual([]);
    expect(summaryOnly.summary).toHaveLength(1);
  });

  it.skipIf(!SPECS)("answers in the shapes of Microsoft's Notification and NotificationsQuery definitions", async () => {
    const hooks = JSON.parse(readFileSync(path.join(SPECS!, "hooks/7.1/serviceHooks.json"), "utf8").replace(/^\uFEFF/, "")) as SwaggerDocument;
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(1) });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(0.5) });
    const listed = (await call("GET", `_apis/hooks/subscriptions/${hook.id}/notifications`)).body as { value: unknown[] };
    for (const item of listed.value) expect(validate(item, ref("Notification"), hooks, { strict: true })).toEqual([]);
    const query = { subscriptionIds: [hook.id], maxResultsPerSubscription: 5, maxResults: 5, includeDetails: true, resultType: "failed" };
    expect(validate(query, ref("NotificationsQuery"), hooks, { strict: true })).toEqual([]);
    const answered = (await call("POST", "_apis/hooks/notificationsquery", query)).body;
    expect(validate(answered, ref("NotificationsQuery"), hooks, { strict: true })).toEqual([]);
    const tested = await call("POST", "_apis/hooks/testnotifications", { subscriptionId: hook.id, details: { eventType: "git.push" } });
    expect(validate(tested.body, ref("Notification"), hooks, { strict: true })).toEqual([]);
  });
});

describe("runtime notifications calls", () => {
  it("lists one hook's notifications in one GET, reading the receiver's status", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 403, at: hoursAgo(2) });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(1) });
    const listed = await listNotifications(client(), hook.id, { maxResults: 5, result: "failed" });
    expect(listed).toEqual([{ id: 1, subscriptionId: hook.id, result: "failed", status: "completed", createdDate: hoursAgo(2), receiverStatus: 403 }]);
    expect(await getNotification(client(), hook.id, 2)).toEqual({ id: 2, subscriptionId: hook.id, result: "succeeded", status: "completed", createdDate: hoursAgo(1), receiverStatus: 200 });
    expect(server.calls.map((c) => [c.method, c.query.maxResults, c.query.result])).toEqual([
      ["GET", "5", "failed"],
      ["GET", undefined, undefined],
    ]);
  });

  it("refuses an id that is not a GUID before calling, and bad batch sizes", async () => {
    await expect(listNotifications(client(), "../projects")).rejects.toThrow('subscription id "../projects" is not a GUID');
    await expect(queryNotifications(client(), [], { perHook: 0 })).rejects.toThrow("notifications per hook must be a whole number of at least 1, got 0");
    await expect(queryNotifications(client(), [], { hooksPerCall: 1.5 })).rejects.toThrow("hooks per query must be a whole number of at least 1, got 1.5");
    expect(server.calls).toHaveLength(0);
  });

  it("keeps at most perHook results per hook and none of hooks it did not ask about, whatever the service sends", async () => {
    const a = addHook(server, { url: receiver.url });
    const stranger = addHook(server, { url: receiver.url });
    for (let i = 0; i < 4; i++) server.state.notifications.record(a.id, { result: "succeeded", at: hoursAgo(i + 1) });
    server.state.notifications.record(stranger.id, { result: "failed", at: hoursAgo(1) });
    server.faults.add({ path: "_apis/hooks/notificationsquery", fault: { kind: "alterRequest", alter: () => ({ includeDetails: true, maxResults: 100 }) } });
    const found = await queryNotifications(client(), [a.id], { perHook: 2 });
    expect([...found.notifications.keys()]).toEqual([a.id]);
    expect(found.notifications.get(a.id)!.map((n) => n.createdDate)).toEqual([hoursAgo(1), hoursAgo(2)]);
  });

  it("reads the receiver's status from the response text, else from the error message, else none", () => {
    expect(receiverStatusOf({ response: "Status Code: 502\nReason Phrase: Bad Gateway" })).toBe(502);
    expect(receiverStatusOf({ errorMessage: "The remote server returned an error: (404) Not Found." })).toBe(404);
    expect(receiverStatusOf({ errorMessage: "Unable to connect to the remote server" })).toBeUndefined();
    expect(receiverStatusOf(null)).toBeUndefined();
  });
});
