/**
 * A program for the engine suite's policy test only: it registers resources
 * that break each policy of the pack directly, the way config validation
 * would never let the real program do. Copied next to the project's own
 * files, at the same path, as the program of a test stack (see
 * policy.test.ts); never deployed.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ServiceHookSubscription } from "../../../components/azure-devops/service-hook-subscription";
import { VariableGroup } from "../../../components/azure-devops/variable-group";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS } from "../../../components/entra/published-ids";
import { AZURE_DEVOPS_APP_ID } from "../../../components/entra/scopes";

class PatDeclaration extends pulumi.ComponentResource {
  constructor(name: string, props: Record<string, unknown>) {
    // The same type and properties the program's PatReference registers.
    super("ado-integrations:credentials:PatReference", name, props);
    this.registerOutputs({});
  }
}

const app = new azuread.Application("broad-app", {
  displayName: "violations",
  tags: ["ado-integrations", "ado-integrations:integration=bad", "ado-integrations:preset=spacelift", "ado-integrations:needs=vso.code_write", "ado-integrations:allow-broad="],
  web: { redirectUris: ["http://tool.example/callback"] },
  requiredResourceAccesses: [
    {
      resourceAppId: AZURE_DEVOPS_APP_ID,
      resourceAccesses: [
        { id: PUBLISHED_AZURE_DEVOPS_SCOPE_IDS["vso.code_full"]!, type: "Scope" },
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

const pat = new PatDeclaration("old-pat", {
  sourceKind: "config",
  expiresOn: "2025-01-31",
  scopes: ["vso.code_write"],
  neededScopes: ["vso.code_write"],
  allOrganizations: true,
  expiryWarningDays: 30,
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
  { dependsOn: [app, longSecret, group, pat] },
);
