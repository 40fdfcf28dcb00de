/** Calendar-date handling for config values written as `YYYY-MM-DD`. */

const DAY_MS = 86_400_000;

/**
 * Parses a `YYYY-MM-DD` date as midnight UTC; undefined when it is not a real
 * calendar date. Also takes `YYYY-MM-DD 00:00:00 +0000 UTC`: the Pulumi CLI
 * reads an unquoted date in a stack file as a timestamp and hands the
 * program that text, while the offline plan's YAML reader keeps the date.
 */
export function parseDate(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00 \+0000 UTC)?$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 2027-02-30 over to March; a real date survives the round trip.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date;
}

/** Whole days from `from` to `to` (negative when `to` is earlier), counted in UTC calendar days. */
export function daysBetween(from: Date, to: Date): number {
  const a = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const b = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  return Math.round((b - a) / DAY_MS);
}

/** `YYYY-MM-DD` of a date in UTC. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export { DAY_MS };
