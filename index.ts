import * as pulumi from "@pulumi/pulumi";
import { ConfigError, readStackConfig } from "./components/config";
import { buildStack, type StackDeps, type StackOutputs } from "./components/stack";

/**
 * The program. `pulumi up` calls an exported function with no arguments, so a
 * real run gets every default dependency; the offline plan calls it with its
 * stand-ins (components/offline/evaluate.ts). Config is read and validated
 * once; every problem is reported before any resource exists.
 *
 * A function rather than a promise made at load: the runtime awaits what it
 * returns at once, so a config error is never an unhandled rejection (Node
 * would print a PromiseRejectionHandledWarning next to it).
 */
async function program(deps: StackDeps = {}): Promise<StackOutputs> {
  const now = deps.now ?? new Date();
  try {
    return await buildStack(readStackConfig(now, deps.readEnv), { ...deps, now });
  } catch (e) {
    // RunError ends the program with its message only: no stack trace for a config mistake.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

export = program;
