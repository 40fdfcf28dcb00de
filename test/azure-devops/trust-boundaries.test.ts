/**
 * Credentials reach Azure DevOps and nothing else: the REST client and the
 * resource runtimes against the loopback server, which the environment
 * allows through AZDO_ALLOWED_HOSTS (useLoopback). Covers redirects, hosts a
 * credential must not reach, the Entra token, id shapes in paths and webhook
 * hosts.
 */
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AdoClient, type AdoRequestOptions, AdoRequestError, entraAuth, patAuth, type TokenSource } from "../../components/azure-devops/runtime";
import { readEntitlement } from "../../components/azure-devops/runtime/entitlements";
import { deleteSubscription, readSubscription, validateInputs } from "../../components/azure-devops/runtime/subscriptions";
import { readVariableGroup, updateVariableGroup, type VariableGroupInputs } from "../../components/azure-devops/runtime/variable-groups";
import { AzureDevOpsIntegrationsProvider } from "../../provider/provider";
import { TOKENS } from "../../provider/schema";
import { subscriptionInputs, useLoopback, variableGroupInputs, visible, WEBHOOK_PASSWORD } from "./helpers";
import { serviceHookSubscriptions, variableGroups } from "./plugin";

const server = useLoopback({ clear: ["subscriptions", "variableGroups"] });

const GROUP_SECRET = "group-secret-Tq5vW2-must-stay-home";
const NO_REDIRECT_HINT =
  "the client follows no redirect, so nothing was sent there; check that the organization URL is the organization's own address (https://dev.azure.com/<organization>), not a proxy or an old address";

/** Another host: a bare TCP listener that records every connection and byte, the place a followed redirect would reach. */
async function otherHost(): Promise<{ url: string; connections: () => number; received: () => string; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let received = "";
  const listener = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const port = (listener.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    received: () => received,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

let other: Awaited<ReturnType<typeof otherHost>> | undefined;
afterEach(async () => {
  await other?.stop();
  other = undefined;
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

function groupInputs(): VariableGroupInputs {
  return variableGroupInputs(server, {
    name: "ado-integrations-trust",
    variables: { "tool.Client_Id": { value: "client-1", isSecret: false }, "tool.Client_Secret": { value: GROUP_SECRET, isSecret: true } },
  });
}

describe("a redirect is never followed", () => {
  it.each([301, 302, 303, 307, 308])("%i: an error naming the status and the Location's origin; the other host receives nothing, the body went out once", async (status) => {
    other = await otherHost();
    // The other host is on 127.0.0.1 too, which AZDO_ALLOWED_HOSTS allows: being allowed does not make a redirect followed.
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "redirect", status, location: `${other.url}/contoso/_apis/hooks/subscriptions?sig=LOCATION-TOKEN` } });
    const body = { consumerInputs: { url: "https://hooks.example.com/", basicAuthPassword: WEBHOOK_PASSWORD } };
    const error = await failure(new AdoClient({ organizationUrl: server.orgUrl }).request("POST", "_apis/hooks/subscriptions", { body }));

    expect(error).toBeInstanceOf(AdoRequestError);
    expect(error.message).toBe(`Azure DevOps POST /contoso/_apis/hooks/subscriptions returned ${status}, a redirect to ${other.url}: ${NO_REDIRECT_HINT}`);
    expect(error).toMatchObject({ status, attempts: 1, outcomeUnknown: false });
    expect(visible(error)).not.toMatch(/LOCATION-TOKEN|hook-password/);
    // Sent once, to the organization's host only; not retried, not re-sent.
    expect(server.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([`POST /contoso/_apis/hooks/subscriptions ${status}`]);
    expect(JSON.stringify(server.calls[0]!.body)).toContain(WEBHOOK_PASSWORD);
    expect(other.connections()).toBe(0);
    expect(other.received()).toBe("");
  });

  it("a redirected GET is not retried either, and a Location that is relative, missing or not http is named without its path", async () => {
    server.faults.add({ method: "GET", path: "_apis/projects", fault: { kind: "redirect", status: 302, location: "/_signin?token=RELATIVE-TOKEN" } });
    const relative = await failure(new AdoClient({ organizationUrl: server.orgUrl }).request("GET", "_apis/projects"));
    expect(relative.message).toBe(`Azure DevOps GET /contoso/_apis/projects returned 302, a redirect to ${server.url}: ${NO_REDIRECT_HINT}`);
    expect(server.count("GET", "_apis/projects")).toBe(1);

    server.faults.add({ method: "GET", path: "_apis/projects", fault: { kind: "redirect", status: 307, location: "" } });
    expect((await failure(new AdoClient({ organizationUrl: server.orgUrl }).request("GET", "_apis/projects"))).message).toBe(
      `Azure DevOps GET /contoso/_apis/projects returned 307, a redirect to nowhere (no Location): ${NO_REDIRECT_HINT}`,
    );
    server.faults.add({ method: "GET", path: "_apis/projects", fault: { kind: "redirect", status: 301, location: "ftp://files.example/x" } });
    expect((await failure(new AdoClient({ organizationUrl: server.orgUrl }).request("GET", "_apis/projects"))).message).toBe(
      `Azure DevOps GET /contoso/_apis/projects returned 301, a redirect to a ftp: location: ${NO_REDIRECT_HINT}`,
    );
  });

  it("creating a hook: the webhook password goes to the organization once and nowhere else", async () => {
    other = await otherHost();
    server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "redirect", status: 307, location: `${other.url}/contoso/_apis/hooks/subscriptions` } });
    const error = await failure(serviceHookSubscriptions.create(subscriptionInputs(server)));
    expect(error.message).toBe(`Azure DevOps POST /contoso/_apis/hooks/subscriptions returned 307, a redirect to ${other.url}: ${NO_REDIRECT_HINT}`);
    expect(server.calls.filter((c) => JSON.stringify(c.body ?? "").includes(WEBHOOK_PASSWORD))).toHaveLength(1);
    expect(server.state.subscriptions.size).toBe(0);
    expect(other.connections()).toBe(0);
  });

  it("creating a variable group: the secret values go to the organization once and nowhere else", async () => {
    other = await otherHost();
    server.faults.add({ method: "POST", path: "_apis/distributedtask/variablegroups", fault: { kind: "redirect", status: 308, location: `${other.url}/contoso/_apis/distributedtask/variablegroups` } });
    const error = await failure(variableGroups.create(groupInputs()));
    expect(error.message).toBe(`Azure DevOps POST /contoso/_apis/distributedtask/variablegroups returned 308, a redirect to ${other.url}: ${NO_REDIRECT_HINT}`);
    expect(server.calls.map((c) => `${c.method} ${c.status}`)).toEqual(["POST 308"]);
    expect(JSON.stringify(server.calls[0]!.body)).toContain(GROUP_SECRET);
    expect(other.connections()).toBe(0);
    expect(other.received()).toBe("");
  });
});

describe("a credential goes only to an Azure DevOps host", () => {
  const notAzureDevOps = (shown: string) =>
    `organization URL ${shown} is not an Azure DevOps host: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com (for Azure DevOps Server, whoever runs the deployment lists the host in AZDO_ALLOWED_HOSTS)`;

  it.each([
    ["https://dev.azure.com.attacker.example/contoso", "https://dev.azure.com.attacker.example/contoso"],
    ["https://contoso-visualstudio.com", "https://contoso-visualstudio.com/"],
  ])("a client for %s is refused before any call", (organizationUrl, shown) => {
    expect(() => new AdoClient({ organizationUrl, auth: patAuth("pat-that-must-stay-home"), env: {} })).toThrow(notAzureDevOps(shown));
    expect(() => new AdoClient({ env: { AZDO_ORG_SERVICE_URL: organizationUrl, AZDO_PERSONAL_ACCESS_TOKEN: "p" } })).toThrow(notAzureDevOps(shown));
  });

  it("the loopback organization needs the opt-in, on its own host", () => {
    expect(() => new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth("p"), env: {} })).toThrow(notAzureDevOps(server.orgUrl));
    expect(() => new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth("p"), env: { AZDO_ALLOWED_HOSTS: "localhost,127.0.0.2" } })).toThrow(notAzureDevOps(server.orgUrl));
    expect(new AdoClient({ organizationUrl: server.orgUrl, auth: patAuth("p"), env: { AZDO_ALLOWED_HOSTS: new URL(server.url).host } }).organizationUrl).toBe(server.orgUrl);
  });

  it("the client checks every call itself, whatever built the URL", async () => {
    other = await otherHost();
    const target = other.url;
    /** A client whose URLs point elsewhere than its organization, as a bug or a subclass could make them. */
    class Misdirected extends AdoClient {
      override url(path: string, options: AdoRequestOptions = {}): URL {
        const url = super.url(path, options);
        return new URL(`${target}${url.pathname}${url.search}`);
      }
    }
    const env = { AZDO_ALLOWED_HOSTS: new URL(server.url).host };
    const error = await failure(new Misdirected({ organizationUrl: server.orgUrl, auth: patAuth(server.pat), env }).request("GET", "_apis/projects"));
    const host = new URL(target).host;
    expect(error.message).toBe(
      `Azure DevOps GET /contoso/_apis/projects was not sent to ${target}: ${host} is not an Azure DevOps host, so no credential goes there; use https://dev.azure.com/<organization>, or for Azure DevOps Server have whoever runs the deployment list the host in AZDO_ALLOWED_HOSTS`,
    );
    expect(error).toMatchObject({ attempts: 0 });
    expect(other.connections()).toBe(0);
  });

  it("an Entra token never goes to a host that is not Microsoft's, even one AZDO_ALLOWED_HOSTS lists", async () => {
    const credential: TokenSource = { getToken: async () => ({ token: server.bearerToken, expiresOnTimestamp: Date.now() + 3600_000 }) };
    const refused = `Azure DevOps GET /contoso/_apis/projects was not sent to ${server.url}: an Entra token goes only to Azure DevOps Services (dev.azure.com), whatever AZDO_ALLOWED_HOSTS lists; use a PAT for this server (AZDO_PERSONAL_ACCESS_TOKEN)`;
    const client = new AdoClient({ organizationUrl: server.orgUrl, auth: entraAuth(credential), env: { AZDO_ALLOWED_HOSTS: "127.0.0.1" } });
    const error = await failure(client.request("GET", "_apis/projects"));
    expect(error.message).toBe(refused);
    expect(visible(error)).not.toContain(server.bearerToken);
    expect(client.requestCount).toBe(0);
    // Any bearer credential, not only entraAuth's.
    const bearer = { source: "a bearer token", authorization: async () => `Bearer ${server.bearerToken}` };
    expect((await failure(new AdoClient({ organizationUrl: server.orgUrl, auth: bearer, env: { AZDO_ALLOWED_HOSTS: "127.0.0.1" } }).request("GET", "_apis/projects"))).message).toBe(refused);
    expect(server.calls).toEqual([]);
  });
});

describe("ids are checked for their shape before they go into a path", () => {
  const fix = "check the id given to `pulumi import`, or remove the resource from state (`pulumi state delete <urn>`) and import it by its real id";

  it("subscription ids are GUIDs", async () => {
    const state = { organizationUrl: server.orgUrl };
    await expect(readSubscription("../../_apis/projects", state)).rejects.toThrow(`service hook subscription id "../../_apis/projects" is not a GUID: ${fix}`);
    await expect(deleteSubscription("42", state)).rejects.toThrow(`service hook subscription id "42" is not a GUID: ${fix}`);
    expect(server.calls).toEqual([]);
  });

  it("variable group ids are positive integers", async () => {
    const state = { organizationUrl: server.orgUrl, projectId: server.state.projects[0]!.id };
    await expect(readVariableGroup("12/../../13", state)).rejects.toThrow(`variable group id "12/../../13" is not a positive integer: ${fix}`);
    await expect(updateVariableGroup("0", state, groupInputs())).rejects.toThrow(`variable group id "0" is not a positive integer: ${fix}`);
    expect(server.calls).toEqual([]);
  });

  it("entitlement ids are GUIDs, and a long id is shortened in the message", async () => {
    const long = `${"a".repeat(70)}?x=1`;
    await expect(readEntitlement(long, { organizationUrl: server.orgUrl })).rejects.toThrow(`service principal entitlement id "${"a".repeat(60)}..." is not a GUID: ${fix}`);
    expect(server.calls).toEqual([]);
  });
});

describe("webhook URLs name a public host", () => {
  const refused = (host: string, kind: string) =>
    `url: must be a public DNS name: ${host} is ${kind} (a test receiver is allowed only when whoever runs the deployment lists it in AZDO_ALLOWED_HOSTS)`;

  it("refuses IP literals, loopback, link-local and private hosts unless AZDO_ALLOWED_HOSTS lists them", () => {
    const inputs = (url: string) => subscriptionInputs(server, { url });
    expect(validateInputs(inputs("https://169.254.169.254/latest"), {})).toEqual([refused("169.254.169.254", "a link-local address")]);
    expect(validateInputs(inputs("https://10.20.30.40/hook"), {})).toEqual([refused("10.20.30.40", "a private address")]);
    expect(validateInputs(inputs("https://203.0.113.7/hook"), {})).toEqual([refused("203.0.113.7", "an IP address")]);
    expect(validateInputs(inputs("http://127.0.0.1:9000/hook"), {})).toEqual([refused("127.0.0.1", "a loopback address")]);
    expect(validateInputs(inputs("http://localhost:9000/hook"), {})).toEqual([refused("localhost", "a loopback name")]);
    expect(validateInputs(inputs("http://127.0.0.1:9000/hook"), { AZDO_ALLOWED_HOSTS: "127.0.0.1:9000" })).toEqual([]);
    expect(validateInputs(inputs("https://hooks.example.com/azure-devops"), {})).toEqual([]);
    // Plain http stays refused elsewhere, listed or not.
    expect(validateInputs(inputs("http://hooks.example.com/x"), { AZDO_ALLOWED_HOSTS: "hooks.example.com" })).toEqual(["url: must use https (basic auth would travel in plain text)"]);
  });

  it("a malformed AZDO_ALLOWED_HOSTS is named where it matters, and holds up no public host", () => {
    const env = { AZDO_ALLOWED_HOSTS: "127.0.0.1:port" };
    expect(validateInputs(subscriptionInputs(server, { url: "http://127.0.0.1:9000/hook" }), env)).toEqual([
      'url: AZDO_ALLOWED_HOSTS: "127.0.0.1:port" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)',
    ]);
    expect(validateInputs(subscriptionInputs(server), env)).toEqual([]);
  });

  it("the plugin's check reports it, and create refuses it before any call", async () => {
    const plugin = new AzureDevOpsIntegrationsProvider();
    const urn = `urn:pulumi:test::ado-integrations::${TOKENS.serviceHookSubscription}::hook`;
    const news = { ...subscriptionInputs(server, { url: "https://192.168.0.10/hook" }) };
    expect((await plugin.check(urn, {}, news)).failures).toEqual([
      { property: "url", reason: "must be a public DNS name: 192.168.0.10 is a private address (a test receiver is allowed only when whoever runs the deployment lists it in AZDO_ALLOWED_HOSTS)" },
    ]);
    await expect(serviceHookSubscriptions.create(news)).rejects.toThrow(`invalid service hook subscription:\n  ${refused("192.168.0.10", "a private address")}`);
    expect(server.calls).toEqual([]);
  });
});
