import { DAY_MS } from "../config/dates";
import { MAX_ROTATION_DAYS } from "../config/schema";

/** One of the two client-secret slots and the window it is valid in. */
export interface SecretWindow {
  readonly slot: "a" | "b";
  /** Which window since the Unix epoch: changes exactly when the slot rotates. */
  readonly index: number;
  /** When this slot's window began on the calendar (in the future for a window taken early). */
  readonly start: Date;
  /** This slot's secret's end date: the end of its window. */
  readonly end: Date;
  /** When the slot takes its next window: `minValidityDays` before `end`. */
  readonly rotatesOn: Date;
}

/** Both slots at one moment, and which holds the newer secret. */
export interface SecretRotation {
  readonly a: SecretWindow;
  readonly b: SecretWindow;
  /** The slot whose secret the tool should use: the most recently rotated. */
  readonly current: "a" | "b";
  /** The other slot: still valid, so a consumer holding its value keeps working. */
  readonly previous: "a" | "b";
  /** The least validity a secret is created with, in days. */
  readonly minValidityDays: number;
}

/** The least validity of a new client secret when the config names none, in days (or less: see {@link defaultMinValidityDays}). */
export const DEFAULT_SECRET_MIN_VALIDITY_DAYS = 30;

/**
 * The minimum validity used when the config names none: 30 days, or half the
 * period when that is shorter, or what the period leaves under the longest
 * secret lifetime (730 days) when that is shorter still.
 */
export function defaultMinValidityDays(periodDays: number): number {
  return Math.max(0, Math.min(DEFAULT_SECRET_MIN_VALIDITY_DAYS, Math.floor(periodDays / 2), MAX_ROTATION_DAYS - periodDays));
}

/**
 * Why `minValidityDays` does not fit a `periodDays` rotation, or undefined
 * when it does: a whole number of days from 0 to half the period (beyond
 * half, both slots would be taking their next window at once), and with the
 * period at most 730 days, the longest a secret may live.
 */
export function minValidityProblem(minValidityDays: number, periodDays: number): string | undefined {
  if (!Number.isInteger(minValidityDays) || minValidityDays < 0 || minValidityDays * 2 > periodDays) {
    return `must be a whole number of days from 0 to half of secretRotationDays (${Math.floor(periodDays / 2)}) (got ${minValidityDays})`;
  }
  if (periodDays + minValidityDays > MAX_ROTATION_DAYS) {
    return `plus secretRotationDays must be at most ${MAX_ROTATION_DAYS} days, the longest a client secret may live (got ${minValidityDays} + ${periodDays})`;
  }
  return undefined;
}

/**
 * Two staggered secret slots. Slot a rotates every `periodDays` from the Unix
 * epoch, slot b the same period shifted by half; each secret ends with its
 * window. A slot whose window has `minValidityDays` or less left takes its
 * next window at once, so no secret is ever created with less validity than
 * that (without it, a new app's slot b could end the next day): a secret then
 * lives at most `periodDays + minValidityDays`. At any moment the newer
 * secret has at least half a period left while the older one stays valid: a
 * rotation never leaves the tool without a valid secret, provided `pulumi up`
 * runs at least once every half period.
 * Pure and clock-driven: the same instant always gives the same windows.
 */
export function secretRotation(now: Date, periodDays: number, minValidityDays: number = defaultMinValidityDays(periodDays)): SecretRotation {
  if (!Number.isInteger(periodDays) || periodDays < 1) {
    throw new Error(`secretRotationDays must be a whole number of days, at least 1 (got ${periodDays})`);
  }
  const problem = minValidityProblem(minValidityDays, periodDays);
  if (problem !== undefined) throw new Error(`secretMinValidityDays ${problem}`);
  const period = periodDays * DAY_MS;
  const least = minValidityDays * DAY_MS;
  const window = (slot: "a" | "b", offset: number): SecretWindow => {
    const natural = Math.floor((now.getTime() - offset) / period);
    // No more than the minimum left in this window: take the next one now, a whole period longer.
    const index = offset + (natural + 1) * period - now.getTime() <= least ? natural + 1 : natural;
    const start = offset + index * period;
    const end = start + period;
    return { slot, index, start: new Date(start), end: new Date(end), rotatesOn: new Date(end - least) };
  };
  const a = window("a", 0);
  const b = window("b", Math.floor(period / 2));
  const current = a.start.getTime() >= b.start.getTime() ? "a" : "b";
  return { a, b, current, previous: current === "a" ? "b" : "a", minValidityDays };
}
