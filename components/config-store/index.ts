import * as pulumi from "@pulumi/pulumi";
import type { ConfigStoreModel } from "../config/model";

/** One value to write: an integration's form field and its value. */
export interface StoreEntry {
  /** Integration name. */
  readonly integration: string;
  /** The label the tool's setup form uses. */
  readonly label: string;
  readonly value: pulumi.Output<string>;
  /** Written as a Pulumi secret or a secret variable. */
  readonly secret: boolean;
}

/** Where each entry landed, for the plan and the README. */
export interface StoredKey {
  readonly integration: string;
  readonly label: string;
  readonly secret: boolean;
  readonly store: ConfigStoreModel["kind"];
  /** Stack output path, or variable name in the group. */
  readonly key: string;
}

/** Stack outputs produced by the store: integration -> label -> value. */
export type StoreOutputs = Record<string, Record<string, pulumi.Output<string>>>;

/**
 * Writes entries as stack outputs, so `pulumi stack output --json
 * --show-secrets`, StackReferences and ESC can read them. Secrets are wrapped
 * explicitly: the value's own secrecy is not trusted to survive every path.
 */
export function writeStackOutputs(entries: readonly StoreEntry[]): { outputs: StoreOutputs; keys: StoredKey[] } {
  const outputs: StoreOutputs = {};
  const keys: StoredKey[] = [];
  for (const e of entries) {
    const group = (outputs[e.integration] ??= {});
    if (group[e.label] !== undefined) throw new Error(`integration ${e.integration}: two fields are labelled "${e.label}"`);
    group[e.label] = e.secret ? pulumi.secret(e.value) : e.value;
    keys.push({ integration: e.integration, label: e.label, secret: e.secret, store: "stackOutputs", key: `fields.${e.integration}.${e.label}` });
  }
  return { outputs, keys };
}

/** A variable name Azure DevOps accepts for a form label: `<integration>.<Label_With_Underscores>`. */
export function variableName(integration: string, label: string): string {
  return `${integration}.${label.trim().replace(/[^A-Za-z0-9_.]+/g, "_")}`;
}
