import { describe, expect, it } from "vitest";
import { serviceHookSubscriptions as provider } from "./plugin";
import { HANG_TIMEOUT_SECONDS, WEBHOOK_PASSWORD, captureConsole, subscriptionInputs, useLoopback, useLoopbackEnvironment, visible, visibleRecorder, withRequestTimeout } from "./helpers";

const ROTATED_PASSWORD = "rotated-hook-password-Xk3";

// The test points the environment at the server itself, and revokes the PAT midway.
const server = useLoopback({ environment: false });

describe("no plaintext secret leaves the provider", () => {
  it("in outputs, errors or console lines across a lifecycle with faults and failures", async () => {
    const restore = useLoopbackEnvironment(server);
    const { seen, keep } = visibleRecorder();
    try {
      const { lines } = await captureConsole(async () => {
        const inputs = subscriptionInputs(server);
        const created = await provider.create(inputs);
        seen.push(visible(created));
        await keep(() => provider.read!(created.id, created.outs!));
        await keep(() => provider.diff!(created.id, created.outs!, { ...inputs, basicAuthPassword: ROTATED_PASSWORD }));
        await keep(() => provider.update!(created.id, created.outs!, { ...inputs, basicAuthPassword: ROTATED_PASSWORD }));

        server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "hang" } });
        await keep(() => withRequestTimeout(HANG_TIMEOUT_SECONDS, () => provider.create(subscriptionInputs(server, { eventType: "git.pullrequest.created" }))));
        server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "status", status: 500, apply: true } });
        server.faults.add({ method: "POST", path: "_apis/hooks/subscriptionsquery", times: 4, fault: { kind: "status", status: 500 } });
        await keep(() => provider.create(subscriptionInputs(server, { eventType: "git.pullrequest.merged" })));
        // A service error whose message echoes the password it was sent.
        server.faults.add({ method: "PUT", fault: { kind: "status", status: 400, body: { message: `VS402345: basicAuthPassword '${WEBHOOK_PASSWORD}' is invalid`, typeKey: "SubscriptionInputException" } } });
        await keep(() => provider.update!(created.id, created.outs!, inputs));
        await keep(() => provider.create({ ...inputs, basicAuthPassword: `${WEBHOOK_PASSWORD} with spaces` }));
        process.env.AZDO_PERSONAL_ACCESS_TOKEN = `${server.pat}-revoked`;
        await keep(() => provider.read!(created.id, created.outs!));
        process.env.AZDO_PERSONAL_ACCESS_TOKEN = server.pat;
        await keep(() => provider.delete!(created.id, created.outs!));
      });
      seen.push(...lines);
    } finally {
      restore();
    }

    expect(seen.length).toBeGreaterThan(8);
    // The failures really happened, so their messages were checked too.
    expect(seen.join("\n")).toContain("returned 400 (VS402345 SubscriptionInputException)");
    expect(seen.join("\n")).toContain("the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected");
    const forbidden = [server.pat, Buffer.from(`:${server.pat}`).toString("base64"), WEBHOOK_PASSWORD, ROTATED_PASSWORD];
    for (const text of seen) {
      for (const secret of forbidden) expect(text).not.toContain(secret);
    }
  });
});
