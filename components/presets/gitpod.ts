import type { Preset } from "./types";

/** Gitpod / Ona: users sign in to Azure DevOps through an Entra app (v2.0 endpoints). */
export const gitpod: Preset = {
  name: "gitpod",
  displayName: "Gitpod / Ona",
  defaultMode: "oauth",
  modes: {
    oauth: {
      summary: "Entra app with a Web redirect URI, delegated vso.code_write + vso.profile and Graph User.Read, and a client secret",
      entraApp: {
        adoScopes: ["vso.code_write", "vso.profile"],
        graphScopes: ["User.Read"],
        allowBroadScopes: [],
        redirect: true,
        redirectHint: "https://<gitpod host>/auth/azure-devops/callback",
        // The runner flow validates ID tokens against the v2.0 issuer.
        idTokens: true,
      },
      form: [
        { label: "Authorization URL", source: "authorizationUrl" },
        { label: "Token URL", source: "tokenUrl" },
        { label: "Client ID", source: "clientId" },
        { label: "Client Secret", source: "clientSecret" },
      ],
    },
  },
  notes: ["Uses the Entra v2.0 authorize and token endpoints; the runner flow also wants the v2.0 issuer and ID tokens."],
};
