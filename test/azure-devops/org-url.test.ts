import { describe, expect, it } from "vitest";
import { normalizeOrganizationUrl, organizationName } from "../../components/azure-devops/runtime/org-url";

describe("normalizeOrganizationUrl", () => {
  it.each([
    ["contoso", "https://dev.azure.com/contoso"],
    [" Contoso ", "https://dev.azure.com/contoso"],
    ["https://dev.azure.com/contoso", "https://dev.azure.com/contoso"],
    ["https://dev.azure.com/Contoso/", "https://dev.azure.com/contoso"],
    ["https://dev.azure.com/contoso/Platform/_git/api", "https://dev.azure.com/contoso"],
    ["https://contoso.visualstudio.com", "https://dev.azure.com/contoso"],
    ["https://Contoso.VisualStudio.com/DefaultCollection/", "https://dev.azure.com/contoso"],
    ["http://127.0.0.1:43121/contoso/", "http://127.0.0.1:43121/contoso"],
    ["http://localhost:8080/contoso//", "http://localhost:8080/contoso"],
    ["https://ado.example.com/tfs/DefaultCollection/", "https://ado.example.com/tfs/DefaultCollection"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeOrganizationUrl(input)).toBe(expected);
  });

  it("is idempotent", () => {
    for (const input of ["contoso", "https://contoso.visualstudio.com", "http://127.0.0.1:1/x/"]) {
      const once = normalizeOrganizationUrl(input);
      expect(normalizeOrganizationUrl(once)).toBe(once);
    }
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
