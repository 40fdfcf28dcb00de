import { describe, expect, it } from "vitest";
import { AdoClient, AdoRequestError, patAuth } from "../../components/azure-devops/runtime";
import { startLoopback } from "../loopback/server";
import { LOOPBACK_ALLOWED_HOSTS, useLoopback } from "./helpers";

// The server is shared test infrastructure (issue 4 reuses it), so its own
// behaviour is pinned here.
const server = useLoopback({ server: { projects: [{ id: "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", name: "Fabrikam-Fiber-Git" }, { name: "Other" }] }, environment: false });

async function raw(method: string, apiPath: string, init: { auth?: string | null; suppress?: boolean; body?: unknown } = {}): Promise<{ status: number; type: string; body: unknown }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (init.auth !== null) headers.Authorization = init.auth ?? `Basic ${Buffer.from(`user:${server.pat}`).toString("base64")}`;
  if (init.suppress !== false) headers["X-TFS-FedAuthRedirect"] = "Suppress";
  const response = await fetch(`${server.url}${apiPath}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, type, body: type.includes("json") && text ? JSON.parse(text) : text };
}

function client(): AdoClient {
  return new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth(server.pat), env: { AZDO_ALLOWED_HOSTS: LOOPBACK_ALLOWED_HOSTS }, maxRetries: 0 });
}

describe("auth", () => {
  it("accepts the PAT with any user name, and the bearer token", async () => {
    expect((await raw("GET", "/contoso/_apis/connectionData?api-version=7.1-preview.1")).status).toBe(200);
    expect((await raw("GET", "/contoso/_apis/connectionData?api-version=7.1-preview.1", { auth: `Bearer ${server.bearerToken}` })).status).toBe(200);
  });

  it("answers a bad credential with 401 when sign-in redirects are suppressed, else with a 203 sign-in page", async () => {
    const denied = await raw("GET", "/contoso/_apis/projects?api-version=7.1", { auth: "Bearer nope" });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ typeKey: "UnauthorizedRequestException", message: expect.stringMatching(/^TF400813:/) });
    const page = await raw("GET", "/contoso/_apis/projects?api-version=7.1", { auth: null, suppress: false });
    expect(page.status).toBe(203);
    expect(page.type).toContain("text/html");
  });

  it("reports the connection's user", async () => {
    const response = await client().request<{ authenticatedUser: { id: string } }>("GET", "_apis/connectionData", { apiVersion: "7.1-preview.1" });
    expect(response.body.authenticatedUser.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("routing", () => {
  it("requires api-version 7.1 and knows only its routes", async () => {
    expect((await raw("GET", "/contoso/_apis/projects")).status).toBe(400);
    expect((await raw("GET", "/contoso/_apis/projects?api-version=6.0")).status).toBe(400);
    expect((await raw("GET", "/contoso/_apis/wit/workitems?api-version=7.1")).status).toBe(404);
    expect((await raw("GET", "/fabrikam/_apis/projects?api-version=7.1")).status).toBe(404);
    expect((await raw("GET", "/contoso/NoSuchProject/_apis/distributedtask/variablegroups?api-version=7.1")).body).toMatchObject({ message: expect.stringMatching(/^TF200016:/) });
  });

  it("records every call with its method, path and query", async () => {
    await raw("GET", "/contoso/_apis/projects?api-version=7.1&$top=1");
    expect(server.calls).toEqual([{ method: "GET", path: "/contoso/_apis/projects", query: { "api-version": "7.1", $top: "1" }, status: 200 }]);
    expect(server.count("GET", "_apis/projects")).toBe(1);
    expect(server.count("GET", /projects$/)).toBe(1);
    expect(server.count("POST")).toBe(0);
  });

  it("hands out deterministic ids and keeps the project ids it was given", () => {
    expect(server.state.projects.map((p) => p.id)).toEqual(["6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", "00000000-0000-4000-8000-000000000001"]);
  });
});

describe("faults", () => {
  it("hit matching calls the given number of times, first matching rule first", async () => {
    server.faults.add({ method: "GET", path: "_apis/projects", times: 2, fault: { kind: "status", status: 500 } });
    server.faults.add({ method: "GET", path: "_apis/projects", fault: { kind: "status", status: 410 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw("GET", "/contoso/_apis/projects?api-version=7.1")).status);
    expect(statuses).toEqual([500, 500, 410, 200]);
    expect(server.faults.pending).toBe(0);
  });

  it("a path rule matches on a segment boundary, not any substring", async () => {
    server.faults.add({ path: "_apis/hooks/subscriptions", fault: { kind: "status", status: 503, retryAfter: "1" } });
    const query = await raw("POST", "/contoso/_apis/hooks/subscriptionsquery?api-version=7.1", { body: {} });
    expect(query.status).toBe(200);
    expect(server.faults.pending).toBe(1);
  });

  it("a 503 carries Retry-After when asked", async () => {
    server.faults.add({ fault: { kind: "status", status: 503, retryAfter: "7" } });
    const response = await fetch(`${server.orgUrl}/_apis/projects?api-version=7.1`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
  });

  it("a rule lets the first `after` matching calls through before it hits", async () => {
    server.faults.add({ method: "GET", path: "_apis/projects", after: 2, fault: { kind: "status", status: 500 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw("GET", "/contoso/_apis/projects?api-version=7.1")).status);
    expect(statuses).toEqual([200, 200, 500, 200]);
    expect(server.faults.pending).toBe(0);
  });

  it("hang carries the call out and never answers; stop() drops the open response", async () => {
    const held = await startLoopback();
    held.faults.add({ method: "POST", fault: { kind: "hang" } });
    const body = { publisherId: "tfs", eventType: "git.push", resourceVersion: "1.0", consumerId: "webHooks", consumerActionId: "httpRequest", publisherInputs: { projectId: held.state.projects[0]!.id }, consumerInputs: { url: "https://hooks.example.com/" } };
    const pending = fetch(`${held.orgUrl}/_apis/hooks/subscriptions?api-version=7.1`, {
      method: "POST",
      headers: { Authorization: `Bearer ${held.bearerToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(
      () => "answered",
      () => "dropped",
    );
    // Waits for the call to be carried out, however long that takes; nothing answers it.
    while (held.state.subscriptions.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(held.calls.map((c) => `${c.method} ${c.status}`)).toEqual(["POST 0"]);
    await held.stop();
    expect(await pending).toBe("dropped");
    expect(held.state.subscriptions.size).toBe(1);
  });
});

describe("service principal entitlements", () => {
  it("adds one entitlement per principal, reads it and deletes it", async () => {
    const body = { servicePrincipal: { origin: "aad", originId: "1b8e1a3c-7b5e-4d8f-9a6b-2c4d6e8f0a1b", subjectKind: "servicePrincipal" }, accessLevel: { accountLicenseType: "express" } };
    const first = await client().request<{ isSuccess: boolean; operationResult: { servicePrincipalId: string } }>("POST", "_apis/serviceprincipalentitlements", { body, apiVersion: "7.1-preview.1", host: "vsaex" });
    const again = await client().request<{ operationResult: { servicePrincipalId: string } }>("POST", "_apis/serviceprincipalentitlements", { body, apiVersion: "7.1-preview.1", host: "vsaex" });
    expect(first.body.isSuccess).toBe(true);
    const id = first.body.operationResult.servicePrincipalId;
    expect(again.body.operationResult.servicePrincipalId).toBe(id);
    expect(server.state.entitlements.size).toBe(1);
    const read = await client().request<{ servicePrincipal: { originId: string }; accessLevel: { accountLicenseType: string } }>("GET", `_apis/serviceprincipalentitlements/${id}`, { apiVersion: "7.1-preview.1" });
    expect(read.body).toMatchObject({ servicePrincipal: { originId: body.servicePrincipal.originId }, accessLevel: { accountLicenseType: "express" } });
    await client().request("DELETE", `_apis/serviceprincipalentitlements/${id}`, { apiVersion: "7.1-preview.1" });
    const gone = await client()
      .request("GET", `_apis/serviceprincipalentitlements/${id}`, { apiVersion: "7.1-preview.1" })
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(AdoRequestError);
    expect((gone as AdoRequestError).status).toBe(404);
  });
});

describe("variable groups", () => {
  it("creates under a project path, refuses a duplicate name there, and 404s for another project", async () => {
    const body = { name: "ado-integrations", type: "Vsts", variables: { a: { value: "1" }, b: { value: "secret", isSecret: true } } };
    const created = await client().request<{ id: number; variables: Record<string, { value: string | null }>; variableGroupProjectReferences: { projectReference: { name: string } }[] }>(
      "POST",
      "Fabrikam-Fiber-Git/_apis/distributedtask/variablegroups",
      { body },
    );
    expect(created.body.variables).toEqual({ a: { value: "1" }, b: { value: null, isSecret: true } });
    expect(created.body.variableGroupProjectReferences[0]!.projectReference.name).toBe("Fabrikam-Fiber-Git");
    const duplicate = await client()
      .request("POST", "Fabrikam-Fiber-Git/_apis/distributedtask/variablegroups", { body })
      .catch((e: unknown) => e);
    expect((duplicate as AdoRequestError).status).toBe(400);
    const elsewhere = await client()
      .request("GET", `Other/_apis/distributedtask/variablegroups/${created.body.id}`)
      .catch((e: unknown) => e);
    expect((elsewhere as AdoRequestError).status).toBe(404);
    await client().request("DELETE", `Fabrikam-Fiber-Git/_apis/distributedtask/variablegroups/${created.body.id}`);
    expect(server.state.variableGroups.size).toBe(0);
  });
});
