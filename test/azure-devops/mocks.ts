import * as pulumi from "@pulumi/pulumi";
import { beforeAll } from "vitest";

/** The key Pulumi marks a secret value with in the inputs the mocks receive. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * Registers a beforeAll that sets AZDO_PERSONAL_ACCESS_TOKEN to `pat` (a value
 * no registered input may contain) and installs Pulumi mocks that answer each
 * resource with its inputs as state, plus what `addState` adds (the outputs a
 * provider would assign). Returns every resource registered, in order. Each
 * test file gets its own mocks: it runs in its own process (pool: forks).
 */
export function useResourceMocks(pat: string, addState: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> = () => ({})): pulumi.runtime.MockResourceArgs[] {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  beforeAll(async () => {
    process.env.AZDO_PERSONAL_ACCESS_TOKEN = pat;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}_id`, state: { ...args.inputs, ...addState(args) } };
        },
        call: (args) => args.inputs,
      },
      "ado-integrations",
      "test",
      false,
    );
  });
  return registered;
}
