/**
 * The plugin's two state-only resources, RecordedValue and PatHandoff, through
 * the plugin's own methods as the engine calls them. Between runs the engine
 * keeps a resource's old outputs whenever diff finds no change; `run` below
 * does the same, so a sequence of runs reads as the stack's state would.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import { AzureDevOpsIntegrationsProvider } from "../../provider/provider";
import { SCHEMA, TOKENS, secretOutputs } from "../../provider/schema";
import { appOwners } from "../../components/entra/app";

const plugin = new AzureDevOpsIntegrationsProvider();
const urnOf = (token: string, name: string) => `urn:pulumi:dev::ado-integrations::ado-integrations:entra:EntraApp$${token}::${name}`;
const CREATOR = urnOf(TOKENS.recordedValue, "terrakube-creator");
const HANDOFF = urnOf(TOKENS.patHandoff, "spacelift-pat-handoff");
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const revealed = (value: unknown) => (value as { value?: unknown } | undefined)?.value;

type Props = Record<string, unknown>;
interface Stored {
  readonly id: string;
  readonly outs: Props;
}

/** One `pulumi up` of one resource, as the engine runs it: check, then create, or diff and update only on a change. */
async function run(urn: string, inputs: Props, state?: Stored): Promise<Stored & { step: "create" | "same" | "update" }> {
  const { failures } = await plugin.check(urn, state?.outs ?? {}, inputs);
  expect(failures).toEqual([]);
  if (!state) {
    const created = await plugin.create(urn, inputs);
    return { id: created.id, outs: created.outs as Props, step: "create" };
  }
  const diff = await plugin.diff(state.id, urn, state.outs, inputs);
  expect(diff.replaces).toEqual([]);
  if (!diff.changes) return { ...state, step: "same" };
  const updated = await plugin.update(state.id, urn, state.outs, inputs);
  return { id: state.id, outs: updated.outs as Props, step: "update" };
}

const ci = "00000000-0000-4000-8000-00000000c1c1";
const developer = "00000000-0000-4000-8000-00000000de7e";
const configured = "ffffffff-0000-4000-8000-000000000001";

describe("RecordedValue", () => {
  it("keeps the identity of the first run: runs by CI, then a developer, then CI give owners = config + CI", async () => {
    const first = await run(CREATOR, { value: ci });
    const second = await run(CREATOR, { value: developer }, first);
    const third = await run(CREATOR, { value: ci }, second);
    expect([first.step, second.step, third.step]).toEqual(["create", "same", "same"]);
    expect([first.outs, second.outs, third.outs]).toEqual([{ value: ci }, { value: ci }, { value: ci }]);
    expect(appOwners(second.outs.value as string, [configured])).toEqual([ci, configured].sort());
  });

  it("keeps it through a refresh, and never asks for a replacement", async () => {
    const created = await run(CREATOR, { value: developer });
    expect(await plugin.read(created.id, CREATOR, created.outs)).toEqual({ id: created.id, props: { value: developer } });
    expect(await plugin.diff(created.id, CREATOR, created.outs, { value: ci })).toEqual({ changes: false, replaces: [] });
  });

  it("refuses an empty value in check, naming the property", async () => {
    expect((await plugin.check(CREATOR, {}, { value: "" })).failures).toEqual([{ property: "value", reason: "must be a non-empty string" }]);
  });
});

describe("PatHandoff", () => {
  const P1 = "pat-one-handed-over-Mh41";
  const P2 = "pat-two-expiring-soon-Zq82";
  const P3 = "pat-three-fresh-Ub27";

  it("hands over a fit PAT, holds back an unfit replacement, and hands over the next fit one", async () => {
    const first = await run(HANDOFF, { value: secret(P1), fit: true });
    // P1 comes into its warning window, unchanged: nothing to do, the tool keeps P1.
    const unchanged = await run(HANDOFF, { value: secret(P1), fit: false }, first);
    // P2 is stored but expires inside its window: held back, the tool keeps P1.
    const held = await run(HANDOFF, { value: secret(P2), fit: false }, unchanged);
    // P3 is fit: handed over.
    const fixed = await run(HANDOFF, { value: secret(P3), fit: true }, held);
    expect([first.step, unchanged.step, held.step, fixed.step]).toEqual(["create", "same", "same", "update"]);
    expect([first, unchanged, held, fixed].map((r) => revealed(r.outs.value))).toEqual([P1, P1, P1, P3]);
    expect(fixed.outs.fit).toBe(true);
  });

  it("hands the tool nothing when the first PAT it is offered is unfit, and the fit one once it comes", async () => {
    const first = await run(HANDOFF, { value: secret(P2), fit: false });
    const fixed = await run(HANDOFF, { value: secret(P3), fit: true }, first);
    expect([revealed(first.outs.value), revealed(fixed.outs.value)]).toEqual(["", P3]);
  });

  it("returns the handed PAT marked secret, as the schema says", async () => {
    const created = await run(HANDOFF, { value: secret(P1), fit: true });
    expect((created.outs.value as Props)[specialSigKey]).toBe(specialSecretSig);
    expect(secretOutputs(TOKENS.patHandoff)).toEqual(["value"]);
    expect(SCHEMA.resources[TOKENS.patHandoff].inputProperties.value?.secret).toBe(true);
  });

  it("refuses inputs without a PAT or a fit flag, naming both", async () => {
    expect((await plugin.check(HANDOFF, {}, { value: "", fit: "yes" })).failures).toEqual([
      { property: "value", reason: "must be a non-empty string" },
      { property: "fit", reason: "must be true or false" },
    ]);
  });
});
