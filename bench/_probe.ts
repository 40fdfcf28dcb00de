import { evaluateStack } from "../components/offline/evaluate";
const n = Number(process.argv[2] ?? 10);
const projects = Array.from({ length: n }, (_, i) => `proj-${String(i + 1).padStart(4, "0")}`);
const doc = { config: {
  "ado-integrations:organization": "contoso",
  "ado-integrations:integrations": [{ name: "spacelift", preset: "spacelift", serviceHooks: { url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2", passwordSecret: "spaceliftWebhookPassword", projects }, pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] } }],
  "ado-integrations:spaceliftWebhookPassword": { secure: "v1:x" },
  "ado-integrations:spaceliftPat": { secure: "v1:y" },
}};
const t = performance.now();
evaluateStack({ stack: "bench", stackDoc: doc, now: new Date("2026-11-22T12:00:00Z") }).then((e) => {
  const ms = performance.now() - t;
  const types = new Map<string, number>();
  for (const r of e.resources) types.set(r.type, (types.get(r.type) ?? 0) + 1);
  console.log(ms.toFixed(0), "ms", process.resourceUsage().maxRSS, [...types]);
  const d = e.resources.find((r) => r.providerBytes);
  console.log(d?.providerBytes, JSON.stringify(d?.inputs));
  const rec = e.recorded.find((r) => r.type.startsWith("pulumi-nodejs"));
  console.log(Object.keys(rec!.inputs), JSON.stringify(rec!.inputs).length);
  console.log(String(rec!.inputs.__provider).slice(0, 3000));
}).catch((e) => { console.error(e); process.exit(1); });
