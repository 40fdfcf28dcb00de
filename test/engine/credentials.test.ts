/**
 * Credentials that outlive whoever deployed them, through the real engine
 * and the provider plugin: an app's owners stay the configured ones plus the
 * identity that first created it, whoever runs `up` next; a PAT inside its
 * warning window is held back from the tool while the rest of the run (a
 * client-secret rotation) is applied, and the run fails with one line.
 */
import { describe, expect, it } from "vitest";
import { startLoopback } from "../loopback/server";
import { engine, perTest } from "./engine-bin";
import { EngineProject } from "./harness";

const { bin, reason } = engine();

const CI = "00000000-0000-4000-8000-00000000c1c1";
const DEVELOPER = "00000000-0000-4000-8000-00000000de7e";
const CONFIGURED = "ffffffff-0000-4000-8000-000000000001";
const P1 = "engine-pat-one-Kx81mQ";
const P2 = "engine-pat-two-Vb37nR";
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const config = (patExpiresOn: string, rotationDays: number) => ({
  "ado-integrations:integrations": [
    { name: "tool", preset: "custom", pat: { secret: "toolPat", expiresOn: patExpiresOn, scopes: ["vso.code"] }, fields: { Token: "pat" } },
    { name: "rotating", preset: "custom", entraApp: { scopes: ["vso.code"], owners: [CONFIGURED], secretRotationDays: rotationDays }, fields: { "Client secret": "clientSecret" } },
  ],
});

describe.skipIf(!bin)(`engine: owners and PAT handoff across runs${bin ? "" : ` (skipped: ${reason})`}`, () => {
  const held = perTest();

  it("keeps owners at config + the first creator across identities, and holds back an unfit PAT while the rotation goes through", async () => {
    const server = (held.server = await startLoopback({ projects: [] }));
    const project = (held.project = new EngineProject(bin!, server));
    await project.initStack("creds", config(inDays(200), 180), { toolPat: P1 });
    const asCi = { env: { STANDIN_CALLER_OBJECT_ID: CI } };
    const asDeveloper = { env: { STANDIN_CALLER_OBJECT_ID: DEVELOPER } };
    const outputs = async () => JSON.parse((await project.ok(["stack", "output", "--stack", "creds", "--json", "--show-secrets"])).stdout) as { fields: Record<string, Record<string, string>> };
    const appOwners = async () => {
      const { deployment } = await project.exportState("creds");
      const of = (type: string) => deployment.resources!.find((r) => r.type === type)!.outputs!.owners;
      return [of("azuread:index/application:Application"), of("azuread:index/servicePrincipal:ServicePrincipal")];
    };

    // Run 1, by CI: CI is recorded as the creator, and the fit PAT is handed over.
    await project.ok(["up", "--stack", "creds", "--yes", "--non-interactive", "--skip-preview"], asCi);
    expect(await appOwners()).toEqual([[CI, CONFIGURED].sort(), [CI, CONFIGURED].sort()]);
    const first = await outputs();
    expect(first.fields.tool!.Token).toBe(P1);

    // A developer's preview wants no change, and their `up` leaves CI an owner.
    await project.ok(["preview", "--stack", "creds", "--expect-no-changes", "--non-interactive"], asDeveloper);
    await project.ok(["up", "--stack", "creds", "--yes", "--non-interactive", "--skip-preview"], asDeveloper);
    expect(await appOwners()).toEqual([[CI, CONFIGURED].sort(), [CI, CONFIGURED].sort()]);

    // Run 3: a new PAT that expires in 5 days, and a shorter rotation period that replaces both client secrets.
    project.editConfig("creds", (c) => Object.assign(c, config(inDays(5), 90)));
    await project.ok(["config", "set", "--stack", "creds", "--secret", "ado-integrations:toolPat", "--", P2]);
    const run = await project.pulumi(["up", "--stack", "creds", "--yes", "--non-interactive", "--skip-preview"], asCi);
    expect(run.code).not.toBe(0);
    const refusal = `integration tool: pat: the PAT in config key toolPat was not handed to the tool, the tool keeps the PAT it was handed before: the PAT expires on ${inDays(5)}, in 5 days (warning window 30 days): rotate it`;
    // The CLI lists each diagnostic once under Diagnostics: one warning for the PAT, one error for the hold.
    const diagnostics = run.output.slice(run.output.indexOf("Diagnostics:"), run.output.indexOf("Outputs:")).split("\n").map((l) => l.trim());
    expect(diagnostics.filter((l) => l.includes("pat.expiresOn") || l.includes("not handed"))).toEqual([
      `warning: tool: pat.expiresOn: the PAT expires on ${inDays(5)}, in 5 days (warning window 30 days): rotate it`,
      `error: ${refusal}`,
    ]);
    expect(run.output).not.toContain(P2);
    const after = await outputs();
    // Held: the tool keeps P1. Applied: the rotated client secret reached the store.
    expect(after.fields.tool!.Token).toBe(P1);
    expect(after.fields.rotating!["Client secret"]).not.toBe(first.fields.rotating!["Client secret"]);
    expect((await project.exportState("creds")).text).not.toContain(P2);
  });
});
