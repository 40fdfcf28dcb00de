import { describe, expect, it } from "vitest";
import { parseAllowedHosts } from "../../components/azure-devops/runtime/hosts";
import { normalizeOrganizationUrl, organizationName } from "../../components/azure-devops/runtime/org-url";

/** What whoever runs the deployment allows in these tests: the loopback server, a local one, an Azure DevOps Server. */
const ALLOWED = parseAllowedHosts("127.0.0.1,localhost:8080,ado.example.com");
const NOT_AZURE_DEVOPS = (shown: string) =>
  `organization URL ${shown} is not an Azure DevOps host: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com (for Azure DevOps Server, whoever runs the deployment lists the host in AZDO_ALLOWED_HOSTS)`;

describe("normalizeOrganizationUrl", () => {
  it.each([
    ["contoso", "https://dev.azure.com/contoso"],
    [" Contoso ", "https://dev.azure.com/contoso"],
    ["https://dev.azure.com/contoso", "https://dev.azure.com/contoso"],
    ["https://dev.azure.com/Contoso/", "https://dev.azure.com/contoso"],
    ["https://dev.azure.com/contoso/Platform/_git/api", "https://dev.azure.com/contoso"],
    ["https://contoso.visualstudio.com", "https://dev.azure.com/contoso"],
    ["https://Contoso.VisualStudio.com/DefaultCollection/", "https://dev.azure.com/contoso"],
    ["https://vsaex.dev.azure.com/contoso", "https://vsaex.dev.azure.com/contoso"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeOrganizationUrl(input)).toBe(expected);
  });

  it.each([
    ["http://127.0.0.1:43121/contoso/", "http://127.0.0.1:43121/contoso"],
    ["http://localhost:8080/contoso//", "http://localhost:8080/contoso"],
    ["https://ado.example.com/tfs/DefaultCollection/", "https://ado.example.com/tfs/DefaultCollection"],
  ])("keeps %s, a host AZDO_ALLOWED_HOSTS lists, as %s", (input, expected) => {
    expect(normalizeOrganizationUrl(input, ALLOWED)).toBe(expected);
  });

  it("is idempotent", () => {
    for (const input of ["contoso", "https://contoso.visualstudio.com", "http://127.0.0.1:1/x/"]) {
      const once = normalizeOrganizationUrl(input, ALLOWED);
      expect(normalizeOrganizationUrl(once, ALLOWED)).toBe(once);
    }
  });

  it.each([
    // Look-alikes that would receive the deployer's PAT or Entra token on the first project lookup.
    ["https://dev.azure.com.attacker.example/contoso", "https://dev.azure.com.attacker.example/contoso"],
    ["https://contoso-visualstudio.com", "https://contoso-visualstudio.com/"],
    ["https://contoso.visualstudio.com.attacker.example/", "https://contoso.visualstudio.com.attacker.example/"],
    ["https://a.b.visualstudio.com/", "https://a.b.visualstudio.com/"],
    ["https://evildev.azure.com/contoso", "https://evildev.azure.com/contoso"],
    // Azure DevOps Server and the loopback server, without the opt-in.
    ["https://ado.example.com/tfs/DefaultCollection", "https://ado.example.com/tfs/DefaultCollection"],
    ["http://127.0.0.1:43121/contoso", "http://127.0.0.1:43121/contoso"],
    ["http://localhost/contoso", "http://localhost/contoso"],
  ])("refuses %s, which is not an Azure DevOps host", (input, shown) => {
    expect(() => normalizeOrganizationUrl(input)).toThrow(NOT_AZURE_DEVOPS(shown));
  });

  it("allows a listed host on the listed port only", () => {
    expect(() => normalizeOrganizationUrl("http://localhost:8081/contoso", ALLOWED)).toThrow(NOT_AZURE_DEVOPS("http://localhost:8081/contoso"));
    expect(() => normalizeOrganizationUrl("https://ado.example.com.attacker.example/tfs", ALLOWED)).toThrow(NOT_AZURE_DEVOPS("https://ado.example.com.attacker.example/tfs"));
  });

  it.each([
    ["https://github.com/contoso/infra", "https://github.com/contoso/infra", "GitHub"],
    ["https://contoso.ghe.com/contoso", "https://contoso.ghe.com/contoso", "GitHub"],
    ["https://gitlab.com/contoso", "https://gitlab.com/contoso", "GitLab"],
    ["https://bitbucket.org/contoso/", "https://bitbucket.org/contoso/", "Bitbucket"],
  ])("says what an organization URL looks like for %s", (input, shown, service) => {
    const message = `organization URL ${shown} is a ${service} URL, not an Azure DevOps organization: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com`;
    expect(() => normalizeOrganizationUrl(input)).toThrow(message);
    // Not even the opt-in makes a code host an organization.
    expect(() => normalizeOrganizationUrl(input, parseAllowedHosts(new URL(input).host))).toThrow(message);
  });

  it.each([
    ["", "organization URL is empty: set it to https://dev.azure.com/<organization> (or AZDO_ORG_SERVICE_URL)"],
    ["not a url!", 'organization URL "not a url!" is not a URL or an organization name: use https://dev.azure.com/<organization>'],
    ["http://dev.azure.com/contoso", "organization URL http://dev.azure.com/contoso must use https (plain http is allowed only for 127.0.0.1 or localhost)"],
    ["https://dev.azure.com/", "organization URL https://dev.azure.com/ has no organization: use https://dev.azure.com/<organization>"],
    ["https://dev.azure.com/contoso?x=1", "organization URL https://dev.azure.com/contoso must not have a query or fragment: use https://dev.azure.com/<organization>"],
    ["ftp://dev.azure.com/contoso", "organization URL ftp://dev.azure.com/contoso must use https (plain http is allowed only for 127.0.0.1 or localhost)"],
  ])("rejects %j", (input, message) => {
    expect(() => normalizeOrganizationUrl(input)).toThrow(message);
  });

  it("rejects credentials in the URL without repeating them", () => {
    let message = "";
    try {
      normalizeOrganizationUrl("https://me:hunter2-secret@dev.azure.com/contoso");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("organization URL https://dev.azure.com/contoso must not carry credentials: use AZDO_PERSONAL_ACCESS_TOKEN or Entra sign-in instead");
  });

  it("names the organization of a normalized URL", () => {
    expect(organizationName("https://dev.azure.com/contoso")).toBe("contoso");
    expect(organizationName("http://127.0.0.1:1/fabrikam")).toBe("fabrikam");
    expect(() => organizationName("https://ado.example.com")).toThrow("has no organization segment");
  });
});
