import * as pulumi from "@pulumi/pulumi";
import { beforeAll } from "vitest";

/** The key Pulumi marks a secret value with in the inputs the mocks receive. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * Registers a beforeAll that sets AZDO_PERSONAL_ACCESS_TOKEN to `pat` (a value
 * no serialized provider may contain) and installs Pulumi mocks that echo each
 * resource's inputs as its state. Returns every resource registered, in order.
 * Each test file gets its own mocks: it runs in its own process (pool: forks).
 */
export function useResourceMocks(pat: string): pulumi.runtime.MockResourceArgs[] {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  beforeAll(async () => {
    process.env.AZDO_PERSONAL_ACCESS_TOKEN = pat;
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}_id`, state: args.inputs };
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
