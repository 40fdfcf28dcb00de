import { describe, expect, it } from "vitest";
import {
  diffEntitlement,
  entitlementFieldsFromInputs,
  entitlementPatch,
  validateEntitlementInputs,
  type EntitlementInputs,
  type EntitlementState,
} from "../../components/azure-devops/runtime/entitlements";
import { servicePrincipalEntitlements as provider } from "./plugin";
import { useLoopback } from "./helpers";

// Provider methods are called directly against the loopback server: under mocks Pulumi never runs them.
const SP_OBJECT_ID = "92e26ce8-8e7c-4555-bdab-813b34b8e53a";
const PROJECT_A = "c944c983-e90b-4499-938a-5897ea954ace";
const PROJECT_B = "6fa35aad-6755-4dd7-8c69-e13f702af0f9";
const PROJECT_C = "fca61097-56a1-464f-85ba-1b126cf02cd1";

const server = useLoopback({
  server: { projects: [{ id: PROJECT_A, name: "TestProject" }, { id: PROJECT_B, name: "TestProject2" }, { id: PROJECT_C, name: "TestProject3" }] },
  clear: ["entitlements"],
});

function spInputs(overrides: Partial<EntitlementInputs> = {}): EntitlementInputs {
  return { organizationUrl: server.orgUrl, servicePrincipalObjectId: SP_OBJECT_ID, accessLevel: "basic", projects: [{ projectId: PROJECT_A, group: "Contributors" }], ...overrides };
}

function callLog(): string[] {
  return server.calls.map((c) => `${c.method} ${c.path.replace(/serviceprincipalentitlements\/[0-9a-f-]+$/, "serviceprincipalentitlements/{id}")}`);
}

async function create(inputs: EntitlementInputs): Promise<{ id: string; outs: EntitlementState }> {
  const result = await provider.create(inputs);
  server.calls.length = 0;
  return { id: result.id, outs: result.outs! };
}

describe("lifecycle", () => {
  it("adds, reads and removes with one REST call each on the preview API version; a second diff finds nothing", async () => {
    const inputs = spInputs();
    const created = await provider.create(inputs);
    expect(callLog()).toEqual(["POST /contoso/_apis/serviceprincipalentitlements"]);
    expect(server.calls[0]!.query["api-version"]).toBe("7.1-preview.1");
    expect(server.calls[0]!.body).toEqual({
      servicePrincipal: { origin: "aad", originId: SP_OBJECT_ID, subjectKind: "servicePrincipal" },
      accessLevel: { accountLicenseType: "express", licensingSource: "account" },
      projectEntitlements: [{ group: { groupType: "projectContributor" }, projectRef: { id: PROJECT_A } }],
    });
    const stored = server.state.entitlement(created.id);
    expect(stored).toMatchObject({ originId: SP_OBJECT_ID, accountLicenseType: "express", projectEntitlements: [{ projectId: PROJECT_A, groupType: "projectContributor" }] });
    expect(created.outs).toEqual({
      organizationUrl: server.orgUrl,
      servicePrincipalObjectId: SP_OBJECT_ID,
      accountLicenseType: "express",
      projects: [{ projectId: PROJECT_A, group: "Contributors" }],
      descriptor: expect.stringMatching(/^aadsp\./),
      displayName: SP_OBJECT_ID,
      licenseStatus: "active",
      createdByStack: true,
    });
    expect(await provider.diff!(created.id, created.outs!, inputs)).toEqual({ changes: false, replaces: [] });

    server.calls.length = 0;
    const refreshed = await provider.read!(created.id, created.outs!);
    expect(callLog()).toEqual(["GET /contoso/_apis/serviceprincipalentitlements/{id}"]);
    expect(server.calls[0]!.query["api-version"]).toBe("7.1-preview.1");
    expect(refreshed).toEqual({ id: created.id, props: created.outs });
    expect(await provider.diff!(created.id, refreshed.props!, inputs)).toEqual({ changes: false, replaces: [] });

    server.calls.length = 0;
    await provider.delete!(created.id, refreshed.props!);
    expect(callLog()).toEqual(["DELETE /contoso/_apis/serviceprincipalentitlements/{id}"]);
    expect(server.state.entitlements.size).toBe(0);
    // Gone already: still done, nothing thrown.
    await provider.delete!(created.id, refreshed.props!);
  });

  it("updates access level and project groups with one PATCH of JSON patch operations", async () => {
    const { id, outs } = await create(spInputs({ projects: [{ projectId: PROJECT_A, group: "Readers" }, { projectId: PROJECT_B, group: "Contributors" }] }));
    const desired = spInputs({ accessLevel: "stakeholder", projects: [{ projectId: PROJECT_A, group: "Contributors" }, { projectId: PROJECT_C, group: "Readers" }] });
    expect(await provider.diff!(id, outs, desired)).toEqual({ changes: true, replaces: [] });
    const updated = await provider.update!(id, outs, desired);
    expect(callLog()).toEqual(["PATCH /contoso/_apis/serviceprincipalentitlements/{id}"]);
    expect(server.calls[0]!.body).toEqual([
      { op: "replace", path: "/accessLevel", value: { accountLicenseType: "stakeholder", licensingSource: "account" } },
      { op: "remove", path: `/projectEntitlements/${PROJECT_B}` },
      { op: "remove", path: `/projectEntitlements/${PROJECT_A}` },
      { op: "add", path: `/projectEntitlements/${PROJECT_A}`, value: { group: { groupType: "projectContributor" }, projectRef: { id: PROJECT_A } } },
      { op: "add", path: `/projectEntitlements/${PROJECT_C}`, value: { group: { groupType: "projectReader" }, projectRef: { id: PROJECT_C } } },
    ]);
    expect(server.state.entitlement(id)).toMatchObject({
      accountLicenseType: "stakeholder",
      projectEntitlements: [
        { projectId: PROJECT_A, groupType: "projectContributor" },
        { projectId: PROJECT_C, groupType: "projectReader" },
      ],
    });
    expect(await provider.diff!(id, updated.outs!, desired)).toEqual({ changes: false, replaces: [] });
  });

  it("adopts a principal already in the organization: Add answers it unchanged, one PATCH repairs it", async () => {
    server.state.entitlements.set("0a0a0a0a-0000-4000-8000-00000000beef", {
      id: "0a0a0a0a-0000-4000-8000-00000000beef",
      originId: SP_OBJECT_ID,
      origin: "aad",
      displayName: "added by hand",
      accountLicenseType: "stakeholder",
      dateCreated: "2024-01-01T00:00:00Z",
      projectEntitlements: [{ projectId: PROJECT_B, groupType: "projectReader" }],
    });
    const created = await provider.create(spInputs());
    expect(callLog()).toEqual(["POST /contoso/_apis/serviceprincipalentitlements", "PATCH /contoso/_apis/serviceprincipalentitlements/{id}"]);
    expect(created.id).toBe("0a0a0a0a-0000-4000-8000-00000000beef");
    expect(server.state.entitlements.size).toBe(1);
    expect(server.state.entitlement(created.id)).toMatchObject({ accountLicenseType: "express", projectEntitlements: [{ projectId: PROJECT_A, groupType: "projectContributor" }] });
    expect((await provider.diff!(created.id, created.outs!, spInputs())).changes).toBe(false);
  });

  it("basic and express are one license; no projects is a valid entitlement", async () => {
    const { id, outs } = await create(spInputs({ accessLevel: "express", projects: [] }));
    expect(outs.projects).toEqual([]);
    expect(server.state.entitlement(id).projectEntitlements).toEqual([]);
    expect(await provider.diff!(id, outs, spInputs({ accessLevel: "basic", projects: [] }))).toEqual({ changes: false, replaces: [] });
    expect(await provider.diff!(id, outs, spInputs({ accessLevel: "basic", projects: undefined }))).toEqual({ changes: false, replaces: [] });
    expect(await provider.diff!(id, outs, spInputs({ accessLevel: "advanced", projects: [] }))).toEqual({ changes: true, replaces: [] });
  });
});

describe("diff of state read back from the engine", () => {
  it("finds no change when the state's objects have their keys sorted, as the Pulumi engine stores them", async () => {
    const inputs = spInputs();
    const { outs } = await create(inputs);
    // The engine hands state back with object keys in sorted order (group before projectId).
    const fromEngine = JSON.parse(JSON.stringify(outs, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v)));
    expect(Object.keys(fromEngine.projects[0])).toEqual(["group", "projectId"]);
    expect(diffEntitlement(fromEngine, inputs)).toEqual({ changes: false, replaces: [], changed: [] });
  });
});

describe("drift", () => {
  it("an access level changed by hand is drift that update repairs", async () => {
    const inputs = spInputs();
    const { id, outs } = await create(inputs);
    server.state.setEntitlementAccessLevel(id, "stakeholder");
    const refreshed = (await provider.read!(id, outs)).props!;
    expect(refreshed.accountLicenseType).toBe("stakeholder");
    expect(diffEntitlement(refreshed, inputs)).toEqual({ changes: true, replaces: [], changed: ["accessLevel"] });
    expect(entitlementPatch(refreshed, entitlementFieldsFromInputs(inputs))).toEqual([
      { op: "replace", path: "/accessLevel", value: { accountLicenseType: "express", licensingSource: "account" } },
    ]);
    await provider.update!(id, refreshed, inputs);
    expect(server.state.entitlement(id).accountLicenseType).toBe("express");
  });

  it("a Contributors/Readers membership changed, added or removed by hand is drift; other groups are not this resource's", async () => {
    const inputs = spInputs();
    const { id, outs } = await create(inputs);
    server.state.setEntitlementProjects(id, [
      { projectId: PROJECT_A, groupType: "projectReader" },
      { projectId: PROJECT_B, groupType: "projectContributor" },
      { projectId: PROJECT_C, groupType: "projectAdministrator" },
    ]);
    const refreshed = (await provider.read!(id, outs)).props!;
    // Sorted by project id; the administrator membership is not listed.
    expect(refreshed.projects).toEqual([
      { projectId: PROJECT_B, group: "Contributors" },
      { projectId: PROJECT_A, group: "Readers" },
    ]);
    expect(diffEntitlement(refreshed, inputs)).toEqual({ changes: true, replaces: [], changed: ["projects"] });
    expect(entitlementPatch(refreshed, entitlementFieldsFromInputs(inputs))).toEqual([
      { op: "remove", path: `/projectEntitlements/${PROJECT_B}` },
      { op: "remove", path: `/projectEntitlements/${PROJECT_A}` },
      { op: "add", path: `/projectEntitlements/${PROJECT_A}`, value: { group: { groupType: "projectContributor" }, projectRef: { id: PROJECT_A } } },
    ]);
    // Only an administrator membership elsewhere: not drift.
    server.state.setEntitlementProjects(id, [
      { projectId: PROJECT_A, groupType: "projectContributor" },
      { projectId: PROJECT_C, groupType: "projectAdministrator" },
    ]);
    expect(diffEntitlement((await provider.read!(id, outs)).props!, inputs).changes).toBe(false);
    server.state.setEntitlementProjects(id, []);
    await provider.update!(id, (await provider.read!(id, outs)).props!, inputs);
    expect(server.state.entitlement(id).projectEntitlements).toEqual([{ projectId: PROJECT_A, groupType: "projectContributor" }]);
  });

  it("a principal removed from the organization, answered empty, or licensed as deleted, on two reads, reads as gone", async () => {
    const { id, outs } = await create(spInputs());
    // Each sign of removal is confirmed by a second read (issue 12).
    server.faults.add({ method: "GET", times: 2, fault: { kind: "status", status: 200, body: "" } });
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
    server.faults.add({ method: "GET", times: 2, fault: { kind: "status", status: 200, body: { id, accessLevel: { accountLicenseType: "express", status: "deleted" } } } });
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
    server.state.removeEntitlement(id);
    expect(await provider.read!(id, outs)).toEqual({ id: "" });
    expect(server.calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 404, 404]);
  });

  it("another principal or organization replaces", async () => {
    const { id, outs } = await create(spInputs());
    expect(await provider.diff!(id, outs, spInputs({ servicePrincipalObjectId: "16ba55b6-4d49-4712-9da8-1de280da5c0a" }))).toEqual({ changes: true, replaces: ["servicePrincipalObjectId"] });
    expect(await provider.diff!(id, outs, spInputs({ organizationUrl: "https://dev.azure.com/fabrikam" }))).toEqual({ changes: true, replaces: ["organizationUrl"] });
    // The object id's case is not a difference.
    expect(await provider.diff!(id, outs, spInputs({ servicePrincipalObjectId: SP_OBJECT_ID.toUpperCase() }))).toEqual({ changes: false, replaces: [] });
  });

  it("update of a principal removed out of band says to refresh", async () => {
    const { id, outs } = await create(spInputs());
    server.state.removeEntitlement(id);
    await expect(provider.update!(id, outs, spInputs({ accessLevel: "advanced" }))).rejects.toThrow(
      `service principal entitlement ${id} no longer exists in Azure DevOps: run \`pulumi refresh\` so the next \`pulumi up\` adds the principal again`,
    );
  });
});

describe("validation", () => {
  it("names every bad input", async () => {
    const bad = {
      servicePrincipalObjectId: "terrakube-sp",
      accessLevel: "owner",
      projects: [
        { projectId: PROJECT_A, group: "Contributors" },
        { projectId: PROJECT_A.toUpperCase(), group: "Readers" },
        { projectId: "TestProject", group: "Administrators" },
      ],
    } as unknown as EntitlementInputs;
    expect(validateEntitlementInputs(bad)).toEqual([
      "servicePrincipalObjectId: must be the object id (GUID) of the service principal, as Entra ID > Enterprise applications shows it",
      "accessLevel: must be one of stakeholder, express, basic, advanced",
      `projects[1].projectId: ${PROJECT_A} is listed twice; a principal joins one group per project`,
      "projects[2].projectId: must be a project id (GUID), not a name",
      "projects[2].group: must be Contributors or Readers",
    ]);
    await expect(provider.create(spInputs({ accessLevel: "owner" as never }))).rejects.toThrow(
      "invalid service principal entitlement:\n  accessLevel: must be one of stakeholder, express, basic, advanced",
    );
    expect(server.calls).toHaveLength(0);
  });
});
