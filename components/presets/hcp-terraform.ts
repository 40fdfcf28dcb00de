import type { Preset } from "./types";

/**
 * HCP Terraform / Terraform Enterprise: its "Azure DevOps Services" VCS
 * provider signs in through an Entra app (the OAuth flow), or takes an
 * organization-scoped PAT. Either way it creates its own service hooks.
 */
export const hcpTerraform: Preset = {
  name: "hcp-terraform",
  displayName: "HCP Terraform",
  defaultMode: "oauth",
  modes: {
    oauth: {
      summary: "Entra app with a Web redirect URI and delegated Code (read) + Code (status), and a client secret",
      entraApp: {
        adoScopes: ["vso.code", "vso.code_status"],
        graphScopes: [],
        allowBroadScopes: [],
        redirect: true,
        redirectHint: "the callback URL HCP Terraform or Terraform Enterprise shows under Settings > Providers > Add VCS Provider > Azure DevOps Services",
        idTokens: false,
      },
      // The form's order: "Application (client) ID, Directory (tenant) ID and Client Secret"; its Name field is optional and free text.
      form: [
        { label: "Application (client) ID", source: "clientId" },
        { label: "Directory (tenant) ID", source: "tenantId" },
        { label: "Client Secret", source: "clientSecret" },
      ],
    },
    pat: {
      summary: "PAT with Code (read) and Code (status), scoped to this organization only",
      pat: { scopes: ["vso.code", "vso.code_status"] },
      form: [
        { label: "Personal Access Token", source: "pat" },
        { label: "Azure DevOps Organization Name", source: "organizationName" },
      ],
    },
  },
  notes: [
    "Read 2026-12-02: HashiCorp's \"Set up the Azure DevOps Services VCS provider using OAuth\" (terraform-docs-common cloud-docs/vcs/azure-devops-services.mdx, last modified 2025-09-22): the OAuth connection is now a Microsoft Entra application with a Web redirect URI and the Azure DevOps permissions vso.code and vso.code_status; the form asks for Application (client) ID, Directory (tenant) ID and Client Secret.",
    "Read 2026-12-02: HashiCorp's \"Set up the Azure DevOps Services VCS provider using personal access tokens\" (azure-devops-services-pat.mdx, last modified 2026-03-16): a PAT with Code (Read) and Code (Status) for one organization, entered as Personal Access Token and Azure DevOps Organization Name; its owner must be a Project Collection Administrator, because HCP Terraform creates its own webhooks.",
    "HCP Terraform creates its own service hooks, so the preset creates none.",
    "Only organizations reached at dev.azure.com are supported; an organization still on <org>.visualstudio.com must switch its URL first.",
    "Before connecting: the organization policy \"Third-party application access via OAuth\" is on, and the organization is connected to the Entra tenant the app lives in.",
  ],
};
