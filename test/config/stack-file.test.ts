import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../components/config/messages";
import { referencedSecretKeys } from "../../components/config/parse";
import { UsageError, chooseStack, parseStackFile, setSecretCommand, standInUnsetSecrets } from "../../components/offline/stack-file";

const NS = "ado-integrations";

/** The problems parseStackFile reports for a text, or a failure when it accepts it. */
function problems(lines: readonly string[]): readonly string[] {
  try {
    parseStackFile(lines.join("\n"), "Pulumi.x.yaml", NS);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the stack file to be rejected");
}

describe("YAML syntax errors are config errors naming the file and the 1-based line", () => {
  it("a line indented wrongly is named where it is", () => {
    expect(
      problems([
        "config:", // 1
        "  ado-integrations:organization: contoso", // 2
        "  ado-integrations:integrations:", // 3
        "    - name: gitpod", // 4
        "      preset: gitpod", // 5
        "     mode: oauth", // 6: one space short
      ]),
    ).toEqual(["Pulumi.x.yaml line 6: not valid YAML: Sequence item without - indicator"]);
  });

  it("an unclosed quote is named on the line it opens, not where the file ends", () => {
    expect(problems(["config:", "  ado-integrations:organization: 'contoso", "  ado-integrations:integrations: []", ""])).toEqual([
      "Pulumi.x.yaml line 2: not valid YAML: Missing closing 'quote (the ' on this line is never closed)",
    ]);
    expect(problems(["config:", "  ado-integrations:organization: contoso", '  ado-integrations:x: "abc', "  ado-integrations:y:", "    - 1", ""])).toEqual([
      'Pulumi.x.yaml line 3: not valid YAML: Missing closing "quote (the " on this line is never closed)',
    ]);
  });

  it("an unclosed bracket is named on the line it opens", () => {
    expect(problems(["config:", "  ado-integrations:integrations:", "    - projects: [infra, payments", "      events: [git.push]", ""])).toEqual([
      "Pulumi.x.yaml line 3: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (the [ on this line is never closed)",
    ]);
  });

  it("a repeated key and a tab are named on their lines", () => {
    expect(problems(["config:", "  ado-integrations:organization: a", "  ado-integrations:organization: b"])).toEqual(["Pulumi.x.yaml line 3: not valid YAML: Map keys must be unique"]);
    expect(problems(["config:", "\tado-integrations:organization: a"])).toEqual(["Pulumi.x.yaml line 2: not valid YAML: Tabs are not allowed as indentation"]);
  });

  it("never quotes the file's text back (it may hold a pasted secret), and stops after five lines", () => {
    const secretish = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    const found = problems(["config:", `  ado-integrations:organization: {a: b}} ${secretish}`, `  x: {{ ${secretish}`, `  }} ${secretish} : : {`, `- ${secretish}`, `}`]);
    expect(found.join("\n")).not.toContain(secretish);
    expect(found.length).toBeLessThanOrEqual(6);
    expect(found[found.length - 1]).toMatch(/^Pulumi\.x\.yaml: \d+ more YAML errors? after these: fix the first and plan again$/);
  });
});

describe("keys the program would never read", () => {
  it("a key without the namespace, one in a misspelt namespace, and one outside config: are named with their lines", () => {
    expect(
      problems([
        "ado-integrations:configStore: {kind: stackOutputs}", // 1
        "config:", // 2
        "  organization: contoso", // 3
        "  ado-integration:integrations: []", // 4
        "  azuread:tenantId: 00000000-0000-0000-0000-000000000000", // 5: another program's namespace is fine
      ]),
    ).toEqual([
      "Pulumi.x.yaml line 1: ado-integrations:configStore is outside config: indent it under config:",
      'Pulumi.x.yaml line 3: config key "organization" has no namespace: write it as ado-integrations:organization',
      'Pulumi.x.yaml line 4: config key "ado-integration:integrations" is in namespace "ado-integration", which this program does not read: write it as ado-integrations:integrations',
    ]);
  });

  it("a well-formed file parses to its document", () => {
    expect(parseStackFile("config:\n  ado-integrations:organization: contoso\n  azuread:tenantId: t\n", "Pulumi.x.yaml", NS)).toEqual({
      config: { "ado-integrations:organization": "contoso", "azuread:tenantId": "t" },
    });
  });
});

describe("the stack name", () => {
  const dir = "/repo";
  it("comes from --stack, else the file name Pulumi.<name>.yaml, else the default, and says which", () => {
    expect(chooseStack(dir, {})).toEqual({ stack: "dev", from: "the default (no --stack or --stack-file)", file: path.join(dir, "Pulumi.dev.yaml") });
    expect(chooseStack(dir, { stack: "prod" })).toEqual({ stack: "prod", from: "--stack", file: path.join(dir, "Pulumi.prod.yaml") });
    expect(chooseStack(dir, { stackFile: "/tmp/Pulumi.team-a.yaml" })).toEqual({ stack: "team-a", from: "the file name Pulumi.team-a.yaml", file: "/tmp/Pulumi.team-a.yaml" });
    expect(chooseStack(dir, { stack: "prod", stackFile: "/tmp/Pulumi.team-a.yaml" })).toEqual({ stack: "prod", from: "--stack", file: "/tmp/Pulumi.team-a.yaml" });
    expect(chooseStack(dir, { stackFile: "/tmp/spacelift.yaml" })).toEqual({
      stack: "dev",
      from: "the default (spacelift.yaml is not named Pulumi.<name>.yaml; choose with --stack)",
      file: "/tmp/spacelift.yaml",
    });
  });

  it("a stack name that could leave its folder is a usage error", () => {
    expect(() => chooseStack(dir, { stack: "../prod" })).toThrow(new UsageError("--stack ../prod: a stack name is letters, digits, '-', '_' or '.'"));
  });
});

describe("secret keys a stack file does not set", () => {
  it("get stand-ins and are listed, in order, each once; keys that are set are left alone", () => {
    const doc = {
      config: {
        "ado-integrations:integrations": [
          { name: "a", pat: { secret: "aPat" }, serviceHooks: { passwordSecret: "hookPassword" } },
          { name: "b", pat: { secret: "aPat" } },
        ],
        "ado-integrations:hookPassword": { secure: "v1:abc" },
      },
    };
    const { doc: filled, unset } = standInUnsetSecrets(doc, NS);
    expect(unset).toEqual(["aPat"]);
    expect((filled as typeof doc).config).toEqual({ ...doc.config, "ado-integrations:aPat": { secure: "unset" } });
    expect(setSecretCommand("team-a", NS, "aPat")).toBe("pulumi config set --secret --stack team-a ado-integrations:aPat");
  });

  it("a pasted value or a malformed name is not a key to set (the config module reports it)", () => {
    expect(referencedSecretKeys([{ pat: { secret: "ghp_abcdefghijklmnopqrstuvwxyz0123456789" } }, { serviceHooks: { passwordSecret: "1bad" } }, { pat: { secret: "good.key" } }])).toEqual(["good.key"]);
  });
});
