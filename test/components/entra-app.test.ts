import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { EntraApp, type EntraAppArgs } from "../../components/entra/app";
import { resolveScopeIds, type ResourcePrincipals } from "../../components/entra/resource-principals";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "../../components/entra/scopes";
import { TOKENS } from "../../provider/schema";
import { isSecretOutput, NOW, promiseOf } from "../helpers";
import { useResourceMocks } from "../azure-devops/mocks";
import { captureChildren } from "./capture";

const APP = "azuread:index/application:Application";
const OWNER = "ffffffff-0000-4000-8000-000000000001";
const SP = "azuread:index/servicePrincipal:ServicePrincipal";
const PASSWORD = "azuread:index/applicationPassword:ApplicationPassword";
const TENANT = "00000000-0000-4000-8000-0000000000aa";
const CALLER = "00000000-0000-4000-8000-0000000000cc";
const RECORDED = TOKENS.recordedValue;

/** The creator a RecordedValue already holds in state, as the plugin would answer; undefined for a first run. */
let recordedCreator: string | undefined;
// Echo the inputs and add what Entra assigns, so the outputs the component derives can be read;
// a recorded creator answers with what state holds, as the plugin does once it exists.
const registered = useResourceMocks("pat-that-must-not-leak-Ct7w", (args) =>
  args.type === RECORDED
    ? { ...(recordedCreator !== undefined && { value: recordedCreator }) }
    : { clientId: `${args.name}-client-id`, objectId: `${args.name}-object-id`, ...(args.type === PASSWORD && { value: `${args.name}-value` }) },
);
beforeEach(() => {
  registered.length = 0;
  recordedCreator = undefined;
});

/** Stand-in for the shared lookups: only the outputs EntraApp reads, with `caller` running `up`. */
const principalsOf = (caller: string) =>
  ({
    tenantId: pulumi.output(TENANT),
    callerObjectId: pulumi.output(caller),
    azureDevOpsScopeIds: pulumi.output({ "vso.code": "ado-code-id", "vso.project": "ado-project-id" }),
    graphScopeIds: pulumi.output({ "User.Read": "graph-user-read-id" }),
  }) as unknown as ResourcePrincipals;
const principals = principalsOf(CALLER);

const args = (overrides: Partial<EntraAppArgs> = {}): EntraAppArgs => ({ displayName: "Gitpod (contoso, dev)", principals, now: NOW, ...overrides });

async function settled(app: EntraApp): Promise<void> {
  await promiseOf(app.clientSecret!);
  await promiseOf(app.servicePrincipalObjectId);
}

const byType = (type: string) => registered.filter((r) => r.type === type);

describe("EntraApp", () => {
  it("registers an application, its service principal and two secret slots, named from its own name, all parented to it", async () => {
    const { seen, transformations } = captureChildren();
    const app = new EntraApp("gitpod", args(), { transformations });
    await settled(app);
    expect(seen.map((r) => [r.type, r.name])).toEqual([
      [RECORDED, "gitpod-creator"],
      [APP, "gitpod-app"],
      [SP, "gitpod-sp"],
      [PASSWORD, "gitpod-secret-a"],
      [PASSWORD, "gitpod-secret-b"],
    ]);
    expect(seen.every((r) => r.parent === app)).toBe(true);
    expect(registered.find((r) => r.name === "gitpod")!.type).toBe("ado-integrations:entra:EntraApp");
    // No input lands in the component's own state.
    expect(registered.find((r) => r.name === "gitpod")!.inputs).toEqual({});
  });

  it("applies its defaults: no redirect, no scopes, single tenant, the caller as sole owner, no tags, 180-day rotation", async () => {
    const app = new EntraApp("bare", args());
    await settled(app);
    const [application] = byType(APP);
    expect(application!.inputs).toEqual({ displayName: "Gitpod (contoso, dev)", signInAudience: "AzureADMyOrg", owners: [CALLER], requiredResourceAccesses: [], preventDuplicateNames: true });
    expect(byType(SP)[0]!.inputs).toEqual({ clientId: "bare-app-client-id", owners: [CALLER] });
    expect(byType(PASSWORD).map((p) => p.inputs.rotateWhenChanged.periodDays)).toEqual(["180", "180"]);
    expect(app.rotation.a.end.getTime() - app.rotation.a.start.getTime()).toBe(180 * 86_400_000);
  });

  it("passes redirects, resolved scope IDs, sorted owners with the caller, and tags", async () => {
    const app = new EntraApp(
      "full",
      args({
        redirectUris: ["https://gitpod.example.com/cb"],
        adoScopes: ["vso.code", "vso.project"],
        graphScopes: ["User.Read"],
        idTokens: true,
        owners: ["ffffffff-0000-4000-8000-000000000001", CALLER],
        signInAudience: "AzureADMultipleOrgs",
        tags: ["ado-integrations"],
        secretRotationDays: 30,
      }),
    );
    await settled(app);
    expect(byType(APP)[0]!.inputs).toEqual({
      displayName: "Gitpod (contoso, dev)",
      signInAudience: "AzureADMultipleOrgs",
      owners: [CALLER, "ffffffff-0000-4000-8000-000000000001"],
      web: { redirectUris: ["https://gitpod.example.com/cb"], implicitGrant: { idTokenIssuanceEnabled: true } },
      requiredResourceAccesses: [
        { resourceAppId: AZURE_DEVOPS_APP_ID, resourceAccesses: [{ id: "ado-code-id", type: "Scope" }, { id: "ado-project-id", type: "Scope" }] },
        { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccesses: [{ id: "graph-user-read-id", type: "Scope" }] },
      ],
      tags: ["ado-integrations"],
      preventDuplicateNames: true,
    });
    expect(byType(PASSWORD).map((p) => p.inputs.rotateWhenChanged.periodDays)).toEqual(["30", "30"]);
    expect(await promiseOf(app.tokenUrl)).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(await promiseOf(app.redirectUris)).toEqual(["https://gitpod.example.com/cb"]);
  });

  it("hands out the current slot's secret, as a Pulumi secret", async () => {
    const app = new EntraApp("secret", args());
    expect(await promiseOf(app.clientSecret!)).toBe(`secret-secret-${app.rotation.current}-value`);
    expect(await isSecretOutput(app.clientSecret!)).toBe(true);
  });

  it.each([0, 731, 90.5, -1])("refuses secretRotationDays %s, naming the arg and the range", (days) => {
    expect(() => new EntraApp("rotation", args({ secretRotationDays: days }))).toThrow(
      `EntraApp rotation: secretRotationDays must be a whole number from 1 to 730 (got ${days})`,
    );
  });

  it.each([
    [31, 60, "must be a whole number of days from 0 to half of secretRotationDays (30) (got 31)"],
    [-1, 180, "must be a whole number of days from 0 to half of secretRotationDays (90) (got -1)"],
    [2.5, 180, "must be a whole number of days from 0 to half of secretRotationDays (90) (got 2.5)"],
  ])("refuses secretMinValidityDays %s with a %s-day rotation, naming the arg and the range", (min, period, message) => {
    expect(() => new EntraApp("minimum", args({ secretMinValidityDays: min, secretRotationDays: period }))).toThrow(`EntraApp minimum: secretMinValidityDays ${message}`);
  });

  it("creates a new app's secrets with at least the minimum validity: slot b, due to end the next day, takes its next window", async () => {
    // 2026-12-02T12:00Z: slot a's 180-day window runs to 2027-03-03, slot b's to 2026-12-03, half a day away.
    const now = new Date("2026-12-02T12:00:00Z");
    const app = new EntraApp("fresh", args({ now }));
    await settled(app);
    expect(byType(PASSWORD).map((p) => p.inputs.endDate)).toEqual(["2027-03-03T00:00:00Z", "2027-06-01T00:00:00Z"]);
    expect(byType(PASSWORD).map((p) => p.inputs.displayName)).toEqual(["ado-integrations slot a (rotates 2027-03-03)", "ado-integrations slot b (rotates 2027-06-01)"]);
    // Each slot takes its next window 30 days (the default minimum) before its secret ends; b is the newer.
    expect(await promiseOf(app.secretRotation!)).toEqual({
      current: "b",
      slots: [
        { slot: "a", rotatesOn: "2027-02-01T00:00:00Z" },
        { slot: "b", rotatesOn: "2027-05-02T00:00:00Z" },
      ],
    });
    // With a minimum of 0, the old behaviour: slot b's secret would end the next day.
    const unguarded = new EntraApp("unguarded", args({ now, secretMinValidityDays: 0 }));
    await settled(unguarded);
    expect(byType(PASSWORD).filter((p) => p.name.startsWith("unguarded")).map((p) => p.inputs.endDate)).toEqual(["2027-03-03T00:00:00Z", "2026-12-03T00:00:00Z"]);
  });

  it("records the identity that first created the app and makes it an owner with the configured ones", async () => {
    const app = new EntraApp("first", args({ owners: [OWNER] }));
    await settled(app);
    expect(byType(RECORDED).map((r) => [r.name, r.inputs])).toEqual([["first-creator", { value: CALLER }]]);
    expect(byType(APP)[0]!.inputs.owners).toEqual([CALLER, OWNER]);
    expect(byType(SP)[0]!.inputs.owners).toEqual([CALLER, OWNER]);
    expect(await promiseOf(app.owners)).toEqual([CALLER, OWNER]);
  });

  it("keeps owners at config + the first creator when another identity runs up afterwards", async () => {
    const ci = "00000000-0000-4000-8000-00000000c1c1";
    const developer = "00000000-0000-4000-8000-00000000de7e";
    // Run 1, by CI: nothing recorded yet, so CI is recorded.
    const byCi = new EntraApp("tool", args({ owners: [OWNER], principals: principalsOf(ci) }));
    await settled(byCi);
    const first = { app: byType(APP)[0]!.inputs.owners, sp: byType(SP)[0]!.inputs.owners };
    // Run 2, by a developer: state holds CI as the creator; the developer is only offered.
    registered.length = 0;
    recordedCreator = ci;
    const byDeveloper = new EntraApp("tool", args({ owners: [OWNER], principals: principalsOf(developer) }));
    await settled(byDeveloper);
    expect(byType(RECORDED)[0]!.inputs).toEqual({ value: developer });
    expect(first).toEqual({ app: [ci, OWNER].sort(), sp: [ci, OWNER].sort() });
    expect(byType(APP)[0]!.inputs.owners).toEqual([ci, OWNER].sort());
    expect(byType(SP)[0]!.inputs.owners).toEqual([ci, OWNER].sort());
    expect(byType(APP)[0]!.inputs.owners).not.toContain(developer);
  });

  it("registers nothing below it when it refuses its args", () => {
    const { seen, transformations } = captureChildren();
    expect(() => new EntraApp("refused", args({ secretRotationDays: 0 }), { transformations })).toThrow();
    expect(seen).toEqual([]);
  });
});

describe("resolveScopeIds", () => {
  it("maps scope names to the IDs the principal publishes, in order", () => {
    expect(resolveScopeIds("Azure DevOps", ["vso.project", "vso.code"], { "vso.code": "1", "vso.project": "2" })).toEqual(["2", "1"]);
  });

  it("names every scope the principal does not publish", () => {
    expect(() => resolveScopeIds("Azure DevOps", ["vso.code", "vso.cod", "vso.projekt"], { "vso.code": "1" })).toThrow(
      "the Azure DevOps service principal in this tenant does not publish the delegated scope(s) vso.cod, vso.projekt",
    );
  });
});
