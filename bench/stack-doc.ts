/** The spacelift preset's four default events, the ones every benchmark case subscribes to. */
export const DEFAULT_EVENTS = ["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated"] as const;

/** The webhook URL every benchmark subscription posts to. */
export const WEBHOOK_URL = "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2";

/** The fixed clock the benchmark plans at (the PAT below is valid then). */
export const BENCH_NOW = new Date("2026-11-22T12:00:00Z");

/** `proj-0001` ... : exact names, so the offline organization gets each one added. */
export function projectNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `proj-${String(i + 1).padStart(4, "0")}`);
}

/**
 * A stack document (the parsed form of Pulumi.<stack>.yaml) with one
 * spacelift integration hooking `count` exact project names with the
 * preset's default events, as examples/spacelift.yaml does for globs.
 */
export function spaceliftStackDoc(count: number): { config: Record<string, unknown> } {
  return {
    config: {
      "ado-integrations:organization": "contoso",
      "ado-integrations:integrations": [
        {
          name: "spacelift",
          preset: "spacelift",
          serviceHooks: { url: WEBHOOK_URL, passwordSecret: "spaceliftWebhookPassword", projects: projectNames(count) },
          pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] },
        },
      ],
      // Referenced secrets must exist; offline they are never decrypted.
      "ado-integrations:spaceliftWebhookPassword": { secure: "v1:YmVuY2g=:placeholder" },
      "ado-integrations:spaceliftPat": { secure: "v1:YmVuY2g=:placeholder" },
    },
  };
}
