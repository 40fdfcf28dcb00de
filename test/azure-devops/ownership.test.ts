import { describe, expect, it } from "vitest";
import type { EntitlementInputs, EntitlementState } from "../../components/azure-devops/runtime/entitlements";
import { diffVariableGroup, ownerMarker, validateVariableGroupInputs, type VariableGroupInputs, type VariableGroupState } from "../../components/azure-devops/runtime/variable-groups";
import { servicePrincipalEntitlements, variableGroups } from "./plugin";
import { useLoopback } from "./helpers";

// Adopt only what is ours, destroy only what we made: provider methods called
// directly against the loopback server, as two stacks would call them.
const PROJECT_ID = "c944c983-e90b-4499-938a-5897ea954ace";
const SP_OBJECT_ID = "92e26ce8-8e7c-4555-bdab-813b34b8e53a";
const STACK_A = "ado-integrations/prod";
const STACK_B = "ado-integrations/staging";

const server = useLoopback({ server: { projects: [{ id: PROJECT_ID, name: "Platform" }] }, clear: ["variableGroups", "entitlements"] });

function groupInputs(owner: string, value = "from-a", overrides: Partial<VariableGroupInputs> = {}): VariableGroupInputs {
  return {
    organizationUrl: server.orgUrl,
    projectId: PROJECT_ID,
    projectName: "Platform",
    name: "ado-integrations-spacelift",
    description: "Spacelift integration outputs",
    variables: { "spacelift.Client_Id": { value, isSecret: false } },
    owner,
    ...overrides,
  };
}

const deletes = (): string[] => server.calls.filter((c) => c.method === "DELETE").map((c) => c.path);

describe("variable groups", () => {
  it("writes the stack's marker on create, keeps it out of the description in state, and records the group as created", async () => {
    const created = await variableGroups.create(groupInputs(STACK_A));
    expect(server.state.variableGroup(created.id).description).toBe(
      'Spacelift integration outputs\nManaged by Pulumi stack "ado-integrations/prod" (created by it).',
    );
    expect(created.outs).toMatchObject({ description: "Spacelift integration outputs", createdByStack: true });
    expect(diffVariableGroup(created.outs!, groupInputs(STACK_A)).changes).toBe(false);
  });

  it("refuses an owner the marker line could not carry", () => {
    expect(validateVariableGroupInputs(groupInputs('a"b/dev'))).toEqual(["owner: must be a string without quotes or line breaks"]);
    expect(validateVariableGroupInputs(groupInputs("a/dev\nb"))).toEqual(["owner: must be a string without quotes or line breaks"]);
    expect(validateVariableGroupInputs(groupInputs(STACK_A))).toEqual([]);
  });

  it("a second stack with the same group name fails naming the group and the other stack, and leaves the first group untouched", async () => {
    const first = await variableGroups.create(groupInputs(STACK_A));
    const before = structuredClone(server.state.variableGroup(first.id));
    await expect(variableGroups.create(groupInputs(STACK_B, "from-b"))).rejects.toThrow(
      `variable group "ado-integrations-spacelift" (id ${first.id}) already exists in project ${PROJECT_ID} and is not managed by this stack ("ado-integrations/staging"); ` +
        'its description names Pulumi stack "ado-integrations/prod": ask whoever runs that stack to rename or delete it, or give this integration another group name. ' +
        'To let this stack manage it and leave it in place on destroy, add the line "Managed by Pulumi stack \\"ado-integrations/staging\\" (adopted; destroy leaves it)." ' +
        "at the end of its description and run `pulumi up` again",
    );
    expect(server.state.variableGroup(first.id)).toEqual(before);
    expect(server.calls.filter((c) => c.method === "PUT")).toEqual([]);
  });

  it("fails on a group of the same name made by hand (no marker), saying whom to ask", async () => {
    // A group without a marker, as a person or an older program makes it.
    const handMade = await variableGroups.create(groupInputs("", "by-hand"));
    await expect(variableGroups.create(groupInputs(STACK_A))).rejects.toThrow(
      `variable group "ado-integrations-spacelift" (id ${handMade.id}) already exists in project ${PROJECT_ID} and is not managed by this stack ("ado-integrations/prod"); ` +
        "it carries no stack marker, so someone made it by hand or another tool did: ask whoever manages it (the Library page shows who created it) to rename or delete it",
    );
    expect(server.state.variableGroup(handMade.id).variables).toEqual({ "spacelift.Client_Id": { value: "by-hand" } });
  });

  it("adopts its own group again when state was lost, still as created, so destroy deletes it", async () => {
    const first = await variableGroups.create(groupInputs(STACK_A));
    const again = await variableGroups.create(groupInputs(STACK_A, "again"));
    expect(again.id).toBe(first.id);
    expect(again.outs).toMatchObject({ createdByStack: true });
    server.calls.length = 0;
    await variableGroups.delete!(again.id, again.outs!);
    expect(deletes()).toEqual([expect.stringMatching(new RegExp(`/variablegroups/${first.id}$`))]);
    expect(() => server.state.variableGroup(first.id)).toThrow();
  });

  it("adopts a group its owner marked for this stack, and destroy leaves it in place", async () => {
    const handMade = await variableGroups.create(groupInputs("", "by-hand", { description: "Shared outputs" }));
    server.state.variableGroup(handMade.id).description = `Shared outputs\n${ownerMarker(STACK_A, false)}`;
    const adopted = await variableGroups.create(groupInputs(STACK_A, "from-a", { description: "Shared outputs" }));
    expect(adopted.id).toBe(handMade.id);
    expect(adopted.outs).toMatchObject({ createdByStack: false, description: "Shared outputs" });
    // The adopted marker survives the adopting PUT and later updates.
    expect(server.state.variableGroup(handMade.id).description).toBe(`Shared outputs\n${ownerMarker(STACK_A, false)}`);
    const updated = await variableGroups.update!(adopted.id, adopted.outs!, groupInputs(STACK_A, "changed", { description: "Shared outputs" }));
    expect(updated.outs).toMatchObject({ createdByStack: false });
    expect(server.state.variableGroup(handMade.id).description).toBe(`Shared outputs\n${ownerMarker(STACK_A, false)}`);
    server.calls.length = 0;
    await variableGroups.delete!(adopted.id, updated.outs!);
    expect(deletes()).toEqual([]);
    expect(server.state.variableGroup(handMade.id).variables).toEqual({ "spacelift.Client_Id": { value: "changed" } });
  });

  it("keeps createdByStack through refresh", async () => {
    const handMade = await variableGroups.create(groupInputs("", "by-hand"));
    server.state.variableGroup(handMade.id).description = `Spacelift integration outputs\n${ownerMarker(STACK_A, false)}`;
    const adopted = await variableGroups.create(groupInputs(STACK_A));
    const read = await variableGroups.read!(adopted.id, adopted.outs!);
    expect(read.props).toMatchObject({ createdByStack: false, description: "Spacelift integration outputs" });
  });

  it("state from before the flag: no change on preview, and destroy deletes the group as before", async () => {
    const created = await variableGroups.create(groupInputs(""));
    const { createdByStack: _dropped, ...oldState } = created.outs! as VariableGroupState;
    expect(oldState).not.toHaveProperty("createdByStack");
    // The program now passes an owner the old inputs lacked: neither a change nor a replacement.
    expect(diffVariableGroup(oldState, groupInputs(STACK_A))).toEqual({ changes: false, replaces: [], changed: [] });
    server.calls.length = 0;
    await variableGroups.delete!(created.id, oldState);
    expect(deletes()).toHaveLength(1);
    expect(() => server.state.variableGroup(created.id)).toThrow();
  });

  it("a group made by an old program version gains the marker on its next update, still counted as created", async () => {
    const created = await variableGroups.create(groupInputs(""));
    const updated = await variableGroups.update!(created.id, created.outs!, groupInputs(STACK_A, "changed"));
    expect(server.state.variableGroup(created.id).description).toBe(`Spacelift integration outputs\n${ownerMarker(STACK_A, true)}`);
    expect(updated.outs).toMatchObject({ description: "Spacelift integration outputs" });
    expect(updated.outs).not.toHaveProperty("createdByStack", false);
  });
});

describe("service principal entitlements", () => {
  const spInputs = (accessLevel: EntitlementInputs["accessLevel"]): EntitlementInputs => ({
    organizationUrl: server.orgUrl,
    servicePrincipalObjectId: SP_OBJECT_ID,
    accessLevel,
    projects: [{ projectId: PROJECT_ID, group: "Contributors" }],
  });

  it("a principal this stack added is removed on delete", async () => {
    const created = await servicePrincipalEntitlements.create(spInputs("basic"));
    expect(created.outs).toMatchObject({ createdByStack: true });
    server.calls.length = 0;
    await servicePrincipalEntitlements.delete!(created.id, created.outs!);
    expect(deletes()).toHaveLength(1);
    expect(server.state.entitlements.size).toBe(0);
  });

  it("a principal already in the organization (another access level) is not removed on delete", async () => {
    // Someone else added the principal first, as a Stakeholder.
    const existing = await servicePrincipalEntitlements.create(spInputs("stakeholder"));
    const ours = await servicePrincipalEntitlements.create(spInputs("basic"));
    expect(ours.id).toBe(existing.id);
    expect(ours.outs).toMatchObject({ createdByStack: false, accountLicenseType: "express" });
    const read = await servicePrincipalEntitlements.read!(ours.id, ours.outs!);
    expect(read.props).toMatchObject({ createdByStack: false });
    const updated = await servicePrincipalEntitlements.update!(ours.id, read.props!, spInputs("advanced"));
    expect(updated.outs).toMatchObject({ createdByStack: false });
    server.calls.length = 0;
    await servicePrincipalEntitlements.delete!(ours.id, updated.outs!);
    expect(deletes()).toEqual([]);
    expect(server.state.entitlement(ours.id).originId).toBe(SP_OBJECT_ID);
  });

  it("state from before the flag: destroy removes the principal as before", async () => {
    const created = await servicePrincipalEntitlements.create(spInputs("basic"));
    const { createdByStack: _dropped, ...oldState } = created.outs! as EntitlementState;
    await servicePrincipalEntitlements.delete!(created.id, oldState);
    expect(server.state.entitlements.size).toBe(0);
  });
});
