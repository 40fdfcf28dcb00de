import * as pulumi from "@pulumi/pulumi";
import { TOKENS } from "../../provider/schema";

/** Args of PatHandoff. */
export interface PatHandoffArgs {
  /** The PAT (or Key Vault reference) the program holds now. */
  readonly value: pulumi.Input<string>;
  /** Whether it may be handed over: false when it is expired or inside its warning window. */
  readonly fit: boolean;
}

/**
 * The PAT a tool was last handed. A fit PAT replaces it; an unfit one is held
 * back and `value` keeps the PAT handed before (empty when there was none).
 * Token: `azure-devops-integrations:index:PatHandoff`. Nothing exists outside
 * the stack's state.
 */
export class PatHandoff extends pulumi.CustomResource {
  /** The PAT handed to the tool, as a Pulumi secret. */
  declare readonly value: pulumi.Output<string>;
  /** Whether the last PAT offered was fit to hand over. */
  declare readonly fit: pulumi.Output<boolean>;

  constructor(name: string, args: PatHandoffArgs, opts?: pulumi.CustomResourceOptions) {
    super(TOKENS.patHandoff, name, { value: pulumi.secret(args.value), fit: args.fit }, pulumi.mergeOptions(opts, { additionalSecretOutputs: ["value"] }));
  }
}
