/**
 * An expired PAT, or one inside its warning window, holds back only its own
 * handoff: the PatReference hands the tool what its PatHandoff kept, and a
 * run that held a new PAT back fails at its end with one line. The mocks
 * answer the PatHandoff as the plugin would, from `handedBefore`.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PatModel } from "../../components/config/model";
import { handoffRefusal, PatReference, type PatReferenceArgs } from "../../components/credentials/pat-reference";
import { TOKENS } from "../../provider/schema";
import { SECRET_SIG, useResourceMocks } from "../azure-devops/mocks";
import { specialSecretSig } from "@pulumi/pulumi/runtime/rpc";
import { isSecretOutput, NOW, promiseOf } from "../helpers";

/** What the PatHandoff holds in state before this run; undefined: it echoes the offered PAT (a fit one, or one handed before). */
let handedBefore: string | undefined;
const registered = useResourceMocks("pat-that-must-not-leak-Tz5q", (args) => (args.type === TOKENS.patHandoff && handedBefore !== undefined ? { value: handedBefore } : {}));

/** Rejections nobody handled, which is how a held handoff fails the run; caught here instead of by the test runner. */
const unhandled: string[] = [];
const seen = new Set<unknown>();
// One rejection reaches Node through more than one promise; the Pulumi runtime reports each error once, and so does this.
const onUnhandled = (reason: unknown) => {
  if (seen.has(reason)) return;
  seen.add(reason);
  unhandled.push(pulumi.RunError.isInstance(reason) ? `RunError: ${reason.message}` : String(reason));
};
let runnerListeners: NodeJS.UnhandledRejectionListener[] = [];
beforeEach(() => {
  registered.length = 0;
  handedBefore = undefined;
  unhandled.length = 0;
  seen.clear();
  runnerListeners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.removeListener("unhandledRejection", onUnhandled);
  for (const l of runnerListeners) process.on("unhandledRejection", l);
});

const ORG = "https://dev.azure.com/contoso";
const STORED = "the-pat-stored-in-config-Rk37";
const declaration = (expiresOn: string, overrides: Partial<PatModel> = {}): PatModel => ({
  source: { kind: "config", key: "spaceliftPat" },
  expiresOn,
  scopes: ["vso.code_write"],
  neededScopes: ["vso.code_write"],
  allOrganizations: false,
  expiryWarningDays: 30,
  testConnection: false,
  ...overrides,
});
const args = (pat: PatModel, overrides: Partial<PatReferenceArgs> = {}): PatReferenceArgs => ({
  pat,
  organizationUrl: ORG,
  secret: () => pulumi.secret(STORED),
  now: NOW,
  integration: "spacelift",
  ...overrides,
});

/** Lets the component's output registration run, and any rejection in it reach the listener. */
async function finished(pat: PatReference): Promise<void> {
  await promiseOf(pat.refusal);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A value as the mocks receive it when it is secret. */
const sealed = (value: string) => ({ [SECRET_SIG]: specialSecretSig, value });
const handoffInputs = () => registered.filter((r) => r.type === TOKENS.patHandoff).map((r) => [r.name, r.inputs]);

describe("PatReference's handoff", () => {
  it("hands over a fit PAT as a secret and fails nothing", async () => {
    const pat = new PatReference("spacelift-pat", args(declaration("2027-01-31")));
    await finished(pat);
    expect(handoffInputs()).toEqual([["spacelift-pat-handoff", { value: sealed(STORED), fit: true }]]);
    expect(await promiseOf(pat.value)).toBe(STORED);
    expect(await isSecretOutput(pat.value)).toBe(true);
    expect(await promiseOf(pat.refusal)).toBeUndefined();
    expect(unhandled).toEqual([]);
  });

  it("leaves an expired PAT the tool already holds where it is: no failure, the config's one warning is all", async () => {
    handedBefore = STORED;
    const pat = new PatReference("spacelift-pat", args(declaration("2026-11-01")));
    await finished(pat);
    expect(handoffInputs()).toEqual([["spacelift-pat-handoff", { value: sealed(STORED), fit: false }]]);
    expect(await promiseOf(pat.value)).toBe(STORED);
    expect(await promiseOf(pat.refusal)).toBeUndefined();
    expect(unhandled).toEqual([]);
  });

  it("holds back a new PAT inside its warning window: the tool keeps the PAT it had, and the run fails at its end with one line", async () => {
    handedBefore = "the-pat-handed-last-month-Pw19";
    const pat = new PatReference("spacelift-pat", args(declaration("2026-12-10")));
    await finished(pat);
    const expected =
      "integration spacelift: pat: the PAT in config key spaceliftPat was not handed to the tool, the tool keeps the PAT it was handed before: the PAT expires on 2026-12-10, in 18 days (warning window 30 days): rotate it";
    expect(await promiseOf(pat.value)).toBe("the-pat-handed-last-month-Pw19");
    expect(await promiseOf(pat.refusal)).toBe(expected);
    expect(unhandled).toEqual([`RunError: ${expected}`]);
  });

  it("hands a new integration nothing when its first PAT is expired, and says so", async () => {
    handedBefore = "";
    const pat = new PatReference("spacelift-pat", args(declaration("2026-11-01", { expiryWarningDays: 7 })));
    await finished(pat);
    const expected =
      "integration spacelift: pat: the PAT in config key spaceliftPat was not handed to the tool, the tool has no PAT yet: the PAT expired on 2026-11-01 (21 days ago): create a new one, store it, and update expiresOn";
    expect(await promiseOf(pat.value)).toBe("");
    expect(unhandled).toEqual([`RunError: ${expected}`]);
  });

  it("does not test the connection of a PAT it will not hand over", async () => {
    const asked: string[] = [];
    handedBefore = STORED;
    const pat = new PatReference("checked", args(declaration("2026-11-01", { testConnection: true }), { testConnection: async (_o, _p, source) => void asked.push(source) }));
    await finished(pat);
    expect(asked).toEqual([]);
    const fit = new PatReference("checked-fit", args(declaration("2027-01-31", { testConnection: true }), { testConnection: async (_o, _p, source) => void asked.push(source) }));
    await finished(fit);
    expect(asked).toEqual(["the PAT in config key spaceliftPat"]);
  });

  it("passes a Key Vault reference through the handoff, readable", async () => {
    const uri = "https://kv.vault.azure.net/secrets/ado-pat";
    const pat = new PatReference("kv", args(declaration("2027-01-31", { source: { kind: "keyVault", uri } })));
    await finished(pat);
    expect(await promiseOf(pat.value)).toBe(`@Microsoft.KeyVault(SecretUri=${uri})`);
    expect(await isSecretOutput(pat.value)).toBe(false);
  });
});

describe("handoffRefusal", () => {
  it("names the integration, the PAT's source, what the tool keeps, and why", () => {
    expect(handoffRefusal("bytebase", "the PAT in environment variable ADO_PAT_BYTEBASE", "the PAT expired on 2026-11-21 (1 day ago): create a new one, store it, and update expiresOn", true)).toBe(
      "integration bytebase: pat: the PAT in environment variable ADO_PAT_BYTEBASE was not handed to the tool, the tool keeps the PAT it was handed before: the PAT expired on 2026-11-21 (1 day ago): create a new one, store it, and update expiresOn",
    );
  });
});
