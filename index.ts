import * as pulumi from "@pulumi/pulumi";
import { ConfigError, readStackConfig } from "./components/config";
import { now } from "./components/offline/context";
import { buildStack } from "./components/stack";

// Read and validate config once; every problem is reported before any resource exists.
async function main() {
  try {
    const at = now();
    return await buildStack(readStackConfig(at), at);
  } catch (e) {
    // RunError ends the program with its message only: no stack trace for a config mistake.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const stack = main();
// Marks a rejection as handled at once: the Pulumi runtime awaits the export
// only after the module has loaded, and Node would otherwise print a
// PromiseRejectionHandledWarning next to a config error (seen through the
// real engine). The runtime still reports the error and fails the run.
stack.catch(() => undefined);
export = stack;
