import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { VariableGroup } from "../../components/azure-devops/variable-group";
import { promiseOf } from "../helpers";
import { SECRET_SIG, useResourceMocks } from "./mocks";

const PAT = "pat-that-must-not-leak-Vg3r";
const SECRET = "vg-resource-secret-Pq9sT4";
const TYPE = "pulumi-nodejs:dynamic/azure-devops:VariableGroup";
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
  it("has the dynamic type token and a small serialized provider that holds no credential or secret", async () => {
    const group = new VariableGroup("store", {
      projectId: PROJECT_ID,
      projectName: "platform",
      name: "ado-integrations",
      variables: pulumi.secret({ "x.Client_Secret": { value: SECRET, isSecret: true } }),
    });
    const resource = await registration(group, "store");
    expect(resource.type).toBe(TYPE);
    const providerText = (resource.inputs as { __provider: string }).__provider;
    const bytes = Buffer.byteLength(providerText);
    console.info(`serialized VariableGroup provider: ${bytes} bytes`);
    expect(bytes).toBeLessThan(3072);
    expect(providerText).toContain("components/azure-devops/runtime/index.ts");
    expect(providerText).toContain("createVariableGroup");
    expect(providerText).not.toContain(PAT);
    expect(providerText).not.toContain(SECRET);
    expect(providerText).not.toMatch(/__vite|__vi_import|zod/);
  });

  it("wraps the variables as a secret when any is secret, even when the caller forgot", async () => {
    const group = new VariableGroup("forgot", {
      projectId: PROJECT_ID,
      projectName: "platform",
      name: "ado-integrations",
      variables: { "x.Client_Id": { value: "id", isSecret: false }, "x.Client_Secret": { value: SECRET, isSecret: true } },
    });
    const resource = await registration(group, "forgot");
    const { __provider: _provider, ...inputs } = resource.inputs as Record<string, unknown>;
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
