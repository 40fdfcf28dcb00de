/**
 * Drift, as `pulumi preview --refresh --expect-no-changes` sees it: each
 * dynamic resource's provider is serialized exactly as Pulumi stores it in
 * state, deserialized the way the provider host does (require-from-string),
 * and its read and diff are driven against the loopback server after an
 * out-of-band change. Also runs one provider in a separate plain `node`
 * process started in the project folder, as Pulumi starts the host.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServicePrincipalEntitlement } from "../components/azure-devops/service-principal-entitlement";
import { ServiceHookSubscription } from "../components/azure-devops/service-hook-subscription";
import { VariableGroup } from "../components/azure-devops/variable-group";
import { OfflineMocks } from "../components/offline/mocks";
import { FAST_SETTINGS, useLoopbackEnvironment } from "./azure-devops/helpers";
import { startLoopback, type Loopback } from "./loopback/server";

const requireFromString = require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };
const root = path.resolve(__dirname, "..");

let server: Loopback;
let restoreEnv: () => void;
const serialized: Record<string, string> = {};

/** What Pulumi's provider host would run for a resource kind. */
const host = (kind: string) => requireFromString(serialized[kind]!).handler();

beforeAll(async () => {
  server = await startLoopback();
  restoreEnv = useLoopbackEnvironment(server);
  const mocks = new OfflineMocks();
  pulumi.runtime.setMocks(mocks, "ado-integrations", "drift", true);
  new ServiceHookSubscription("hook", { projectId: "p", eventType: "git.push", url: "https://x.example", basicAuthPassword: pulumi.secret("pw") });
  new VariableGroup("group", { projectId: "p", projectName: "p", name: "g", variables: { a: { value: "1", isSecret: false } } });
  new ServicePrincipalEntitlement("sp", { servicePrincipalObjectId: "3f2b8c1d-0000-4000-8000-000000000001", accessLevel: "basic" });
  await new Promise((r) => setTimeout(r, 200));
  for (const r of mocks.resources) serialized[r.type.split(":").pop()!] = r.inputs.__provider as string;
});
afterAll(async () => {
  restoreEnv();
  await server.stop();
});

describe("drift through the serialized providers", () => {
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
  async function createAndRefresh(kind: string, inputs: Record<string, unknown>) {
    const p = host(kind);
    const created = await p.create(inputs);
    const read = await p.read!(created.id, created.outs);
    expect(read.id).toBe(created.id);
    return { p, id: created.id, state: read.props! };
  }

  it("reports nothing when nothing changed, for every kind", async () => {
    const cases: [string, Record<string, unknown>][] = [
      ["ServiceHookSubscription", hookInputs()],
      [
        "VariableGroup",
        {
          organizationUrl: server.orgUrl,
          projectId: server.state.projects[0]!.id,
          projectName: server.state.projects[0]!.name,
          name: "ado-integrations-drift",
          description: "drift test",
          variables: { "gitpod.Client_ID": { value: "abc", isSecret: false }, "gitpod.Client_Secret": { value: "s3cr3t-value", isSecret: true } },
        },
      ],
      ["ServicePrincipalEntitlement", { organizationUrl: server.orgUrl, servicePrincipalObjectId: "3f2b8c1d-0000-4000-8000-000000000002", accessLevel: "basic", projects: [] }],
    ];
    for (const [kind, inputs] of cases) {
      const { p, id, state } = await createAndRefresh(kind, inputs);
      expect((await p.diff!(id, state, inputs)).changes, kind).toBe(false);
    }
  });

  it("a hook URL changed by hand is a change", async () => {
    const inputs = hookInputs();
    const { p, id, state } = await createAndRefresh("ServiceHookSubscription", inputs);
    server.state.setSubscriptionUrl(id, "https://attacker.example/collect");
    const refreshed = (await p.read!(id, state))!;
    expect((await p.diff!(id, refreshed.props!, inputs)).changes).toBe(true);
  });

  it("a hook disabled by the system is a change, and update re-enables it", async () => {
    const inputs = hookInputs();
    const { p, id, state } = await createAndRefresh("ServiceHookSubscription", inputs);
    server.state.setSubscriptionStatus(id, "disabledBySystem");
    const refreshed = (await p.read!(id, state))!;
    expect((await p.diff!(id, refreshed.props!, inputs)).changes).toBe(true);
    await p.update!(id, refreshed.props!, inputs);
    expect(server.state.subscription(id).status).toBe("enabled");
  });

  it("a hook deleted by hand is gone on refresh", async () => {
    const { p, id, state } = await createAndRefresh("ServiceHookSubscription", hookInputs());
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
    const { p, id, state } = await createAndRefresh("VariableGroup", inputs);
    expect(server.state.variableGroup(id).variables["spacelift.Personal_access_token"]).toMatchObject({ isSecret: true });
    expect((await p.diff!(id, state, inputs)).changes).toBe(false);
    server.state.setVariable(id, "spacelift.Organization_URL", { value: "https://dev.azure.com/fabrikam" });
    const refreshed = (await p.read!(id, state))!;
    expect((await p.diff!(id, refreshed.props!, inputs)).changes).toBe(true);
  });

  it("a service principal removed from the organization is gone on refresh", async () => {
    const inputs = { organizationUrl: server.orgUrl, servicePrincipalObjectId: "3f2b8c1d-0000-4000-8000-000000000003", accessLevel: "basic", projects: [] };
    const { p, id, state } = await createAndRefresh("ServicePrincipalEntitlement", inputs);
    server.state.removeEntitlement(id);
    expect((await p.read!(id, state)).id).toBe("");
  });
});

describe("the serialized provider in a plain node process", () => {
  it("creates, reads and deletes a hook when started in the project folder, as Pulumi starts the host", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "host-"));
    const providerFile = path.join(dir, "provider.js");
    writeFileSync(providerFile, serialized.ServiceHookSubscription!);
    const script = path.join(dir, "host.js");
    writeFileSync(
      script,
      `const rfs = require(require.resolve("require-from-string", { paths: [process.cwd()] }));
       const fs = require("node:fs");
       const p = rfs(fs.readFileSync(${JSON.stringify(providerFile)}, "utf8")).handler();
       const inputs = JSON.parse(process.argv[2]);
       (async () => {
         const created = await p.create(inputs);
         const read = await p.read(created.id, created.outs);
         const diff = await p.diff(created.id, read.props, inputs);
         await p.delete(created.id, read.props);
         console.log(JSON.stringify({ created: created.id, read: read.id, changes: diff.changes }));
       })().catch((e) => { console.error(e.message); process.exit(1); });`,
    );
    const inputs = hookInputsFor(server);
    const before = server.state.subscriptions.size;
    // Asynchronously: the loopback server answers from this process's event loop.
    const r = await promisify(execFile)(process.execPath, [script, JSON.stringify(inputs)], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...FAST_SETTINGS, AZDO_REQUEST_TIMEOUT_SECONDS: "5", AZDO_PERSONAL_ACCESS_TOKEN: server.pat },
    });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout.trim());
    expect(out.read).toBe(out.created);
    expect(out.changes).toBe(false);
    expect(server.state.subscriptions.size).toBe(before);
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
