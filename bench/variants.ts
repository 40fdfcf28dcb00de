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

const VARIANTS: readonly Variant[] = [
  {
    name: "no-stack-capture",
    change:
      "Error.stackTraceLimit = 0 in the plan process, real program and floor alike (the program would set it in evaluateStack while resources register). The SDK's debuggablePromise takes `new Error().stack` for every promise it tracks; source maps are now off while resources register, so the traces are no longer mapped, but capturing them still costs time.",
    apply: () => {
      Error.stackTraceLimit = 0;
    },
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
