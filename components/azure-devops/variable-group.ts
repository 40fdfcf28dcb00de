import * as pulumi from "@pulumi/pulumi";
import type { SharedProjectReference, VariableGroupInputs, VariableGroupState, VariableState } from "./runtime/variable-groups";

/**
 * Loads the shared REST runtime at call time (provider methods are serialized
 * into state; imports cannot go there). Kept as a local function in each
 * provider module, not shared: an imported helper drags module-interop
 * wrappers into every resource's serialized provider (3,108 bytes instead of
 * about 2,330, measured). Same cache key everywhere, so a process loads the
 * runtime once.
 */
function runtime(): typeof import("./runtime/index") {
  const g = globalThis as { __adoIntegrationsRuntime?: typeof import("./runtime/index") };
  if (!g.__adoIntegrationsRuntime) {
    require("tsx/cjs/api").register();
    g.__adoIntegrationsRuntime = require(require("node:path").resolve("components/azure-devops/runtime/index.ts"));
  }
  return g.__adoIntegrationsRuntime!;
}

/**
 * CRUD for one variable group. Each method only delegates to the runtime,
 * which reads credentials from the environment at call time, so the
 * serialized provider stays small and holds no secret.
 */
export const variableGroupProvider: pulumi.dynamic.ResourceProvider<VariableGroupInputs, VariableGroupState> = {
  async create(inputs) {
    return runtime().createVariableGroup(inputs);
  },
  async read(id, props) {
    return runtime().readVariableGroup(id, props);
  },
  async diff(_id, olds, news) {
    const result = runtime().diffVariableGroup(olds, news);
    return { changes: result.changes, replaces: result.replaces };
  },
  async update(id, olds, news) {
    return runtime().updateVariableGroup(id, olds, news);
  },
  async delete(id, props) {
    await runtime().deleteVariableGroup(id, props);
  },
};

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
  /** Group name, unique in the project; an existing group of that name is adopted. */
  readonly name: pulumi.Input<string>;
  /** Defaults to "". */
  readonly description?: pulumi.Input<string>;
  /**
   * Variables by name. Wrap the whole map with `pulumi.secret` when any value
   * is secret; the class wraps it too when it sees a secret, as a safety net.
   */
  readonly variables: pulumi.Input<Record<string, pulumi.Input<VariableGroupVariable>>>;
}

/**
 * An Azure Pipelines variable group in one project (a config store for
 * integration outputs). Token: `pulumi-nodejs:dynamic/azure-devops:VariableGroup`.
 * The resource id is the group's numeric id. Refresh surfaces variables
 * edited, added, removed or made (non-)secret by hand, and deletion; the next
 * `pulumi up` repairs them. Secret values never reach outputs: a salted hash
 * per secret variable shows when a desired secret changes.
 */
export class VariableGroup extends pulumi.dynamic.Resource {
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

  constructor(name: string, args: VariableGroupArgs, opts?: pulumi.CustomResourceOptions) {
    // A secret value must never sit in state in plain text, even if a caller forgot the wrap.
    const variables = pulumi
      .output(args.variables)
      .apply((vars) => (Object.values(vars).some((v) => v?.isSecret === true) ? pulumi.secret(vars) : pulumi.output(vars)));
    super(
      variableGroupProvider,
      name,
      {
        organizationUrl: args.organizationUrl,
        projectId: args.projectId,
        projectName: args.projectName,
        name: args.name,
        description: args.description,
        variables,
        secretHashes: undefined,
        secretSalt: undefined,
        sharedWith: undefined,
        modifiedOn: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secretHashes", "secretSalt"] }),
      "azure-devops",
      "VariableGroup",
    );
  }
}
