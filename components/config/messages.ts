import { TOKEN_PREFIX, looksGenerated } from "../azure-devops/runtime/credential-shapes";

/** Helpers that turn validation findings into the one-line messages users see. */

/** A key path as the user wrote it: `integrations[1].serviceHooks.url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "(config)" : out;
}

/** Edit distance between two strings (insert, delete, substitute all cost 1). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `input`, if it is close enough to be a likely typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = editDistance(lower, c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const guess = closest(input, candidates);
  return guess ? ` (did you mean "${guess}"?)` : "";
}

/** What a config key name looks like: a letter, then up to 63 letters, digits, `_`, `.` or `-`. */
export const KEY_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** A well-known token format's prefix, or a JWT's (`eyJ`). */
const TOKEN_PREFIXES = new RegExp(`^(?:${TOKEN_PREFIX}|eyJ)`);

/**
 * Whether a value looks like a credential rather than a name: a known token
 * format (a JWT starts with `eyJ`), characters no key name has (an Entra client secret's `~`, a
 * password's punctuation, whitespace), more than 64 characters, or a long
 * run that mixes letters and digits the way generated secrets do. Such values
 * are never echoed.
 */
export function looksLikeSecret(value: string): boolean {
  if (TOKEN_PREFIXES.test(value)) return true;
  // Not a key name: an Entra client secret (`~`), a password (letters, digits and punctuation), or anything long.
  if (!KEY_NAME.test(value)) return value.includes("~") || value.length >= 32 || (/[0-9]/.test(value) && /[A-Za-z]/.test(value) && /[!@#$%^&*+=/\\]/.test(value));
  return value.split(/[_.-]/).some(looksGenerated);
}

/** The one line for a secret value pasted where a config key name belongs; it never shows the value. */
export const PASTED_SECRET =
  "looks like a secret value pasted where a config key name belongs (the value is not shown): store it with `pulumi config set --secret <key>` and put that key name here (a letter, then up to 63 letters, digits, '_', '.' or '-')";

/** Echo a user's value in a message only when it is short and cannot be a credential. */
export function quote(value: unknown): string {
  if (typeof value !== "string") return "";
  if (looksLikeSecret(value) || value.length > 80) return "";
  return ` "${value}"`;
}

/** Thrown when stack config is invalid: one line per problem, no stack trace wanted. */
export class ConfigError extends Error {
  /** Every problem found, one line each, in config order. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}
