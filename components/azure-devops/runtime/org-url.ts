// Pure functions only: the config module, the provider plugin and the REST
// client share them; the host rules are ./hosts, also pure.
import { ALLOWED_HOSTS_VARIABLE, type AllowedHost, AZURE_DEVOPS_HOSTS, codeHostingService, isAllowedHost, isAzureDevOpsHost, isLoopbackHttpHost } from "./hosts";

const BARE_ORGANIZATION = /^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/;

/**
 * Turns an organization reference into the one URL form the REST client and
 * state use, so the same organization never looks like a change.
 *
 * - `contoso` -> `https://dev.azure.com/contoso`
 * - `https://contoso.visualstudio.com/` -> `https://dev.azure.com/contoso`
 * - `https://dev.azure.com/Contoso/` -> `https://dev.azure.com/contoso`
 * - a host `allowedHosts` lists (AZDO_ALLOWED_HOSTS: Azure DevOps Server,
 *   the loopback test server) keeps its path, without trailing slashes
 *   (`http://127.0.0.1:PORT/contoso`); so do vssps.dev.azure.com and
 *   vsaex.dev.azure.com.
 *
 * Throws an error naming what to fix for an empty value, a URL with
 * credentials, a query or a fragment, a GitHub, GitLab or Bitbucket URL,
 * plain http to a non-loopback host, and any other host: the organization
 * URL is where the deployer's PAT or Entra token goes.
 */
export function normalizeOrganizationUrl(input: string, allowedHosts: readonly AllowedHost[] = []): string {
  const raw = input.trim();
  if (raw === "") {
    throw new Error("organization URL is empty: set it to https://dev.azure.com/<organization> (or AZDO_ORG_SERVICE_URL)");
  }
  if (BARE_ORGANIZATION.test(raw)) {
    return `https://dev.azure.com/${raw.toLowerCase()}`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`organization URL "${raw}" is not a URL or an organization name: use https://dev.azure.com/<organization>`);
  }
  const shown = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.username !== "" || url.password !== "") {
    // Never echo the credential back: show the URL without it.
    throw new Error(`organization URL ${shown} must not carry credentials: use AZDO_PERSONAL_ACCESS_TOKEN or Entra sign-in instead`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new Error(`organization URL ${shown} must not have a query or fragment: use https://dev.azure.com/<organization>`);
  }
  const service = codeHostingService(url.hostname);
  if (service !== undefined) {
    throw new Error(`organization URL ${shown} is a ${service} URL, not an Azure DevOps organization: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHttpHost(url.hostname))) {
    throw new Error(`organization URL ${shown} must use https (plain http is allowed only for 127.0.0.1 or localhost)`);
  }
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const host = url.hostname;
  if (host === "dev.azure.com") {
    const organization = segments[0];
    if (organization === undefined) {
      throw new Error(`organization URL ${shown} has no organization: use https://dev.azure.com/<organization>`);
    }
    return `https://dev.azure.com/${organization.toLowerCase()}`;
  }
  if (host.endsWith(".visualstudio.com") && isAzureDevOpsHost(host)) {
    // Old-style URLs name the organization in the host; the collection path
    // (DefaultCollection) is implied by dev.azure.com.
    const organization = host.slice(0, -".visualstudio.com".length);
    return `https://dev.azure.com/${organization}`;
  }
  if (!AZURE_DEVOPS_HOSTS.includes(host) && !isAllowedHost(url, allowedHosts)) {
    throw new Error(
      `organization URL ${shown} is not an Azure DevOps host: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com (for Azure DevOps Server, whoever runs the deployment lists the host in ${ALLOWED_HOSTS_VARIABLE})`,
    );
  }
  const path = segments.length === 0 ? "" : `/${segments.join("/")}`;
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * The organization name of a normalized organization URL: its last path
 * segment (`https://dev.azure.com/contoso` -> `contoso`).
 */
export function organizationName(organizationUrl: string): string {
  const segments = new URL(organizationUrl).pathname.split("/").filter((s) => s !== "");
  const last = segments[segments.length - 1];
  if (last === undefined) {
    throw new Error(`organization URL ${organizationUrl} has no organization segment: use https://dev.azure.com/<organization>`);
  }
  return decodeURIComponent(last);
}

/** `dev.azure.com/<org>` for `https://dev.azure.com/<org>`: the host and path, without the scheme. */
export function organizationHost(organizationUrl: string): string {
  const url = new URL(organizationUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`;
}
