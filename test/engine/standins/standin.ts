/**
 * The shared core of the stand-in provider plugins (azuread.ts, random.ts):
 * test doubles for provider plugins that cannot be installed on these
 * machines, registered only by the engine tests (never by a user's run).
 *
 * Each resource kind lists its input properties, the ones the real provider
 * replaces on change (its ForceNew fields), and how to compute its outputs.
 * State holds the inputs and the computed outputs, as a bridged provider's
 * does. Diff compares the inputs the program sends with those in state, the
 * way the engine expects of any provider: a changed input is a change, a
 * changed ForceNew input a replacement. Read returns state unchanged: nothing
 * out of band is modelled on the Entra side.
 */
import { randomUUID } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";

/** One resource kind of a stand-in. */
export interface Kind {
  /** Input properties, as the program's SDK sends them. */
  readonly inputs: readonly string[];
  /** Inputs the real provider replaces the resource for. */
  readonly replaceOn: readonly string[];
  /** Outputs computed on create, added to the inputs in state. */
  readonly create: (inputs: Record<string, unknown>) => Record<string, unknown>;
  /** The resource ID, from the state. */
  readonly id: (state: Record<string, unknown>) => string;
}

/** The engine's marker of an unknown value in preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A fresh ID; fixed for the resource's life because Read returns state. */
export function newGuid(): string {
  return randomUUID();
}

/** A provider for these kinds and invokes. */
export function standIn(
  version: string,
  kinds: Readonly<Record<string, Kind>>,
  invokes: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>> = {},
): provider.Provider {
  const kindOf = (urn: string): Kind => {
    const type = urn.split("::")[2]!.split("$").pop()!;
    const kind = kinds[type];
    if (!kind) throw new Error(`stand-in provider: resource type ${type} is not modelled`);
    return kind;
  };
  const inputsOf = (kind: Kind, props: Record<string, unknown>) =>
    Object.fromEntries(kind.inputs.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
  return {
    version,
    async diff(_id, urn, olds, news) {
      const kind = kindOf(urn);
      const changed = kind.inputs.filter((k) => !same(olds[k], news[k]));
      return {
        changes: changed.length > 0,
        replaces: changed.filter((k) => kind.replaceOn.includes(k)),
        deleteBeforeReplace: false,
      };
    },
    async create(urn, inputs) {
      const kind = kindOf(urn);
      const outs = { ...inputsOf(kind, inputs), ...kind.create(inputs) };
      return { id: kind.id(outs), outs };
    },
    async read(id, _urn, props) {
      return { id, props };
    },
    async update(_id, urn, olds, news) {
      const kind = kindOf(urn);
      const computed = Object.fromEntries(Object.entries(olds).filter(([k]) => !kind.inputs.includes(k)));
      return { outs: { ...computed, ...inputsOf(kind, news) } };
    },
    async delete() {
      // Nothing is kept outside the engine's state.
    },
    async invoke(token, inputs) {
      const handler = invokes[token];
      if (!handler) throw new Error(`stand-in provider: invoke ${token} is not modelled`);
      return { outputs: handler(inputs) };
    },
  };
}

/** Deep equality of two property values; an unknown value is never equal. */
function same(a: unknown, b: unknown): boolean {
  if (a === UNKNOWN || b === UNKNOWN) return false;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined && x !== null)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}
