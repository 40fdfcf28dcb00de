import { describe, expect, it } from "vitest";
import { ServicePrincipalEntitlement } from "../../components/azure-devops/service-principal-entitlement";
import { TOKENS } from "../../provider/schema";
import { promiseOf } from "../helpers";
import { useResourceMocks } from "./mocks";

const PAT = "pat-that-must-not-leak-Sp5k";
const TYPE = TOKENS.servicePrincipalEntitlement;
const registered = useResourceMocks(PAT);

describe("ServicePrincipalEntitlement", () => {
  it("has the plugin's type token and explicit inputs, with no provider code and no credential", async () => {
    const entitlement = new ServicePrincipalEntitlement("terrakube-sp", {
      organizationUrl: "https://dev.azure.com/contoso",
      servicePrincipalObjectId: "92e26ce8-8e7c-4555-bdab-813b34b8e53a",
      accessLevel: "basic",
      projects: [{ projectId: "c944c983-e90b-4499-938a-5897ea954ace", group: "Contributors" }],
    });
    await promiseOf(entitlement.urn);
    const resource = registered.find((r) => r.name === "terrakube-sp")!;
    expect(resource.type).toBe(TYPE);
    expect(resource.inputs).toEqual({
      organizationUrl: "https://dev.azure.com/contoso",
      servicePrincipalObjectId: "92e26ce8-8e7c-4555-bdab-813b34b8e53a",
      accessLevel: "basic",
      projects: [{ projectId: "c944c983-e90b-4499-938a-5897ea954ace", group: "Contributors" }],
    });
    expect(JSON.stringify(resource.inputs)).not.toContain(PAT);
  });

  it("defaults projects to none", async () => {
    const entitlement = new ServicePrincipalEntitlement("no-projects", { servicePrincipalObjectId: "92e26ce8-8e7c-4555-bdab-813b34b8e53a", accessLevel: "stakeholder" });
    await promiseOf(entitlement.urn);
    expect(registered.find((r) => r.name === "no-projects")!.inputs).toMatchObject({ accessLevel: "stakeholder", projects: [] });
  });
});
