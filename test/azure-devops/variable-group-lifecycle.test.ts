import { describe, expect, it } from "vitest";
import { diffVariableGroup, validateVariableGroupInputs, type VariableGroupInputs, type VariableGroupState } from "../../components/azure-devops/runtime/variable-groups";
import { variableGroups as provider } from "./plugin";
import { useLoopback, variableGroupInputs } from "./helpers";

// Provider methods are called directly against the loopback server: under mocks Pulumi never runs them.
const SECRET = "vg-secret-value-Kq7wP2";
const ROTATED = "vg-rotated-secret-Zr4mN8";
const OTHER_PROJECT_ID = "6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c";

const server = useLoopback({ server: { projects: [{ name: "Fabrikam-Fiber-Git" }, { id: OTHER_PROJECT_ID, name: "Other" }] }, clear: ["variableGroups"] });

function groupInputs(overrides: Partial<VariableGroupInputs> = {}): VariableGroupInputs {
  return variableGroupInputs(server, {
    name: "ado-integrations-spacelift",
    description: "Spacelift integration outputs",
    variables: {
      "spacelift.Client_Id": { value: "3f2a9c1e-client", isSecret: false },
      "spacelift.Client_Secret": { value: SECRET, isSecret: true },
    },
    ...overrides,
  });
}

/** Method and path of every call, with ids shown as {id} and the project segment as {project}. */
function callLog(): string[] {
  const project = server.state.projects[0]!.id;
  return server.calls.map((c) => `${c.method} ${c.path.replace(project, "{project}").replace(/variablegroups\/\d+$/, "variablegroups/{id}")}`);
}

async function create(inputs: VariableGroupInputs): Promise<{ id: string; outs: VariableGroupState }> {
  const result = await provider.create(inputs);
  server.calls.length = 0;
  return { id: result.id, outs: result.outs! };
}

async function read(id: string, props: VariableGroupState): Promise<{ id?: string; props?: VariableGroupState }> {
  return provider.read!(id, props);
}

describe("lifecycle", () => {
  it("creates, reads, updates and deletes with one REST call each; a second diff finds nothing; secrets never reach outputs", async () => {
    const inputs = groupInputs();
    const created = await provider.create(inputs);
    expect(callLog()).toEqual(["POST /contoso/_apis/distributedtask/variablegroups"]);
    const stored = server.state.variableGroup(created.id);
    expect(stored.variables).toEqual({ "spacelift.Client_Id": { value: "3f2a9c1e-client" }, "spacelift.Client_Secret": { value: SECRET, isSecret: true } });
    expect(stored.projectReferences.map((r) => r.projectReference.id)).toEqual([inputs.projectId]);
    expect(created.outs).toMatchObject({
      organizationUrl: server.orgUrl,
      projectId: inputs.projectId,
      projectName: "Fabrikam-Fiber-Git",
      name: inputs.name,
      description: inputs.description,
      variables: { "spacelift.Client_Id": { isSecret: false, value: "3f2a9c1e-client" }, "spacelift.Client_Secret": { isSecret: true } },
      sharedWith: [],
    });
    expect(Object.keys(created.outs!.secretHashes)).toEqual(["spacelift.Client_Secret"]);
    expect(created.outs!.secretHashes["spacelift.Client_Secret"]).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(created.outs)).not.toContain(SECRET);
    expect(await provider.diff!(created.id, created.outs!, inputs)).toEqual({ changes: false, replaces: [] });

    server.calls.length = 0;
    const refreshed = await read(created.id, created.outs!);
    expect(callLog()).toEqual(["GET /contoso/{project}/_apis/distributedtask/variablegroups/{id}"]);
    // The service shows the secret as null: the refreshed state is the same, and no change.
    expect(refreshed).toEqual({ id: created.id, props: created.outs });
    expect(await provider.diff!(created.id, refreshed.props!, inputs)).toEqual({ changes: false, replaces: [] });

    const changedInputs = groupInputs({ description: "v2", variables: { ...inputs.variables, "spacelift.Client_Id": { value: "new-client", isSecret: false } } });
    expect(await provider.diff!(created.id, refreshed.props!, changedInputs)).toEqual({ changes: true, replaces: [] });
    server.calls.length = 0;
    const updated = await provider.update!(created.id, refreshed.props!, changedInputs);
    expect(callLog()).toEqual(["PUT /contoso/_apis/distributedtask/variablegroups/{id}"]);
    expect(server.state.variableGroup(created.id).variables["spacelift.Client_Id"]!.value).toBe("new-client");
    expect(server.state.variableGroup(created.id).variables["spacelift.Client_Secret"]!.value).toBe(SECRET);
    expect(await provider.diff!(created.id, updated.outs!, changedInputs)).toEqual({ changes: false, replaces: [] });
    expect((await read(created.id, updated.outs!)).props).toEqual(updated.outs);

    server.calls.length = 0;
    await provider.delete!(created.id, updated.outs!);
    expect(callLog()).toEqual(["DELETE /contoso/_apis/distributedtask/variablegroups/{id}"]);
    expect(server.calls[0]!.query).toMatchObject({ projectIds: inputs.projectId, "api-version": "7.1" });
    expect(server.state.variableGroups.size).toBe(0);
  });

  it("detects a new secret value through the salted hash, and the update sends it", async () => {
    const inputs = groupInputs();
    const { id, outs } = await create(inputs);
    const rotated = groupInputs({ variables: { ...inputs.variables, "spacelift.Client_Secret": { value: ROTATED, isSecret: true } } });
    expect(diffVariableGroup(outs, rotated).changed).toEqual(["variables.spacelift.Client_Secret"]);
    const updated = await provider.update!(id, outs, rotated);
    expect(server.state.variableGroup(id).variables["spacelift.Client_Secret"]!.value).toBe(ROTATED);
    // A fresh salt each write: the same value never shows the same hash twice.
    expect(updated.outs!.secretSalt).not.toBe(outs.secretSalt);
    expect(diffVariableGroup(updated.outs!, rotated).changes).toBe(false);
    expect(diffVariableGroup(updated.outs!, inputs).changed).toEqual(["variables.spacelift.Client_Secret"]);
    expect(JSON.stringify(updated.outs)).not.toContain(ROTATED);
  });

  it("adopts a group of the same name made by hand instead of failing, with one group left", async () => {
    const inputs = groupInputs();
    const project = server.state.projects[0]!;
    const other = server.state.projects[1]!;
    server.state.variableGroups.set(900, {
      id: 900,
      name: "ADO-Integrations-Spacelift",
      description: "made by hand",
      type: "Vsts",
      variables: { stale: { value: "x" } },
      projectReferences: [
        { projectReference: { id: project.id, name: project.name }, name: "ADO-Integrations-Spacelift", description: "" },
        { projectReference: { id: other.id, name: other.name }, name: "shared-name", description: "shared by hand" },
      ],
      createdOn: "2024-01-01T00:00:00.000Z",
      modifiedOn: "2024-01-01T00:00:00.000Z",
    });
    const created = await provider.create(inputs);
    expect(callLog()).toEqual([
      "POST /contoso/_apis/distributedtask/variablegroups",
      "GET /contoso/{project}/_apis/distributedtask/variablegroups",
      "PUT /contoso/_apis/distributedtask/variablegroups/{id}",
    ]);
    expect(server.calls[1]!.query.groupName).toBe(inputs.name);
    expect(created.id).toBe("900");
    expect(server.state.variableGroups.size).toBe(1);
    const group = server.state.variableGroup(900);
    expect(group.name).toBe(inputs.name);
    expect(group.variables).toEqual({ "spacelift.Client_Id": { value: "3f2a9c1e-client" }, "spacelift.Client_Secret": { value: SECRET, isSecret: true } });
    // Adopting never unshares the group from a project someone else shared it with.
    expect(group.projectReferences.map((r) => r.projectReference.id)).toEqual([project.id, other.id]);
    expect(created.outs!.sharedWith).toEqual([{ projectId: other.id, projectName: "Other", name: "shared-name", description: "shared by hand" }]);
    expect((await provider.diff!(created.id, created.outs!, inputs)).changes).toBe(false);
  });

  it("keeps another project's reference on update, and delete only leaves this project", async () => {
    const { id, outs } = await create(groupInputs());
    const other = server.state.projects[1]!;
    server.state.variableGroup(id).projectReferences.push({ projectReference: { id: other.id, name: other.name }, name: "shared", description: "" });
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed.sharedWith.map((r) => r.projectId)).toEqual([other.id]);
    const changed = groupInputs({ description: "v2" });
    expect(diffVariableGroup(refreshed, changed).changed).toEqual(["description"]);
    const updated = await provider.update!(id, refreshed, changed);
    expect(server.state.variableGroup(id).projectReferences.map((r) => r.projectReference.id)).toEqual([groupInputs().projectId, other.id]);
    await provider.delete!(id, updated.outs!);
    expect(server.state.variableGroup(id).projectReferences.map((r) => r.projectReference.id)).toEqual([other.id]);
  });

  it("a group without secrets keeps no salt, and a variable changing to secret is a change", async () => {
    const plain = groupInputs({ variables: { a: { value: "1", isSecret: false } } });
    const { id, outs } = await create(plain);
    expect(outs.secretHashes).toEqual({});
    expect(outs.secretSalt).toBe("");
    expect(diffVariableGroup(outs, groupInputs({ variables: { a: { value: "1", isSecret: true } } })).changed).toEqual(["variables.a"]);
    expect(diffVariableGroup(outs, groupInputs({ variables: { a: { value: "1", isSecret: false }, b: { value: "", isSecret: false } } })).changed).toEqual(["variables.b"]);
    await provider.delete!(id, outs);
  });

  it("deletes a group that is already gone without an error", async () => {
    const { id, outs } = await create(groupInputs());
    server.state.removeVariableGroup(id);
    await provider.delete!(id, outs);
    expect(server.calls.map((c) => c.status)).toEqual([404]);
  });
});

describe("drift", () => {
  it("a non-secret value edited by hand shows after refresh and update puts it back", async () => {
    const inputs = groupInputs();
    const { id, outs } = await create(inputs);
    server.state.setVariable(id, "spacelift.Client_Id", { value: "edited-in-portal" });
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed.variables["spacelift.Client_Id"]).toEqual({ isSecret: false, value: "edited-in-portal" });
    // Any hand edit may have replaced a secret too (the service never shows it), so secrets count as changed.
    expect(diffVariableGroup(refreshed, inputs).changed).toEqual(["variables.spacelift.Client_Id", "variables.spacelift.Client_Secret"]);
    expect(await provider.diff!(id, refreshed, inputs)).toEqual({ changes: true, replaces: [] });
    await provider.update!(id, refreshed, inputs);
    expect(server.state.variableGroup(id).variables["spacelift.Client_Id"]!.value).toBe("3f2a9c1e-client");
  });

  it("a secret turned non-secret, a variable removed and one added by hand are each drift", async () => {
    const inputs = groupInputs();
    const { id, outs } = await create(inputs);
    server.state.setVariable(id, "spacelift.Client_Secret", { value: "now-visible" });
    let refreshed = (await read(id, outs)).props!;
    expect(diffVariableGroup(refreshed, inputs).changed).toEqual(["variables.spacelift.Client_Secret"]);

    const restored = (await provider.update!(id, refreshed, inputs)).outs!;
    expect(server.state.variableGroup(id).variables["spacelift.Client_Secret"]).toEqual({ value: SECRET, isSecret: true });
    server.state.removeVariable(id, "spacelift.Client_Id");
    server.state.setVariable(id, "added.by.hand", { value: "x" });
    refreshed = (await read(id, restored)).props!;
    expect(diffVariableGroup(refreshed, inputs).changed).toEqual(["variables.added.by.hand", "variables.spacelift.Client_Id", "variables.spacelift.Client_Secret"]);
    await provider.update!(id, refreshed, inputs);
    expect(Object.keys(server.state.variableGroup(id).variables).sort()).toEqual(["spacelift.Client_Id", "spacelift.Client_Secret"]);
  });

  it("a secret replaced by hand (invisible, but the group's modifiedOn moves) is drift, and update sends the secret again", async () => {
    const inputs = groupInputs();
    const { id, outs } = await create(inputs);
    server.state.setVariable(id, "spacelift.Client_Secret", { value: "replaced-in-portal", isSecret: true });
    const refreshed = (await read(id, outs)).props!;
    expect(refreshed.variables["spacelift.Client_Secret"]).toEqual({ isSecret: true });
    expect(diffVariableGroup(refreshed, inputs).changed).toEqual(["variables.spacelift.Client_Secret"]);
    const updated = (await provider.update!(id, refreshed, inputs)).outs!;
    expect(server.state.variableGroup(id).variables["spacelift.Client_Secret"]!.value).toBe(SECRET);
    expect(diffVariableGroup((await read(id, updated)).props!, inputs).changes).toBe(false);
  });

  it("name and description edits are drift; another project or organization replaces", async () => {
    const inputs = groupInputs();
    const { id, outs } = await create(inputs);
    Object.assign(server.state.variableGroup(id), { name: "renamed", description: "edited" });
    server.state.variableGroup(id).projectReferences[0]!.name = "renamed";
    const refreshed = (await read(id, outs)).props!;
    expect(diffVariableGroup(refreshed, inputs)).toEqual({ changes: true, replaces: [], changed: ["name", "description"] });
    expect(await provider.diff!(id, outs, groupInputs({ projectId: OTHER_PROJECT_ID, projectName: "Other" }))).toEqual({ changes: true, replaces: ["projectId"] });
    expect(await provider.diff!(id, outs, groupInputs({ organizationUrl: "https://dev.azure.com/fabrikam" }))).toEqual({ changes: true, replaces: ["organizationUrl"] });
    // The project name is a label: a renamed project is not a change.
    expect(await provider.diff!(id, outs, groupInputs({ projectName: "Renamed-Project" }))).toEqual({ changes: false, replaces: [] });
  });

  it("a group deleted out of band, answered empty, or no longer in the project, on two reads, reads as gone", async () => {
    const { id, outs } = await create(groupInputs());
    // Each sign of removal is confirmed by a second read (issue 12).
    server.faults.add({ method: "GET", times: 2, fault: { kind: "status", status: 200, body: "" } });
    expect(await read(id, outs)).toEqual({ id: "" });
    server.state.variableGroup(id).projectReferences[0]!.projectReference.id = OTHER_PROJECT_ID;
    expect(await read(id, outs)).toEqual({ id: "" });
    server.state.removeVariableGroup(id);
    expect(await read(id, outs)).toEqual({ id: "" });
    expect(server.calls.map((c) => c.status)).toEqual([200, 200, 404, 404, 404, 404]);
  });

  it("update of a group deleted out of band says to refresh", async () => {
    const { id, outs } = await create(groupInputs());
    server.state.removeVariableGroup(id);
    await expect(provider.update!(id, outs, groupInputs())).rejects.toThrow(
      `variable group ${id} no longer exists in Azure DevOps: run \`pulumi refresh\` so the next \`pulumi up\` recreates it`,
    );
  });
});

describe("validation", () => {
  it("names every bad input, never a value", async () => {
    const bad = {
      organizationUrl: server.orgUrl,
      projectId: "Fabrikam-Fiber-Git",
      projectName: "",
      name: " padded ",
      variables: { "": { value: "v", isSecret: false }, s: { value: 42, isSecret: "yes" } },
    } as unknown as VariableGroupInputs;
    expect(validateVariableGroupInputs(bad)).toEqual([
      "projectId: must be a project id (GUID), not a name",
      "projectName: must name the project",
      "name: must be non-empty without leading or trailing spaces",
      'variables: "" is not a usable variable name (empty, or leading or trailing spaces)',
      "variables.s.value: must be a string",
      "variables.s.isSecret: must be true or false",
    ]);
    await expect(provider.create(groupInputs({ name: "" }))).rejects.toThrow("invalid variable group:\n  name: must be non-empty without leading or trailing spaces");
    expect(server.calls).toHaveLength(0);
  });

  it("a state without projectId says how to recover instead of guessing a project", async () => {
    await expect(provider.read!("7", { organizationUrl: server.orgUrl } as VariableGroupState)).rejects.toThrow(
      "variable group 7: its state has no projectId, so it cannot be read; run `pulumi state delete <urn>` and `pulumi up`, which adopts the group by name",
    );
    expect(server.calls).toHaveLength(0);
  });
});
