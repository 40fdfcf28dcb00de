/**
 * Readers for the untyped inputs a policy is handed: registered inputs are
 * JSON of any shape (a misbehaving program, a resource created by hand), so
 * every rule reads them defensively through these.
 */

/** The inputs of one resource, as a policy sees them. */
export type Props = Record<string, unknown>;

/** `v` when it is an array, else an empty one. */
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `v` when it is a plain object, else an empty one. */
export const asRecord = (v: unknown): Props => (v && typeof v === "object" && !Array.isArray(v) ? (v as Props) : {});

/** `v` when it is a string. */
export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The strings in `v`, when it is an array. */
export const asStrings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === "string");

/** `a, b, c`, or `none` for an empty list: how messages show a list. */
export const listOrNone = (items: readonly string[]): string => (items.length > 0 ? items.join(", ") : "none");

/**
 * The integration a resource serves: the name it registered (`integration`
 * input or tag) when there is one, else its resource name without the
 * `-<role>` suffix the program gives it (`gitpod-app`, `spacelift-pat`,
 * `terrakube-entitlement`). Allowances in the policy config are keyed by it.
 */
export function integrationOf(resourceName: string, role: string, registered?: string): string {
  if (registered !== undefined && registered !== "") return registered;
  const suffix = `-${role}`;
  return resourceName.endsWith(suffix) ? resourceName.slice(0, -suffix.length) : resourceName;
}
