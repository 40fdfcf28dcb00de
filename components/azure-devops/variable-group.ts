import * as pulumi from "@pulumi/pulumi";
import { TOKENS } from "../../provider/schema";
import type { SharedProjectReference, VariableState } from "./runtime/variable-groups";

/** One variable of a {@link VariableGroup}. */
export interface VariableGroupVariable {
  /** The value; for a secret it never leaves the provider's inputs. */
  readonly value: string;
  /** Encrypted at rest and never shown back by the service. */
  readonly isSecret: boolean;
}

/** Arguments of a {@link VariableGroup}. */
export interface VariableGroupArgs {
  /** Organization URL or name. Defaults to AZDO_ORG_SERVICE_URL when the provider runs. */
  readonly organizationUrl?: pulumi.Input<string>;
  /** Project id (GUID) the group belongs to. Changing it replaces the group. */
  readonly projectId: pulumi.Input<string>;
  /** That project's name, written into the project reference. */
  readonly projectName: pulumi.Input<string>;
  /** Group name, unique in the project; an existing group of that name is adopted only when it carries this stack's marker (see `owner`). */
  readonly name: pulumi.Input<string>;
  /** Defaults to "". */
  readonly description?: pulumi.Input<string>;
  /**
   * Variables by name. Wrap the whole map with `pulumi.secret` when any value
   * is secret; the class wraps it too when it sees a secret, as a safety net.
   */
  readonly variables: pulumi.Input<Record<string, pulumi.Input<VariableGroupVariable>>>;
  /**
   * The stack that manages the group, written as a marker line at the end of
   * its description; create fails on a group of the same name without it.
   * Defaults to `<pulumi project>/<pulumi stack>`.
   */
  readonly owner?: pulumi.Input<string>;
}

/**
 * An Azure Pipelines variable group in one project (a config store for
 * integration outputs). Token: `azure-devops-integrations:index:VariableGroup`.
 * The resource id is the group's numeric id. Refresh surfaces variables
 * edited, added, removed or made (non-)secret by hand, and deletion; the next
 * `pulumi up` repairs them. Secret values never reach outputs: a salted hash
 * per secret variable shows when a desired secret changes.
 */
export class VariableGroup extends pulumi.CustomResource {
  /** Normalized organization URL. */
  declare readonly organizationUrl: pulumi.Output<string>;
  /** Project id, lower case. */
  declare readonly projectId: pulumi.Output<string>;
  /** The project's name as the service reports it. */
  declare readonly projectName: pulumi.Output<string>;
  /** Group name as the service holds it. */
  declare readonly name: pulumi.Output<string>;
  /** Description as the service holds it. */
  declare readonly description: pulumi.Output<string>;
  /** Variables as the service holds them: plain values kept, secrets as `{ isSecret: true }` without a value. */
  declare readonly variables: pulumi.Output<Record<string, VariableState>>;
  /** Salted sha256 per secret variable (secret), so a new secret value shows as a change. */
  declare readonly secretHashes: pulumi.Output<Record<string, string>>;
  /** Salt of secretHashes (secret). */
  declare readonly secretSalt: pulumi.Output<string>;
  /** Other projects the group is shared with; updates keep them. */
  declare readonly sharedWith: pulumi.Output<SharedProjectReference[]>;
  /** The service's last modification time of the group this state describes. */
  declare readonly modifiedOn: pulumi.Output<string>;
  /** Whether this stack created the group; false for one it adopted, which destroy leaves in place. */
  declare readonly createdByStack: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: VariableGroupArgs, opts?: pulumi.CustomResourceOptions) {
    // A secret value must never sit in state in plain text, even if a caller forgot the wrap.
    const variables = pulumi
      .output(args.variables)
      .apply((vars) => (Object.values(vars).some((v) => v?.isSecret === true) ? pulumi.secret(vars) : pulumi.output(vars)));
    super(
      TOKENS.variableGroup,
      name,
      {
        organizationUrl: args.organizationUrl,
        projectId: args.projectId,
        projectName: args.projectName,
        name: args.name,
        description: args.description,
        variables,
        owner: args.owner ?? `${pulumi.getProject()}/${pulumi.getStack()}`,
        secretHashes: undefined,
        secretSalt: undefined,
        sharedWith: undefined,
        modifiedOn: undefined,
        createdByStack: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secretHashes", "secretSalt"] }),
    );
  }
}
