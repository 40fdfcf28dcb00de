/**
 * Drift, as `pulumi preview --refresh --expect-no-changes` sees it: the
 * provider plugin's read and diff are driven against the loopback server
 * after an out-of-band change. Also starts the compiled plugin the way the
 * engine does (its launcher, no TypeScript loader) and drives one hook over
 * its gRPC interface.
 */
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKENS, VERSION } from "../provider/schema";
import { FAST_SETTINGS, useLoopbackEnvironment } from "./azure-devops/helpers";
import { pluginResource } from "./azure-devops/plugin";
import { startPlugin } from "./engine/harness";
import { startLoopback, type Loopback } from "./loopback/server";

// The generated gRPC stubs of @pulumi/pulumi have no typings for these paths.
/* eslint-disable @typescript-eslint/no-require-imports */
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
const structProto = require("google-protobuf/google/protobuf/struct_pb");
const emptyProto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const root = path.resolve(__dirname, "..");

let server: Loopback;
let restoreEnv: () => void;

/** The plugin's operations for a resource kind. */
const host = (kind: keyof typeof TOKENS) => pluginResource<Record<string, unknown>, Record<string, unknown>>(TOKENS[kind]);

beforeAll(async () => {
  server = await startLoopback();
  restoreEnv = useLoopbackEnvironment(server);
});
afterAll(async () => {
  restoreEnv();
  await server.stop();
});

describe("drift through the provider plugin", () => {
  const hookInputs = () => ({
    organizationUrl: server.orgUrl,
    projectId: server.state.projects[0]!.id,
    eventType: "git.push",
    url: "https://hooks.example.com/spacelift",
    basicAuthUsername: "",
    basicAuthPassword: "webhook-password-for-drift",
    resourceDetailsToSend: "all",
    messagesToSend: "none",
    detailedMessagesToSend: "none",
  });

  /** Creates, then refreshes once: what state holds after `up` and a quiet `refresh`. */
  async function createAndRefresh(kind: keyof typeof TOKENS, inputs: Record<string, unknown>) {
    const p = host(kind);
    const created = await p.create(inputs);
    const read = await p.read!(created.id, created.outs);
    expect(read.id).toBe(created.id);
    return { p, id: created.id, state: read.props! };
  }

  it("reports nothing when nothing changed, for every kind", async () => {
    const cases: [keyof typeof TOKENS, Record<string, unknown>][] = [
      ["serviceHookSubscription", hookInputs()],
      [
        "variableGroup",
        {
          organizationUrl: server.orgUrl,
          projectId: server.state.projects[0]!.id,
          projectName: server.state.projects[0]!.name,
          name: "ado-integrations-drift",
          description: "drift test",
          variables: { "gitpod.Client_ID": { value: "abc", isSecret: false }, "gitpod.Client_Secret": { value: "s3cr3t-value", isSecret: true } },
        },
      ],
      ["servicePrincipalEntitlement", { organizationUrl: server.orgUrl, servicePrincipalObjectId: "3f2b8c1d-0000-4000-8000-000000000002", accessLevel: "basic", projects: [] }],
    ];
    for (const [kind, inputs] of cases) {
      const { p, id, state } = await createAndRefresh(kind, inputs);
      expect((await p.diff!(id, state, inputs)).changes, kind).toBe(false);
    }
  });

  it("a hook URL changed by hand is a change", async () => {
    const inputs = hookInputs();
    const { p, id, state } = await createAndRefresh("serviceHookSubscription", inputs);
    server.state.setSubscriptionUrl(id, "https://attacker.example/collect");
    const refreshed = (await p.read!(id, state))!;
    expect((await p.diff!(id, refreshed.props!, inputs)).changes).toBe(true);
  });

  it("a hook disabled by the system is a change, and update re-enables it", async () => {
    const inputs = hookInputs();
    const { p, id, state } = await createAndRefresh("serviceHookSubscription", inputs);
    server.state.setSubscriptionStatus(id, "disabledBySystem");
    const refreshed = (await p.read!(id, state))!;
    expect((await p.diff!(id, refreshed.props!, inputs)).changes).toBe(true);
    await p.update!(id, refreshed.props!, inputs);
    expect(server.state.subscription(id).status).toBe("enabled");
  });

  it("a hook deleted by hand is gone on refresh", async () => {
    const { p, id, state } = await createAndRefresh("serviceHookSubscription", hookInputs());
    server.state.removeSubscription(id);
    expect((await p.read!(id, state)).id).toBe("");
  });

  it("a variable-group value edited by hand is a change; a secret read back as null is not", async () => {
    const inputs = {
      organizationUrl: server.orgUrl,
      projectId: server.state.projects[0]!.id,
      projectName: server.state.projects[0]!.name,
      name: "ado-integrations-drift-2",
      description: "drift test",
      variables: { "spacelift.Organization_URL": { value: "https://dev.azure.com/contoso", isSecret: false }, "spacelift.Personal_access_token": { value: "pat-value", isSecret: true } },
    };
    const { p, id, state } = await createAndRefresh("variableGroup", inputs);
    expect(server.state.variableGroup(id).variables["spacelift.Personal_access_token"]).toMatchObject({ isSecret: true });
    expect((await p.diff!(id, state, inputs)).changes).toBe(false);
    server.state.setVariable(id, "spacelift.Organization_URL", { value: "https://dev.azure.com/fabrikam" });
    const refreshed = (await p.read!(id, state))!;
    expect((await p.diff!(id, refreshed.props!, inputs)).changes).toBe(true);
  });

  it("a service principal removed from the organization is gone on refresh", async () => {
    const inputs = { organizationUrl: server.orgUrl, servicePrincipalObjectId: "3f2b8c1d-0000-4000-8000-000000000003", accessLevel: "basic", projects: [] };
    const { p, id, state } = await createAndRefresh("servicePrincipalEntitlement", inputs);
    server.state.removeEntitlement(id);
    expect((await p.read!(id, state)).id).toBe("");
  });
});

describe("the compiled plugin, started as the engine starts it", () => {
  it("answers GetPluginInfo and GetSchema, and creates, reads, diffs and deletes a hook over gRPC", async () => {
    const plugin = await startPlugin(root, {
      PATH: process.env.PATH,
      ...FAST_SETTINGS,
      AZDO_REQUEST_TIMEOUT_SECONDS: "5",
      AZDO_PERSONAL_ACCESS_TOKEN: server.pat,
      AZDO_ALLOWED_HOSTS: new URL(server.url).host,
    });
    try {
      // The plugin prints the port it listens on; the engine reads the same line.
      const port = plugin.port;
      expect(port).toMatch(/^\d+$/);
      const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const call = <T>(method: string, request: unknown): Promise<T> =>
        new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));

      const info = await call<{ getVersion(): string }>("getPluginInfo", new emptyProto.Empty());
      expect(info.getVersion()).toBe(VERSION);
      const schemaRequest = new providerProto.GetSchemaRequest();
      const schema = JSON.parse((await call<{ getSchema(): string }>("getSchema", schemaRequest)).getSchema());
      expect(Object.keys(schema.resources)).toEqual(Object.values(TOKENS));

      const urn = `urn:pulumi:test::ado-integrations::${TOKENS.serviceHookSubscription}::hook`;
      const inputs = hookInputsFor(server);
      const before = server.state.subscriptions.size;
      const create = new providerProto.CreateRequest();
      create.setUrn(urn);
      create.setProperties(structProto.Struct.fromJavaScript(inputs));
      const created = await call<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> } }>("create", create);
      expect(server.state.subscriptions.has(created.getId())).toBe(true);
      const outs = created.getProperties().toJavaScript();
      expect(JSON.stringify(outs)).not.toContain(inputs.basicAuthPassword);

      const read = new providerProto.ReadRequest();
      read.setId(created.getId());
      read.setUrn(urn);
      read.setProperties(structProto.Struct.fromJavaScript(outs));
      const readBack = await call<{ getId(): string; getProperties(): { toJavaScript(): Record<string, unknown> } }>("read", read);
      expect(readBack.getId()).toBe(created.getId());

      const diff = new providerProto.DiffRequest();
      diff.setId(created.getId());
      diff.setUrn(urn);
      diff.setOlds(structProto.Struct.fromJavaScript(readBack.getProperties().toJavaScript()));
      diff.setNews(structProto.Struct.fromJavaScript(inputs));
      const diffed = await call<{ getChanges(): number }>("diff", diff);
      expect(diffed.getChanges()).toBe(providerProto.DiffResponse.DiffChanges.DIFF_NONE);

      const remove = new providerProto.DeleteRequest();
      remove.setId(created.getId());
      remove.setUrn(urn);
      remove.setProperties(structProto.Struct.fromJavaScript(outs));
      await call("delete", remove);
      expect(server.state.subscriptions.size).toBe(before);
      client.close();
    } finally {
      await plugin.stop();
    }
    expect(plugin.stderr()).toBe("");
  });
});

function hookInputsFor(s: Loopback) {
  return {
    organizationUrl: s.orgUrl,
    projectId: s.state.projects[1]!.id,
    eventType: "git.pullrequest.created",
    url: "https://hooks.example.com/host",
    basicAuthUsername: "",
    basicAuthPassword: "host-password",
    resourceDetailsToSend: "all",
    messagesToSend: "none",
    detailedMessagesToSend: "none",
  };
}
