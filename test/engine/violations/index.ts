/**
 * A program for the engine suite's policy test only: it registers resources
 * that break each policy of the pack directly, the way config validation
 * would never let the real program do. Copied next to the project's own
 * files, at the same path, as the program of a test stack (see
 * policy.test.ts); never deployed. policy.test.ts computes the messages it
 * expects from the same properties: keep the two in step.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ServiceHookSubscription } from "../../../components/azure-devops/service-hook-subscription";
import { ServicePrincipalEntitlement } from "../../../components/azure-devops/service-principal-entitlement";
import { VariableGroup } from "../../../components/azure-devops/variable-group";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "../../../components/entra/published-ids";
import { AZURE_DEVOPS_APP_ID } from "../../../components/entra/scopes";

/** A component of the given type registering `props` as its inputs, as the program's declaration components do. */
class Declaration extends pulumi.ComponentResource {
  constructor(type: string, name: string, props: Record<string, unknown>) {
    super(type, name, props);
    this.registerOutputs({});
  }
}

// The same type and properties the program's PatReference registers.
const patDeclaration = (name: string, props: Record<string, unknown>) => new Declaration("ado-integrations:credentials:PatReference", name, props);

/** An owner the test's policy config does not list (policy.test.ts knows it too). */
const STRANGER_OWNER = "0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a";

const app = new azuread.Application("broad-app", {
  displayName: "violations",
  signInAudience: "AzureADMultipleOrgs",
  owners: [STRANGER_OWNER],
  tags: ["ado-integrations", "ado-integrations:integration=bad", "ado-integrations:preset=spacelift", "ado-integrations:needs=vso.code_write", "ado-integrations:allow-broad=vso.code_full"],
  web: { redirectUris: ["http://tool.example/callback"] },
  requiredResourceAccesses: [
    {
      resourceAppId: AZURE_DEVOPS_APP_ID,
      resourceAccesses: [
        { id: PUBLISHED_AZURE_DEVOPS_SCOPE_IDS["vso.code_full"]!, type: "Scope" },
        { id: PUBLISHED_AZURE_DEVOPS_SCOPE_IDS["vso.work"]!, type: "Scope" },
        { id: PUBLISHED_AZURE_DEVOPS_SCOPE_IDS["vso.code"]!, type: "Role" },
      ],
    },
  ],
});

const longSecret = new azuread.ApplicationPassword("long-secret", { applicationId: app.id, endDate: "2031-01-01T00:00:00Z" });

const organizationUrl = new pulumi.Config("ado-integrations").require("organization");

const group = new VariableGroup("plain-store", {
  organizationUrl,
  projectId: "3d917b14-0ec2-59d6-8641-071321591e82",
  projectName: "infra",
  name: "violations",
  variables: { "spacelift.Personal access token": { value: "not-marked-secret", isSecret: false } },
});

const oldPat = patDeclaration("old-pat", {
  sourceKind: "config",
  expiresOn: "2025-01-31",
  scopes: ["vso.code_write"],
  neededScopes: ["vso.code_write"],
  allOrganizations: true,
  expiryWarningDays: 30,
});

const fullPat = patDeclaration("full-pat", {
  sourceKind: "config",
  createdOn: "2099-01-01",
  expiresOn: "2099-06-01",
  scopes: ["app_token", "vso.code_manage"],
  neededScopes: ["vso.code_write"],
  allOrganizations: false,
  expiryWarningDays: 30,
});

// Three days from the day the preview runs: inside its warning window, which no policy judges (the program warns, once).
const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
const soonPat = patDeclaration("soon-pat", { sourceKind: "config", expiresOn: soon, scopes: ["vso.code_write"], neededScopes: ["vso.code_write"], allOrganizations: false, expiryWarningDays: 30 });

const advanced = new ServicePrincipalEntitlement("advanced-entitlement", {
  organizationUrl,
  servicePrincipalObjectId: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
  accessLevel: "advanced",
});

// The same type and properties the program's Integration registers for a service principal.
const everywhere = new Declaration("ado-integrations:index:Integration", "everywhere", {
  preset: "terrakube",
  mode: "servicePrincipal",
  servicePrincipal: { accessLevel: "basic", projects: ["*"], group: "Contributors" },
});

// Last: the plugin's own check refuses an http hook URL too, and the first
// refused input ends the preview, so the hook waits for every other resource
// to be judged. The policies still judge it (the engine runs them before it stops).
new ServiceHookSubscription(
  "plain-http-hook",
  {
    organizationUrl,
    projectId: "3d917b14-0ec2-59d6-8641-071321591e82",
    eventType: "git.push",
    url: "http://hooks.example/endpoint",
  },
  { dependsOn: [app, longSecret, group, oldPat, fullPat, soonPat, advanced, everywhere] },
);
