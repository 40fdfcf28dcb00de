import * as pulumi from "@pulumi/pulumi";
import { OfflineMocks } from "../components/offline/mocks";
const n = Number(process.argv[2] ?? 10) * 4;
async function main() {
  const mocks = new OfflineMocks();
  pulumi.runtime.setMocks(mocks, "ado-integrations", "bench", true);
  const t = performance.now();
  const parent = new pulumi.ComponentResource("bench:floor:Parent", "floor", {});
  const ids: pulumi.Output<string>[] = [];
  for (let i = 0; i < n; i++) {
    const r = new pulumi.CustomResource("bench:floor:Bare", `floor-${i}`, {
      code: "x".repeat(2240),
      basicAuthPassword: pulumi.secret("offline-not-a-secret-config-x"),
      basicAuthUsername: "", detailedMessagesToSend: "none", eventType: "git.push", filters: {}, messagesToSend: "none",
      organizationUrl: "https://dev.azure.com/contoso", projectId: "30af580f-fb20-546a-9d40-9b1b85da602f", resourceDetailsToSend: "all",
      url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2",
    }, { parent });
    ids.push(r.id);
  }
  await (pulumi.all(ids) as any).promise();
  console.log((performance.now() - t).toFixed(0), "ms", mocks.resources.length, process.resourceUsage().maxRSS);
}
main();
