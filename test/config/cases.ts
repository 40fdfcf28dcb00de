/** Shared fixtures and the invalid-config cases, used by the parser and the plan tests. */
import { PASTED_SECRET } from "../../components/config/messages";

export const gitpod = { name: "gitpod", preset: "gitpod", entraApp: { redirectUris: ["https://gitpod.example.com/auth/azure-devops/callback"] } };
export const spacelift = {
  name: "spacelift",
  preset: "spacelift",
  serviceHooks: { url: "https://example.app.spacelift.io/webhooks/azure_devops/abc", passwordSecret: "hookPassword", projects: ["infra", "platform-*"] },
  pat: { secret: "spaceliftPat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] },
};
export const secrets = { hookPassword: "pw", spaceliftPat: "pat" };
export const secretKeys = Object.keys(secrets);

export const withIntegration = (patch: Record<string, unknown>, base: Record<string, unknown> = spacelift) => ({
  organization: "contoso",
  integrations: [{ ...base, ...patch }],
});

/** Secret values people paste where a key name belongs (made up, in each format's shape); none may appear in any output. */
export const PASTED_VALUES: readonly [string, string][] = [
  ["an Entra client secret", "Xq58Q~fAKEfAKEfAKE.9vT-w3Zr_yL2mN0pQ7sK1dE4"],
  ["a GitHub token", "ghp_FAKEaaaabbbbccccddddeeeeffff00001111"],
  ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJlLWZha2U"],
  ["a password", "Summer2026!"],
  ["a generated hex secret", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
];

// Each case: a config mistake, and the exact lines the user sees.
export const cases: [string, Record<string, unknown>, string[], string[]?][] = [
  ["organization missing", { integrations: [gitpod] }, ["organization: is required: run `pulumi config set organization <name or URL>`"]],
  ["integrations missing", { organization: "contoso" }, ["integrations: is required: list at least one integration (see README, Config reference)"]],
  ["integrations empty", { organization: "contoso", integrations: [] }, ["integrations: must list at least one integration"]],
  ["integrations not a list", { organization: "contoso", integrations: "gitpod" }, ["integrations: must be a list of integrations"]],
  [
    "unknown key with a near miss",
    withIntegration({ entraApp: { redirectUri: ["https://x.example/cb"] } }, gitpod),
    ['integrations[0].entraApp.redirectUri: unknown key (did you mean "redirectUris"?)', "integrations[0].entraApp.redirectUris: is required for gitpod: https://<gitpod host>/auth/azure-devops/callback"],
  ],
  ["unknown top-level key with a near miss", { organization: "contoso", integrations: [gitpod], integration: [] }, ['integration: unknown key (did you mean "integrations"?)'], []],
  ["unknown top-level key", { organization: "contoso", integrations: [gitpod], colour: "blue" }, ["colour: unknown key: not a setting, and no integration references it as a secret (passwordSecret or pat.secret)"], []],
  ["unknown key in an integration", withIntegration({ servicehooks: {} }, gitpod), ['integrations[0].servicehooks: unknown key (did you mean "serviceHooks"?)']],
  ["rotation days as text", withIntegration({ entraApp: { ...gitpod.entraApp, secretRotationDays: "90" } }, gitpod), ["integrations[0].entraApp.secretRotationDays: must be a whole number of days"]],
  ["rotation days too long", withIntegration({ entraApp: { ...gitpod.entraApp, secretRotationDays: 800 } }, gitpod), ["integrations[0].entraApp.secretRotationDays: must be at most 730 days"]],
  ["rotation days fractional", withIntegration({ entraApp: { ...gitpod.entraApp, secretRotationDays: 90.5 } }, gitpod), ["integrations[0].entraApp.secretRotationDays: must be a whole number of days"]],
  [
    "http redirect URI",
    withIntegration({ entraApp: { redirectUris: ["http://gitpod.example.com/cb"] } }, gitpod),
    ["integrations[0].entraApp.redirectUris[0]: must be an https URL (http is allowed only for localhost)"],
  ],
  ["redirect URI not a URL", withIntegration({ entraApp: { redirectUris: ["gitpod callback"] } }, gitpod), ["integrations[0].entraApp.redirectUris[0]: must be a valid URL (redirect URI)"]],
  [
    "redirect URI with credentials",
    withIntegration({ entraApp: { redirectUris: ["https://user:pw@gitpod.example.com/cb"] } }, gitpod),
    ["integrations[0].entraApp.redirectUris[0]: must not carry a user name or password; use the secret keys for credentials"],
  ],
  ["http webhook", withIntegration({ serviceHooks: { ...spacelift.serviceHooks, url: "http://hooks.example.com/x" } }), ["integrations[0].serviceHooks.url: must be an https URL"]],
  ["webhook URL as a number", withIntegration({ serviceHooks: { ...spacelift.serviceHooks, url: 42 } }), ["integrations[0].serviceHooks.url: must be a URL string"]],
  [
    "basic-auth user name with a colon",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, username: "ado:bot" } }),
    [
      "integrations[0].serviceHooks.username: must not contain ':' (basic auth splits user name and password at the first colon, so the receiver would reject every delivery and Azure DevOps would disable the hook)",
    ],
  ],
  [
    "duplicate names",
    { organization: "contoso", integrations: [gitpod, { ...gitpod }] },
    ['integrations[1].name: duplicates integrations[0].name "gitpod": names must be unique'],
  ],
  [
    "malformed name",
    withIntegration({ name: "Gitpod_1" }, gitpod),
    ["integrations[0].name: must be 2-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'"],
  ],
  ["name missing", withIntegration({ name: undefined }, gitpod), ["integrations[0].name: is required"]],
  [
    "unknown scope",
    withIntegration({ entraApp: { ...gitpod.entraApp, scopes: ["vso.code_wirte"] } }, gitpod),
    ['integrations[0].entraApp.scopes[0]: unknown Azure DevOps scope "vso.code_wirte" (did you mean "vso.code_write"?)'],
  ],
  ["unknown Graph scope", withIntegration({ entraApp: { ...gitpod.entraApp, graphScopes: ["User.ReadAll"] } }, gitpod), ['integrations[0].entraApp.graphScopes[0]: unknown Microsoft Graph scope "User.ReadAll" (did you mean "User.Read"?)']],
  [
    "unknown event",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, events: ["git.pullrequest.create"] } }),
    ['integrations[0].serviceHooks.events[0]: unknown event type "git.pullrequest.create" (did you mean "git.pullrequest.created"?)'],
  ],
  ["unknown PAT scope", withIntegration({ pat: { ...spacelift.pat, scopes: ["vso.cod"] } }), ['integrations[0].pat.scopes[0]: unknown PAT scope "vso.cod" (did you mean "vso.code"?)']],
  ["unknown preset", withIntegration({ preset: "gitpd" }, gitpod), ['integrations[0].preset: unknown preset "gitpd" (did you mean "gitpod"?)']],
  ["unknown mode", withIntegration({ mode: "clasic" }, gitpod), ['integrations[0].mode: gitpod has no mode "clasic": use classic or ona (did you mean "classic"?)']],
  [
    "organization with a query",
    { organization: "https://dev.azure.com/contoso?x=1", integrations: [gitpod] },
    ["organization: organization URL https://dev.azure.com/contoso must not have a query or fragment: use https://dev.azure.com/<organization>"],
  ],
  [
    "organization over http",
    { organization: "http://dev.azure.com/contoso", integrations: [gitpod] },
    ["organization: organization URL http://dev.azure.com/contoso must use https (plain http is allowed only for 127.0.0.1 or localhost)"],
  ],
  [
    "organization that is neither a name nor a URL",
    { organization: "contoso org", integrations: [gitpod] },
    ['organization: organization URL "contoso org" is not a URL or an organization name: use https://dev.azure.com/<organization>'],
  ],
  [
    "missing referenced secret key",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, passwordSecret: "hookPw" } }),
    ['integrations[0].serviceHooks.passwordSecret: config key "hookPw" is not set: run `pulumi config set --secret hookPw <value>`'],
  ],
  [
    "referenced key that is not a secret",
    withIntegration({}),
    ['integrations[0].pat.secret: config key "spaceliftPat" is not a secret: set it again with `pulumi config set --secret spaceliftPat <value>`'],
    ["hookPassword"],
  ],
  ...PASTED_VALUES.map(([what, value]): [string, Record<string, unknown>, string[]] => [
    `${what} pasted where a key name belongs`,
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, passwordSecret: value } }),
    [`integrations[0].serviceHooks.passwordSecret: ${PASTED_SECRET}`],
  ]),
  ["a generated secret pasted as pat.secret", withIntegration({ pat: { ...spacelift.pat, secret: "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0" } }), [`integrations[0].pat.secret: ${PASTED_SECRET}`]],
  [
    "a key name with a space",
    withIntegration({ pat: { ...spacelift.pat, secret: "my pat" } }),
    ["integrations[0].pat.secret: must be the name of a config key set with `pulumi config set --secret`: a letter, then up to 63 letters, digits, '_', '.' or '-'"],
  ],
  ["impossible expiry date", withIntegration({ pat: { ...spacelift.pat, expiresOn: "2027-02-30" } }), ["integrations[0].pat.expiresOn: must be a real date written YYYY-MM-DD"]],
  ["expiry in another format", withIntegration({ pat: { ...spacelift.pat, expiresOn: "31/01/2027" } }), ["integrations[0].pat.expiresOn: must be a real date written YYYY-MM-DD"]],
  [
    "PAT lifetime over a year",
    withIntegration({ pat: { ...spacelift.pat, createdOn: "2026-11-01", expiresOn: "2027-11-30" } }),
    ["integrations[0].pat.expiresOn: the PAT lives 394 days (2026-11-01 to 2027-11-30), over the 365-day maximum: create one that expires within a year"],
  ],
  [
    "global PAT",
    withIntegration({ pat: { ...spacelift.pat, allOrganizations: true } }),
    ["integrations[0].pat.allOrganizations: all-organizations (global) PATs stop working on 2026-12-01: create a PAT scoped to this organization only"],
  ],
  ["PAT without the scope the tool needs", withIntegration({ pat: { ...spacelift.pat, scopes: ["vso.code"] } }), ["integrations[0].pat.scopes: the tool needs vso.code_write, which these scopes do not grant"]],
  [
    "PAT with two sources",
    withIntegration({ pat: { ...spacelift.pat, env: "ADO_PAT_SPACELIFT" } }),
    ["integrations[0].pat: set exactly one of secret, env or keyVaultSecretUri (found secret, env)"],
  ],
  [
    "PAT from the deployment's own Pulumi token",
    withIntegration({ pat: { env: "PULUMI_ACCESS_TOKEN", expiresOn: "2027-01-31", scopes: ["vso.code_write"] } }),
    [
      "integrations[0].pat.env: PULUMI_ACCESS_TOKEN is one of the deployment's own variables (PULUMI_*), which a stack config must not hand to a tool: put the tool's PAT in a variable named ADO_PAT_<NAME> and name that",
    ],
  ],
  [
    "PAT from a variable without the agreed prefix",
    withIntegration({ pat: { env: "SPACELIFT_PAT", expiresOn: "2027-01-31", scopes: ["vso.code_write"] } }),
    ["integrations[0].pat.env: must name a variable starting with ADO_PAT_ (such as ADO_PAT_SPACELIFT), set for this PAT by whoever runs the deployment"],
  ],
  [
    "webhook to a private address",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, url: "https://10.0.0.5/webhooks/azure_devops/abc" } }),
    ["integrations[0].serviceHooks.url: must be a public DNS name: 10.0.0.5 is a private address (a test receiver is allowed only when whoever runs the deployment lists it in AZDO_ALLOWED_HOSTS)"],
  ],
  [
    "organization on a look-alike host",
    { organization: "https://dev.azure.com.attacker.example/contoso", integrations: [gitpod] },
    [
      "organization: organization URL https://dev.azure.com.attacker.example/contoso is not an Azure DevOps host: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com (for Azure DevOps Server, whoever runs the deployment lists the host in AZDO_ALLOWED_HOSTS)",
    ],
  ],
  [
    "organization given as a GitHub URL",
    { organization: "https://github.com/contoso", integrations: [gitpod] },
    ["organization: organization URL https://github.com/contoso is a GitHub URL, not an Azure DevOps organization: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com"],
  ],
  [
    "malformed Key Vault URI",
    withIntegration({ pat: { keyVaultSecretUri: "https://kv.example.com/pat", expiresOn: "2027-01-31", scopes: ["vso.code_write"] } }),
    ["integrations[0].pat.keyVaultSecretUri: must be a Key Vault secret URI: https://<vault>.vault.azure.net/secrets/<name>[/<version>]"],
  ],
  [
    "a brace pattern as a project selector",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, projects: ["platform-{api,web}"] } }),
    ['integrations[0].serviceHooks.projects[0]: "platform-{api,web}" is neither a project name nor a pattern: write project names, or patterns with * as the only wildcard (platform-*), and list what to leave out under exclude'],
  ],
  [
    "a ? wildcard in an exclusion",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, projects: ["*"], exclude: ["sandbox-?"] } }),
    ['integrations[0].serviceHooks.exclude[0]: "sandbox-?" is neither a project name nor a pattern: write project names, or patterns with * as the only wildcard (platform-*), and list what to leave out under exclude'],
  ],
  [
    "a negated selector",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, projects: ["*", "!sandbox"] } }),
    ['integrations[0].serviceHooks.projects[1]: "!sandbox" does not leave a project out here: list the projects to leave out under exclude'],
  ],
  [
    "a selector longer than any project name",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, projects: [`${"p".repeat(64)}*`] } }),
    ["integrations[0].serviceHooks.projects[0]: must be at most 64 characters, the longest project name Azure DevOps allows"],
  ],
  ["empty project list", withIntegration({ serviceHooks: { ...spacelift.serviceHooks, projects: [] } }), ["integrations[0].serviceHooks.projects: must list at least one project name or pattern"]],
  ["preset block missing", withIntegration({ serviceHooks: undefined }), ["integrations[0].serviceHooks: is required for spacelift: url and projects of the webhooks"]],
  ["redirect URIs missing", withIntegration({ entraApp: {} }, gitpod), ["integrations[0].entraApp.redirectUris: is required for gitpod: https://<gitpod host>/auth/azure-devops/callback"]],
  [
    "block the preset does not use",
    withIntegration({ entraApp: { redirectUris: ["https://x.example/cb"] } }),
    ["integrations[0].entraApp: spacelift (mode pat) does not use entraApp: remove it, or use preset custom"],
  ],
  [
    "redirect for a client-credentials mode",
    withIntegration({ mode: "servicePrincipal", entraApp: { redirectUris: ["https://x.example/cb"] } }, { name: "terrakube", preset: "terrakube" }),
    ["integrations[0].entraApp.redirectUris: terrakube (mode servicePrincipal) signs in without a redirect: remove redirectUris"],
  ],
  ["custom hooks without events", withIntegration({ preset: "custom", pat: undefined }), ["integrations[0].serviceHooks.events: is required for preset custom"]],
  [
    "custom field from nothing",
    withIntegration({ fields: { "Client Secret": "clientSecret" } }),
    ["integrations[0].fields.Client Secret: takes its value from clientSecret, which this integration does not create"],
  ],
  [
    "repository filter across several projects",
    withIntegration({ serviceHooks: { ...spacelift.serviceHooks, repository: "5febef5a-833d-4e14-b9c0-14cb638f91e6" } }),
    ["integrations[0].serviceHooks.repository: is a repository ID, which belongs to one project: list exactly one project name (no globs)"],
  ],
  [
    "field labels that meet in one variable group variable",
    {
      organization: "contoso",
      integrations: [spacelift, { ...gitpod, fields: { "Client ID": "clientId", "Client-ID": "clientSecret", "client id": "tenantId", "Client IDs": "clientId" } }],
      configStore: { kind: "variableGroup", project: "infra" },
    },
    [
      'integrations[1].fields.Client-ID: is written to variable gitpod.Client_ID in the variable group, as "Client ID" is: rename one of them',
      'integrations[1].fields.client id: is written to variable gitpod.client_id in the variable group, as "Client ID" is: rename one of them',
    ],
  ],
  ["unknown config store kind", { organization: "contoso", integrations: [gitpod], configStore: { kind: "keyVault" } }, ['configStore.kind: unknown kind "keyVault": must be stackOutputs or variableGroup'], []],
  ["variable group without a project", { organization: "contoso", integrations: [gitpod], configStore: { kind: "variableGroup" } }, ["configStore.project: is required"], []],
  ["secret structured config", { organization: "contoso", integrations: [gitpod] }, ["integrations: must not be a secret: keep secret values in their own keys and reference them by name", "integrations: is required: list at least one integration (see README, Config reference)"], ["integrations"]],
];
