import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EVENT_TYPES } from "../../components/azure-devops/runtime/events";
import { fieldsFromInputs, subscriptionBody } from "../../components/azure-devops/runtime/subscriptions";
import { serviceHookSubscriptions as provider } from "./plugin";
import { HANG_TIMEOUT_SECONDS, subscriptionInputs, useLoopback, withRequestTimeout } from "./helpers";
import { ref, Schema, SwaggerDocument, validate } from "./swagger-validator";

// Microsoft's specs sit beside the repository (../shared) in CI; a fresh
// clone without them skips this file and says so.
const SPECS = [path.resolve(__dirname, "../../../shared/ado-rest-api"), path.resolve(process.cwd(), "../shared/ado-rest-api")].find((dir) => existsSync(dir));
const SKIP_REASON = "../shared/ado-rest-api not found: conformance test skipped";
if (!SPECS) console.warn(SKIP_REASON);

function readJson<T>(relative: string): T {
  // The spec files start with a UTF-8 byte order mark.
  return JSON.parse(readFileSync(path.join(SPECS!, relative), "utf8").replace(/^\uFEFF/, "")) as T;
}

describe.skipIf(!SPECS)(SPECS ? "conformance with Microsoft's REST specs" : SKIP_REASON, () => {
  let hooks: SwaggerDocument;
  let core: SwaggerDocument;
  let taskAgent: SwaggerDocument;
  const server = useLoopback();
  const auth = (): Record<string, string> => ({
    Authorization: `Basic ${Buffer.from(`:${server.pat}`).toString("base64")}`,
    "X-TFS-FedAuthRedirect": "Suppress",
    "Content-Type": "application/json",
  });
  const call = async (method: string, apiPath: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${server.orgUrl}/${apiPath}${apiPath.includes("?") ? "&" : "?"}api-version=7.1`, {
      method,
      headers: auth(),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
    return response.status === 204 ? undefined : response.json();
  };
  const valid = (value: unknown, schema: Schema, document: SwaggerDocument): void => {
    expect(validate(value, schema, document, { strict: true })).toEqual([]);
  };

  beforeAll(() => {
    hooks = readJson("hooks/7.1/serviceHooks.json");
    core = readJson("core/7.1/core.json");
    taskAgent = readJson("distributedTask/7.1/taskAgent.json");
  });

  describe("the validator", () => {
    it("accepts Microsoft's own recorded subscription and variable group examples", () => {
      for (const name of ["POST__hooks_subscriptions", "PUT__hooks_subscriptions__newSubscriptionId_", "GET__hooks_subscriptions__subscriptionId_"]) {
        const example = readJson<{ parameters: { body?: unknown }; responses: { 200: { body: unknown } } }>(`hooks/7.1/httpExamples/subscriptions/${name}.json`);
        if (example.parameters.body !== undefined) valid(example.parameters.body, ref("Subscription"), hooks);
        valid(example.responses[200].body, ref("Subscription"), hooks);
      }
      const created = readJson<{ parameters: { body: unknown }; responses: { 200: { body: unknown } } }>("distributedTask/7.1/httpExamples/variablegroups/POST_CreateVariableGroup.json");
      valid(created.parameters.body, ref("VariableGroupParameters"), taskAgent);
      valid(created.responses[200].body, ref("VariableGroup"), taskAgent);
      const projects = readJson<{ responses: { 200: { body: { value: unknown[] } } } }>("core/7.1/httpExamples/projects/GET__projects.json");
      for (const project of projects.responses[200].body.value) valid(project, ref("TeamProjectReference"), core);
    });

    it("reports wrong types, bad enums, bad formats, missing required and unknown properties", () => {
      const doc: SwaggerDocument = {
        definitions: {
          Thing: { type: "object", required: ["id"], properties: { id: { type: "string", format: "uuid" }, when: { type: "string", format: "date-time" }, status: { enum: ["on", "off"] }, tags: { type: "array", items: { type: "string" } } } },
        },
      };
      expect(validate({ when: "never", status: "maybe", tags: ["a", 1], extra: true }, ref("Thing"), doc, { strict: true })).toEqual([
        "$.id: required",
        '$.when: "never" is not a date-time',
        '$.status: "maybe" is not one of "on", "off"',
        "$.tags[1]: expected string, got integer",
        "$.extra: not in the schema",
      ]);
      expect(validate({ id: "not-a-uuid" }, ref("Thing"), doc)).toEqual(['$.id: "not-a-uuid" is not a uuid']);
      expect(validate({ status: "on", publisherInputs: { a: 1 } }, ref("Subscription"), hooks)).toEqual([
        '$.status: "on" is not one of "enabled", "onProbation", "disabledByUser", "disabledBySystem", "disabledByInactiveIdentity"',
        "$.publisherInputs.a: expected string, got integer",
      ]);
    });
  });

  describe("the client's request bodies", () => {
    it.each(EVENT_TYPES)("a %s subscription body is a Subscription", (eventType) => {
      const inputs = subscriptionInputs(server, { eventType, filters: { branch: "main" }, httpHeaders: { "X-A": "1" }, resourceDetailsToSend: "minimal" });
      valid(subscriptionBody(fieldsFromInputs(inputs), "pw"), ref("Subscription"), hooks);
      valid(subscriptionBody(fieldsFromInputs(inputs), "pw", "enabled"), ref("Subscription"), hooks);
    });

    it("create, adopt-after-timeout, update and the lookup query all send contract bodies", async () => {
      server.faults.add({ method: "POST", path: "_apis/hooks/subscriptions", fault: { kind: "hang" } });
      const inputs = subscriptionInputs(server);
      const created = await withRequestTimeout(HANG_TIMEOUT_SECONDS, () => provider.create(inputs));
      await provider.update!(created.id, created.outs!, { ...inputs, url: "https://hooks.example.com/other" });
      const schemaFor = (method: string, p: string): Schema => (p.endsWith("subscriptionsquery") ? ref("SubscriptionsQuery") : ref("Subscription"));
      const sent = server.calls.filter((c) => c.body !== undefined);
      expect(sent.map((c) => `${c.method} ${c.path.split("/").pop()}`)).toEqual(["POST subscriptions", "POST subscriptionsquery", `PUT ${created.id}`, `PUT ${created.id}`]);
      for (const c of sent) valid(c.body, schemaFor(c.method, c.path), hooks);
    });
  });

  describe("the loopback server's responses", () => {
    it("subscriptions: create, get, replace, list and query", async () => {
      const body = subscriptionBody(fieldsFromInputs(subscriptionInputs(server)), "pw");
      const created = (await call("POST", "_apis/hooks/subscriptions", body)) as { id: string };
      valid(created, ref("Subscription"), hooks);
      server.state.setSubscriptionStatus(created.id, "onProbation");
      valid(await call("GET", `_apis/hooks/subscriptions/${created.id}`), ref("Subscription"), hooks);
      valid(await call("PUT", `_apis/hooks/subscriptions/${created.id}`, { ...body, status: "enabled" }), ref("Subscription"), hooks);
      const list = (await call("GET", "_apis/hooks/subscriptions?publisherId=tfs")) as { count: number; value: unknown[] };
      expect(list.count).toBe(list.value.length);
      valid(list.value, { type: "array", items: ref("Subscription") }, hooks);
      const query = await call("POST", "_apis/hooks/subscriptionsquery", { publisherId: "tfs", eventType: "git.push" });
      valid(query, ref("SubscriptionsQuery"), hooks);
    });

    it("projects: every page item is a TeamProjectReference", async () => {
      const page = (await call("GET", "_apis/projects?$top=2")) as { count: number; value: unknown[] };
      expect(page.count).toBe(2);
      valid(page.value, { type: "array", items: ref("TeamProjectReference") }, core);
    });

    it("variable groups: create, get, update and list, with secret values as null", async () => {
      const project = server.state.projects[0]!;
      const parameters = {
        name: "ado-integrations-spacelift",
        description: "integration outputs",
        type: "Vsts",
        variables: { clientId: { value: "abc" }, clientSecret: { value: "s3cret-value", isSecret: true } },
        variableGroupProjectReferences: [{ name: "ado-integrations-spacelift", description: "", projectReference: { id: project.id, name: project.name } }],
      };
      valid(parameters, ref("VariableGroupParameters"), taskAgent);
      const created = (await call("POST", "_apis/distributedtask/variablegroups", parameters)) as { id: number; variables: Record<string, { value: string | null }> };
      valid(created, ref("VariableGroup"), taskAgent);
      expect(created.variables.clientSecret!.value).toBeNull();
      valid(await call("GET", `${project.name}/_apis/distributedtask/variablegroups/${created.id}`), ref("VariableGroup"), taskAgent);
      const updated = await call("PUT", `_apis/distributedtask/variablegroups/${created.id}`, { ...parameters, variables: { ...parameters.variables, clientSecret: { value: null, isSecret: true } } });
      valid(updated, ref("VariableGroup"), taskAgent);
      // The secret sent back as null kept its stored value.
      expect(server.state.variableGroups.get(created.id)!.variables.clientSecret!.value).toBe("s3cret-value");
      const list = (await call("GET", `${project.id}/_apis/distributedtask/variablegroups?groupName=ado-integrations-spacelift`)) as { value: unknown[] };
      expect(list.value).toHaveLength(1);
      valid(list.value, { type: "array", items: ref("VariableGroup") }, taskAgent);
      await call("DELETE", `_apis/distributedtask/variablegroups/${created.id}?projectIds=${project.id}`);
      expect(server.state.variableGroups.size).toBe(0);
    });
  });
});
