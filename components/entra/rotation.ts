import { DAY_MS } from "../config/dates";

/** One of the two client-secret slots and the window it is valid in. */
export interface SecretWindow {
  readonly slot: "a" | "b";
  /** Which window since the Unix epoch: changes exactly when the slot rotates. */
  readonly index: number;
  /** When this slot's current secret window began. */
  readonly start: Date;
  /** When this slot rotates, which is also its secret's end date. */
  readonly end: Date;
}

/** Both slots at one moment, and which holds the newer secret. */
export interface SecretRotation {
  readonly a: SecretWindow;
  readonly b: SecretWindow;
  /** The slot whose secret the tool should use: the most recently rotated. */
  readonly current: "a" | "b";
  /** The other slot: still valid, so a consumer holding its value keeps working. */
  readonly previous: "a" | "b";
}

/**
 * Two staggered secret slots. Slot a rotates every `periodDays` from the Unix
 * epoch, slot b the same period shifted by half. Each secret expires when its
 * slot rotates, so its lifetime never exceeds the period, and at any moment the
 * newer secret has at least half a period left while the older one stays valid
 * for the rest of its window: a rotation never leaves the tool without a valid
 * secret, provided `pulumi up` runs at least once every half period.
 * Pure and clock-driven: the same instant always gives the same windows.
 */
export function secretRotation(now: Date, periodDays: number): SecretRotation {
  if (!Number.isInteger(periodDays) || periodDays < 1) {
    throw new Error(`secretRotationDays must be a whole number of days, at least 1 (got ${periodDays})`);
  }
  const period = periodDays * DAY_MS;
  const window = (slot: "a" | "b", offset: number): SecretWindow => {
    const index = Math.floor((now.getTime() - offset) / period);
    const start = offset + index * period;
    return { slot, index, start: new Date(start), end: new Date(start + period) };
  };
  const a = window("a", 0);
  const b = window("b", Math.floor(period / 2));
  const current = a.start.getTime() >= b.start.getTime() ? "a" : "b";
  return { a, b, current, previous: current === "a" ? "b" : "a" };
}
