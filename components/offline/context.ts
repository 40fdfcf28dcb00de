/**
 * Whether the program is being evaluated offline (the plan or the tests, under
 * Pulumi's mock runtime), a fixed clock, and the project lookup to use. Only
 * scripts/plan.ts and tests set them; a real `pulumi up` never does, so
 * nothing offline reaches a real deployment.
 *
 * Kept on globalThis: the evaluator may load index.ts through a different
 * module loader than its own (vitest vs. tsx), and both copies of this module
 * must see one state.
 */
interface OfflineState {
  offline: boolean;
  clock?: Date;
  projectLookup?: (organizationUrl: string) => Promise<{ id: string; name: string }[]>;
}

const KEY = Symbol.for("ado-integrations.offline-state");

function state(): OfflineState {
  const g = globalThis as { [KEY]?: OfflineState };
  return (g[KEY] ??= { offline: false });
}

/** Marks this process as an offline evaluation. */
export function setOffline(value: boolean): void {
  state().offline = value;
}

/** True under the offline plan or the tests. */
export function isOffline(): boolean {
  return state().offline;
}

/** Fixes the clock for reproducible plans and tests; undefined restores the real clock. */
export function setClock(value: Date | undefined): void {
  state().clock = value;
}

/** The current time, or the fixed clock when one is set. */
export function now(): Date {
  const clock = state().clock;
  return clock ? new Date(clock.getTime()) : new Date();
}

/** Replaces the organization's project list with an offline one; undefined restores the real lookup. */
export function setOfflineProjectLookup(lookup: OfflineState["projectLookup"]): void {
  state().projectLookup = lookup;
}

/** The offline project lookup, if one is set. */
export function offlineProjectLookup(): OfflineState["projectLookup"] {
  return state().projectLookup;
}
