/**
 * Prototypes of design changes, applied in a plan-case process before the
 * program loads, so their effect can be measured without editing the program.
 * Each names the change the lead would make for real.
 */

/** One prototype. */
export interface Variant {
  readonly name: string;
  /** The change it stands for, for the report. */
  readonly change: string;
  readonly apply: () => void;
}

/** Keys ServiceHookSubscription seeds as `undefined` only so they exist as Output properties. */
const OUTPUT_ONLY_KEYS = ["status", "passwordSet", "passwordHash", "passwordSalt"];

/** Replaces the SDK's dynamic Resource class with one that adjusts props first. */
function patchDynamicResource(adjust: (props: Record<string, unknown>) => void): void {
  const dynamic = require("@pulumi/pulumi/dynamic") as { Resource: new (...args: any[]) => object };
  const Original = dynamic.Resource;
  class Adjusted extends Original {
    constructor(...args: any[]) {
      adjust(args[2] as Record<string, unknown>);
      super(...args);
    }
  }
  dynamic.Resource = Adjusted;
}

const VARIANTS: readonly Variant[] = [
  {
    name: "no-stack-capture",
    change:
      "evaluateStack: set Error.stackTraceLimit = 0 while the program registers resources (restore afterwards). The SDK's debuggablePromise takes `new Error().stack` for 4 promises per resource property, and tsx turns on source maps, so every one is source-mapped.",
    apply: () => {
      Error.stackTraceLimit = 0;
    },
  },
  {
    name: "unseeded-outputs",
    change:
      "ServiceHookSubscription: stop seeding status/passwordSet/passwordHash/passwordSalt as undefined props (nothing in the program reads them; state still holds them, additionalSecretOutputs still applies).",
    apply: () =>
      patchDynamicResource((props) => {
        for (const key of OUTPUT_ONLY_KEYS) if (props[key] === undefined) delete props[key];
      }),
  },
  {
    name: "no-undefined-props",
    change: "ServiceHookSubscription: pass only the props that have a value (unseeded outputs, and httpHeaders only when set).",
    apply: () =>
      patchDynamicResource((props) => {
        for (const key of Object.keys(props)) if (props[key] === undefined) delete props[key];
      }),
  },
];

/** The variants by name; throws on an unknown one. */
export function applyVariants(names: readonly string[]): Variant[] {
  return names.map((name) => {
    const variant = VARIANTS.find((v) => v.name === name);
    if (!variant) throw new Error(`unknown variant ${name}; known: ${VARIANTS.map((v) => v.name).join(", ")}`);
    variant.apply();
    return variant;
  });
}

/** Every known variant. */
export function knownVariants(): readonly Variant[] {
  return VARIANTS;
}
