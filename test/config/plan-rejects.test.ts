import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateStack } from "../../components/offline/evaluate";
import type { OfflineMocks } from "../../components/offline/mocks";
import { NOW } from "../helpers";
import { cases, gitpod, secrets, spacelift } from "./cases";

const root = path.resolve(__dirname, "../..");

/**
 * The stack file a user would write for these values: every referenced secret
 * key set, with `secure:` unless the case says the key was set in plain text.
 */
function stackDocFor(values: Record<string, unknown>, secretKeys?: readonly string[]) {
  const text = JSON.stringify(values);
  const referenced = Object.fromEntries(Object.entries(secrets).filter(([k]) => text.includes(`"${k}"`)));
  const keys = secretKeys ?? Object.keys(referenced);
  const all: Record<string, unknown> = { ...referenced, ...values };
  const config = Object.fromEntries(
    Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [`ado-integrations:${k}`, keys.includes(k) ? { secure: `v1:dGVzdA==:${k}` } : v]),
  );
  return { config };
}

/** Runs the real program for a stack document; returns the error message and what got registered. */
async function plan(doc: unknown): Promise<{ message?: string; registered: number }> {
  let mocks: OfflineMocks | undefined;
  try {
    await evaluateStack({ projectDir: root, stack: "test", stackDoc: doc, now: NOW, onMocks: (m) => (mocks = m) });
    return { registered: mocks!.resources.length };
  } catch (e) {
    return { message: (e as Error).message, registered: mocks?.resources.length ?? 0 };
  }
}

describe("each invalid config fails the plan with its message, before any resource is registered", () => {
  it.each(cases)("%s", async (_name, values, expected, keys) => {
    const r = await plan(stackDocFor(values, keys));
    expect(r.message).toBe(`invalid stack config (${expected.length} problem${expected.length === 1 ? "" : "s"}):\n${expected.map((l) => `  ${l}`).join("\n")}`);
    expect(r.registered).toBe(0);
  });

  it("a project that does not exist stops the run with nothing created", async () => {
    const r = await plan(
      stackDocFor({
        organization: "contoso",
        integrations: [gitpod, { ...spacelift, serviceHooks: { ...spacelift.serviceHooks, projects: ["infra", "billing-*"] } }],
      }),
    );
    expect(r.message).toBe(
      'invalid stack config (1 problem):\n  integrations[1].serviceHooks.projects: projects not found: "billing-*" (no project name matches this pattern) in https://dev.azure.com/contoso',
    );
    expect(r.registered).toBe(0);
  });

  it("a valid config registers resources (the check above can tell the difference)", async () => {
    const r = await plan(stackDocFor({ organization: "contoso", integrations: [gitpod] }));
    expect(r.message).toBeUndefined();
    expect(r.registered).toBeGreaterThan(0);
  });
});
