import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Project, ProjectLookup } from "../../components/azure-devops/lookups";
import { parseStackConfig, type StackConfig } from "../../components/config";
import { VariableGroupStore } from "../../components/config-store/variable-group";
import { settle } from "../../components/offline/evaluate";
import { buildStack } from "../../components/stack";
import { TOKENS } from "../../provider/schema";
import { configSource, NOW, promiseOf } from "../helpers";
import { useResourceMocks } from "../azure-devops/mocks";

// Not a credential any test sets: a component that read the real environment would show it.
const PROCESS_PAT = "process-env-pat-must-not-be-read-3Rk9";
const registered = useResourceMocks("pat-of-the-mock-environment-8Lp1");

const PROJECTS: Project[] = [
  { id: "11111111-1111-4111-8111-111111111111", name: "infra" },
  { id: "22222222-2222-4222-8222-222222222222", name: "platform-api" },
  { id: "33333333-3333-4333-8333-333333333333", name: "platform-web" },
  { id: "44444444-4444-4444-8444-444444444444", name: "website" },
];

const hooks = (name: string, projects: string[]) => ({
  name,
  preset: "spacelift",
  serviceHooks: { url: `https://${name}.app.spacelift.io/webhooks/azure_devops/abc`, passwordSecret: "hookPassword", projects },
  pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] },
});
const SECRETS: Record<string, string> = { hookPassword: "hook-pw-5Tq1", spaceliftPat: "config-pat-7Wm2" };

/** A validated stack config over plain values, with the {@link SECRETS} it references as secret keys. */
function stackConfig(values: Record<string, unknown>): StackConfig {
  const text = JSON.stringify(values);
  const referenced = Object.fromEntries(Object.entries(SECRETS).filter(([key]) => text.includes(`"${key}"`)));
  const source = configSource({ ...referenced, ...values }, Object.keys(referenced));
  return { ...parseStackConfig(source, { now: NOW }), secret: (key) => pulumi.secret(SECRETS[key]!) };
}

/** A lookup that answers {@link PROJECTS} and records every organization it is asked for. */
function recordingLookup(): { lookup: ProjectLookup; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (organizationUrl) => {
      asked.push(organizationUrl);
      return PROJECTS;
    },
  };
}

const ofType = (type: string) => registered.filter((r) => r.type === type);

beforeEach(async () => {
  // Registrations finish after a test's last await; let the previous test's land before counting afresh.
  await settle(() => registered.length);
  registered.length = 0;
  process.env.ADO_PAT_SPACELIFT = PROCESS_PAT;
});
afterAll(() => {
  delete process.env.ADO_PAT_SPACELIFT;
});

describe("buildStack's project lookup", () => {
  it("is asked once per run, and every component selects from the list it returned", async () => {
    const { lookup, asked } = recordingLookup();
    const config = stackConfig({
      organization: "contoso",
      integrations: [hooks("first", ["infra", "platform-*"]), hooks("second", ["website"])],
      configStore: { kind: "variableGroup", project: "platform-web", name: "ado-integrations-test" },
    });
    const outputs = await buildStack(config, { projectLookup: lookup, now: NOW });
    const first = outputs.integrations.first!.serviceHooks as { subscriptionIds: pulumi.Output<Record<string, string>> };
    await promiseOf(first.subscriptionIds);
    await promiseOf(outputs.configStore.groupId as pulumi.Output<string>);

    expect(asked).toEqual(["https://dev.azure.com/contoso"]);
    // Spacelift's five events on each selected project.
    const events = ["push", "pr-created", "pr-merged", "pr-updated", "pr-commented"];
    const selected: [string, number][] = [["first-hooks-infra", 0], ["first-hooks-platform-api", 1], ["first-hooks-platform-web", 2], ["second-hooks-website", 3]];
    expect(ofType(TOKENS.serviceHookSubscription).map((r) => [r.name, r.inputs.projectId])).toEqual(
      selected.flatMap(([prefix, p]) => events.map((e) => [`${prefix}-${e}`, PROJECTS[p]!.id])),
    );
    expect(ofType(TOKENS.variableGroup).map((r) => [r.inputs.projectId, r.inputs.projectName])).toEqual([[PROJECTS[2]!.id, "platform-web"]]);
  });

  it("is not asked when nothing in the config selects projects", async () => {
    const lookup: ProjectLookup = () => Promise.reject(new Error("no project lookup expected"));
    const config = stackConfig({
      organization: "contoso",
      integrations: [{ name: "infrakitchen", preset: "infrakitchen", pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_manage"] } }],
    });
    const outputs = await buildStack(config, { projectLookup: lookup, now: NOW });
    expect(outputs.organizationUrl).toBe("https://dev.azure.com/contoso");
  });

  it("stops the run with the lookup's error before any resource is registered", async () => {
    const lookup: ProjectLookup = () => Promise.reject(new Error("Azure DevOps GET /contoso/_apis/projects returned 401: the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected"));
    const config = stackConfig({ organization: "contoso", integrations: [hooks("first", ["infra"])] });
    await expect(buildStack(config, { projectLookup: lookup, now: NOW })).rejects.toThrow("the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected");
    expect(registered).toHaveLength(0);
  });

  it("reports every selector the listed projects do not satisfy as a config error, with nothing registered", async () => {
    const { lookup } = recordingLookup();
    const config = stackConfig({ organization: "contoso", integrations: [hooks("first", ["infra", "billing-*"])] });
    await expect(buildStack(config, { projectLookup: lookup, now: NOW })).rejects.toThrow(
      'integrations[0].serviceHooks.projects: projects not found: "billing-*" (no project name matches this pattern) in https://dev.azure.com/contoso',
    );
    expect(registered).toHaveLength(0);
  });
});

describe("buildStack's PAT dependencies", () => {
  const envPat = (testConnection: boolean) => ({
    organization: "contoso",
    integrations: [{ ...hooks("first", ["infra"]), pat: { env: "ADO_PAT_SPACELIFT", expiresOn: "2027-01-31", scopes: ["vso.code_write"], testConnection } }],
  });

  it("reads a pat.env PAT through the injected reader, never from process.env", async () => {
    const read: string[] = [];
    const outputs = await buildStack(stackConfig(envPat(false)), {
      projectLookup: recordingLookup().lookup,
      now: NOW,
      readEnv: (name) => {
        read.push(name);
        return "injected-pat-2Fv8";
      },
    });
    expect(read).toEqual(["ADO_PAT_SPACELIFT"]);
    const fields = outputs.fields;
    expect(await promiseOf(fields.first!["Personal access token"]!)).toBe("injected-pat-2Fv8");
  });

  it("checks a PAT that asks for testConnection through the injected checker", async () => {
    const checked: [string, string, string][] = [];
    const outputs = await buildStack(stackConfig(envPat(true)), {
      projectLookup: recordingLookup().lookup,
      now: NOW,
      readEnv: () => "injected-pat-2Fv8",
      testPatConnection: async (organizationUrl, pat, source) => {
        checked.push([organizationUrl, pat, source]);
      },
    });
    const fields = outputs.fields;
    await promiseOf(fields.first!["Personal access token"]!);
    expect(checked).toEqual([["https://dev.azure.com/contoso", "injected-pat-2Fv8", "the PAT in environment variable ADO_PAT_SPACELIFT"]]);
  });
});

describe("buildStack's config warnings", () => {
  // A PAT inside its warning window: NOW is 2026-11-22 (test/helpers.ts).
  const soon = {
    organization: "contoso",
    integrations: [{ name: "infrakitchen", preset: "infrakitchen", pat: { secret: "spaceliftPat", expiresOn: "2026-11-27", expiryWarningDays: 7, scopes: ["vso.code_manage"] } }],
  };
  const WARNING = "infrakitchen: pat.expiresOn: the PAT expires on 2026-11-27, in 5 days (warning window 7 days): rotate it";

  it("shows each one once through the engine's log by default, and lists it in the warnings output", async () => {
    const logged = vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
    try {
      const outputs = await buildStack(stackConfig(soon), { projectLookup: recordingLookup().lookup, now: NOW });
      expect(logged.mock.calls.map((c) => c[0])).toEqual([WARNING]);
      expect(outputs.warnings).toEqual([WARNING]);
    } finally {
      logged.mockRestore();
    }
  });

  it("goes to the injected warn instead when one is given (the offline plan prints the list itself)", async () => {
    const logged = vi.spyOn(pulumi.log, "warn").mockImplementation(async () => {});
    const shown: string[] = [];
    try {
      await buildStack(stackConfig(soon), { projectLookup: recordingLookup().lookup, now: NOW, warn: (m) => shown.push(m) });
      expect(shown).toEqual([WARNING]);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});

describe("VariableGroupStore", () => {
  it("throws at construction for a project the organization's list does not have, naming it", () => {
    expect(
      () =>
        new VariableGroupStore("store", {
          organizationUrl: "https://dev.azure.com/contoso",
          project: "billing",
          organizationProjects: PROJECTS,
          groupName: "ado-integrations-test",
          description: "Form values",
          entries: [],
        }),
    ).toThrow('VariableGroupStore store: project: projects not found: "billing" (no project has this name) in https://dev.azure.com/contoso');
  });
});
