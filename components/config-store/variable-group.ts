import * as pulumi from "@pulumi/pulumi";
import { type Project, selectProjects } from "../azure-devops/lookups";
import { VariableGroup, type VariableGroupVariable } from "../azure-devops/variable-group";
import { variableName, type StoreEntry, type StoredKey } from "./index";

/** The component type of {@link VariableGroupStore}. */
export const VARIABLE_GROUP_STORE_TYPE = "ado-integrations:config-store:VariableGroupStore";

/** The name the stack gives its variable-group config store (components/stack.ts). */
export const CONFIG_STORE_NAME = "config-store";

/** The name of the variable group resource of the store `store`. */
export function storeGroupName(store: string): string {
  return `${store}-group`;
}

/** Args of VariableGroupStore. */
export interface VariableGroupStoreArgs {
  /** `https://dev.azure.com/<org>`. */
  readonly organizationUrl: string;
  /** Name of the project the group lives in. */
  readonly project: string;
  /** Every project of the organization, listed before any resource is registered; `project` is found in it. */
  readonly organizationProjects: readonly Project[];
  /** The group's name. */
  readonly groupName: string;
  /** The group's description. */
  readonly description: string;
  /** Form values to write, one variable each. */
  readonly entries: readonly StoreEntry[];
}

/**
 * Writes form values into one Azure DevOps Library variable group, named
 * `<integration>.<Label_With_Underscores>`; secret values become secret
 * variables (the service never returns them, and that is not drift).
 */
export class VariableGroupStore extends pulumi.ComponentResource {
  /** The group's numeric ID. */
  declare readonly groupId: pulumi.Output<string>;
  /** Where each entry was written. */
  readonly keys: readonly StoredKey[];

  constructor(name: string, args: VariableGroupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super(VARIABLE_GROUP_STORE_TYPE, name, {}, opts);
    const keys: StoredKey[] = [];
    const variables: Record<string, pulumi.Output<VariableGroupVariable>> = {};
    // The config parse reports this for stack config; this names it for any other caller.
    // Azure Pipelines reads variable names without regard to case, so the comparison ignores it too.
    const labels = new Map<string, string>();
    for (const e of args.entries) {
      const variable = variableName(e.integration, e.label);
      const seen = labels.get(variable.toLowerCase());
      if (seen !== undefined) {
        throw new Error(`VariableGroupStore ${name}: entries: "${e.integration}" labels "${seen}" and "${e.label}" both map to variable ${variable}; rename one in fields`);
      }
      labels.set(variable.toLowerCase(), e.label);
      variables[variable] = e.value.apply((value) => ({ value, isSecret: e.secret }));
      keys.push({ integration: e.integration, label: e.label, secret: e.secret, store: "variableGroup", key: variable });
    }
    // The stack checks the project before any resource is registered; this names it for any other caller.
    let project: Project;
    try {
      project = selectProjects(args.organizationProjects, [args.project])[0]!;
    } catch (error) {
      throw new Error(`VariableGroupStore ${name}: project: ${(error as Error).message} in ${args.organizationUrl}`);
    }
    const anySecret = args.entries.some((e) => e.secret);
    const group = new VariableGroup(
      storeGroupName(name),
      {
        organizationUrl: args.organizationUrl,
        projectId: project.id,
        projectName: project.name,
        name: args.groupName,
        description: args.description,
        // One secret value makes the whole map secret in state; the provider marks each variable.
        variables: anySecret ? pulumi.secret(variables) : variables,
      },
      { parent: this },
    );
    this.groupId = group.id;
    this.keys = keys;
    this.registerOutputs({ groupId: this.groupId });
  }
}
