import * as pulumi from "@pulumi/pulumi";
import { TOKENS } from "../../provider/schema";

/** Args of RecordedValue. */
export interface RecordedValueArgs {
  /** The value to record. Read only when the resource is created: later values change nothing. */
  readonly value: pulumi.Input<string>;
}

/**
 * A value recorded once, when the resource is created, and kept for the life
 * of the stack: the provider plugin's diff ignores later inputs, so `value`
 * stays the first one. Token: `azure-devops-integrations:index:RecordedValue`.
 * Nothing exists outside the stack's state.
 */
export class RecordedValue extends pulumi.CustomResource {
  /** The value recorded at creation. */
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, args: RecordedValueArgs, opts?: pulumi.CustomResourceOptions) {
    super(TOKENS.recordedValue, name, { value: args.value }, opts);
  }
}
