import type { Preset } from "./types";

/** Spacelift: a PAT for Code read & write, and webhooks on every project with Spacelift's password. */
export const spacelift: Preset = {
  name: "spacelift",
  displayName: "Spacelift",
  defaultMode: "pat",
  modes: {
    pat: {
      summary: "PAT with Code (read and write); service hooks for pushes and pull requests on each selected project",
      pat: { scopes: ["vso.code_write"] },
      serviceHooks: {
        events: ["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated"],
        optionalEvents: ["ms.vss-code.git-pullrequest-comment-event"],
        // Spacelift authenticates its webhook with an empty user name and its own password.
        username: "",
        // Accounts live on app.spacelift.io, or on a regional host (app.us.spacelift.io for the US region).
        hostPatterns: ["*.app.spacelift.io", "*.app.us.spacelift.io"],
      },
      form: [
        { label: "Organization URL", source: "organizationUrl" },
        { label: "Personal access token", source: "pat" },
        { label: "Webhook endpoint", source: "webhookUrl" },
      ],
    },
  },
  notes: ["Spacelift hands you the webhook endpoint and password; store the password with `pulumi config set --secret`."],
};
