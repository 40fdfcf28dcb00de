import type { Preset } from "./types";

/** Terrakube: VCS sign-in through an Entra app, or as an Entra service principal added to the organization. */
export const terrakube: Preset = {
  name: "terrakube",
  displayName: "Terrakube",
  defaultMode: "oauth",
  modes: {
    oauth: {
      summary: "Entra app standing in for the retired Azure DevOps OAuth app: Code (read) and Code (status)",
      entraApp: {
        adoScopes: ["vso.code", "vso.code_status"],
        graphScopes: [],
        allowBroadScopes: [],
        redirect: true,
        redirectHint: "the Callback URL shown on Terrakube's VCS provider screen",
        idTokens: false,
      },
      form: [
        { label: "Client ID", source: "clientId" },
        { label: "Client Secret", source: "clientSecret" },
        { label: "Tenant ID", source: "tenantId" },
      ],
    },
    servicePrincipal: {
      summary: "Entra service principal (client id/secret) added to the Azure DevOps organization; no delegated scopes",
      entraApp: { adoScopes: [], graphScopes: [], allowBroadScopes: [], redirect: false, idTokens: false },
      servicePrincipal: { accessLevel: "basic" },
      form: [
        { label: "Client ID", source: "clientId" },
        { label: "Client Secret", source: "clientSecret" },
        { label: "Tenant ID", source: "tenantId" },
      ],
    },
  },
  notes: [
    "Azure DevOps OAuth apps take no new registrations since April 2025 and are retired in 2026: the OAuth flow maps to an Entra ID app.",
    "Terrakube creates its own service hooks, so the preset creates none.",
  ],
};
