import type { Preset } from "./types";

/** Bytebase: GitOps through an Entra app in place of an Azure DevOps OAuth app, or a PAT. */
export const bytebase: Preset = {
  name: "bytebase",
  displayName: "Bytebase",
  defaultMode: "oauth",
  modes: {
    oauth: {
      summary: "Entra app standing in for the retired Azure DevOps OAuth app: Code (full), Identity (read), Project and team (read)",
      entraApp: {
        adoScopes: ["vso.code_full", "vso.identity", "vso.project"],
        graphScopes: [],
        allowBroadScopes: ["vso.code_full"],
        redirect: true,
        redirectHint: "{Bytebase external URL}/oauth/callback",
        idTokens: false,
      },
      form: [
        { label: "Application ID", source: "clientId" },
        { label: "Secret", source: "clientSecret" },
      ],
    },
    pat: {
      summary: "A PAT scoped to this organization only (all-organizations PATs stop working on 2026-12-01)",
      pat: { scopes: ["vso.code_full", "vso.identity", "vso.project"] },
      form: [
        { label: "Instance URL", source: "organizationUrl" },
        { label: "Personal Access Token", source: "pat" },
      ],
    },
  },
  notes: [
    "Azure DevOps OAuth apps take no new registrations since April 2025 and are retired in 2026: the OAuth flow maps to an Entra ID app.",
    "Bytebase's PAT flow asks for an all-organizations PAT; those stop working on 2026-12-01, so only an organization-scoped PAT is accepted.",
  ],
};
