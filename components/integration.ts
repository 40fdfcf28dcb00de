import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AllowedHost } from "./azure-devops/runtime/hosts";
import { organizationHost } from "./azure-devops/runtime/org-url";
import type { IntegrationModel } from "./config/model";
import type { StoreEntry } from "./config-store";
import { EntraApp } from "./entra/app";
import { FederatedCredential } from "./entra/federated-credential";
import type { ResourcePrincipals } from "./entra/resource-principals";
import { type Project, selectProjects } from "./azure-devops/lookups";
import { ServicePrincipalEntitlement } from "./azure-devops/service-principal-entitlement";
import { PatReference, type EnvReader, type PatConnectionTest } from "./credentials/pat-reference";
import { SECRET_SOURCES, type FieldSource } from "./presets/types";
import { INTEGRATION_TYPE, serviceHooksName, webhookPasswordName } from "./integration-names";
import { ServiceHooks } from "./service-hooks";

export { INTEGRATION_TYPE, serviceHooksName, webhookPasswordName } from "./integration-names";

/** Args of Integration. */
export interface IntegrationArgs {
  /** The validated integration config. */
  readonly model: IntegrationModel;
  /** `https://dev.azure.com/<org>`. */
  readonly organizationUrl: string;
  /** Hosts besides Azure DevOps's own the organization URL may name (AZDO_ALLOWED_HOSTS, as the config module read it). Defaults to none. */
  readonly allowedHosts?: readonly AllowedHost[];
  /** The organization's name. */
  readonly organizationName: string;
  /**
   * Every project of the organization, for the service hooks and the service
   * principal's projects to select from; the stack lists them once per run,
   * before any resource is registered.
   */
  readonly organizationProjects: readonly Project[];
  /** Shared tenant and scope lookups; required when the integration has an Entra app. */
  readonly principals?: ResourcePrincipals;
  /** Reads a secret config key the model references. */
  readonly secret: (key: string) => pulumi.Output<string>;
  /** The clock for rotation windows and expiry checks. Defaults to now. */
  readonly now?: Date;
  /** Reads the environment variable a `pat.env` PAT is in. Defaults to the process environment. */
  readonly readEnv?: EnvReader;
  /** Checks a PAT whose declaration asks for `testConnection`. Defaults to `testPatConnection`. */
  readonly testPatConnection?: PatConnectionTest;
}

/**
 * Everything one tool needs, composed from its preset: the Entra app, the
 * service hooks, the PAT reference, and the values its setup form asks for.
 */
export class Integration extends pulumi.ComponentResource {
  /** The Entra app, when the tool signs in through one. */
  readonly entraApp?: EntraApp;
  /** The service hooks, when the tool receives webhooks. */
  readonly serviceHooks?: ServiceHooks;
  /** The PAT reference, when the tool is given a PAT. */
  readonly pat?: PatReference;
  /** The credential the tool's workload signs in with, when `workloadIdentity` replaces the client secret. */
  readonly federatedCredential?: FederatedCredential;
  /** The app's service principal in the Azure DevOps organization, when the tool signs in as it. */
  readonly entitlement?: ServicePrincipalEntitlement;
  /** The tool's form fields with their values, in the form's order. */
  readonly entries: readonly StoreEntry[];

  constructor(name: string, args: IntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    const m = args.model;
    // The declaration the policy pack judges (which projects and group a service principal joins); no secret is in it.
    super(
      INTEGRATION_TYPE,
      name,
      {
        preset: m.preset,
        mode: m.mode,
        ...(m.servicePrincipal && {
          servicePrincipal: { accessLevel: m.servicePrincipal.accessLevel, projects: [...m.servicePrincipal.projects], exclude: [...m.servicePrincipal.exclude], group: m.servicePrincipal.group },
        }),
      },
      opts,
    );
    const now = args.now ?? new Date();
    const values: Partial<Record<FieldSource, pulumi.Output<string>>> = {
      organizationUrl: pulumi.output(args.organizationUrl),
      organizationName: pulumi.output(args.organizationName),
      organizationHost: pulumi.output(organizationHost(args.organizationUrl)),
    };

    if (m.entraApp) {
      if (!args.principals) throw new Error(`Integration ${name}: principals is required when the integration has an Entra app`);
      const e = m.entraApp;
      this.entraApp = new EntraApp(
        name,
        {
          displayName: m.displayName,
          redirectUris: e.redirectUris,
          adoScopes: e.adoScopes,
          graphScopes: e.graphScopes,
          idTokens: e.idTokens,
          owners: e.owners,
          signInAudience: e.signInAudience,
          secretRotationDays: e.secretRotationDays,
          secretMinValidityDays: e.secretMinValidityDays,
          clientSecrets: m.workloadIdentity === undefined,
          now,
          tags: appTags(m),
          principals: args.principals,
        },
        { parent: this },
      );
      Object.assign(values, {
        clientId: this.entraApp.clientId,
        clientSecret: this.entraApp.clientSecret,
        tenantId: this.entraApp.tenantId,
        authorizationUrl: this.entraApp.authorizationUrl,
        tokenUrl: this.entraApp.tokenUrl,
        issuer: this.entraApp.issuer,
      });
      if (e.redirectUris.length > 0) values.redirectUri = pulumi.output(e.redirectUris[0]!);
      if (m.workloadIdentity) {
        this.federatedCredential = new FederatedCredential(
          `${name}-workload`,
          { applicationId: pulumi.interpolate`/applications/${this.entraApp.objectId}`, issuer: m.workloadIdentity.issuer, subject: m.workloadIdentity.subject },
          { parent: this },
        );
      }
    }

    if (m.servicePrincipal) {
      if (!this.entraApp) throw new Error(`Integration ${name}: servicePrincipal needs an Entra app to add to the organization`);
      const sp = m.servicePrincipal;
      // Selectors were checked before any resource was registered (stack.ts).
      const projects = selectProjects(args.organizationProjects, sp.projects, sp.exclude).map((p) => ({ projectId: p.id, group: sp.group }));
      this.entitlement = new ServicePrincipalEntitlement(
        `${name}-entitlement`,
        {
          organizationUrl: args.organizationUrl,
          servicePrincipalObjectId: this.entraApp.servicePrincipalObjectId,
          accessLevel: sp.accessLevel,
          projects,
        },
        { parent: this },
      );
    }

    if (m.serviceHooks) {
      const h = m.serviceHooks;
      const password =
        h.password.kind === "config"
          ? args.secret(h.password.key)
          : new random.RandomPassword(webhookPasswordName(name), { length: 32, special: false }, { parent: this }).result;
      this.serviceHooks = new ServiceHooks(
        serviceHooksName(name),
        {
          organizationUrl: args.organizationUrl,
          allowedHosts: args.allowedHosts,
          projects: [...h.projects],
          exclude: [...h.exclude],
          organizationProjects: args.organizationProjects,
          events: [...h.events] as never,
          url: h.url,
          username: h.username,
          password: pulumi.secret(password),
          filters: { repository: h.repository, branch: h.branch },
          resourceDetailsToSend: h.resourceDetailsToSend,
          messagesToSend: h.messagesToSend,
          detailedMessagesToSend: h.detailedMessagesToSend,
        },
        { parent: this },
      );
      Object.assign(values, {
        webhookUrl: pulumi.output(h.url),
        webhookUsername: pulumi.output(h.username),
        webhookPassword: pulumi.secret(password),
      });
    }

    if (m.pat) {
      this.pat = new PatReference(
        `${name}-pat`,
        { pat: m.pat, organizationUrl: args.organizationUrl, secret: args.secret, now, readEnv: args.readEnv, testConnection: args.testPatConnection, integration: m.name, preset: m.preset },
        { parent: this },
      );
      values.pat = this.pat.value;
      if (m.pat.owner !== undefined) values.patOwner = pulumi.output(m.pat.owner);
    }

    this.entries = m.fields.map((f) => {
      const value = values[f.source];
      if (!value) {
        throw new Error(`Integration ${name}: field "${f.label}" takes its value from ${f.source}, which this integration does not create`);
      }
      // A Key Vault reference names where the PAT is; it is not the PAT.
      const isReference = f.source === "pat" && m.pat?.source.kind === "keyVault";
      return { integration: m.name, label: f.label, value, secret: SECRET_SOURCES.has(f.source) && !isReference };
    });

    this.registerOutputs({});
  }
}

/**
 * Tags that let the policy pack judge an app registration on its own: which
 * integration and preset it serves, the scopes the preset needs, and the broad
 * scopes explicitly allowed.
 */
export function appTags(m: IntegrationModel): string[] {
  const e = m.entraApp!;
  return [
    "ado-integrations",
    `ado-integrations:integration=${m.name}`,
    `ado-integrations:preset=${m.preset}`,
    `ado-integrations:needs=${e.presetScopes.join(",")}`,
    `ado-integrations:allow-broad=${e.allowBroadScopes.join(",")}`,
  ];
}
