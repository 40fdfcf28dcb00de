import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assessHook, hooksFromState, passwordSourcesFromStackFile, runHealth } from "../../scripts/health";
import { type Loopback, startLoopback } from "../loopback/server";
import { addHook, health, healthEnv, hoursAgo, NOW, RECEIVER_PASSWORD, type Receiver, startReceiver, stateDocument, writeStack } from "./fixture";

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

/** Hook lines of the text report, without the hook id (tests name hooks by resource name). */
function hookLines(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("    "));
}

describe("npm run health: per hook, last success, failures since and the receiver's codes", () => {
  it("reports a hook whose newest delivery succeeded as healthy, in one notificationsquery call", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 500, at: hoursAgo(50) });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(3) });
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);

    const r = await health(server, dir, "--state", "state.json");

    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  spacelift / spacelift-hooks-infra-push (${hook.id}) git.push -> 127.0.0.1:`);
    expect(hookLines(r.stdout)).toEqual([`    healthy: last success ${hoursAgo(3)}`]);
    expect(r.stdout).toContain("Summary: 1 healthy, 0 failing (0 longer than 24h), 0 never delivered, 0 queued; 1 REST calls");
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`POST /${server.organization}/_apis/hooks/notificationsquery`]);
    expect(server.calls[0]!.body).toEqual({ subscriptionIds: [hook.id], maxResultsPerSubscription: 20, maxResults: 20, includeDetails: true });
  });

  it("fails (exit 3) when a hook has failed for longer than the window, with the failures since and their codes", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(60) });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(30) });
    server.state.notifications.record(hook.id, { result: "failed", at: hoursAgo(20) });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(2) });
    server.state.notifications.record(hook.id, { result: "pending", at: hoursAgo(1) });
    server.state.setSubscriptionStatus(hook.id, "disabledBySystem");
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);

    const r = await health(server, dir, "--state", "state.json");

    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`  spacelift / spacelift-hooks-infra-push (${hook.id}) git.push -> 127.0.0.1:${new URL(receiver.url).port} [subscription disabledBySystem]\n`);
    expect(hookLines(r.stdout)).toEqual([
      `    FAILING for 30h, longer than the 24h window: failing since ${hoursAgo(30)}, last success ${hoursAgo(60)}, 3 failures since (receiver status 401 x2, no answer x1)`,
    ]);
    expect(r.stdout).toContain("Summary: 0 healthy, 1 failing (1 longer than 24h), 0 never delivered, 0 queued; 1 REST calls");
  });

  it("passes (exit 0) while a hook has failed for less than the window, and the window is a flag", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(60) });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 503, at: hoursAgo(10) });
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);

    const within = await health(server, dir, "--state", "state.json");
    expect(within.code).toBe(0);
    expect(hookLines(within.stdout)).toEqual([`    failing for 10h, within the 24h window: failing since ${hoursAgo(10)}, last success ${hoursAgo(60)}, 1 failure since (receiver status 503 x1)`]);

    const tighter = await health(server, dir, "--state", "state.json", "--max-failing-hours", "8");
    expect(tighter.code).toBe(3);
    expect(hookLines(tighter.stdout)).toEqual([`    FAILING for 10h, longer than the 8h window: failing since ${hoursAgo(10)}, last success ${hoursAgo(60)}, 1 failure since (receiver status 503 x1)`]);
  });

  it("reports a hook without any delivery as never delivered, distinct from healthy and failing, and does not fail for it", async () => {
    const quiet = addHook(server, { url: receiver.url, eventType: "git.pullrequest.created" });
    const queued = addHook(server, { url: receiver.url, eventType: "git.pullrequest.updated" });
    server.state.notifications.record(queued.id, { result: "pending", at: hoursAgo(1) });
    const { dir } = writeStack(server, [
      { subscription: quiet, integration: "spacelift", name: "spacelift-hooks-infra-pr" },
      { subscription: queued, integration: "spacelift", name: "spacelift-hooks-infra-pru" },
    ]);

    const r = await health(server, dir, "--state", "state.json", "--json");

    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.hooks.map((h: { name: string; health: { state: string } }) => [h.name, h.health.state])).toEqual([
      ["spacelift-hooks-infra-pr", "never delivered"],
      ["spacelift-hooks-infra-pru", "queued"],
    ]);
    expect(report.hooks[0].health).toEqual({ state: "never delivered", failuresSince: 0, failuresSinceAtLeast: false, overWindow: false, statusCodes: {} });
    // The query reports the subscriptions of the notifications it returns: none for a hook never delivered.
    expect(report.hooks[0].subscriptionStatus).toBeUndefined();
    expect(report.hooks[1].subscriptionStatus).toBe("enabled");
    expect(report.calls).toBe(1);
  });

  it("finds the last success of a hook whose recent deliveries all failed with one more, smaller query", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(72) });
    for (let i = 0; i < 5; i++) server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(5 - i) });
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);

    const r = await health(server, dir, "--state", "state.json", "--per-hook", "3");

    expect(r.code).toBe(3);
    expect(hookLines(r.stdout)).toEqual([
      `    FAILING for 72h, longer than the 24h window: no success since ${hoursAgo(72)}, last success ${hoursAgo(72)}, at least 3 failures since (receiver status 401 x3)`,
    ]);
    expect(server.count("POST", "_apis/hooks/notificationsquery")).toBe(2);
    expect(server.calls[1]!.body).toEqual({ subscriptionIds: [hook.id], maxResultsPerSubscription: 1, maxResults: 1, includeDetails: true, resultType: "succeeded" });
  });

  it("says when a hook that never succeeded has failed at least since the oldest failure read", () => {
    const failures = [1, 2, 3].map((h, i) => ({ id: i + 1, subscriptionId: "s", result: "failed" as const, status: "completed" as const, createdDate: hoursAgo(h), receiverStatus: 404 }));
    const judged = assessHook(failures, { perHook: 3, now: new Date(NOW), maxFailingHours: 24 });
    expect(judged).toEqual({
      state: "failing",
      lastFailure: hoursAgo(1),
      failuresSince: 3,
      failuresSinceAtLeast: true,
      failingSince: hoursAgo(3),
      failingSinceIs: "oldest failure read",
      failingHours: 3,
      overWindow: false,
      statusCodes: { "404": 3 },
    });
    // With fewer than perHook deliveries, the whole history was read: the oldest failure is exact.
    expect(assessHook(failures, { perHook: 4, now: new Date(NOW), maxFailingHours: 2 })).toMatchObject({ failingSinceIs: "exact", failuresSinceAtLeast: false, overWindow: true });
  });
});

describe("npm run health: bounded cost", () => {
  it("asks for 120 hooks in 3 notificationsquery calls of at most 50 hooks, each bounded by maxResults", async () => {
    const subscriptions = Array.from({ length: 120 }, () => addHook(server, { url: receiver.url }));
    for (const s of subscriptions) for (let i = 0; i < 3; i++) server.state.notifications.record(s.id, { result: "succeeded", at: hoursAgo(10 - i) });
    const { dir } = writeStack(
      server,
      subscriptions.map((subscription, i) => ({ subscription, integration: "spacelift", name: `spacelift-hooks-p${i}-push` })),
    );

    const r = await health(server, dir, "--state", "state.json", "--json", "--per-hook", "5");

    expect(r.code).toBe(0);
    const queries = server.calls.filter((c) => c.path.endsWith("/_apis/hooks/notificationsquery"));
    expect(server.calls).toHaveLength(3);
    expect(queries.map((c) => (c.body as { subscriptionIds: string[] }).subscriptionIds.length)).toEqual([50, 50, 20]);
    expect(queries.map((c) => (c.body as { maxResults: number }).maxResults)).toEqual([250, 250, 100]);
    expect(JSON.parse(r.stdout).hooks.every((h: { health: { state: string } }) => h.health.state === "healthy")).toBe(true);
  });

  it("checks one by one, and only, the hooks a full page left out when the service ignores maxResultsPerSubscription", async () => {
    const busy = addHook(server, { url: receiver.url });
    const quiet = addHook(server, { url: receiver.url });
    const silent = addHook(server, { url: receiver.url });
    for (let i = 0; i < 6; i++) server.state.notifications.record(busy.id, { result: "succeeded", at: hoursAgo(1 + i / 10) });
    server.state.notifications.record(quiet.id, { result: "failed", statusCode: 401, at: hoursAgo(40) });
    server.faults.add({
      method: "POST",
      path: "_apis/hooks/notificationsquery",
      fault: { kind: "alterRequest", alter: (body) => ({ ...(body as object), maxResultsPerSubscription: undefined }) },
    });
    const { dir } = writeStack(server, [
      { subscription: busy, integration: "spacelift", name: "a-busy" },
      { subscription: quiet, integration: "spacelift", name: "b-quiet" },
      { subscription: silent, integration: "spacelift", name: "c-silent" },
    ]);

    const r = await health(server, dir, "--state", "state.json", "--per-hook", "2", "--json");

    // 6 results of the busy hook fill the page of 3 x 2: the other two are asked on their own.
    expect(server.calls.map((c) => `${c.method} ${c.path.replace(/.*_apis/, "")} ${c.query.maxResults ?? ""}`)).toEqual([
      "POST /hooks/notificationsquery ",
      `GET /hooks/subscriptions/${quiet.id}/notifications 2`,
      `GET /hooks/subscriptions/${silent.id}/notifications 2`,
    ]);
    const states = JSON.parse(r.stdout).hooks.map((h: { name: string; health: { state: string; failuresSince: number } }) => [h.name, h.health.state, h.health.failuresSince]);
    expect(states).toEqual([
      ["a-busy", "healthy", 0],
      ["b-quiet", "failing", 1],
      ["c-silent", "never delivered", 0],
    ]);
    expect(r.code).toBe(3);
  });
});

describe("npm run health -- --test-delivery", () => {
  it("sends a test notification that reaches the receiver with the hook's stored credentials, and reports it accepted", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(3) });
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);
    const before = receiver.authorizations.length;

    const r = await health(server, dir, "--state", "state.json", "--test-delivery");

    expect(r.code).toBe(0);
    expect(hookLines(r.stdout)).toEqual([`    healthy: last success ${hoursAgo(3)}`, "    test delivery: accepted (200)"]);
    expect(receiver.authorizations.slice(before)).toEqual([`Basic ${Buffer.from(`azure-devops:${RECEIVER_PASSWORD}`).toString("base64")}`]);
    expect(server.calls.map((c) => `${c.method} ${c.path.replace(/.*_apis/, "")}`)).toEqual([
      "POST /hooks/notificationsquery",
      `GET /hooks/subscriptions/${hook.id}`,
      "POST /hooks/testnotifications",
      `GET /hooks/subscriptions/${hook.id}/notifications/2`,
    ]);
    expect(server.state.notifications.of(hook.id)[0]).toMatchObject({ result: "succeeded", receiverStatus: 200 });
  });

  it("on a 401 from the receiver names the integration and the secret config key to check, and exits 3", async () => {
    const spacelift = addHook(server, { url: receiver.url, password: "rotated-but-not-given-to-spacelift" });
    const bytebase = addHook(server, { url: receiver.url, password: "generated-password-the-receiver-lost" });
    const { dir } = writeStack(server, [
      { subscription: spacelift, integration: "spacelift", name: "spacelift-hooks-infra-push" },
      { subscription: bytebase, integration: "bytebase", name: "bytebase-hooks-db-push" },
    ]);

    const r = await health(server, dir, "--state", "state.json", "--test-delivery");

    expect(r.code).toBe(3);
    expect(hookLines(r.stdout)).toEqual([
      "    never delivered: the service has no delivery of this hook",
      '    test delivery: rejected (401): the receiver refused the webhook credentials of integration "bytebase": its password is generated by the stack (bytebase-webhook-password); give the receiver the stack\'s current value (the integration\'s webhookPassword field), or set serviceHooks.passwordSecret to a secret config key holding the password it expects and run `pulumi up`',
      "    never delivered: the service has no delivery of this hook",
      '    test delivery: rejected (401): the receiver refused the webhook credentials of integration "spacelift": check the secret config key ado-integrations:spaceliftWebhookPassword (`pulumi config set --secret spaceliftWebhookPassword <password the receiver expects> --stack dev`), then run `pulumi up`',
    ]);
    expect(r.stdout).toContain("test deliveries: 0 accepted, 2 not");
    // The failed test is in the hook's history as the service records it.
    expect(server.state.notifications.of(spacelift.id)).toMatchObject([{ result: "failed", status: "completed", receiverStatus: 401 }]);
  });

  it("reports a test notification the service leaves queued as not completed after the bounded reads", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.holdTestDeliveries = true;
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);

    const r = await health(server, dir, "--state", "state.json", "--test-delivery");

    expect(r.code).toBe(3);
    expect(hookLines(r.stdout)[1]).toBe(
      "    test delivery: not completed: the test notification 1 was still not completed after 3 reads; look at the hook's history in Project settings > Service hooks",
    );
    expect(server.count("GET", new RegExp(`/subscriptions/${hook.id}/notifications/1$`))).toBe(3);
  });

  it("never prints a secret: not the webhook password a receiver echoes, not the PAT, not state's ciphertext", async () => {
    const hook = addHook(server, { url: receiver.url, password: "leaky-password-Xy7" });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(30), body: "bad credentials: azure-devops:leaky-password-Xy7" });
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);

    const text = await health(server, dir, "--state", "state.json", "--test-delivery");
    const json = await health(server, dir, "--state", "state.json", "--test-delivery", "--json");

    // The receiver did get the password and echoed it into the service's history ...
    expect(JSON.stringify(server.state.notifications.all.map((n) => n.receiverBody))).toContain("leaky-password-Xy7");
    // ... and the check shows none of it.
    for (const out of [text.stdout + text.stderr, json.stdout + json.stderr]) {
      expect(out).not.toContain("leaky-password-Xy7");
      expect(out).not.toContain(Buffer.from("azure-devops:leaky-password-Xy7").toString("base64"));
      expect(out).not.toContain(server.pat);
      expect(out).not.toContain("ciphertext");
      expect(out).not.toContain("/hooks/azure-devops");
    }
    expect(text.code).toBe(3);
  });
});

describe("npm run health: arguments, state and errors", () => {
  it("reads the hooks from `pulumi stack export` through the CLI on PATH when no --state is given", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "succeeded", at: hoursAgo(1) });
    const { dir, state } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);
    const bin = mkdtempSync(path.join(tmpdir(), "fake-pulumi-"));
    // A stand-in for the Pulumi CLI: answers `pulumi stack export --stack dev` with the state file, anything else with an error.
    writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nif [ "$*" = "stack export --stack dev" ]; then cat '${state}'; else echo "error: no stack named '$4' found" >&2; exit 255; fi\n`);
    chmodSync(path.join(bin, "pulumi"), 0o755);
    const run = async (stack: string) => {
      let stdout = "";
      let stderr = "";
      const code = await runHealth(["--stack", stack, "--now", NOW], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...healthEnv(server), PATH: `${bin}:${process.env.PATH}` }, cwd: dir });
      return { code, stdout, stderr };
    };

    const found = await run("dev");
    expect(found.code).toBe(0);
    expect(hookLines(found.stdout)).toEqual([`    healthy: last success ${hoursAgo(1)}`]);

    const missing = await run("prod");
    expect(missing).toEqual({ code: 1, stdout: "", stderr: "pulumi stack export --stack prod exited 255: error: no stack named 'prod' found\n" });

    let stderr = "";
    const noCli = await runHealth(["--stack", "dev"], { stdout: () => {}, stderr: (t) => (stderr += t), env: { PATH: bin.replace(/fake-pulumi-.*/, "nowhere") }, cwd: dir });
    expect(noCli).toBe(1);
    expect(stderr).toBe("the pulumi CLI is not on PATH: install it, or pass an exported state file with --state <file>\n");
  });

  it("runs as `npm run health` does (node --import tsx scripts/health.ts), exiting with the check's code", async () => {
    const hook = addHook(server, { url: receiver.url });
    server.state.notifications.record(hook.id, { result: "failed", statusCode: 401, at: hoursAgo(30) });
    const { state, stackFile } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);
    // Asynchronous: the loopback server answers from this process while the child runs. npm runs it from the repository.
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/health.ts", "--stack", "dev", "--state", state, "--stack-file", stackFile, "--now", NOW], {
      cwd: path.resolve(__dirname, "../.."),
      env: healthEnv(server),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(3);
    expect(hookLines(stdout)).toEqual([`    FAILING for 30h, longer than the 24h window: failing since ${hoursAgo(30)}, no success on record, 1 failure since (receiver status 401 x1)`]);
  });

  it("rejects bad arguments with exit 2, one line naming the flag, and the usage", async () => {
    const usage = "usage: npm run health -- --stack <name> [--state <file>] [--stack-file <file>] [--max-failing-hours <hours>] [--test-delivery] [--json] [--per-hook <n>] [--hooks-per-call <n>] [--now <date-time>]\n";
    const run = async (...args: string[]) => {
      let stderr = "";
      const code = await runHealth(args, { stdout: () => {}, stderr: (t) => (stderr += t), env: {} });
      return { code, stderr };
    };
    expect(await run()).toEqual({ code: 2, stderr: `--stack: required (the stack whose hooks to check)\n${usage}` });
    expect(await run("--stack", "dev", "--max-failing-hours", "0")).toEqual({ code: 2, stderr: `--max-failing-hours: must be a number above 0, got "0"\n${usage}` });
    expect(await run("--stack", "dev", "--per-hook", "2.5")).toEqual({ code: 2, stderr: `--per-hook: must be a whole number above 0, got "2.5"\n${usage}` });
    expect(await run("--stack", "dev", "--now", "yesterday")).toEqual({ code: 2, stderr: `--now: must be a date-time such as 2026-12-01T06:00:00Z, got "yesterday"\n${usage}` });
  });

  it("stops with one line when the service refuses the credential, naming the call", async () => {
    const hook = addHook(server, { url: receiver.url });
    const { dir } = writeStack(server, [{ subscription: hook, integration: "spacelift", name: "spacelift-hooks-infra-push" }]);
    let stderr = "";
    const code = await runHealth(["--stack", "dev", "--state", "state.json", "--now", NOW], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      env: { ...healthEnv(server), AZDO_PERSONAL_ACCESS_TOKEN: "wrong-pat-0123456789" },
      cwd: dir,
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `Azure DevOps POST /${server.organization}/_apis/hooks/notificationsquery returned 401 (TF400813 UnauthorizedRequestException): the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected; check that it has not expired or been revoked and that it was issued for ${server.orgUrl}\n`,
    );
  });

  it("takes the hooks from state: id, resource name, integration by its ancestors, event, receiver host; skips resources pending delete", () => {
    const fakeServer = { orgUrl: "https://dev.azure.com/contoso" } as Loopback;
    const subscription = { id: "6A3D1F52-9E1B-4C6F-8A77-2D4C0B6E9F10", eventType: "git.push", publisherInputs: { projectId: "p" }, consumerInputs: { url: "https://hooks.example.com/path?token=abc" } } as never;
    const doc = stateDocument(fakeServer, [{ subscription, integration: "terrakube", name: "terrakube-hooks-infra-push" }]) as { deployment: { resources: Record<string, unknown>[] } };
    doc.deployment.resources.push({ ...doc.deployment.resources.at(-1)!, id: "00000000-0000-4000-8000-000000000099", delete: true });
    expect(hooksFromState(doc)).toEqual([
      {
        id: "6a3d1f52-9e1b-4c6f-8a77-2d4c0b6e9f10",
        name: "terrakube-hooks-infra-push",
        integration: "terrakube",
        organizationUrl: "https://dev.azure.com/contoso",
        eventType: "git.push",
        receiverHost: "hooks.example.com",
      },
    ]);
    expect(() => hooksFromState({ version: 3 })).toThrow("the state has no deployment.resources: pass the output of `pulumi stack export`");
  });

  it("reads each integration's webhook password source from the stack file without reading a value", () => {
    const sources = passwordSourcesFromStackFile(
      ["config:", "  ado-integrations:integrations:", "    - name: a", "      serviceHooks: { url: 'https://a.example', passwordSecret: aHookPassword }", "    - name: b", "      serviceHooks: { url: 'https://b.example' }", "    - name: c", "      preset: gitpod"].join("\n"),
    );
    expect([...sources]).toEqual([
      ["a", { key: "aHookPassword" }],
      ["b", { generated: true }],
    ]);
  });
});
