import { describe, expect, it } from "vitest";
import { ServicePrincipalEntitlement } from "../../components/azure-devops/service-principal-entitlement";
import { promiseOf } from "../helpers";
import { useResourceMocks } from "./mocks";

const PAT = "pat-that-must-not-leak-Sp5k";
const TYPE = "pulumi-nodejs:dynamic/azure-devops:ServicePrincipalEntitlement";
const registered = useResourceMocks(PAT);

describe("ServicePrincipalEntitlement", () => {
  it("has the dynamic type token, explicit inputs, and a small serialized provider that holds no credential", async () => {
    const entitlement = new ServicePrincipalEntitlement("terrakube-sp", {
      organizationUrl: "https://dev.azure.com/contoso",
      servicePrincipalObjectId: "92e26ce8-8e7c-4555-bdab-813b34b8e53a",
      accessLevel: "basic",
      projects: [{ projectId: "c944c983-e90b-4499-938a-5897ea954ace", group: "Contributors" }],
    });
    await promiseOf(entitlement.urn);
    const resource = registered.find((r) => r.name === "terrakube-sp")!;
    expect(resource.type).toBe(TYPE);
    const { __provider, ...inputs } = resource.inputs as Record<string, unknown>;
    expect(inputs).toEqual({
      organizationUrl: "https://dev.azure.com/contoso",
      servicePrincipalObjectId: "92e26ce8-8e7c-4555-bdab-813b34b8e53a",
      accessLevel: "basic",
      projects: [{ projectId: "c944c983-e90b-4499-938a-5897ea954ace", group: "Contributors" }],
    });
    const providerText = String(__provider);
    const bytes = Buffer.byteLength(providerText);
    console.info(`serialized ServicePrincipalEntitlement provider: ${bytes} bytes`);
    expect(bytes).toBeLessThan(3072);
    expect(providerText).toContain("components/azure-devops/runtime/index.ts");
    expect(providerText).toContain("createEntitlement");
    expect(providerText).not.toContain(PAT);
    expect(providerText).not.toMatch(/__vite|__vi_import|zod/);
  });

  it("defaults projects to none", async () => {
    const entitlement = new ServicePrincipalEntitlement("no-projects", { servicePrincipalObjectId: "92e26ce8-8e7c-4555-bdab-813b34b8e53a", accessLevel: "stakeholder" });
    await promiseOf(entitlement.urn);
    expect(registered.find((r) => r.name === "no-projects")!.inputs).toMatchObject({ accessLevel: "stakeholder", projects: [] });
  });
});
