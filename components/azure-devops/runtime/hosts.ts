// The one definition of where the deployer's credentials and the webhooks may
// go. Pure functions only: the config module, the provider plugin and the
// REST client all decide with these, so the three never disagree.

/** The variable through which whoever runs the deployment allows hosts besides Azure DevOps's own. */
export const ALLOWED_HOSTS_VARIABLE = "AZDO_ALLOWED_HOSTS";

/** The fixed hosts of Azure DevOps Services the REST layer calls; `<organization>.visualstudio.com` is Microsoft's too. */
export const AZURE_DEVOPS_HOSTS: readonly string[] = ["dev.azure.com", "vssps.dev.azure.com", "vsaex.dev.azure.com"];

/** An organization name as Azure DevOps allows it (host names are lower case). */
const ORGANIZATION_LABEL = /^[a-z0-9][a-z0-9-]{0,49}$/;

/** Hosts plain http may reach, and only when AZDO_ALLOWED_HOSTS lists them. */
const LOOPBACK_HTTP_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Code hosting services whose URLs people paste where the organization URL belongs. */
const CODE_HOSTS: readonly (readonly [string, string])[] = [
  ["github.com", "GitHub"],
  ["ghe.com", "GitHub"],
  ["gitlab.com", "GitLab"],
  ["bitbucket.org", "Bitbucket"],
];

/** One AZDO_ALLOWED_HOSTS entry: a host as URLs spell it, and the port when the entry names one (any port otherwise). */
export interface AllowedHost {
  readonly hostname: string;
  readonly port?: string;
}

/** True for Azure DevOps Services' own hosts: dev.azure.com, vssps.dev.azure.com, vsaex.dev.azure.com, `<organization>.visualstudio.com`. */
export function isAzureDevOpsHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (AZURE_DEVOPS_HOSTS.includes(host)) return true;
  return host.endsWith(".visualstudio.com") && ORGANIZATION_LABEL.test(host.slice(0, -".visualstudio.com".length));
}

/** The service's name when the host is a code hosting service's (GitHub, GitLab, Bitbucket), else undefined. */
export function codeHostingService(hostname: string): string | undefined {
  const host = hostname.toLowerCase();
  return CODE_HOSTS.find(([domain]) => host === domain || host.endsWith(`.${domain}`))?.[1];
}

/** True for the hosts plain http may reach when they are allowed: 127.0.0.1, localhost, [::1]. */
export function isLoopbackHttpHost(hostname: string): boolean {
  return LOOPBACK_HTTP_HOSTS.has(hostname.toLowerCase());
}

/**
 * Parses AZDO_ALLOWED_HOSTS: comma-separated `host` or `host:port` entries
 * (`ado.contoso.com,127.0.0.1:8080`, `[::1]:8080`); a host without a port
 * matches any port. No wildcards. Throws naming the entry that is not one.
 */
export function parseAllowedHosts(value: string | undefined): AllowedHost[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, i) => parseEntry(entry, i + 1));
}

function parseEntry(entry: string, position: number): AllowedHost {
  if (entry.includes("/") || entry.includes("@")) {
    // A URL may carry a credential: name the entry by position, never echo it.
    throw new Error(`${ALLOWED_HOSTS_VARIABLE}: entry ${position} is not a host or host:port: list hosts without scheme or path, separated by commas (ado.contoso.com,127.0.0.1:8080)`);
  }
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry);
  let hostname: string | undefined;
  if (match) {
    try {
      // The URL parser's spelling (lower case, canonical IPv4 and IPv6), so entries compare with URL.hostname.
      hostname = new URL(`http://${match[1]}`).hostname;
    } catch {
      hostname = undefined;
    }
  }
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!hostname || (port !== undefined && (port < 1 || port > 65535))) {
    throw new Error(`${ALLOWED_HOSTS_VARIABLE}: "${entry}" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)`);
  }
  return port === undefined ? { hostname } : { hostname, port: String(port) };
}

/** The hosts an environment allows through AZDO_ALLOWED_HOSTS; throws on a malformed value. */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv): AllowedHost[] {
  return parseAllowedHosts(env[ALLOWED_HOSTS_VARIABLE]);
}

/** True when an entry of `allowed` names the URL's host (and its port, when the entry has one). */
export function isAllowedHost(url: URL, allowed: readonly AllowedHost[]): boolean {
  const port = url.port !== "" ? url.port : url.protocol === "https:" ? "443" : url.protocol === "http:" ? "80" : "";
  return allowed.some((entry) => entry.hostname === url.hostname && (entry.port === undefined || entry.port === port));
}

/**
 * Whether a credential (PAT) may go to this URL: https to Azure DevOps's own
 * hosts, https to a host `allowed` lists (Azure DevOps Server), or plain http
 * to a listed loopback host (the test server).
 */
export function mayReceiveCredential(url: URL, allowed: readonly AllowedHost[]): boolean {
  if (url.protocol === "https:") return isAzureDevOpsHost(url.hostname) || isAllowedHost(url, allowed);
  return url.protocol === "http:" && isLoopbackHttpHost(url.hostname) && isAllowedHost(url, allowed);
}

/** Whether an Entra token may go to this URL: https to Azure DevOps's own hosts only, whatever AZDO_ALLOWED_HOSTS lists. */
export function mayReceiveEntraToken(url: URL): boolean {
  return url.protocol === "https:" && isAzureDevOpsHost(url.hostname);
}

/**
 * Why a webhook URL's host is refused, or undefined when it is fine: IP
 * literals (any), loopback, link-local and private-use names are refused
 * unless `allowed` lists the host. The reason is one clause, without the
 * property name.
 */
export function webhookHostProblem(url: URL, allowed: readonly AllowedHost[]): string | undefined {
  if (isAllowedHost(url, allowed)) return undefined;
  const kind = nonPublicHostKind(url.hostname);
  if (kind === undefined) return undefined;
  return `must be a public DNS name: ${url.hostname} is ${kind} (a test receiver is allowed only when whoever runs the deployment lists it in ${ALLOWED_HOSTS_VARIABLE})`;
}

/** What kind of non-public host this is ("a private address", "a loopback name", ...), or undefined for a public DNS name. */
export function nonPublicHostKind(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return ipv6Kind(host.slice(1, -1));
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return ipv4Kind(host.split(".").map(Number));
  if (host === "localhost" || host.endsWith(".localhost")) return "a loopback name";
  if (host.endsWith(".local")) return "a link-local (mDNS) name";
  if (host.endsWith(".internal") || host.endsWith(".home.arpa")) return "a private-use name";
  if (!host.includes(".")) return "a single-label (intranet) name";
  return undefined;
}

function ipv4Kind([a = 0, b = 0]: number[]): string {
  if (a === 127) return "a loopback address";
  if (a === 0) return "an unspecified address";
  if (a === 169 && b === 254) return "a link-local address";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "a private address";
  return "an IP address";
}

function ipv6Kind(address: string): string {
  if (address === "::1") return "a loopback address";
  if (address === "::") return "an unspecified address";
  // The URL parser writes an IPv4-mapped address as two hex groups (::ffff:7f00:1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return ipv4Kind([high >> 8, high & 255, low >> 8, low & 255]);
  }
  if (/^fe[89ab]/.test(address)) return "a link-local address";
  if (/^f[cd]/.test(address)) return "a private address";
  return "an IP address";
}

/**
 * True when the host matches one of a preset's patterns: `*.app.spacelift.io`
 * matches one label in place of the `*` (`contoso.app.spacelift.io`); a
 * pattern without `*` matches that host only.
 */
export function hostMatchesPattern(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return patterns.some((pattern) => {
    if (!pattern.startsWith("*.")) return host === pattern;
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && /^[a-z0-9-]+$/.test(host.slice(0, -suffix.length));
  });
}
