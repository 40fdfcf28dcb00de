import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "../../components/entra/published-ids";
import { ResourcePrincipals } from "../../components/entra/resource-principals";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "../../components/entra/scopes";
import { promiseOf } from "../helpers";

const CLIENT_CONFIG = "azuread:index/getClientConfig:getClientConfig";
const SERVICE_PRINCIPALS = "azuread:index/getServicePrincipals:getServicePrincipals";
const SERVICE_PRINCIPAL = "azuread:index/getServicePrincipal:getServicePrincipal";
const TENANT = "00000000-0000-4000-8000-0000000000aa";
const CALLER = "00000000-0000-4000-8000-0000000000cc";

const registered: pulumi.runtime.MockResourceArgs[] = [];
const calls: pulumi.runtime.MockCallArgs[] = [];
/** Whether the tenant has the Azure DevOps service principal (a fresh tenant does not). */
let tenantHasAzureDevOps = true;

beforeAll(() =>
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.name}_id`, state: args.inputs };
      },
      call: (args) => {
        calls.push(args);
        switch (args.token) {
          case CLIENT_CONFIG:
            return { tenantId: TENANT, objectId: CALLER, clientId: "deployer" };
          case SERVICE_PRINCIPALS:
            return { servicePrincipals: tenantHasAzureDevOps ? [{ clientId: AZURE_DEVOPS_APP_ID }] : [] };
          case SERVICE_PRINCIPAL:
            return args.inputs.clientId === AZURE_DEVOPS_APP_ID ? { oauth2PermissionScopeIds: { "vso.code": "tenant-code-id" } } : { oauth2PermissionScopeIds: { "User.Read": "graph-user-read-id" } };
          default:
            throw new Error(`unexpected call ${args.token}`);
        }
      },
    },
    "ado-integrations",
    "test",
    false,
  ),
);
beforeEach(() => {
  registered.length = 0;
  calls.length = 0;
  tenantHasAzureDevOps = true;
});

async function resolved(p: ResourcePrincipals) {
  return {
    tenantId: await promiseOf(p.tenantId),
    callerObjectId: await promiseOf(p.callerObjectId),
    azureDevOpsScopeIds: await promiseOf(p.azureDevOpsScopeIds),
    azureDevOpsScopeSource: await promiseOf(p.azureDevOpsScopeSource),
    graphScopeIds: await promiseOf(p.graphScopeIds),
  };
}

describe("ResourcePrincipals", () => {
  it("registers only itself, with no inputs in its state: every principal is looked up, none created", async () => {
    const p = new ResourcePrincipals("tenant", { needsAzureDevOps: true, needsGraph: true });
    await resolved(p);
    expect(registered.map((r) => [r.type, r.name, r.inputs])).toEqual([["ado-integrations:entra:ResourcePrincipals", "tenant", {}]]);
  });

  it("looks up only the tenant and the caller when no integration needs scopes", async () => {
    const p = new ResourcePrincipals("tenant", { needsAzureDevOps: false, needsGraph: false });
    expect(await resolved(p)).toEqual({ tenantId: TENANT, callerObjectId: CALLER, azureDevOpsScopeIds: {}, azureDevOpsScopeSource: "none", graphScopeIds: {} });
    expect(calls.map((c) => c.token)).toEqual([CLIENT_CONFIG]);
  });

  it("reads the Azure DevOps scope IDs from the tenant's principal when it is there", async () => {
    const p = new ResourcePrincipals("tenant", { needsAzureDevOps: true, needsGraph: false });
    const r = await resolved(p);
    expect([r.azureDevOpsScopeIds, r.azureDevOpsScopeSource, r.graphScopeIds]).toEqual([{ "vso.code": "tenant-code-id" }, "tenant", {}]);
    expect(calls.filter((c) => c.token !== CLIENT_CONFIG).map((c) => [c.token, c.inputs])).toEqual([
      [SERVICE_PRINCIPALS, { clientIds: [AZURE_DEVOPS_APP_ID], ignoreMissing: true }],
      [SERVICE_PRINCIPAL, { clientId: AZURE_DEVOPS_APP_ID }],
    ]);
  });

  it("falls back to Microsoft's published IDs in a tenant without the Azure DevOps principal", async () => {
    tenantHasAzureDevOps = false;
    const p = new ResourcePrincipals("tenant", { needsAzureDevOps: true, needsGraph: false });
    const r = await resolved(p);
    expect([r.azureDevOpsScopeIds, r.azureDevOpsScopeSource]).toEqual([PUBLISHED_AZURE_DEVOPS_SCOPE_IDS, "published"]);
    expect(calls.map((c) => c.token)).not.toContain(SERVICE_PRINCIPAL);
  });

  it("looks up Microsoft Graph's principal only when Graph scopes are needed", async () => {
    const p = new ResourcePrincipals("tenant", { needsAzureDevOps: false, needsGraph: true });
    const r = await resolved(p);
    expect([r.graphScopeIds, r.azureDevOpsScopeSource]).toEqual([{ "User.Read": "graph-user-read-id" }, "none"]);
    expect(calls.filter((c) => c.token !== CLIENT_CONFIG).map((c) => [c.token, c.inputs])).toEqual([[SERVICE_PRINCIPAL, { clientId: MICROSOFT_GRAPH_APP_ID }]]);
  });
});
