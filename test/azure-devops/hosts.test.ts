import { describe, expect, it } from "vitest";
import {
  hostMatchesPattern,
  isAllowedHost,
  isAzureDevOpsHost,
  mayReceiveCredential,
  mayReceiveEntraToken,
  nonPublicHostKind,
  parseAllowedHosts,
  webhookHostProblem,
} from "../../components/azure-devops/runtime/hosts";

describe("Azure DevOps's own hosts", () => {
  it.each(["dev.azure.com", "vssps.dev.azure.com", "vsaex.dev.azure.com", "contoso.visualstudio.com", "Contoso.VisualStudio.com"])("%s is one", (host) => {
    expect(isAzureDevOpsHost(host)).toBe(true);
  });

  it.each(["dev.azure.com.attacker.example", "contoso-visualstudio.com", "a.b.visualstudio.com", "visualstudio.com", "evildev.azure.com", "azure.com", "127.0.0.1"])(
    "%s is not",
    (host) => {
      expect(isAzureDevOpsHost(host)).toBe(false);
    },
  );
});

describe("AZDO_ALLOWED_HOSTS", () => {
  it("parses hosts and host:port entries into the URL parser's spelling", () => {
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts(" ")).toEqual([]);
    expect(parseAllowedHosts("ADO.Contoso.example, 127.0.0.1:8080,[::1]:9000,,localhost")).toEqual([
      { hostname: "ado.contoso.example" },
      { hostname: "127.0.0.1", port: "8080" },
      { hostname: "[::1]", port: "9000" },
      { hostname: "localhost" },
    ]);
  });

  it.each([
    ["*", 'AZDO_ALLOWED_HOSTS: "*" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)'],
    ["ado.contoso.example:0", 'AZDO_ALLOWED_HOSTS: "ado.contoso.example:0" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)'],
    ["ado contoso", 'AZDO_ALLOWED_HOSTS: "ado contoso" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)'],
    ["ok.example,https://ado.contoso.example", "AZDO_ALLOWED_HOSTS: entry 2 is not a host or host:port: list hosts without scheme or path, separated by commas (ado.contoso.com,127.0.0.1:8080)"],
    ["me:secret@ado.contoso.example", "AZDO_ALLOWED_HOSTS: entry 1 is not a host or host:port: list hosts without scheme or path, separated by commas (ado.contoso.com,127.0.0.1:8080)"],
  ])("refuses %j, naming the entry", (value, message) => {
    expect(() => parseAllowedHosts(value)).toThrow(message);
  });

  it("matches a host on any port, a host:port on that port only (the scheme's default when the URL has none)", () => {
    const allowed = parseAllowedHosts("ado.contoso.example,127.0.0.1:8080,secure.example:443");
    expect(isAllowedHost(new URL("https://ado.contoso.example:8443/tfs"), allowed)).toBe(true);
    expect(isAllowedHost(new URL("http://127.0.0.1:8080/contoso"), allowed)).toBe(true);
    expect(isAllowedHost(new URL("http://127.0.0.1:8081/contoso"), allowed)).toBe(false);
    expect(isAllowedHost(new URL("https://secure.example/x"), allowed)).toBe(true);
    expect(isAllowedHost(new URL("https://secure.example:444/x"), allowed)).toBe(false);
    expect(isAllowedHost(new URL("https://ado.contoso.example.attacker.example/"), allowed)).toBe(false);
  });
});

describe("where a credential may go", () => {
  const allowed = parseAllowedHosts("ado.contoso.example,127.0.0.1,plain.example");

  it.each([
    ["https://dev.azure.com/contoso/_apis/projects", true, true],
    ["https://vsaex.dev.azure.com/contoso/_apis/x", true, true],
    ["https://ado.contoso.example/tfs/_apis/projects", true, false],
    ["http://127.0.0.1:4000/contoso/_apis/projects", true, false],
    // Listed, but plain http leaves the machine: never.
    ["http://plain.example/contoso", false, false],
    ["http://dev.azure.com/contoso", false, false],
    ["https://dev.azure.com.attacker.example/contoso", false, false],
    ["http://127.0.0.2:4000/contoso", false, false],
  ])("%s: PAT %s, Entra token %s", (url, pat, entra) => {
    expect(mayReceiveCredential(new URL(url), allowed)).toBe(pat);
    expect(mayReceiveEntraToken(new URL(url))).toBe(entra);
  });
});

describe("webhook hosts", () => {
  it.each([
    ["hooks.example.com", undefined],
    ["contoso.app.spacelift.io", undefined],
    ["localhost.", "a loopback name"],
    ["127.1.2.3", "a loopback address"],
    ["10.0.0.1", "a private address"],
    ["100.64.0.1", "a private address"],
    ["172.15.0.1", "an IP address"],
    ["[2001:db8::1]", "an IP address"],
    ["[::]", "an unspecified address"],
    ["[::ffff:7f00:1]", "a loopback address"],
    ["printer.home.arpa", "a private-use name"],
  ])("%s: %s", (host, kind) => {
    expect(nonPublicHostKind(host)).toBe(kind);
  });

  it("lets AZDO_ALLOWED_HOSTS allow a test receiver", () => {
    expect(webhookHostProblem(new URL("http://127.0.0.1:9000/hook"), parseAllowedHosts("127.0.0.1:9000"))).toBeUndefined();
    expect(webhookHostProblem(new URL("http://127.0.0.1:9000/hook"), [])).toBe(
      "must be a public DNS name: 127.0.0.1 is a loopback address (a test receiver is allowed only when whoever runs the deployment lists it in AZDO_ALLOWED_HOSTS)",
    );
  });

  it("matches a preset's host patterns one label deep", () => {
    const spacelift = ["*.app.spacelift.io", "*.app.us.spacelift.io"];
    expect(hostMatchesPattern("contoso.app.spacelift.io", spacelift)).toBe(true);
    expect(hostMatchesPattern("Contoso.App.US.Spacelift.io.", spacelift)).toBe(true);
    expect(hostMatchesPattern("app.spacelift.io", spacelift)).toBe(false);
    expect(hostMatchesPattern("a.b.app.spacelift.io", spacelift)).toBe(false);
    expect(hostMatchesPattern("contoso.app.spacelift.io.attacker.example", spacelift)).toBe(false);
    expect(hostMatchesPattern("exact.example", ["exact.example"])).toBe(true);
  });
});
