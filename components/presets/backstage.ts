import type { Preset } from "./types";

/**
 * Backstage: its Azure integration (`integrations.azure[].credentials[]` in
 * app-config) signs in as an Entra service principal added to the
 * organization, or with a PAT.
 */
export const backstage: Preset = {
  name: "backstage",
  displayName: "Backstage",
  defaultMode: "servicePrincipal",
  modes: {
    servicePrincipal: {
      summary: "Entra service principal (client id/secret) added to the organization with Basic access, reading the selected projects; no delegated scopes",
      entraApp: { adoScopes: [], graphScopes: [], allowBroadScopes: [], redirect: false, idTokens: false },
      // The catalog only reads repositories; a scaffolder that publishes repositories needs servicePrincipal.group: Contributors.
      servicePrincipal: { accessLevel: "basic", group: "Readers" },
      // Keys of one entry of integrations.azure[].credentials[] (host dev.azure.com is Backstage's default).
      form: [
        { label: "clientId", source: "clientId" },
        { label: "clientSecret", source: "clientSecret" },
        { label: "tenantId", source: "tenantId" },
        { label: "organizations", source: "organizationName" },
      ],
    },
    pat: {
      summary: "PAT with Code (read), scoped to this organization only",
      pat: { scopes: ["vso.code"] },
      form: [
        { label: "personalAccessToken", source: "pat" },
        { label: "organizations", source: "organizationName" },
      ],
    },
  },
  notes: [
    "Read 2026-12-02: backstage.io docs \"Azure DevOps Locations\" (integrations/azure/locations) and the @backstage/integration reference (AzureDevOpsCredential): a credential is a service principal (clientId, clientSecret, tenantId), a managed identity (clientId, or system-assigned), a managed identity client assertion (clientId, tenantId, managedIdentityClientId) or a personalAccessToken, each optionally limited to organizations.",
    "Read 2026-12-02: backstage/backstage packages/integration/src/azure/config.ts: only personal access tokens work with hosts other than dev.azure.com.",
    "The docs name no PAT scopes; catalog locations and discovery read Git items and Code Search, which Code (read) covers. Scaffolder publishing needs Code (read and write).",
    "Managed identities are Azure resources this program does not create: add one's principal to the organization yourself, or use preset custom.",
    "Discovery uses Code Search: the Code Search extension must be installed in the organization.",
  ],
};
