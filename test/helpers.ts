import * as pulumi from "@pulumi/pulumi";
import type { ConfigSource } from "../components/config/parse";

/** The fixed clock the tests plan at. */
export const NOW = new Date("2026-11-22T12:00:00Z");

/** A ConfigSource over plain values: objects become JSON text, as Pulumi stores them. */
export function configSource(values: Record<string, unknown>, secretKeys: readonly string[] = [], stack = "dev"): ConfigSource {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    raw[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return {
    stack,
    keys: () => Object.keys(raw),
    raw: (k) => raw[k],
    isSecret: (k) => secretKeys.includes(k),
  };
}

/** Resolves an Output (awaiting it makes an assertion on its value able to fail). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Whether an Output is marked secret. */
export function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}

/** A stack file document with `ado-integrations:` keys. */
export function stackDoc(values: Record<string, unknown>): { config: Record<string, unknown> } {
  return { config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`ado-integrations:${k}`, v])) };
}
