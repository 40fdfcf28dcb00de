import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runHealth } from "../../scripts/health";
import type { Loopback, StoredSubscription } from "../loopback/server";
import { loopbackEnv } from "../loopback/settings";

/** The webhook password the receiver expects, and the stack's hooks hold unless a test says otherwise. */
export const RECEIVER_PASSWORD = "receiver-password-Kq3vT9wL";
/** The check's clock in every test: no test reads the wall clock. */
export const NOW = "2026-12-01T06:00:00.000Z";

/** An ISO time `hours` before {@link NOW}. */
export function hoursAgo(hours: number): string {
  return new Date(Date.parse(NOW) - hours * 3_600_000).toISOString();
}

/** A webhook receiver on 127.0.0.1 that checks basic auth against {@link RECEIVER_PASSWORD} and, when refusing, echoes the Authorization header it got. */
export interface Receiver {
  readonly url: string;
  /** Authorization headers received, in order. */
  readonly authorizations: string[];
  stop(): Promise<void>;
}

/** Starts a {@link Receiver}. */
export async function startReceiver(): Promise<Receiver> {
  const authorizations: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on("end", () => {
      const header = request.headers.authorization ?? "";
      authorizations.push(header);
      const decoded = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : "";
      if (decoded.slice(decoded.indexOf(":") + 1) === RECEIVER_PASSWORD) {
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("ok");
        return;
      }
      // A careless receiver: its refusal repeats what it was sent.
      response.writeHead(401, { "content-type": "text/plain" });
      response.end(`bad credentials: ${header} (${decoded})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/azure-devops`,
    authorizations,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates a hand-made webhook subscription on the server, as the stack would have, and returns it. */
export function addHook(server: Loopback, options: { readonly url: string; readonly password?: string; readonly eventType?: string }): StoredSubscription {
  return server.state.insertSubscription({
    publisherId: "tfs",
    eventType: options.eventType ?? "git.push",
    consumerId: "webHooks",
    consumerActionId: "httpRequest",
    publisherInputs: { projectId: server.state.projects[0]!.id },
    consumerInputs: { url: options.url, basicAuthUsername: "azure-devops", basicAuthPassword: options.password ?? RECEIVER_PASSWORD },
  });
}

/** A hook in the state document: its subscription, its integration and resource name. */
export interface StateHook {
  readonly subscription: StoredSubscription;
  readonly integration: string;
  readonly name: string;
}

/**
 * A `pulumi stack export` document holding the hooks under their
 * integrations (Integration > ServiceHooks > ServiceHookSubscription), with
 * secret outputs as the CLI writes them (ciphertext objects).
 */
export function stateDocument(server: Loopback, hooks: readonly StateHook[]): unknown {
  const prefix = "urn:pulumi:dev::ado-integrations::";
  const resources: Record<string, unknown>[] = [{ urn: `${prefix}pulumi:pulumi:Stack::ado-integrations-dev`, type: "pulumi:pulumi:Stack" }];
  for (const integration of new Set(hooks.map((h) => h.integration))) {
    resources.push({ urn: `${prefix}ado-integrations:index:Integration::${integration}`, type: "ado-integrations:index:Integration", parent: `${prefix}pulumi:pulumi:Stack::ado-integrations-dev` });
    resources.push({
      urn: `${prefix}ado-integrations:index:Integration$ado-integrations:service-hooks:ServiceHooks::${integration}-hooks`,
      type: "ado-integrations:service-hooks:ServiceHooks",
      parent: `${prefix}ado-integrations:index:Integration::${integration}`,
    });
  }
  for (const h of hooks) {
    resources.push({
      urn: `${prefix}ado-integrations:index:Integration$ado-integrations:service-hooks:ServiceHooks$azure-devops-integrations:index:ServiceHookSubscription::${h.name}`,
      custom: true,
      id: h.subscription.id,
      type: "azure-devops-integrations:index:ServiceHookSubscription",
      parent: `${prefix}ado-integrations:index:Integration$ado-integrations:service-hooks:ServiceHooks::${h.integration}-hooks`,
      inputs: { basicAuthPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:c2VjcmV0:bm90LWEtcmVhbC1jaXBoZXJ0ZXh0" } },
      outputs: {
        organizationUrl: server.orgUrl,
        projectId: h.subscription.publisherInputs.projectId,
        eventType: h.subscription.eventType,
        url: h.subscription.consumerInputs.url,
        basicAuthUsername: "azure-devops",
        status: "enabled",
        passwordSet: true,
        passwordHash: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:aGFzaA==:bm90LWEtcmVhbC1oYXNo" },
      },
    });
  }
  return { version: 3, deployment: { manifest: { time: NOW }, resources } };
}

/** The dev stack file's integrations: spacelift's password in a config key, bytebase's generated. */
const STACK_FILE = [
  "config:",
  "  ado-integrations:organization: contoso",
  "  ado-integrations:integrations:",
  "    - name: spacelift",
  "      preset: spacelift",
  "      serviceHooks:",
  "        url: https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx",
  "        passwordSecret: spaceliftWebhookPassword",
  "        projects: ['*']",
  "    - name: bytebase",
  "      preset: bytebase",
  "      serviceHooks:",
  "        url: https://bytebase.contoso.example/hook/azure",
  "        projects: ['*']",
  "  ado-integrations:spaceliftWebhookPassword:",
  "    secure: v1:Zm9vYmFy:placeholder",
].join("\n");

/** Writes the state document and the stack file to a fresh folder; returns their paths. */
export function writeStack(server: Loopback, hooks: readonly StateHook[]): { readonly dir: string; readonly state: string; readonly stackFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "health-"));
  const state = path.join(dir, "state.json");
  const stackFile = path.join(dir, "Pulumi.dev.yaml");
  writeFileSync(state, JSON.stringify(stateDocument(server, hooks)));
  writeFileSync(stackFile, STACK_FILE);
  return { dir, state, stackFile };
}

/** The environment the check reads: the loopback's PAT, the 127.0.0.1 opt-in, fast retries. */
export function healthEnv(server: Loopback): NodeJS.ProcessEnv {
  return { ...loopbackEnv(server), PATH: process.env.PATH };
}

/** Runs `npm run health -- <args>` in this process against the stack in `dir`, at {@link NOW}. */
export async function health(server: Loopback, dir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runHealth(["--stack", "dev", "--now", NOW, ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: healthEnv(server),
    cwd: dir,
    testOptions: { polls: 3, pollIntervalMs: 1, sleep: async () => {} },
  });
  return { code, stdout, stderr };
}
