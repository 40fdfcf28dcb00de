import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";

/** The audience Entra ID expects in a token exchanged for an app's access token. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** Args of FederatedCredential. */
export interface FederatedCredentialArgs {
  /** Resource ID of the app registration (`/applications/<object id>`), as `azuread.Application.id`. */
  readonly applicationId: pulumi.Input<string>;
  /** Issuer of the workload's tokens, such as an AKS cluster's OIDC issuer URL. */
  readonly issuer: string;
  /** Subject of the workload's tokens (`system:serviceaccount:<namespace>:<service account>`). */
  readonly subject: string;
  /** Display name of the credential on the app (unique per app). Defaults to "ado-integrations". */
  readonly displayName?: string;
}

/**
 * Lets a workload outside Entra ID (a Kubernetes service account) sign in as
 * the app with its own tokens, so the app needs no client secret.
 */
export class FederatedCredential extends pulumi.ComponentResource {
  /** ID of the federated identity credential. */
  declare readonly credentialId: pulumi.Output<string>;

  constructor(name: string, args: FederatedCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ado-integrations:entra:FederatedCredential", name, {}, opts);
    if (args.issuer.trim() === "" || args.subject.trim() === "") {
      throw new Error(`FederatedCredential ${name}: issuer and subject must not be empty`);
    }
    const credential = new azuread.ApplicationFederatedIdentityCredential(
      `${name}-credential`,
      {
        applicationId: args.applicationId,
        displayName: args.displayName ?? "ado-integrations",
        description: `Tokens of ${args.subject}, issued by ${args.issuer}`,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
        issuer: args.issuer,
        subject: args.subject,
      },
      { parent: this },
    );
    this.credentialId = credential.credentialId;
    this.registerOutputs({ credentialId: this.credentialId });
  }
}
