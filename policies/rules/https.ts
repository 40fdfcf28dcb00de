/**
 * The https rule, defined once: which URLs may carry a credential or an
 * authorization code. Redirect URIs and webhook URLs both use it; each rule
 * words its own message.
 */

/** Hosts on which plain http is acceptable where a rule allows it: traffic never leaves the machine. */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/** What is wrong with a URL, by the https rule. */
export type UrlProblem = "invalid" | "not-https" | "credentials";

/** A URL as the rule read it: its problems, and the parsed URL when it parsed. */
export interface UrlVerdict {
  readonly problems: readonly UrlProblem[];
  readonly url?: URL;
}

/**
 * Judges a URL: it parses, it is https (or, when `allowLoopbackHttp`, http on
 * a {@link LOOPBACK_HOSTS} host: a look-alike such as `localhost.evil.example`
 * is not one), and it carries no user name or password.
 */
export function judgeUrl(value: string, opts: { readonly allowLoopbackHttp: boolean }): UrlVerdict {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problems: ["invalid"] };
  }
  const problems: UrlProblem[] = [];
  const loopbackHttp = opts.allowLoopbackHttp && url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) problems.push("not-https");
  if (url.username !== "" || url.password !== "") problems.push("credentials");
  return { problems, url };
}
