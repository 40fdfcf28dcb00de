import type { Preset } from "./types";

/** Spacelift: a PAT for Code read & write, and webhooks on every project with Spacelift's own webhook secret. */
export const spacelift: Preset = {
  name: "spacelift",
  displayName: "Spacelift",
  defaultMode: "pat",
  modes: {
    pat: {
      summary: "PAT with Code (read and write); service hooks for pushes, pull requests and pull-request comments on each selected project, with the webhook secret Spacelift issues",
      pat: { scopes: ["vso.code_write"] },
      serviceHooks: {
        events: ["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"],
        optionalEvents: [],
        // Spacelift authenticates its webhook with an empty user name and its own secret.
        username: "",
        passwordFromTool: true,
        // Accounts live on app.spacelift.io, or on a regional host (app.us.spacelift.io for the US region).
        hostPatterns: ["*.app.spacelift.io", "*.app.us.spacelift.io"],
      },
      form: [
        { label: "Organization URL", source: "organizationUrl" },
        // The same as the organization URL unless Spacelift reaches Azure DevOps through a VCS agent pool.
        { label: "User facing host URL", source: "organizationUrl" },
        { label: "Personal access token", source: "pat" },
      ],
    },
  },
  notes: [
    "Read 2026-12-02: spacelift-io/user-documentation docs/integrations/source-control/azure-devops.md (commit 6f53776): the form asks for Integration name, Integration type, Organization URL, User facing host URL, Personal access token (Code read & write, one organization), Labels, Description and Use Git checkout; webhooks for Code pushed, Pull request created, merge attempted, updated and commented on, with a blank user name and Spacelift's webhook secret.",
    "Spacelift issues the webhook endpoint and secret (integration details > See details): store the secret with `pulumi config set --secret <key>` and name the key in serviceHooks.passwordSecret.",
    "With a VCS agent pool, the User facing host URL is private://<pool>/<organization>: set it in Spacelift by hand.",
  ],
};
