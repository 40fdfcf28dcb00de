/**
 * What a hook costs in state, from a `pulumi stack export` document: the
 * bytes of its whole entry, of its inputs, of stored provider code
 * (`__provider`, the dynamic providers' serialized code) and of the source
 * positions and stack trace the SDK records for every resource.
 */
import { DYNAMIC_TOKENS, TOKENS } from "../provider/schema";

/** Mean bytes per hook, as JSON. */
export interface HookStateBytes {
  readonly hooks: number;
  /** The whole resource entry. */
  readonly entry: number;
  /** Its `inputs`. */
  readonly inputs: number;
  /** Everything but the inputs: outputs, URNs, provider reference, dependencies, source positions. */
  readonly beyondInputs: number;
  /** Its `outputs`: what the provider returned. */
  readonly outputs: number;
  /** The engine's own record: URN, type, parent, provider reference, property dependencies, timestamps, source positions. */
  readonly bookkeeping: number;
  /** `__provider` code in inputs and outputs. */
  readonly providerCode: number;
  /** `sourcePosition` and `stackTrace`. */
  readonly sourcePositions: number;
}

const bytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
const HOOK_TYPES = new Set<string>([TOKENS.serviceHookSubscription, DYNAMIC_TOKENS[TOKENS.serviceHookSubscription]]);

/** Mean per-hook bytes of the hooks in an export (plugin or dynamic type). */
export function hookStateBytes(exportText: string): HookStateBytes {
  const resources = (JSON.parse(exportText) as { deployment: { resources?: Record<string, unknown>[] } }).deployment.resources ?? [];
  const hooks = resources.filter((r) => HOOK_TYPES.has(String(r.type)));
  if (hooks.length === 0) throw new Error("no service hook subscription in the exported state");
  const mean = (pick: (r: Record<string, unknown>) => number) => Math.round(hooks.reduce((sum, r) => sum + pick(r), 0) / hooks.length);
  const code = (props: unknown) => bytes((props as Record<string, unknown> | undefined)?.__provider);
  return {
    hooks: hooks.length,
    entry: mean(bytes),
    inputs: mean((r) => bytes(r.inputs)),
    beyondInputs: mean((r) => bytes(r) - bytes(r.inputs)),
    outputs: mean((r) => bytes(r.outputs)),
    bookkeeping: mean((r) => bytes(r) - bytes(r.inputs) - bytes(r.outputs)),
    providerCode: mean((r) => code(r.inputs) + code(r.outputs)),
    sourcePositions: mean((r) => bytes(r.sourcePosition) + bytes(r.stackTrace)),
  };
}
