import type { Preset } from "./types";

/**
 * Bytebase: GitOps for Azure DevOps now runs in Azure Pipelines, which call
 * Bytebase with a Bytebase service account. Bytebase holds no Azure DevOps
 * credential, so the preset creates nothing; both ways of handing Bytebase one
 * are refused with the reason.
 */
export const bytebase: Preset = {
  name: "bytebase",
  displayName: "Bytebase",
  defaultMode: "pipeline",
  modes: {
    pipeline: {
      summary: "Nothing in Entra ID or Azure DevOps: Azure Pipelines run bytebase-action with a Bytebase service account (BYTEBASE_URL, BYTEBASE_SERVICE_ACCOUNT, BYTEBASE_SERVICE_ACCOUNT_SECRET)",
      form: [],
    },
  },
  retiredModes: {
    oauth:
      "Bytebase's Azure DevOps OAuth flow posts to app.vssps.visualstudio.com/oauth2/token, the retired Azure DevOps OAuth service, so an Entra app cannot stand in for it; use mode pipeline (the default): Azure Pipelines run bytebase-action with a Bytebase service account, and Bytebase needs no Azure DevOps credential",
    pat:
      "Bytebase's Azure DevOps connector lists repositories through app.vssps.visualstudio.com/_apis/accounts, which only an all-organizations PAT can call, and those stopped working on 2026-12-01 (an organization-scoped PAT is refused there); use mode pipeline (the default): Azure Pipelines run bytebase-action with a Bytebase service account, and Bytebase needs no Azure DevOps credential",
  },
  notes: [
    "Read 2026-12-02: bytebase/bytebase.com mintlify/vcs-integration/overview.mdx and tutorials/gitops-azure-devops-workflow.mdx: GitOps with Azure DevOps is an Azure Pipeline calling the Bytebase API (bytebase-action) as a Bytebase service account.",
    "Read 2026-12-02: bytebase/bytebase backend/plugin/vcs/azure/azure.go (commit 844f0ce): OAuth token exchange at app.vssps.visualstudio.com/oauth2/token, repository listing through profiles/me and _apis/accounts?memberId=, account-level calls an organization-scoped token cannot make.",
    "The pipeline's own job token (System.AccessToken) posts the SQL review results; nothing in this stack has to hold a credential for Bytebase.",
  ],
};
