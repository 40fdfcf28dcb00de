import { describe, expect, it } from "vitest";
import { secretRotation } from "../../components/entra/rotation";

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe("secretRotation", () => {
  it("aligns slot a to whole periods since the epoch and staggers slot b by half a period", () => {
    // 180 days after the epoch is 1970-06-30; slot b starts 90 days in.
    const r = secretRotation(at("1970-07-01T00:00:00Z"), 180);
    expect(r.a).toMatchObject({ index: 1, start: at("1970-06-30T00:00:00Z"), end: at("1970-12-27T00:00:00Z") });
    expect(r.b).toMatchObject({ index: 0, start: at("1970-04-01T00:00:00Z"), end: at("1970-09-28T00:00:00Z") });
    expect(r.current).toBe("a");
    expect(r.previous).toBe("b");
  });

  it("rotates slot a exactly at its boundary, not a millisecond before", () => {
    const boundary = 180 * DAY * 114; // a whole number of periods since the epoch
    const before = secretRotation(new Date(boundary - 1), 180);
    const onIt = secretRotation(new Date(boundary), 180);
    expect(before.a.index).toBe(113);
    expect(before.a.end.getTime()).toBe(boundary);
    expect(onIt.a.index).toBe(114);
    expect(onIt.a.start.getTime()).toBe(boundary);
    // Slot b does not move at a's boundary, so its secret still works.
    expect(onIt.b.index).toBe(before.b.index);
    expect(before.current).toBe("b");
    expect(onIt.current).toBe("a");
  });

  it("rotates slot b at half-period boundaries", () => {
    const boundary = 180 * DAY * 114 + 90 * DAY;
    const before = secretRotation(new Date(boundary - 1), 180);
    const onIt = secretRotation(new Date(boundary), 180);
    expect(onIt.b.index).toBe(before.b.index + 1);
    expect(onIt.a.index).toBe(before.a.index);
    expect(before.current).toBe("a");
    expect(onIt.current).toBe("b");
  });

  it("always leaves the current secret at least half a period and the previous one still valid", () => {
    for (const period of [1, 2, 7, 30, 90, 179, 180, 365, 730]) {
      for (let t = 0; t < 5 * period * DAY; t += Math.max(1, Math.floor((period * DAY) / 17))) {
        const now = new Date(Date.UTC(2026, 0, 1) + t);
        const r = secretRotation(now, period);
        const current = r[r.current];
        const previous = r[r.previous];
        expect(current.end.getTime() - now.getTime()).toBeGreaterThanOrEqual(Math.floor((period * DAY) / 2));
        expect(previous.end.getTime()).toBeGreaterThan(now.getTime());
        // Lifetime never exceeds the period.
        expect(current.end.getTime() - current.start.getTime()).toBe(period * DAY);
      }
    }
  });

  it("handles an odd period, where half a period is not whole days", () => {
    const r = secretRotation(at("2026-11-22T12:00:00Z"), 7);
    expect(r.b.start.getTime() % (7 * DAY)).toBe(Math.floor((7 * DAY) / 2));
  });

  it("rejects a period that is not a whole positive number of days", () => {
    expect(() => secretRotation(new Date(), 0)).toThrow("secretRotationDays must be a whole number of days, at least 1 (got 0)");
    expect(() => secretRotation(new Date(), 1.5)).toThrow("secretRotationDays must be a whole number of days, at least 1 (got 1.5)");
  });
});
