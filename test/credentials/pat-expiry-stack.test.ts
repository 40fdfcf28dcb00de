/**
 * A whole stack with an expired PAT and one inside its window, evaluated
 * offline: the config is not refused, the other integration's client-secret
 * slots and the hooks are all planned, no policy (not even prod's
 * all-mandatory config) reports the dates, and each PAT gets exactly one
 * warning with its own configured window. Offline the program prints none
 * itself: the plan prints the list once (test/plan-cli.test.ts); under the
 * engine it goes to the engine's log once (test/components/stack.test.ts).
 */
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { evaluateStack } from "../../components/offline/evaluate";
import { loadPolicyConfig, runPolicies } from "../../policies/policies";
import { TOKENS } from "../../provider/schema";
import { NOW, stackDoc } from "../helpers";

const root = path.resolve(__dirname, "../..");
const PLACEHOLDER = { secure: "v1:Zm9vYmFyLW5vdC1hLXJlYWwta2V5:placeholder" };

const doc = stackDoc({
  organization: "contoso",
  integrations: [
    {
      name: "expired",
      preset: "custom",
      pat: { secret: "expiredPat", expiresOn: "2026-11-01", scopes: ["vso.code"] },
      fields: { Token: "pat" },
    },
    {
      name: "soon",
      preset: "custom",
      pat: { secret: "soonPat", expiresOn: "2026-11-27", expiryWarningDays: 7, scopes: ["vso.code"] },
      fields: { Token: "pat" },
    },
    {
      name: "rotating",
      preset: "custom",
      entraApp: { scopes: ["vso.code"] },
      fields: { "Client ID": "clientId", "Client secret": "clientSecret" },
    },
  ],
  expiredPat: PLACEHOLDER,
  soonPat: PLACEHOLDER,
});

const EXPECTED_WARNINGS = [
  "expired: pat.expiresOn: the PAT expired on 2026-11-01 (21 days ago): create a new one, store it, and update expiresOn",
  "soon: pat.expiresOn: the PAT expires on 2026-11-27, in 5 days (warning window 7 days): rotate it",
];

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  // Under the mock runtime pulumi.log.warn prints through console.warn.
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

describe("a stack with an expired PAT and one about to expire", () => {
  it("plans everything else, hands each PAT to its handoff marked unfit, and no policy blocks the run", async () => {
    const e = await evaluateStack({ projectDir: root, stack: "dev", stackDoc: doc, now: NOW });
    const of = (type: string) => e.resources.filter((r) => r.type === type).map((r) => r.name);
    expect(of("azuread:index/applicationPassword:ApplicationPassword")).toEqual(["rotating-secret-a", "rotating-secret-b"]);
    expect(of(TOKENS.patHandoff)).toEqual(["expired-pat-handoff", "soon-pat-handoff"]);
    expect(e.recorded.filter((r) => r.type === TOKENS.patHandoff).map((r) => r.inputs.fit)).toEqual([false, false]);
    for (const config of [{}, loadPolicyConfig("dev"), loadPolicyConfig("prod")]) {
      expect(runPolicies(e.resources, config, NOW).filter((r) => r.resource.endsWith("-pat"))).toEqual([]);
    }
  });

  it("lists exactly one warning per PAT, each with its own window, and prints none itself offline", async () => {
    const e = await evaluateStack({ projectDir: root, stack: "dev", stackDoc: doc, now: NOW });
    expect(e.outputs.warnings).toEqual(EXPECTED_WARNINGS);
    expect(warn.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("pat.expiresOn"))).toEqual([]);
  });
});
