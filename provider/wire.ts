import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

// Property values as the engine sends them to the plugin: plain JSON where a
// secret is an object marked with Pulumi's secret signature (the plugin says
// it accepts secrets) and a value not known yet during preview is a sentinel
// string. The REST runtime works on plain values; these helpers take the
// marks off on the way in and put them back on the way out.

type Props = Record<string, unknown>;

/** True for a value the engine marked secret. */
export function isSecretValue(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Props)[specialSigKey] === specialSecretSig;
}

/** A value with every secret mark taken off, at any depth. Unknown sentinels stay as they are. */
export function reveal(value: unknown): unknown {
  if (isSecretValue(value)) return reveal((value as Props).value);
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Props).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** The properties with their secret marks taken off. */
export function revealProps<T>(props: Props | undefined): T {
  return reveal(props ?? {}) as T;
}

/** Whether a value, or anything inside it, passes `test`. */
function holds(value: unknown, test: (v: unknown) => boolean): boolean {
  if (test(value)) return true;
  if (Array.isArray(value)) return value.some((v) => holds(v, test));
  if (value !== null && typeof value === "object") return Object.values(value as Props).some((v) => holds(v, test));
  return false;
}

/** Whether a value is or holds a secret. */
export function holdsSecret(value: unknown): boolean {
  return holds(value, isSecretValue);
}

/** Top-level property names whose value is or holds a secret. */
export function secretKeys(props: Props | undefined): string[] {
  return Object.entries(props ?? {})
    .filter(([, v]) => holdsSecret(v))
    .map(([k]) => k);
}

/** Whether a value is or holds a value not known yet (preview). */
export function holdsUnknown(value: unknown): boolean {
  return holds(value, (v) => v === unknownValue);
}

/** The properties with each named one that is present marked secret. */
export function conceal<T extends object>(props: T, names: Iterable<string>): Props {
  const out: Props = { ...(props as Props) };
  for (const name of names) {
    const value = out[name];
    if (value !== undefined && !isSecretValue(value)) out[name] = { [specialSigKey]: specialSecretSig, value };
  }
  return out;
}
