import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PatModel } from "../../components/config/model";
import { PatReference, type PatConnectionTest } from "../../components/credentials/pat-reference";
import { evaluateStack, settle } from "../../components/offline/evaluate";
import { isSecretOutput, NOW, promiseOf } from "../helpers";

const ORG = "https://dev.azure.com/contoso";
const ENV_NAME = "ADO_PAT_REFERENCE_TEST";
const ENV_PAT = "pat-from-the-process-environment-4Hs8";

const envPat = (testConnection: boolean): PatModel => ({
  source: { kind: "env", name: ENV_NAME },
  expiresOn: "2027-01-31",
  scopes: ["vso.code_write"],
  neededScopes: ["vso.code_write"],
  allOrganizations: false,
  expiryWarningDays: 30,
  testConnection,
});

let registrations = 0;

/** Mocks that echo inputs. Installed once, and again after an offline plan, which installs its own. */
function installEchoMocks(): Promise<void> {
  const newResource = (args: pulumi.runtime.MockResourceArgs) => {
    registrations++;
    return { id: `${args.name}_id`, state: args.inputs };
  };
  return pulumi.runtime.setMocks({ newResource, call: (args) => args.inputs }, "ado-integrations", "test", false);
}

/** A checker that records what it was asked and accepts. */
function recordingCheck(): { check: PatConnectionTest; asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    check: async (organizationUrl, pat, source) => {
      asked.push([organizationUrl, pat, source]);
    },
  };
}

beforeAll(installEchoMocks);
beforeEach(() => {
  process.env[ENV_NAME] = ENV_PAT;
});
afterEach(async () => {
  // A component finishes registering after the test's last await; the mocks must still be there when it does.
  await settle(() => registrations);
  delete process.env[ENV_NAME];
});

describe("PatReference", () => {
  const secret = (key: string) => pulumi.secret(`config-${key}`);

  it("reads a pat.env PAT from the process environment by default, as a secret", async () => {
    const pat = new PatReference("default-env", { pat: envPat(false), organizationUrl: ORG, secret });
    expect(await promiseOf(pat.value)).toBe(ENV_PAT);
    expect(await isSecretOutput(pat.value)).toBe(true);
  });

  it("reads a pat.env PAT through the reader it is given instead", async () => {
    const read: string[] = [];
    const readEnv = (name: string) => {
      read.push(name);
      return "pat-from-the-reader-9Jd2";
    };
    const pat = new PatReference("injected-env", { pat: envPat(false), organizationUrl: ORG, secret, readEnv });
    expect(await promiseOf(pat.value)).toBe("pat-from-the-reader-9Jd2");
    expect(read).toEqual([ENV_NAME]);
  });

  it("names the variable when the reader has no value for it", () => {
    expect(() => new PatReference("unset-env", { pat: envPat(false), organizationUrl: ORG, secret, readEnv: () => undefined })).toThrow(
      `integration unset-env: pat.env names ${ENV_NAME}, which is not set in this environment`,
    );
  });

  it.each(["PULUMI_ACCESS_TOKEN", "SPACELIFT_PAT"])("refuses to read %s, a variable pat.env may not name, and never reads it", (envName) => {
    const read: string[] = [];
    const model: PatModel = { ...envPat(false), source: { kind: "env", name: envName } };
    const readEnv = (name: string) => {
      read.push(name);
      return "deployment-secret-8Kq1";
    };
    const expected =
      envName === "PULUMI_ACCESS_TOKEN"
        ? "integration refused: pat.env: PULUMI_ACCESS_TOKEN is one of the deployment's own variables (PULUMI_*), which a stack config must not hand to a tool: put the tool's PAT in a variable named ADO_PAT_<NAME> and name that"
        : "integration refused: pat.env: must name a variable starting with ADO_PAT_ (such as ADO_PAT_SPACELIFT), set for this PAT by whoever runs the deployment";
    expect(() => new PatReference("refused", { pat: model, organizationUrl: ORG, secret, readEnv })).toThrow(expected);
    expect(read).toEqual([]);
  });

  it("runs the checker it is given when the declaration asks for testConnection", async () => {
    const { check, asked } = recordingCheck();
    const pat = new PatReference("checked", { pat: envPat(true), organizationUrl: ORG, secret, testConnection: check });
    expect(await promiseOf(pat.value)).toBe(ENV_PAT);
    expect(asked).toEqual([[ORG, ENV_PAT, `the PAT in environment variable ${ENV_NAME}`]]);
  });

  it("does not run the checker when the declaration does not ask for it", async () => {
    const { check, asked } = recordingCheck();
    const pat = new PatReference("unchecked", { pat: envPat(false), organizationUrl: ORG, secret, testConnection: check });
    await promiseOf(pat.value);
    expect(asked).toEqual([]);
  });
});

describe("after an offline plan in the same process", () => {
  const root = path.resolve(__dirname, "../..");

  // The plan hands its stand-ins to the program it evaluates; no flag outlives it for
  // other components to read (the plan used to set one on globalThis and never clear it).
  it("a PatReference still reads the environment and still runs its check", async () => {
    await evaluateStack({ projectDir: root, stack: "example", stackFile: path.join(root, "examples", "spacelift.yaml"), now: NOW });
    await installEchoMocks();

    const { check, asked } = recordingCheck();
    const pat = new PatReference("after-plan", { pat: envPat(true), organizationUrl: ORG, secret: (key) => pulumi.secret(key), testConnection: check });
    expect(await promiseOf(pat.value)).toBe(ENV_PAT);
    expect(asked).toHaveLength(1);
  });
});
