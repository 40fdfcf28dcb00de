import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdoAuthError } from "../../components/azure-devops/runtime/errors";
import { describePatSource, testPatConnection } from "../../components/credentials/pat-reference";
import { type Loopback, startLoopback } from "../loopback/server";
import { useLoopback } from "../azure-devops/helpers";

const SOURCE = describePatSource({ kind: "config", key: "spaceliftPat" });
const WRONG_PAT = "wrong-pat-0000-must-not-leak";

const server = useLoopback();
let signInServer: Loopback;

/** Everything a caller could print about an error: message, fields, stack. */
function visible(error: unknown): string {
  return JSON.stringify({ ...(error as object), message: (error as Error).message, stack: (error as Error).stack });
}

beforeAll(async () => {
  // The service answers a rejected credential with a 203 sign-in page when redirects are not suppressed.
  signInServer = await startLoopback({ signInPageOnBadAuth: true });
});
afterAll(async () => {
  await signInServer.stop();
});

describe("testPatConnection", () => {
  it("passes a good PAT with one call to connectionData, on its preview api-version", async () => {
    await expect(testPatConnection(server.orgUrl, server.pat, SOURCE)).resolves.toBeUndefined();
    expect(server.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(["GET /contoso/_apis/connectionData 200"]);
    expect(server.calls[0]!.query["api-version"]).toBe("7.1-preview.1");
  });

  it("fails a bad PAT (401) with an auth error that names the source and never contains the PAT", async () => {
    const error = await testPatConnection(server.orgUrl, WRONG_PAT, SOURCE).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdoAuthError);
    expect((error as AdoAuthError).message).toBe(
      `Azure DevOps GET /contoso/_apis/connectionData returned 401 (TF400813 UnauthorizedRequestException): the PAT in config key spaceliftPat was rejected; check that it has not expired or been revoked and that it was issued for ${server.orgUrl}`,
    );
    expect((error as AdoAuthError).credentialSource).toBe("the PAT in config key spaceliftPat");
    expect(visible(error)).not.toContain(WRONG_PAT);
    expect(visible(error)).not.toContain(Buffer.from(`:${WRONG_PAT}`).toString("base64"));
    // An auth failure is not retried.
    expect(server.calls.map((c) => c.status)).toEqual([401]);
  });

  it("fails on the 203 sign-in page with an auth error that names the source and never contains the PAT", async () => {
    const error = await testPatConnection(signInServer.orgUrl, WRONG_PAT, SOURCE).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AdoAuthError);
    expect((error as AdoAuthError).message).toBe(
      `Azure DevOps GET /contoso/_apis/connectionData returned 203 with a sign-in page: the PAT in config key spaceliftPat was rejected; check that it has not expired or been revoked and that it was issued for ${signInServer.orgUrl}`,
    );
    expect(visible(error)).not.toContain(WRONG_PAT);
    expect(signInServer.calls.map((c) => c.status)).toEqual([203]);
  });

  it("names the source when the answer carries no authenticated user", async () => {
    server.faults.add({ method: "GET", fault: { kind: "status", status: 200, body: { authenticatedUser: { descriptor: "" } } } });
    await expect(testPatConnection(server.orgUrl, server.pat, SOURCE)).rejects.toThrow(
      `the PAT in config key spaceliftPat was not accepted by ${server.orgUrl} (connectionData named no authenticated user): check the PAT and its organization`,
    );
  });
});
