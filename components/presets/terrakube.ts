import type { Preset } from "./types";

/**
 * Terrakube: its Azure DevOps connection (VCS type AZURE_SP_MI) signs in as an
 * Entra service principal or managed identity. Its form asks only for the
 * app's client id; the Terrakube API gets tokens through Azure's default
 * credential chain, so the credential lives in the API's environment.
 */
export const terrakube: Preset = {
  name: "terrakube",
  displayName: "Terrakube",
  defaultMode: "servicePrincipal",
  modes: {
    servicePrincipal: {
      summary:
        "Entra service principal added to the organization (Basic) and to the selected projects' Contributors; a federated credential for the Terrakube API's Kubernetes service account, or a client secret",
      entraApp: { adoScopes: [], graphScopes: [], allowBroadScopes: [], redirect: false, idTokens: false },
      servicePrincipal: { accessLevel: "basic" },
      workloadIdentity: true,
      form: [
        { label: "Managed Identity App ID", source: "clientId" },
        // Not in the form: the Terrakube API's environment, read by Azure's default credential chain.
        { label: "AZURE_CLIENT_ID", source: "clientId" },
        { label: "AZURE_TENANT_ID", source: "tenantId" },
        { label: "AZURE_CLIENT_SECRET", source: "clientSecret" },
      ],
    },
  },
  retiredModes: {
    oauth:
      "Terrakube's Azure DevOps OAuth-app flow is deprecated and no longer works (Azure DevOps OAuth apps are retired, and Terrakube's form now creates a service-principal connection, VCS type AZURE_SP_MI); use mode servicePrincipal (the default), remove entraApp.redirectUris, delete the old OAuth VCS provider in Terrakube and add Azure DevOps again with the Managed Identity App ID from this stack's fields",
  },
  notes: [
    "Read 2026-12-02: terrakube-io/terrakube ui/src/domain/Settings/AddVCS.tsx (commit d613ed2) maps Azure DevOps to VCS type AZURE_SP_MI and asks only for the Managed Identity App ID (the client secret field is hidden); the API's AzDevOpsTokenService.getAzureDefaultToken asks Azure's DefaultAzureCredential for a token for 499b84ac-1321-427f-aa17-267ca6975798/.default.",
    "Read 2026-12-02: docs.terrakube.io 2.33.0 azure-devops: OAuth apps are deprecated in Azure DevOps; a managed identity is the alternative.",
    "Terrakube's setup screen asks that the identity be added to the organization with Basic access and to the repositories as Contributor: servicePrincipal.projects picks the projects (Contributors by default).",
    "With workloadIdentity, the app trusts the Kubernetes service account that runs the Terrakube API (audience api://AzureADTokenExchange) and has no client secret; label that service account azure.workload.identity/use: \"true\" and annotate it with the client id. Without it, AZURE_CLIENT_SECRET goes into the API's environment.",
    "Terrakube creates its own service hooks, so the preset creates none.",
  ],
};
