import type { Preset } from "./types";

/**
 * Atlantis: a PAT for its API user, and service hooks for pull requests and
 * their comments, posted to `/events` with basic auth Atlantis checks.
 */
export const atlantis: Preset = {
  name: "atlantis",
  displayName: "Atlantis",
  defaultMode: "pat",
  modes: {
    pat: {
      summary: "PAT with Code (read and write), Code (status) and Member Entitlement Management (read); service hooks for PR created, updated and commented on, with basic auth",
      pat: { scopes: ["vso.code_write", "vso.code_status", "vso.memberentitlementmanagement"] },
      serviceHooks: {
        events: ["git.pullrequest.created", "git.pullrequest.updated", "ms.vss-code.git-pullrequest-comment-event"],
        optionalEvents: [],
        // Atlantis checks whatever user name and password it is started with; the password is generated unless passwordSecret names one.
        username: "atlantis",
        path: "/events",
      },
      // The server's environment variables (flags --azuredevops-user, --azuredevops-token, --azuredevops-webhook-user, --azuredevops-webhook-password).
      form: [
        { label: "ATLANTIS_AZUREDEVOPS_USER", source: "patOwner" },
        { label: "ATLANTIS_AZUREDEVOPS_TOKEN", source: "pat" },
        { label: "ATLANTIS_AZUREDEVOPS_WEBHOOK_USER", source: "webhookUsername" },
        { label: "ATLANTIS_AZUREDEVOPS_WEBHOOK_PASSWORD", source: "webhookPassword" },
      ],
    },
  },
  notes: [
    "Read 2026-12-02: runatlantis/atlantis docs access-credentials.md (newest stored version): the Azure DevOps PAT needs Code (Read & Write), Code (Status) and Member Entitlement Management (Read).",
    "Read 2026-12-02: runatlantis/atlantis docs configuring-webhooks.md: Web Hooks on each team project for Pull request created, Pull request updated (resource version 1.0) and Pull request commented on (2.0), URL ending in /events, https with a basic user name and password, the same on every project.",
    "Read 2026-12-02: runatlantis/atlantis cmd/server.go flags azuredevops-user, azuredevops-token, azuredevops-webhook-user, azuredevops-webhook-password (environment ATLANTIS_AZUREDEVOPS_*); server/controllers/events reads only the payload's resource, so no message text is sent.",
    "ATLANTIS_AZUREDEVOPS_USER is the PAT owner's user name: set pat.owner.",
    "Atlantis also needs --repo-allowlist with dev.azure.com/<org>/<project>/* for each selected project; the preset does not write it.",
  ],
};
