/**
 * Whether the program is being evaluated offline (the plan or the tests, under
 * Pulumi's mock runtime). Only scripts/plan.ts and test setup switch it on; a
 * real `pulumi up` never does, so nothing offline reaches a real deployment.
 */
let offline = false;

/** Marks this process as an offline evaluation. */
export function setOffline(value: boolean): void {
  offline = value;
}

/** True under the offline plan or the tests. */
export function isOffline(): boolean {
  return offline;
}

let clock: Date | undefined;

/** Fixes the clock for reproducible plans and tests; undefined restores the real clock. */
export function setClock(value: Date | undefined): void {
  clock = value;
}

/** The current time, or the fixed clock when one is set. */
export function now(): Date {
  return clock ? new Date(clock.getTime()) : new Date();
}
