import type { Preset, PresetMode } from "./types";

/** Gitpod Classic: users sign in through an Entra app whose v2.0 endpoints go into its form. */
const classic: PresetMode = {
  summary: "Entra app with a Web redirect URI, delegated vso.code_write + vso.profile and Graph User.Read, and a client secret; the form takes the v2.0 endpoints",
  entraApp: {
    adoScopes: ["vso.code_write", "vso.profile"],
    graphScopes: ["User.Read"],
    allowBroadScopes: [],
    redirect: true,
    redirectHint: "https://<gitpod host>/auth/azure-devops/callback",
    idTokens: false,
  },
  form: [
    { label: "Authorization URL", source: "authorizationUrl" },
    { label: "Token URL", source: "tokenUrl" },
    { label: "Client ID", source: "clientId" },
    { label: "Client Secret", source: "clientSecret" },
    { label: "Redirect URI", source: "redirectUri" },
  ],
};

/** Ona: a self-hosted runner's "Azure DevOps (Entra ID)" integration, which validates ID tokens against the v2.0 issuer. */
const onaRunner: PresetMode = {
  summary: "Entra app with the runner's callback as Web redirect URI, ID tokens on, delegated vso.code_write + vso.profile and Graph User.Read, and a client secret; the runner takes the issuer and the host",
  entraApp: {
    adoScopes: ["vso.code_write", "vso.profile"],
    graphScopes: ["User.Read"],
    allowBroadScopes: [],
    redirect: true,
    redirectHint: "the callback URL Ona's runner dialog shows (Configure repository access > Azure DevOps (Entra ID) > Enable OAuth)",
    idTokens: true,
  },
  form: [
    { label: "Host", source: "organizationHost" },
    { label: "Client ID", source: "clientId" },
    { label: "Issuer URL", source: "issuer" },
    { label: "Client Secret", source: "clientSecret" },
  ],
};

const retiredModes = {
  oauth: "the oauth mode is now two modes with each form's fields: use mode classic for Gitpod Classic (Authorization URL, Token URL, Client ID, Client Secret, Redirect URI) or mode ona for an Ona runner (Host, Client ID, Issuer URL, Client Secret)",
};

const notes = [
  "Read 2026-12-02: ona.com/docs/ona/source-control/azuredevops: Azure DevOps works on self-hosted runners only (not Ona Cloud); the runner's OAuth integration takes an Entra app's Client ID, Issuer URL (v2.0) and Client Secret, with the runner's callback URL as Web redirect URI and ID tokens enabled.",
  "Read 2026-12-02: gitpod-io/terraform-provider-ona docs/resources/scm_integration.md (commit 064b3b5): scm_id azuredevops_entra, host dev.azure.com/<organization>, oauth_client_id, oauth_client_secret, issuer_url https://login.microsoftonline.com/<tenant>/v2.0.",
  "Gitpod Classic takes the v2.0 authorize and token endpoints, the client id and secret, and shows the redirect URI https://<gitpod host>/auth/azure-devops/callback.",
  "The delegated scopes (vso.code_write, vso.profile, User.Read) are unchanged from the earlier preset: the Ona page read does not list them.",
];

/** Gitpod / Ona: `preset: gitpod` defaults to Gitpod Classic's form, `preset: ona` to an Ona runner's. */
export const gitpod: Preset = {
  name: "gitpod",
  displayName: "Gitpod / Ona",
  defaultMode: "classic",
  modes: { classic, ona: onaRunner },
  retiredModes,
  notes,
};

/** Ona (Gitpod's successor): the same modes as `gitpod`, with the runner's form by default. */
export const ona: Preset = {
  name: "ona",
  displayName: "Ona",
  defaultMode: "ona",
  modes: { ona: onaRunner, classic },
  retiredModes,
  notes,
};
