import * as pulumi from "@pulumi/pulumi";
import { ALLOWED_HOSTS_VARIABLE, type AllowedHost, parseAllowedHosts } from "../azure-devops/runtime/hosts";
import type { EnvReader } from "../credentials/pat-reference";
import { ConfigError } from "./messages";
import { CONFIG_NAMESPACE } from "./namespace";
import type { StackModel } from "./model";
import { parseStackConfig, type ConfigSource } from "./parse";

export * from "./model";
export { ConfigError } from "./messages";
export { parseStackConfig, type ConfigSource, type ParseOptions } from "./parse";

/** The validated stack config plus access to the secret keys it references. */
export interface StackConfig extends StackModel {
  /** The value of a secret config key the model references, as a Pulumi secret. */
  secret(key: string): pulumi.Output<string>;
}

export { CONFIG_NAMESPACE } from "./namespace";

/**
 * A ConfigSource over the running program's config (a real deployment or the
 * mock runtime). This module is the only place that reads pulumi.Config.
 */
export function pulumiConfigSource(): ConfigSource {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const all = pulumi.runtime.allConfig();
  // isConfigSecret is exported by the SDK at run time but missing from its typings.
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret ?? (() => false);
  return {
    stack: pulumi.getStack(),
    keys: () => Object.keys(all).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
    raw: (key) => all[prefix + key],
    isSecret: (key) => isConfigSecret(prefix + key),
  };
}

/**
 * The hosts whoever runs the deployment allows besides Azure DevOps's own, from
 * AZDO_ALLOWED_HOSTS as `readEnv` reads it; a malformed value is a ConfigError.
 */
export function allowedHostsFrom(readEnv: EnvReader): AllowedHost[] {
  try {
    return parseAllowedHosts(readEnv(ALLOWED_HOSTS_VARIABLE));
  } catch (e) {
    throw new ConfigError([(e as Error).message]);
  }
}

/**
 * Reads and validates this stack's config once. Throws ConfigError listing
 * every problem before any resource is registered. `readEnv` reads
 * AZDO_ALLOWED_HOSTS; defaults to the process environment.
 */
export function readStackConfig(now: Date = new Date(), readEnv: EnvReader = (name) => process.env[name]): StackConfig {
  const model = parseStackConfig(pulumiConfigSource(), { now, allowedHosts: allowedHostsFrom(readEnv) });
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const cache = new Map<string, pulumi.Output<string>>();
  return {
    ...model,
    secret: (key) => {
      if (!cache.has(key)) cache.set(key, config.requireSecret(key));
      return cache.get(key)!;
    },
  };
}
