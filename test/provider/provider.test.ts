/**
 * The provider plugin's own methods, as the engine calls them (secret-marked
 * values, unknowns in preview, the URN naming the type), against the
 * loopback server; and its schema.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import { AzureDevOpsIntegrationsProvider, checkFailures, typeOfUrn } from "../../provider/provider";
import { PACKAGE, SCHEMA, TOKENS, VERSION, secretOutputs } from "../../provider/schema";
import { WEBHOOK_PASSWORD, subscriptionInputs, useLoopback } from "../azure-devops/helpers";

const server = useLoopback({ clear: ["subscriptions", "variableGroups"] });
const plugin = new AzureDevOpsIntegrationsProvider();
const urnOf = (token: string, name = "x") => `urn:pulumi:dev::ado-integrations::ado-integrations:service-hooks:ServiceHooks$${token}::${name}`;
const HOOK = urnOf(TOKENS.serviceHookSubscription);
const GROUP = urnOf(TOKENS.variableGroup);
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const isSecret = (value: unknown) => (value as Record<string, unknown> | undefined)?.[specialSigKey] === specialSecretSig;

describe("the plugin's methods", () => {
  it("reads the resource type from the last segment of the URN's type, under any parents", () => {
    expect(typeOfUrn(HOOK)).toBe(TOKENS.serviceHookSubscription);
    expect(typeOfUrn(`urn:pulumi:dev::p::${TOKENS.variableGroup}::g`)).toBe(TOKENS.variableGroup);
  });

  it("check lists every problem with its property, in the runtime's words, and keeps the inputs as sent", async () => {
    const news = { ...subscriptionInputs(server), projectId: "platform", url: "http://hooks.example.com/x", basicAuthPassword: secret(WEBHOOK_PASSWORD) };
    const result = await plugin.check(HOOK, {}, news);
    expect(result.inputs).toBe(news);
    expect(result.failures).toEqual([
      { property: "projectId", reason: "must be a project id (GUID), not a name" },
      { property: "url", reason: expect.stringContaining("https") },
    ]);
    expect(JSON.stringify(result.failures)).not.toContain(WEBHOOK_PASSWORD);
  });

  it("check leaves a property that is not known yet (preview) to the run that knows it", async () => {
    const news = { ...subscriptionInputs(server), projectId: unknownValue };
    expect((await plugin.check(HOOK, {}, news)).failures).toEqual([]);
  });

  it("check names the organization when neither the input nor AZDO_ORG_SERVICE_URL gives one", async () => {
    const { organizationUrl: _org, ...news } = subscriptionInputs(server);
    const failures = (await plugin.check(HOOK, {}, news)).failures;
    expect(failures).toEqual([{ property: "organizationUrl", reason: "organizationUrl is not set and AZDO_ORG_SERVICE_URL is empty: set one to https://dev.azure.com/<organization>" }]);
  });

  it("creates with a secret password, returns the schema's secret outputs marked secret, and a second diff finds nothing", async () => {
    const inputs = { ...subscriptionInputs(server), basicAuthPassword: secret(WEBHOOK_PASSWORD) };
    const created = await plugin.create(HOOK, inputs);
    expect(server.state.subscription(created.id).consumerInputs.basicAuthPassword).toBe(WEBHOOK_PASSWORD);
    const outs = created.outs as Record<string, unknown>;
    expect(isSecret(outs.passwordHash)).toBe(true);
    expect(isSecret(outs.passwordSalt)).toBe(true);
    expect(isSecret(outs.url)).toBe(false);
    expect(JSON.stringify(outs)).not.toContain(WEBHOOK_PASSWORD);
    expect(await plugin.diff(created.id, HOOK, outs, inputs)).toEqual({ changes: false, replaces: [] });
    expect(await plugin.diff(created.id, HOOK, outs, { ...inputs, eventType: "git.pullrequest.created" })).toMatchObject({ changes: true, replaces: ["eventType"] });

    const read = await plugin.read(created.id, HOOK, outs);
    expect(read.id).toBe(created.id);
    expect(isSecret((read.props as Record<string, unknown>).passwordHash)).toBe(true);
    await plugin.delete(created.id, HOOK, outs);
    expect(server.state.subscriptions.size).toBe(0);
  });

  it("marks an output secret when its input came in secret, as the engine did for the dynamic providers", async () => {
    const inputs = {
      organizationUrl: server.orgUrl,
      projectId: server.state.projects[0]!.id,
      projectName: server.state.projects[0]!.name,
      name: "store",
      variables: secret({ "x.Client_Id": { value: "id", isSecret: false }, "x.Client_Secret": { value: "s3cr3t-in-group", isSecret: true } }),
    };
    const created = await plugin.create(GROUP, inputs);
    const outs = created.outs as Record<string, unknown>;
    for (const name of ["variables", "secretHashes", "secretSalt"]) expect(isSecret(outs[name]), name).toBe(true);
    expect(isSecret(outs.name)).toBe(false);
    expect(JSON.stringify(outs)).not.toContain("s3cr3t-in-group");
  });

  it("reads with no properties as `pulumi import` does: the state and the inputs to start from", async () => {
    await expect(plugin.read("6f1c3b52-0000-4000-8000-00000000dead", HOOK, {})).rejects.toThrow(
      "`pulumi import` reads the object from the organization in AZDO_ORG_SERVICE_URL: set it to https://dev.azure.com/<organization>",
    );
    process.env.AZDO_ORG_SERVICE_URL = server.orgUrl;
    const { basicAuthPassword: _password, ...withoutPassword } = subscriptionInputs(server, { basicAuthUsername: "" });
    const made = await plugin.create(HOOK, withoutPassword);
    const imported = await plugin.read(made.id, HOOK, {});
    expect(imported.id).toBe(made.id);
    expect(imported.inputs).toEqual({
      organizationUrl: server.orgUrl,
      projectId: server.state.projects[0]!.id,
      eventType: "git.push",
      filters: {},
      url: "https://hooks.example.com/azure-devops",
      httpHeaders: {},
      resourceDetailsToSend: "all",
      messagesToSend: "none",
      detailedMessagesToSend: "none",
    });
    // A hook that is not there imports nothing.
    expect((await plugin.read("6f1c3b52-0000-4000-8000-00000000dead", HOOK, {})).id).toBe("");
  });

  it("imports a variable group by <projectId>/<groupId>, and says so for any other id", async () => {
    process.env.AZDO_ORG_SERVICE_URL = server.orgUrl;
    const project = server.state.projects[0]!;
    const inputs = { organizationUrl: server.orgUrl, projectId: project.id, projectName: project.name, name: "by-hand", variables: { a: { value: "1", isSecret: false } } };
    const made = await plugin.create(GROUP, inputs);
    const imported = await plugin.read(`${project.id}/${made.id}`, GROUP, {});
    expect(imported.id).toBe(made.id);
    expect(imported.inputs).toMatchObject({ projectId: project.id, name: "by-hand", variables: { a: { value: "1", isSecret: false } } });
    await expect(plugin.read(made.id, GROUP, {})).rejects.toThrow(`variable group import id "${made.id}": use <projectId>/<groupId>`);
  });

  it("refuses a type it does not serve, naming the ones it does", async () => {
    await expect(plugin.create(urnOf("azure-devops-integrations:index:Pipeline"), {})).rejects.toThrow(
      `unknown resource type azure-devops-integrations:index:Pipeline: this plugin serves ${Object.values(TOKENS).join(", ")}`,
    );
  });

  it("splits only `property: reason` problems; anything else keeps its whole text", () => {
    expect(checkFailures(["filters.branch: not a filter", "something odd"], {})).toEqual([
      { property: "filters.branch", reason: "not a filter" },
      { property: "", reason: "something odd" },
    ]);
  });
});

describe("the schema", () => {
  it("has the package name, the package.json version and one resource per token", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { version: string };
    expect(SCHEMA.name).toBe(PACKAGE);
    expect(VERSION).toBe(pkg.version);
    expect(Object.keys(SCHEMA.resources).sort()).toEqual(Object.values(TOKENS).sort());
  });

  it("describes every property and marks the password and the hashes secret", () => {
    for (const [token, resource] of Object.entries(SCHEMA.resources)) {
      for (const [name, spec] of [...Object.entries(resource.inputProperties), ...Object.entries(resource.properties)]) {
        expect(spec.description, `${token}.${name}`).toMatch(/\S/);
      }
      for (const name of resource.required) expect(resource.properties, `${token} requires ${name}`).toHaveProperty(name);
    }
    expect(SCHEMA.resources[TOKENS.serviceHookSubscription].inputProperties.basicAuthPassword?.secret).toBe(true);
    expect(secretOutputs(TOKENS.serviceHookSubscription).sort()).toEqual(["passwordHash", "passwordSalt"]);
    expect(secretOutputs(TOKENS.variableGroup).sort()).toEqual(["secretHashes", "secretSalt", "variables"]);
  });

  it("marks replaceOnChanges on exactly the properties whose change the diff answers with a replacement", () => {
    const replacing = (token: keyof typeof SCHEMA.resources) =>
      Object.entries(SCHEMA.resources[token].inputProperties)
        .filter(([, spec]) => (spec as { replaceOnChanges?: boolean }).replaceOnChanges)
        .map(([name]) => name)
        .sort();
    expect(replacing(TOKENS.serviceHookSubscription)).toEqual(["eventType", "organizationUrl", "projectId"]);
    expect(replacing(TOKENS.variableGroup)).toEqual(["organizationUrl", "projectId"]);
    expect(replacing(TOKENS.servicePrincipalEntitlement)).toEqual(["organizationUrl", "servicePrincipalObjectId"]);
  });
});
