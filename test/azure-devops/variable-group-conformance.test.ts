import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { variableGroupBody, variableGroupFieldsFromInputs, type VariableGroupInputs } from "../../components/azure-devops/runtime/variable-groups";
import { variableGroups as provider } from "./plugin";
import { useLoopback, variableGroupInputs } from "./helpers";
import { ref, Schema, SwaggerDocument, validate } from "./swagger-validator";

// Microsoft's specs sit beside the repository (../shared) in CI; a fresh
// clone without them skips this file and says so.
const SPECS = [path.resolve(__dirname, "../../../shared/ado-rest-api"), path.resolve(process.cwd(), "../shared/ado-rest-api")].find((dir) => existsSync(dir));
const SKIP_REASON = "../shared/ado-rest-api not found: variable group conformance test skipped";
if (!SPECS) console.warn(SKIP_REASON);

function readJson<T>(relative: string): T {
  // The spec files start with a UTF-8 byte order mark.
  return JSON.parse(readFileSync(path.join(SPECS!, relative), "utf8").replace(/^\uFEFF/, "")) as T;
}

describe.skipIf(!SPECS)(SPECS ? "variable groups conform to distributedTask/7.1 taskAgent.json" : SKIP_REASON, () => {
  let taskAgent: SwaggerDocument;
  const server = useLoopback({ clear: ["variableGroups"] });
  const valid = (value: unknown, schema: Schema): void => {
    expect(validate(value, schema, taskAgent, { strict: true })).toEqual([]);
  };
  const inputs = (overrides: Partial<VariableGroupInputs> = {}): VariableGroupInputs =>
    variableGroupInputs(server, {
      name: "ado-integrations-bytebase",
      description: "Bytebase integration outputs",
      variables: { "bytebase.Url": { value: "https://bytebase.example.com", isSecret: false }, "bytebase.Token": { value: "secret-token", isSecret: true } },
      ...overrides,
    });

  beforeAll(() => {
    taskAgent = readJson("distributedTask/7.1/taskAgent.json");
  });

  it("the body builder gives VariableGroupParameters for plain, secret, empty and shared groups", () => {
    for (const candidate of [inputs(), inputs({ variables: {} }), inputs({ description: "", variables: { only: { value: "", isSecret: true } } })]) {
      valid(variableGroupBody(candidate, variableGroupFieldsFromInputs(candidate)), ref("VariableGroupParameters"));
    }
    const shared = [{ projectId: "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", projectName: "Other", name: "n", description: "" }];
    valid(variableGroupBody(inputs(), variableGroupFieldsFromInputs(inputs()), shared), ref("VariableGroupParameters"));
  });

  it("create, adoption after a taken name, update and delete send contract bodies and get contract answers", async () => {
    const created = await provider.create(inputs());
    await provider.update!(created.id, created.outs!, inputs({ description: "v2" }));
    // A second stack creating the same name adopts it: POST refused, lookup, PUT.
    const adopted = await provider.create(inputs({ description: "adopted" }));
    expect(adopted.id).toBe(created.id);
    await provider.read!(adopted.id, adopted.outs!);
    await provider.delete!(adopted.id, adopted.outs!);

    const project = server.state.projects[0]!.id;
    expect(server.calls.map((c) => `${c.method} ${c.status} ${c.path.replace(project, "{project}").replace(/\d+$/, "{id}")}`)).toEqual([
      "POST 200 /contoso/_apis/distributedtask/variablegroups",
      "PUT 200 /contoso/_apis/distributedtask/variablegroups/{id}",
      "POST 400 /contoso/_apis/distributedtask/variablegroups",
      "GET 200 /contoso/{project}/_apis/distributedtask/variablegroups",
      "PUT 200 /contoso/_apis/distributedtask/variablegroups/{id}",
      "GET 200 /contoso/{project}/_apis/distributedtask/variablegroups/{id}",
      "DELETE 204 /contoso/_apis/distributedtask/variablegroups/{id}",
    ]);
    for (const call of server.calls.filter((c) => c.body !== undefined)) valid(call.body, ref("VariableGroupParameters"));
  });

  it("the loopback's answers are VariableGroups, with secret values as null", async () => {
    const auth = { Authorization: `Basic ${Buffer.from(`:${server.pat}`).toString("base64")}`, "X-TFS-FedAuthRedirect": "Suppress", "Content-Type": "application/json" };
    const call = async (method: string, apiPath: string, body?: unknown): Promise<unknown> => {
      const response = await fetch(`${server.orgUrl}/${apiPath}${apiPath.includes("?") ? "&" : "?"}api-version=7.1`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(response.status).toBe(200);
      return response.json();
    };
    const desired = inputs();
    const body = variableGroupBody(desired, variableGroupFieldsFromInputs(desired));
    const created = (await call("POST", "_apis/distributedtask/variablegroups", body)) as { id: number; variables: Record<string, { value: string | null }> };
    valid(created, ref("VariableGroup"));
    expect(created.variables["bytebase.Token"]).toEqual({ value: null, isSecret: true });
    valid(await call("GET", `${desired.projectId}/_apis/distributedtask/variablegroups/${created.id}`), ref("VariableGroup"));
    valid(await call("PUT", `_apis/distributedtask/variablegroups/${created.id}`, body), ref("VariableGroup"));
    const list = (await call("GET", `${desired.projectId}/_apis/distributedtask/variablegroups?groupName=${encodeURIComponent(desired.name)}`)) as { count: number; value: unknown[] };
    expect(list.count).toBe(1);
    valid(list.value, { type: "array", items: ref("VariableGroup") });
  });
});
