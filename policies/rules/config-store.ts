/** Rules on the config store's Azure DevOps variable group. */
import { credentialKind, isSecretFieldName } from "../secret-names";
import { asRecord, asString, type Props } from "./read";

// A Key Vault reference names where a secret is; the value itself is not secret (see components/integration.ts).
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(.+\)$/;

/**
 * Secrets written to a variable group are secret variables: a variable whose
 * name is a secret field, or whose value looks like a credential, must have
 * `isSecret: true`. A Key Vault reference under a secret field name is fine:
 * it is where the secret is, not the secret. Values are never quoted.
 * A secret variable's value is never read: during preview it may be unknown.
 * A variable map that is not an object (the plan's `[secret]` mark) has
 * nothing to check.
 */
export function checkVariableGroupSecrets(props: Props): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(asRecord(props.variables))) {
    const variable = asRecord(raw);
    if (variable.isSecret === true) continue;
    const value = asString(variable.value) ?? "";
    const kind = credentialKind(value);
    if (kind !== undefined) {
      out.push(`variable ${name} is not secret but its value looks like ${kind}: set isSecret to true`);
    } else if (isSecretFieldName(name) && !KEY_VAULT_REFERENCE.test(value)) {
      out.push(`variable ${name} holds a secret field but is not secret: set isSecret to true`);
    }
  }
  return out;
}
