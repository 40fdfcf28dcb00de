/**
 * The offline runner: the pack's own `validateResource` functions over the
 * resources the mock runtime recorded, the way CrossGuard runs them during a
 * preview. The offline plan (scripts/plan.ts) and the tests use it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyResourceOptions, ResourceValidationArgs } from "@pulumi/policy";
import { enforcementOf, settingsOf, type Enforcement, type PolicyConfig } from "./config";
import { createPolicies } from "./pack";
import { SECRET_MARK } from "./secret-names";

/** A resource as the offline plan records it. */
export interface PlanResource {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly inputs: Record<string, unknown>;
}

/** One violation a policy reported on one resource, as {@link runPolicies} returns it. */
export interface PolicyFinding {
  readonly policy: string;
  readonly enforcement: Enforcement;
  readonly resource: string;
  readonly message: string;
}

/** Options of {@link runPolicies}. */
export interface RunPoliciesOptions {
  /**
   * Tells the values the caller's mock runtime made up for secrets. The
   * policies see each one as {@link SECRET_MARK}, the way the plan shows it.
   * Defaults to none.
   */
  readonly isSecretStandIn?: (value: string) => boolean;
}

/** Replaces every string `isStandIn` accepts with {@link SECRET_MARK}. */
function markStandIns(value: unknown, isStandIn: (value: string) => boolean): unknown {
  if (typeof value === "string") return isStandIn(value) ? SECRET_MARK : value;
  if (Array.isArray(value)) return value.map((v) => markStandIns(v, isStandIn));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markStandIns(v, isStandIn)]));
  return value;
}

/** Replaces Pulumi secret envelopes with their values, as CrossGuard hands them to policies. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

const NO_OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

/**
 * Runs the pack's `validateResource` functions over plan resources, the way
 * CrossGuard would during preview: each enabled policy sees every resource,
 * with the policy's settings from `config` and the clock fixed at `now`.
 * Secret envelopes are opened (CrossGuard does the same); a `[secret]` mark
 * stays as it is and counts as a non-empty value.
 *
 * Pass `evaluation.recorded` (inputs with secrets in their envelopes) for the
 * complete view, with `isSecretStandIn` telling the mocks' made-up secrets.
 * `evaluation.resources` shows every secret as `[secret]`, and a variable
 * group wraps its whole variable map as one secret, so there the config-store
 * policy sees no variables to check.
 */
export function runPolicies(resources: readonly PlanResource[], config: PolicyConfig = {}, now: Date = new Date(), options: RunPoliciesOptions = {}): PolicyFinding[] {
  const results: PolicyFinding[] = [];
  const pack = createPolicies(() => now).map((p) => ({ policy: p, enforcement: enforcementOf(p, config), settings: settingsOf(p.name, config) }));
  const isStandIn = options.isSecretStandIn;
  for (const r of resources) {
    const opened = unwrapSecrets(r.inputs);
    const props = (isStandIn ? markStandIns(opened, isStandIn) : opened) as Record<string, unknown>;
    for (const { policy, enforcement, settings } of pack) {
      if (enforcement === "disabled") continue;
      const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === r.type;
      const args: ResourceValidationArgs = {
        type: r.type,
        name: r.name,
        urn: r.urn ?? r.name,
        props,
        opts: NO_OPTIONS,
        stackTags: new Map(),
        isType: typeOf,
        asType: ((resourceClass: unknown) => (typeOf(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...settings }) as T,
        notApplicable: () => {
          throw new NotApplicable();
        },
      };
      try {
        policy.validateResource(args, (message) => results.push({ policy: policy.name, enforcement, resource: r.name, message }));
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return results;
}
