import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { VariableGroup } from "../../components/azure-devops/variable-group";
import { TOKENS } from "../../provider/schema";
import { promiseOf } from "../helpers";
import { SECRET_SIG, useResourceMocks } from "./mocks";

const PAT = "pat-that-must-not-leak-Vg3r";
const SECRET = "vg-resource-secret-Pq9sT4";
const TYPE = TOKENS.variableGroup;
const PROJECT_ID = "11111111-1111-4111-8111-111111111111";
const registered = useResourceMocks(PAT);

beforeEach(() => {
  registered.length = 0;
});

async function registration(group: VariableGroup, name: string): Promise<pulumi.runtime.MockResourceArgs> {
  await promiseOf(group.urn);
  const found = registered.find((r) => r.name === name);
  expect(found).toBeDefined();
  return found!;
}

describe("VariableGroup", () => {
  it("has the plugin's type token, with no provider code, credential or plain secret in its inputs", async () => {
    const group = new VariableGroup("store", {
      projectId: PROJECT_ID,
      projectName: "platform",
      name: "ado-integrations",
      variables: pulumi.secret({ "x.Client_Secret": { value: SECRET, isSecret: true } }),
    });
    const resource = await registration(group, "store");
    expect(resource.type).toBe(TYPE);
    expect(Object.keys(resource.inputs).sort()).toEqual(["name", "owner", "projectId", "projectName", "variables"]);
    // The stack's marker defaults to <project>/<stack>, so two stacks with one group name tell their groups apart.
    expect(resource.inputs.owner).toBe(`${pulumi.getProject()}/${pulumi.getStack()}`);
    const outsideEnvelopes = JSON.stringify(resource.inputs, (_k, v) => (v && typeof v === "object" && v[SECRET_SIG] ? "[wrapped]" : v));
    expect(outsideEnvelopes).not.toContain(PAT);
    expect(outsideEnvelopes).not.toContain(SECRET);
  });

  it("wraps the variables as a secret when any is secret, even when the caller forgot", async () => {
    const group = new VariableGroup("forgot", {
      projectId: PROJECT_ID,
      projectName: "platform",
      name: "ado-integrations",
      variables: { "x.Client_Id": { value: "id", isSecret: false }, "x.Client_Secret": { value: SECRET, isSecret: true } },
    });
    const resource = await registration(group, "forgot");
    const inputs = resource.inputs as Record<string, unknown>;
    expect(inputs).toMatchObject({ projectId: PROJECT_ID, projectName: "platform", name: "ado-integrations", variables: { [SECRET_SIG]: expect.any(String) } });
    // Inside the envelope the engine encrypts it; nowhere outside may it appear.
    const outsideEnvelopes = JSON.stringify(inputs, (_k, v) => (v && typeof v === "object" && v[SECRET_SIG] ? "[wrapped]" : v));
    expect(outsideEnvelopes).not.toContain(SECRET);
  });

  it("leaves plain variables readable, so drift in them can be shown", async () => {
    const group = new VariableGroup("plain", {
      projectId: PROJECT_ID,
      projectName: "platform",
      name: "ado-integrations",
      description: "outputs",
      variables: { "x.Url": { value: "https://x.example.com", isSecret: false } },
    });
    const resource = await registration(group, "plain");
    expect(resource.inputs).toMatchObject({ description: "outputs", variables: { "x.Url": { value: "https://x.example.com", isSecret: false } } });
  });
});
