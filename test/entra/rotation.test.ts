import { describe, expect, it } from "vitest";
import { defaultMinValidityDays, minValidityProblem, secretRotation } from "../../components/entra/rotation";

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

  it("rotates slot a exactly at its boundary, not a millisecond before, with no minimum validity", () => {
    const boundary = 180 * DAY * 114; // a whole number of periods since the epoch
    const before = secretRotation(new Date(boundary - 1), 180, 0);
    const onIt = secretRotation(new Date(boundary), 180, 0);
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
    const before = secretRotation(new Date(boundary - 1), 180, 0);
    const onIt = secretRotation(new Date(boundary), 180, 0);
    expect(onIt.b.index).toBe(before.b.index + 1);
    expect(onIt.a.index).toBe(before.a.index);
    expect(before.current).toBe("a");
    expect(onIt.current).toBe("b");
  });

  it("always leaves the current secret at least half a period, every secret at least the minimum, and none longer than period + minimum", () => {
    for (const period of [1, 2, 7, 30, 90, 179, 180, 365, 730]) {
      for (const min of [0, Math.floor(period / 4), Math.floor(period / 2)].filter((m) => minValidityProblem(m, period) === undefined)) {
        for (let t = 0; t < 5 * period * DAY; t += Math.max(1, Math.floor((period * DAY) / 17))) {
          const now = new Date(Date.UTC(2026, 0, 1) + t);
          const r = secretRotation(now, period, min);
          const current = r[r.current];
          const previous = r[r.previous];
          expect(current.end.getTime() - now.getTime()).toBeGreaterThanOrEqual(Math.floor((period * DAY) / 2));
          expect(previous.end.getTime()).toBeGreaterThan(now.getTime());
          // The newer secret ends last.
          expect(current.end.getTime()).toBeGreaterThan(previous.end.getTime());
          for (const w of [r.a, r.b]) {
            expect(w.end.getTime() - now.getTime()).toBeGreaterThanOrEqual(min * DAY);
            expect(w.end.getTime() - now.getTime()).toBeLessThanOrEqual((period + min) * DAY);
            expect(w.end.getTime() - w.rotatesOn.getTime()).toBe(min * DAY);
          }
        }
      }
    }
  });

  it("gives a new app's slot b, due to end the next day, its next window: the 30-day default minimum", () => {
    // 2026-12-02T12:00Z with 180 days: slot b's window ends 2026-12-03, half a day away.
    const r = secretRotation(at("2026-12-02T12:00:00Z"), 180);
    expect(r.minValidityDays).toBe(30);
    expect(r.a).toMatchObject({ start: at("2026-09-04T00:00:00Z"), end: at("2027-03-03T00:00:00Z"), rotatesOn: at("2027-02-01T00:00:00Z") });
    expect(r.b).toMatchObject({ start: at("2026-12-03T00:00:00Z"), end: at("2027-06-01T00:00:00Z"), rotatesOn: at("2027-05-02T00:00:00Z") });
    expect(r.current).toBe("b");
    // Without a minimum it would end the next day.
    expect(secretRotation(at("2026-12-02T12:00:00Z"), 180, 0).b).toMatchObject({ end: at("2026-12-03T00:00:00Z") });
  });

  it("keeps the window it took early: the next day's run asks for the same secret, and the old window's end changes nothing", () => {
    const early = secretRotation(at("2026-12-02T12:00:00Z"), 180);
    const nextDay = secretRotation(at("2026-12-03T12:00:00Z"), 180);
    expect(nextDay.b.index).toBe(early.b.index);
    expect(nextDay.b.end).toEqual(early.b.end);
    expect(nextDay.a.index).toBe(early.a.index);
  });

  it("takes the next window exactly minValidityDays before the end, not a millisecond before", () => {
    // Slot a's window ends 2027-03-03; with a 10-day minimum it moves on at 2027-02-21T00:00Z.
    const before = secretRotation(new Date(at("2027-02-21T00:00:00Z").getTime() - 1), 180, 10);
    const onIt = secretRotation(at("2027-02-21T00:00:00Z"), 180, 10);
    expect(before.a).toMatchObject({ end: at("2027-03-03T00:00:00Z"), rotatesOn: at("2027-02-21T00:00:00Z") });
    expect(onIt.a).toMatchObject({ index: before.a.index + 1, end: at("2027-08-30T00:00:00Z"), rotatesOn: at("2027-08-20T00:00:00Z") });
    expect(before.current).toBe("b");
    expect(onIt.current).toBe("a");
  });

  it("defaults the minimum to 30 days, or half the period when that is shorter", () => {
    expect([180, 60, 59, 7, 1].map(defaultMinValidityDays)).toEqual([30, 30, 29, 3, 0]);
    // Or what the period leaves under the 730-day longest lifetime.
    expect([700, 710, 730].map(defaultMinValidityDays)).toEqual([30, 20, 0]);
  });

  it("rejects a minimum over half the period, or not a whole number of days", () => {
    expect(() => secretRotation(new Date(), 180, 91)).toThrow("secretMinValidityDays must be a whole number of days from 0 to half of secretRotationDays (90) (got 91)");
    expect(() => secretRotation(new Date(), 7, 4)).toThrow("secretMinValidityDays must be a whole number of days from 0 to half of secretRotationDays (3) (got 4)");
    expect(() => secretRotation(new Date(), 180, -1)).toThrow("secretMinValidityDays must be a whole number of days from 0 to half of secretRotationDays (90) (got -1)");
    expect(minValidityProblem(90, 180)).toBeUndefined();
    expect(() => secretRotation(new Date(), 720, 11)).toThrow("secretMinValidityDays plus secretRotationDays must be at most 730 days, the longest a client secret may live (got 11 + 720)");
    expect(minValidityProblem(10, 720)).toBeUndefined();
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
