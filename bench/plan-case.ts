/**
 * One plan measurement in a fresh process, so peak RSS is this case's alone:
 *
 *   node --import tsx bench/plan-case.ts real  <projects> [variant...]
 *   node --import tsx bench/plan-case.ts floor <template.json> [variant...]
 *
 * `real` evaluates the real index.ts through evaluateStack for a spacelift
 * integration over <projects> exact project names and the four default
 * events. `floor` registers the same number of bare resources (components and
 * custom resources) with inputs of the same size and shape, taken from a real
 * run's template, under the same mock runtime and, as evaluateStack does for
 * the real program, with source maps off while they register and settle.
 * Variants prototype design changes without touching the program (see
 * run.ts). Prints one line, `BENCH_RESULT <json>`, last.
 */
import * as path from "node:path";
import { readFileSync } from "node:fs";
import type * as pulumiSdk from "@pulumi/pulumi";
import { applyVariants, type Variant } from "./variants";
import { RESULT_PREFIX } from "./child";

/** What a child reports. */
export interface PlanCaseResult {
  readonly kind: "real" | "floor";
  readonly variants: readonly string[];
  /** Process start until every resource is registered and outputs are resolved. */
  readonly wallMs: number;
  /** The evaluation alone: evaluateStack (real) or registration and settling (floor), after imports. */
  readonly evalMs: number;
  /** Peak resident set size of this process, bytes. */
  readonly maxRssBytes: number;
  readonly components: number;
  readonly customs: number;
  /** Service hook subscriptions. */
  readonly dynamic: number;
  /** Bytes of `__provider` (provider code) text per subscription, min and max; 0 since the provider plugin. */
  readonly providerBytesMin?: number;
  readonly providerBytesMax?: number;
  /** Mean bytes of a subscription's registered inputs as JSON, `__provider` included and excluded. */
  readonly inputBytesPerSubscription?: number;
  readonly inputBytesPerSubscriptionWithoutProvider?: number;
  /** One subscription's registered inputs, `__provider` replaced by its length: what the floor copies. */
  readonly template?: FloorTemplate;
}

/** What the floor needs to register resources like the real program's. */
export interface FloorTemplate {
  readonly components: number;
  readonly customs: number;
  readonly inputs: Record<string, unknown>;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const REPO = path.resolve(__dirname, "..");

function report(result: PlanCaseResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

async function real(projects: number, variants: readonly Variant[]): Promise<PlanCaseResult> {
  // Loaded only now, after the variants patched the SDK, and only in the process that needs them.
  const { spaceliftStackDoc, BENCH_NOW } = require("./stack-doc") as typeof import("./stack-doc");
  const { evaluateStack } = require("../components/offline/evaluate") as typeof import("../components/offline/evaluate");
  const started = performance.now();
  const evaluation = await evaluateStack({ projectDir: REPO, stack: "bench", stackDoc: spaceliftStackDoc(projects), now: BENCH_NOW });
  const evalMs = performance.now() - started;
  const wallMs = process.uptime() * 1000;
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;

  const { TOKENS } = require("../provider/schema") as typeof import("../provider/schema");
  const dynamic = evaluation.recorded.filter((r) => r.type === TOKENS.serviceHookSubscription);
  const providerBytes = evaluation.resources.flatMap((r) => (r.providerBytes === undefined ? [] : [r.providerBytes]));
  const inputBytes = dynamic.map((r) => Buffer.byteLength(JSON.stringify(r.inputs)));
  const withoutProvider = dynamic.map((r) => {
    const { __provider: _p, ...rest } = r.inputs;
    return Buffer.byteLength(JSON.stringify(rest));
  });
  const first = dynamic[0];
  const template: FloorTemplate | undefined = first && {
    components: evaluation.recorded.filter((r) => !r.custom).length,
    customs: evaluation.recorded.filter((r) => r.custom).length,
    inputs: { ...first.inputs, __provider: Buffer.byteLength(String(first.inputs.__provider ?? "")) },
  };
  return {
    kind: "real",
    variants: variants.map((v) => v.name),
    wallMs,
    evalMs,
    maxRssBytes,
    components: evaluation.recorded.filter((r) => !r.custom).length,
    customs: evaluation.recorded.filter((r) => r.custom).length,
    dynamic: dynamic.length,
    ...(providerBytes.length > 0 && { providerBytesMin: Math.min(...providerBytes), providerBytesMax: Math.max(...providerBytes) }),
    ...(inputBytes.length > 0 && {
      inputBytesPerSubscription: mean(inputBytes),
      inputBytesPerSubscriptionWithoutProvider: mean(withoutProvider),
    }),
    template,
  };
}

async function floor(templateFile: string, variants: readonly Variant[]): Promise<PlanCaseResult> {
  const template = JSON.parse(readFileSync(templateFile, "utf8")) as FloorTemplate;
  const pulumi = require("@pulumi/pulumi") as typeof pulumiSdk;
  const { OfflineMocks } = require("../components/offline/mocks") as typeof import("../components/offline/mocks");
  // The same settling rule as evaluateStack, so both sides stop measuring at the same point.
  const { settle } = require("../components/offline/evaluate") as typeof import("../components/offline/evaluate");
  const started = performance.now();
  const mocks = new OfflineMocks();
  pulumi.runtime.setMocks(mocks, "ado-integrations", "bench", true);

  // Same-size inputs: the provider text becomes a plain string of its length, secrets stay secrets.
  const toInput = (value: unknown): unknown => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      if (SECRET_SIG_KEY in record) return pulumi.secret(record.value);
      return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toInput(v)]));
    }
    return value;
  };
  const { __provider: providerLength, ...rest } = template.inputs;
  const inputs = { code: "x".repeat(Number(providerLength ?? 0)), ...rest };

  class Bare extends pulumi.CustomResource {
    constructor(name: string, props: Record<string, unknown>, opts: pulumiSdk.CustomResourceOptions) {
      super("bench:floor:Bare", name, props, opts);
    }
  }
  // The same runtime conditions as evaluateStack gives the real program: source
  // maps off (tsx turns them on) while resources register and settle, restored after.
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    // A chain of components like Integration > ServiceHooks, then the bare resources under the last.
    let parent: pulumiSdk.ComponentResource | undefined;
    for (let i = 0; i < template.components; i++) {
      parent = new pulumi.ComponentResource("bench:floor:Component", `floor-component-${i}`, {}, parent ? { parent } : {});
    }
    const ids: pulumiSdk.Output<string>[] = [];
    for (let i = 0; i < template.customs; i++) {
      const resource = new Bare(`floor-${i}`, toInput(inputs) as Record<string, unknown>, parent ? { parent } : {});
      ids.push(resource.id);
    }
    await (pulumi.all(ids) as unknown as { promise(): Promise<unknown> }).promise();
    await settle(() => mocks.resources.length);
  } finally {
    if (sourceMaps !== undefined) process.setSourceMapsEnabled(sourceMaps);
  }
  const evalMs = performance.now() - started;
  return {
    kind: "floor",
    variants: variants.map((v) => v.name),
    wallMs: process.uptime() * 1000,
    evalMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    components: mocks.resources.filter((r) => !r.custom).length,
    customs: mocks.resources.filter((r) => r.custom).length,
    dynamic: 0,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

async function main(): Promise<void> {
  const [kind, arg, ...variantNames] = process.argv.slice(2);
  const variants = applyVariants(variantNames);
  if (kind === "real") report(await real(Number(arg), variants));
  else if (kind === "floor" && arg) report(await floor(arg, variants));
  else throw new Error("usage: plan-case.ts real <projects> [variant...] | floor <template.json> [variant...]");
}

main().then(
  // Exit at once: the SDK's exit hooks and teardown are not part of the plan.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
