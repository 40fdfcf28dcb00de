/**
 * Secrecy that a test can see fail. The offline plan shows any made-up
 * secret as [secret] whether or not it is a Pulumi secret, so these tests
 * assert the secret flag of each credential and config-store output
 * directly, the secret envelope of each registered secret input, and the
 * `additionalSecretOutputs` each resource sends the engine (the mock runtime
 * ignores them, so they are read off the registration requests).
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { Project } from "../../components/azure-devops/lookups";
import { ServiceHookSubscription } from "../../components/azure-devops/service-hook-subscription";
import { VariableGroup } from "../../components/azure-devops/variable-group";
import { readStackConfig, type StackConfig } from "../../components/config";
import { writeStackOutputs, type StoreEntry } from "../../components/config-store";
import { VariableGroupStore } from "../../components/config-store/variable-group";
import { ResourcePrincipals } from "../../components/entra/resource-principals";
import { Integration } from "../../components/integration";
import { settle } from "../../components/offline/evaluate";
import { OfflineMocks } from "../../components/offline/mocks";
import { unwrapSecrets } from "../../policies/policies";
import { TOKENS } from "../../provider/schema";
import { isSecretOutput, NOW, promiseOf } from "../helpers";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const isEnvelope = (v: unknown): boolean => typeof v === "object" && v !== null && SECRET_SIG in v;

const mocks = new OfflineMocks();
/** What each registration request asked the engine to keep secret, by resource name. */
const secretOutputsAsked = new Map<string, string[]>();

const PROJECTS: Project[] = [
  { id: "11111111-1111-4111-8111-111111111111", name: "infra" },
  { id: "22222222-2222-4222-8222-222222222222", name: "platform" },
];
const SECRETS = { spaceliftPat: "config-pat-value-4Hs8", hookPassword: "config-hook-password-9Qd2" };
const ENV: Record<string, string> = { ADO_PAT_INFRAKITCHEN: "env-pat-tested-2Lx7", ADO_PAT_OPS: "env-pat-untested-6Vn3" };

/** Every kind of secret the program handles: an Entra client secret, config, env and tested PATs, a Key Vault reference, config and generated webhook passwords. */
const INTEGRATIONS = [
  { name: "gitpod", preset: "gitpod", entraApp: { redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"] } },
  {
    name: "spacelift",
    preset: "spacelift",
    serviceHooks: { url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2", passwordSecret: "hookPassword", projects: ["infra"] },
    pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] },
  },
  {
    name: "review-bot",
    preset: "custom",
    entraApp: { redirectUris: ["https://review-bot.contoso.example/auth/callback"], scopes: ["vso.code"] },
    serviceHooks: { url: "https://review-bot.contoso.example/hooks/azure-devops", username: "azure-devops", projects: ["infra"], events: ["git.pullrequest.created"] },
    fields: { "Client ID": "clientId", "Client Secret": "clientSecret", "Webhook Password": "webhookPassword" },
  },
  { name: "infrakitchen", preset: "infrakitchen", pat: { env: "ADO_PAT_INFRAKITCHEN", expiresOn: "2027-01-31", scopes: ["vso.code_manage"], testConnection: true } },
  { name: "ops-env", preset: "infrakitchen", pat: { env: "ADO_PAT_OPS", expiresOn: "2027-01-31", scopes: ["vso.code_manage"] } },
  { name: "ops-vault", preset: "infrakitchen", pat: { keyVaultSecretUri: "https://contoso-platform-kv.vault.azure.net/secrets/ops-pat", expiresOn: "2027-01-31", scopes: ["vso.code_manage"] } },
];

/** The part of a registration request read here (the SDK's protobuf RegisterResourceRequest). */
interface RegisterRequest {
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
}

let config: StackConfig;
let integrations: Integration[];

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, "ado-integrations", "test", false);
  // The mock monitor hands newResource no options: read them off each request on its way in.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: RegisterRequest, cb: unknown) => unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    secretOutputsAsked.set(req.getName(), req.getAdditionalsecretoutputsList());
    return register(req, cb);
  };
  // The config module's own reader: secret keys set as secrets, the way `pulumi config set --secret` does.
  pulumi.runtime.setAllConfig(
    {
      "ado-integrations:organization": "contoso",
      "ado-integrations:integrations": JSON.stringify(INTEGRATIONS),
      "ado-integrations:spaceliftPat": SECRETS.spaceliftPat,
      "ado-integrations:hookPassword": SECRETS.hookPassword,
    },
    ["ado-integrations:spaceliftPat", "ado-integrations:hookPassword"],
  );
  config = readStackConfig(NOW, () => undefined);
  // As buildStack wires them (components/stack.ts), keeping the components to look at.
  const principals = new ResourcePrincipals("tenant", { needsAzureDevOps: true, needsGraph: true });
  integrations = config.integrations.map(
    (model) =>
      new Integration(model.name, {
        model,
        organizationUrl: config.organizationUrl,
        organizationName: config.organizationName,
        organizationProjects: PROJECTS,
        principals,
        secret: config.secret,
        now: NOW,
        readEnv: (name) => ENV[name],
        testPatConnection: async () => {},
      }),
  );
});

/** The Integration built for `name`, in the order of {@link INTEGRATIONS}. */
const integration = (name: string): Integration => integrations[INTEGRATIONS.findIndex((i) => i.name === name)]!;
const registered = (type: string) => mocks.resources.filter((r) => r.type === type);

describe("credentials", () => {
  it("the config module reads every secret key as a secret", async () => {
    for (const key of Object.keys(SECRETS)) expect([key, await isSecretOutput(config.secret(key))]).toEqual([key, true]);
  });

  it("an Entra app's client secret is secret, though the mock provider's value is not", async () => {
    for (const name of ["gitpod", "review-bot"]) {
      const app = integration(name).entraApp!;
      expect([name, await isSecretOutput(app.clientSecret!), await isSecretOutput(app.clientId)]).toEqual([name, true, false]);
    }
  });

  it("a PAT is secret from config, from the environment and after its connection test; a Key Vault reference is not", async () => {
    const flags = await Promise.all(["spacelift", "infrakitchen", "ops-env", "ops-vault"].map(async (n) => [n, await isSecretOutput(integration(n).pat!.value)]));
    expect(flags).toEqual([
      ["spacelift", true],
      ["infrakitchen", true],
      ["ops-env", true],
      ["ops-vault", false],
    ]);
    expect(await promiseOf(integration("ops-vault").pat!.value)).toBe("@Microsoft.KeyVault(SecretUri=https://contoso-platform-kv.vault.azure.net/secrets/ops-pat)");
  });

  it("a PAT reference registers its declaration, never the PAT", async () => {
    await settle(() => mocks.resources.length);
    const declarations = JSON.stringify(registered("ado-integrations:credentials:PatReference").map((r) => r.inputs));
    expect(declarations).toContain('"expiresOn":"2027-01-31"');
    for (const value of [SECRETS.spaceliftPat, ...Object.values(ENV)]) expect(declarations).not.toContain(value);
  });

  it("every form value from a secret source is a secret, and no other is", async () => {
    const seen = await Promise.all(integrations.flatMap((i) => i.entries.map(async (e) => [e.integration, e.label, e.secret, await isSecretOutput(e.value)])));
    expect(seen).toEqual([
      ["gitpod", "Authorization URL", false, false],
      ["gitpod", "Token URL", false, false],
      ["gitpod", "Client ID", false, false],
      ["gitpod", "Client Secret", true, true],
      ["gitpod", "Redirect URI", false, false],
      ["spacelift", "Organization URL", false, false],
      ["spacelift", "User facing host URL", false, false],
      ["spacelift", "Personal access token", true, true],
      ["review-bot", "Client ID", false, false],
      ["review-bot", "Client Secret", true, true],
      // Generated by random.RandomPassword, whose result the mock runtime does not mark secret.
      ["review-bot", "Webhook Password", true, true],
      ["infrakitchen", "Azure Organization", false, false],
      ["infrakitchen", "Azure Access Token", true, true],
      ["ops-env", "Azure Organization", false, false],
      ["ops-env", "Azure Access Token", true, true],
      // A Key Vault reference names where the PAT is; it is not the PAT.
      ["ops-vault", "Azure Organization", false, false],
      ["ops-vault", "Azure Access Token", false, false],
    ]);
  });

  it("every service hook registers its basic-auth password as a secret and asks for its hash and salt as secret outputs", async () => {
    await settle(() => mocks.resources.length);
    const hooks = registered(TOKENS.serviceHookSubscription);
    // One per project and event: spacelift's defaults on infra, and review-bot's one event.
    expect(hooks.filter((h) => h.name.startsWith("spacelift-hooks-infra-")).length).toBeGreaterThan(1);
    expect(hooks.filter((h) => h.name.startsWith("review-bot-hooks-infra-")).length).toBe(1);
    for (const h of hooks) {
      expect([h.name, isEnvelope(h.inputs.basicAuthPassword), secretOutputsAsked.get(h.name)]).toEqual([h.name, true, ["passwordHash", "passwordSalt"]]);
    }
    expect(unwrapSecrets(hooks.find((h) => h.name.startsWith("spacelift"))!.inputs.basicAuthPassword)).toBe(SECRETS.hookPassword);
  });

  it("a ServiceHookSubscription wraps a plain password itself", async () => {
    const hook = new ServiceHookSubscription("bare-hook", {
      organizationUrl: "https://dev.azure.com/contoso",
      projectId: PROJECTS[0]!.id,
      eventType: "git.push",
      url: "https://hooks.contoso.example/azure-devops",
      basicAuthPassword: "plain-password-7Tz4",
    });
    await promiseOf(hook.id);
    const inputs = registered(TOKENS.serviceHookSubscription).find((r) => r.name === "bare-hook")!.inputs;
    expect([isEnvelope(inputs.basicAuthPassword), secretOutputsAsked.get("bare-hook")]).toEqual([true, ["passwordHash", "passwordSalt"]]);
  });
});

describe("config store", () => {
  it("stack outputs: each secret entry is a secret output, each other entry is not, whatever the value was", async () => {
    const entries: StoreEntry[] = [
      { integration: "tool", label: "Token", value: pulumi.output("plain-but-secret-3Jc5"), secret: true },
      { integration: "tool", label: "Endpoint", value: pulumi.output("https://tool.contoso.example"), secret: false },
    ];
    const { outputs } = writeStackOutputs(entries);
    expect([await isSecretOutput(outputs.tool!.Token!), await isSecretOutput(outputs.tool!.Endpoint!)]).toEqual([true, false]);
  });

  it("stack outputs of the real entries: secret exactly where the store's keys say so", async () => {
    const entries = integrations.flatMap((i) => i.entries);
    const { outputs, keys } = writeStackOutputs(entries);
    const flags = await Promise.all(keys.map(async (k) => [k.key, k.secret, await isSecretOutput(outputs[k.integration]![k.label]!)]));
    expect(flags.filter(([, secret, isSecret]) => secret !== isSecret)).toEqual([]);
    expect(flags.filter(([, secret]) => secret)).toHaveLength(6);
  });

  it("a variable group: the map is a secret input, each secret field a secret variable, and hashes and salt secret outputs", async () => {
    const entries = integrations.flatMap((i) => i.entries);
    const store = new VariableGroupStore("config-store", {
      organizationUrl: config.organizationUrl,
      project: "platform",
      organizationProjects: PROJECTS,
      groupName: "ado-integrations-test",
      description: "Form values",
      entries,
    });
    await promiseOf(store.groupId);
    const group = registered(TOKENS.variableGroup).find((r) => r.name === "config-store-group")!;
    expect(isEnvelope(group.inputs.variables)).toBe(true);
    const variables = unwrapSecrets(group.inputs.variables) as Record<string, { isSecret: boolean }>;
    expect(Object.entries(variables).filter(([, v]) => v.isSecret).map(([name]) => name).sort()).toEqual([
      "gitpod.Client_Secret",
      "infrakitchen.Azure_Access_Token",
      "ops-env.Azure_Access_Token",
      "review-bot.Client_Secret",
      "review-bot.Webhook_Password",
      "spacelift.Personal_access_token",
    ]);
    expect(secretOutputsAsked.get("config-store-group")).toEqual(["secretHashes", "secretSalt"]);
  });

  it("a VariableGroup wraps a map with a secret variable even when its caller did not, and leaves a map without one in the clear", async () => {
    const withSecret = new VariableGroup("bare-group", { organizationUrl: "https://dev.azure.com/contoso", projectId: PROJECTS[1]!.id, projectName: "platform", name: "bare", variables: { "tool.Token": { value: "plain-token-8Rb1", isSecret: true } } });
    const withoutSecret = new VariableGroup("clear-group", { organizationUrl: "https://dev.azure.com/contoso", projectId: PROJECTS[1]!.id, projectName: "platform", name: "clear", variables: { "tool.Url": { value: "https://tool.contoso.example", isSecret: false } } });
    await Promise.all([promiseOf(withSecret.id), promiseOf(withoutSecret.id)]);
    const inputs = (name: string) => registered(TOKENS.variableGroup).find((r) => r.name === name)!.inputs;
    expect([isEnvelope(inputs("bare-group").variables), isEnvelope(inputs("clear-group").variables)]).toEqual([true, false]);
    expect(secretOutputsAsked.get("bare-group")).toEqual(["secretHashes", "secretSalt"]);
  });
});
