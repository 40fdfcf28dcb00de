import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { configSource, NOW } from "../helpers";

/** A custom integration with an Entra app, with `entraApp` settings added. */
const withApp = (entraApp: Record<string, unknown>) =>
  configSource({ organization: "contoso", integrations: [{ name: "tool", preset: "custom", entraApp: { scopes: ["vso.code"], ...entraApp }, fields: { "Client ID": "clientId" } }] });

function problemsOf(entraApp: Record<string, unknown>): readonly string[] {
  try {
    parseStackConfig(withApp(entraApp), { now: NOW });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe("entraApp.secretMinValidityDays", () => {
  it("defaults to 30 days, or half the rotation period when that is shorter", () => {
    expect(parseStackConfig(withApp({}), { now: NOW }).integrations[0]!.entraApp!.secretMinValidityDays).toBe(30);
    expect(parseStackConfig(withApp({ secretRotationDays: 20 }), { now: NOW }).integrations[0]!.entraApp!.secretMinValidityDays).toBe(10);
    expect(parseStackConfig(withApp({ secretMinValidityDays: 45 }), { now: NOW }).integrations[0]!.entraApp!.secretMinValidityDays).toBe(45);
  });

  it("refuses more than half the rotation period, naming the key and the bound", () => {
    expect(problemsOf({ secretRotationDays: 60, secretMinValidityDays: 31 })).toEqual([
      "integrations[0].entraApp.secretMinValidityDays: must be a whole number of days from 0 to half of secretRotationDays (30) (got 31)",
    ]);
    expect(problemsOf({ secretMinValidityDays: 91 })).toEqual([
      "integrations[0].entraApp.secretMinValidityDays: must be a whole number of days from 0 to half of secretRotationDays (90) (got 91)",
    ]);
  });

  it("refuses a minimum that would make a secret live over 730 days", () => {
    expect(problemsOf({ secretRotationDays: 730, secretMinValidityDays: 1 })).toEqual([
      "integrations[0].entraApp.secretMinValidityDays: plus secretRotationDays must be at most 730 days, the longest a client secret may live (got 1 + 730)",
    ]);
    expect(parseStackConfig(withApp({ secretRotationDays: 730 }), { now: NOW }).integrations[0]!.entraApp!.secretMinValidityDays).toBe(0);
  });

  it("refuses a negative or fractional number of days", () => {
    expect(problemsOf({ secretMinValidityDays: -1 })).toEqual(["integrations[0].entraApp.secretMinValidityDays: must be at least 0 days"]);
    expect(problemsOf({ secretMinValidityDays: 1.5 })).toEqual(["integrations[0].entraApp.secretMinValidityDays: must be a whole number of days"]);
  });
});
