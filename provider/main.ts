// The plugin's entry point, compiled to provider/dist by `npm run build`
// (which `npm ci` runs as `prepare`) and started by the launcher script beside
// this file. It serves the engine's gRPC calls until the engine stops it.
import { main } from "@pulumi/pulumi/provider";
import { AzureDevOpsIntegrationsProvider } from "./provider";
import { readWithoutPropertiesAsEmpty } from "./rpc-fixes";

readWithoutPropertiesAsEmpty();
main(new AzureDevOpsIntegrationsProvider(), process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
