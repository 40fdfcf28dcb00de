import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import type { PatModel } from "../../components/config/model";
import { PatReference, type PatReferenceArgs } from "../../components/credentials/pat-reference";
import { TOKENS } from "../../provider/schema";
import { useResourceMocks } from "../azure-devops/mocks";
import { isSecretOutput, NOW, promiseOf } from "../helpers";
import { captureChildren } from "./capture";

// Construction errors of pat.env (a reserved or non-ADO_PAT_ name, a variable not set) are in test/credentials/pat-reference.test.ts.
const registered = useResourceMocks("pat-that-must-not-leak-6Rn4");
beforeEach(() => {
  registered.length = 0;
});

const ORG = "https://dev.azure.com/contoso";
const declaration = (source: PatModel["source"], overrides: Partial<PatModel> = {}): PatModel => ({
  source,
  expiresOn: "2027-01-31",
  scopes: ["vso.code_write"],
  neededScopes: ["vso.code"],
  allOrganizations: false,
  expiryWarningDays: 30,
  testConnection: false,
  ...overrides,
});
const args = (pat: PatModel, overrides: Partial<PatReferenceArgs> = {}): PatReferenceArgs => ({
  pat,
  organizationUrl: ORG,
  secret: (key) => pulumi.secret(`value-of-${key}`),
  now: NOW,
  ...overrides,
});

describe("PatReference", () => {
  it("registers itself, with the declaration (never the value) as its state, and its handoff below it", async () => {
    const { seen, transformations } = captureChildren();
    const pat = new PatReference("spacelift-pat", args(declaration({ kind: "config", key: "spaceliftPat" }), { integration: "spacelift", preset: "spacelift" }), { transformations });
    // The URN resolves once the registration is done; the value once the handoff's is.
    await promiseOf(pat.urn);
    await promiseOf(pat.value);
    expect(seen.map((r) => [r.type, r.name, r.parent === pat])).toEqual([[TOKENS.patHandoff, "spacelift-pat-handoff", true]]);
    expect(registered.map((r) => [r.type, r.name])).toEqual([
      ["ado-integrations:credentials:PatReference", "spacelift-pat"],
      [TOKENS.patHandoff, "spacelift-pat-handoff"],
    ]);
    expect(registered[0]!.inputs).toEqual({
      sourceKind: "config",
      expiresOn: "2027-01-31",
      scopes: ["vso.code_write"],
      neededScopes: ["vso.code"],
      allOrganizations: false,
      expiryWarningDays: 30,
      integration: "spacelift",
      preset: "spacelift",
    });
  });

  it("leaves integration and preset out of the declaration when not given", async () => {
    const pat = new PatReference("bare", args(declaration({ kind: "config", key: "k" })));
    await promiseOf(pat.urn);
    expect(Object.keys(registered.find((r) => r.name === "bare")!.inputs)).not.toContain("integration");
    expect(Object.keys(registered.find((r) => r.name === "bare")!.inputs)).not.toContain("preset");
  });

  it("reads a config-key PAT through secret(), and says where it came from", async () => {
    const pat = new PatReference("config", args(declaration({ kind: "config", key: "spaceliftPat" })));
    expect(await promiseOf(pat.value)).toBe("value-of-spaceliftPat");
    expect(await isSecretOutput(pat.value)).toBe(true);
    expect(await promiseOf(pat.source)).toBe("the PAT in config key spaceliftPat");
    expect([await promiseOf(pat.expiresOn), await promiseOf(pat.scopes)]).toEqual(["2027-01-31", ["vso.code_write"]]);
    // 2026-11-22 to 2027-01-31.
    expect(await promiseOf(pat.daysLeft)).toBe(70);
  });

  it("passes a Key Vault reference on as a reference and never tests it", async () => {
    const asked: string[] = [];
    const uri = "https://kv.vault.azure.net/secrets/ado-pat";
    const pat = new PatReference("kv", args(declaration({ kind: "keyVault", uri }, { testConnection: true }), { testConnection: async (_o, _p, s) => void asked.push(s) }));
    expect(await promiseOf(pat.value)).toBe(`@Microsoft.KeyVault(SecretUri=${uri})`);
    expect(await promiseOf(pat.source)).toBe(`the PAT in Key Vault secret ${uri}`);
    expect(asked).toEqual([]);
  });

  it("treats an empty environment variable as not set", () => {
    expect(() => new PatReference("empty-env", args(declaration({ kind: "env", name: "ADO_PAT_SPACELIFT" }), { readEnv: () => "" }))).toThrow(
      "integration empty-env: pat.env names ADO_PAT_SPACELIFT, which is not set in this environment",
    );
  });
});
