// What credentials look like, in one place: the REST runtime redacts these
// shapes from the service's messages, and the config module refuses to echo a
// value of these shapes. Pure, with no imports: the plugin compiles it too.

/** Prefixes of well-known token formats (GitHub, GitLab, Slack, OpenAI-style keys, AWS key ids), as a regular-expression alternation. */
export const TOKEN_PREFIX = "gh[pousr]_|github_pat_|glpat-|xox[abpors]-|sk-|AKIA|ASIA";

/** Whether a run of letters and digits looks generated, as PATs and keys are: 16 or more characters, at least four digits, some letters. */
export function looksGenerated(run: string): boolean {
  return run.length >= 16 && (run.match(/[0-9]/g)?.length ?? 0) >= 4 && /[A-Za-z]/.test(run);
}
