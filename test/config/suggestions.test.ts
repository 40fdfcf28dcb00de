import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../components/config";
import { PRESET_NAMES } from "../../components/presets/types";
import { configSource, NOW } from "../helpers";

const gitpod = { name: "gitpod", preset: "gitpod", entraApp: { redirectUris: ["https://gitpod.contoso.example/auth/azure-devops/callback"] } };

function problemsOf(values: Record<string, unknown>): readonly string[] {
  try {
    parseStackConfig(configSource(values), { now: NOW });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the config to be rejected");
}

describe("an unknown preset", () => {
  // From the list, whatever presets it holds: presets are added over time.
  it.each(PRESET_NAMES.filter((n) => n.length >= 5))("one letter short of %s suggests it", (name) => {
    const typo = `${name.slice(0, 3)}${name.slice(4)}`;
    expect(problemsOf({ organization: "contoso", integrations: [{ ...gitpod, preset: typo }] })).toEqual([`integrations[0].preset: unknown preset "${typo}" (did you mean "${name}"?)`]);
  });

  it("far from every preset lists them all", () => {
    expect(problemsOf({ organization: "contoso", integrations: [{ ...gitpod, preset: "jenkins" }] })).toEqual([`integrations[0].preset: unknown preset "jenkins": use ${PRESET_NAMES.join(", ")}`]);
  });
});

describe("unknown keys suggest the closest key the schema has, read through zod's public API", () => {
  it("in a block of an integration", () => {
    expect(problemsOf({ organization: "contoso", integrations: [{ ...gitpod, entraApp: { ...gitpod.entraApp, secretRotationDay: 90 } }] })).toEqual([
      'integrations[0].entraApp.secretRotationDay: unknown key (did you mean "secretRotationDays"?)',
    ]);
  });

  it("in a variant of the configStore union", () => {
    expect(problemsOf({ organization: "contoso", integrations: [gitpod], configStore: { kind: "variableGroup", project: "infra", nmae: "x" } })).toEqual([
      'configStore.nmae: unknown key (did you mean "name"?)',
    ]);
  });

  it("parse.ts reads no private zod internals", () => {
    const source = readFileSync(path.join(__dirname, "../../components/config/parse.ts"), "utf8");
    expect(source.match(/_zod|\._def\b/g)).toBeNull();
  });
});
