/**
 * Trust boundaries as the config module applies them: where the organization
 * URL may point, which variables `pat.env` may name, which webhook hosts are
 * refused, and the opt-in (AZDO_ALLOWED_HOSTS) that only whoever runs the
 * deployment can give.
 */
import { describe, expect, it } from "vitest";
import { parseAllowedHosts } from "../../components/azure-devops/runtime/hosts";
import { allowedHostsFrom, ConfigError, parseStackConfig, type ParseOptions } from "../../components/config";
import { configSource, NOW } from "../helpers";
import { gitpod, secrets, spacelift, withIntegration } from "./cases";

/** Parses a config with the secret keys it references set as secrets, so each test shows only its own finding. */
function parse(values: Record<string, unknown>, options: Partial<ParseOptions> = {}) {
  const text = JSON.stringify(values);
  const referenced = Object.fromEntries(Object.entries(secrets).filter(([k]) => text.includes(`"${k}"`)));
  return parseStackConfig(configSource({ ...referenced, ...values }, Object.keys(referenced)), { now: NOW, ...options });
}

/** The problems of a config, or [] when it parses. */
function problemsOf(values: Record<string, unknown>, options: Partial<ParseOptions> = {}): readonly string[] {
  try {
    parse(values, options);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

const envPat = (env: string) => ({ pat: { env, expiresOn: "2027-01-31", scopes: ["vso.code_write"] } });

describe("pat.env", () => {
  it.each([
    ["AZDO_PERSONAL_ACCESS_TOKEN", "AZDO_"],
    ["ARM_CLIENT_SECRET", "ARM_"],
    ["AZURE_CLIENT_SECRET", "AZURE_"],
    ["PULUMI_ACCESS_TOKEN", "PULUMI_"],
    ["pulumi_access_token", "PULUMI_"],
    ["SYSTEM_ACCESSTOKEN", "SYSTEM_"],
    ["GITHUB_TOKEN", "GITHUB_"],
    ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_"],
  ])("never names %s, a variable of the deployment itself", (name, prefix) => {
    expect(problemsOf(withIntegration(envPat(name)))).toEqual([
      `integrations[0].pat.env: ${name} is one of the deployment's own variables (${prefix}*), which a stack config must not hand to a tool: put the tool's PAT in a variable named ADO_PAT_<NAME> and name that`,
    ]);
  });

  it.each(["SPACELIFT_PAT", "ADO_PAT_", "ado_pat_spacelift", "HOME"])("names only ADO_PAT_<NAME> variables, not %s", (name) => {
    expect(problemsOf(withIntegration(envPat(name)))).toEqual([
      "integrations[0].pat.env: must name a variable starting with ADO_PAT_ (such as ADO_PAT_SPACELIFT), set for this PAT by whoever runs the deployment",
    ]);
  });

  it("accepts ADO_PAT_<NAME>", () => {
    expect(parse(withIntegration(envPat("ADO_PAT_SPACELIFT"))).integrations[0]!.pat!.source).toEqual({ kind: "env", name: "ADO_PAT_SPACELIFT" });
  });

  it("still says when the value is not a variable name at all", () => {
    expect(problemsOf(withIntegration(envPat("ADO PAT")))).toEqual(["integrations[0].pat.env: must be an environment variable name"]);
  });
});

describe("the organization URL", () => {
  const loopback = { organization: "http://127.0.0.1:43121/contoso", integrations: [gitpod] };
  const refused =
    "organization: organization URL http://127.0.0.1:43121/contoso is not an Azure DevOps host: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com (for Azure DevOps Server, whoever runs the deployment lists the host in AZDO_ALLOWED_HOSTS)";

  it("may name the loopback server or an Azure DevOps Server only when AZDO_ALLOWED_HOSTS lists it", () => {
    expect(problemsOf(loopback)).toEqual([refused]);
    expect(problemsOf(loopback, { allowedHosts: parseAllowedHosts("127.0.0.1:43122") })).toEqual([refused]);
    expect(parse(loopback, { allowedHosts: parseAllowedHosts("127.0.0.1:43121") }).organizationUrl).toBe("http://127.0.0.1:43121/contoso");
    const server = { organization: "https://ado.contoso.example/tfs/DefaultCollection", integrations: [gitpod] };
    expect(parse(server, { allowedHosts: parseAllowedHosts("ado.contoso.example") })).toMatchObject({
      organizationUrl: "https://ado.contoso.example/tfs/DefaultCollection",
      organizationName: "DefaultCollection",
      allowedHosts: [{ hostname: "ado.contoso.example" }],
    });
  });

  it.each([
    ["https://contoso-visualstudio.com", "https://contoso-visualstudio.com/"],
    ["https://dev.azure.com.attacker.example/contoso", "https://dev.azure.com.attacker.example/contoso"],
  ])("refuses %s, whatever the stack config says", (organization, shown) => {
    expect(problemsOf({ organization, integrations: [gitpod] })).toEqual([
      `organization: organization URL ${shown} is not an Azure DevOps host: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com (for Azure DevOps Server, whoever runs the deployment lists the host in AZDO_ALLOWED_HOSTS)`,
    ]);
  });

  it.each([
    ["https://gitlab.com/contoso/infra", "GitLab"],
    ["https://bitbucket.org/contoso", "Bitbucket"],
  ])("says what an Azure DevOps organization URL looks like for %s", (organization, service) => {
    expect(problemsOf({ organization, integrations: [gitpod] })).toEqual([
      `organization: organization URL ${organization} is a ${service} URL, not an Azure DevOps organization: use https://dev.azure.com/<organization> or https://<organization>.visualstudio.com`,
    ]);
  });
});

describe("AZDO_ALLOWED_HOSTS as the program reads it", () => {
  it("is read through the reader it is given, once, and parsed", () => {
    const read: string[] = [];
    const hosts = allowedHostsFrom((name) => {
      read.push(name);
      return "ado.contoso.example, 127.0.0.1:8080";
    });
    expect(read).toEqual(["AZDO_ALLOWED_HOSTS"]);
    expect(hosts).toEqual([{ hostname: "ado.contoso.example" }, { hostname: "127.0.0.1", port: "8080" }]);
    expect(allowedHostsFrom(() => undefined)).toEqual([]);
  });

  it("stops the run with a config error when malformed, naming the entry (or only its position when it could carry a credential)", () => {
    const problemsFor = (value: string): readonly string[] => {
      try {
        allowedHostsFrom(() => value);
      } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
      }
      return [];
    };
    expect(problemsFor("ado.contoso.example,*.contoso.example")).toEqual([
      'AZDO_ALLOWED_HOSTS: "*.contoso.example" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)',
    ]);
    expect(problemsFor("127.0.0.1:99999")).toEqual(['AZDO_ALLOWED_HOSTS: "127.0.0.1:99999" is not a host or host:port: list hosts separated by commas (ado.contoso.com,127.0.0.1:8080)']);
    const problems = problemsFor("https://user:hunter2@ado.contoso.example");
    expect(problems).toEqual([
      "AZDO_ALLOWED_HOSTS: entry 1 is not a host or host:port: list hosts without scheme or path, separated by commas (ado.contoso.com,127.0.0.1:8080)",
    ]);
  });
});

describe("webhook URLs", () => {
  const hook = (url: string, base: Record<string, unknown> = spacelift) => withIntegration({ serviceHooks: { ...(base.serviceHooks as object), url } }, base);
  const refused = (host: string, kind: string) =>
    `integrations[0].serviceHooks.url: must be a public DNS name: ${host} is ${kind} (a test receiver is allowed only when whoever runs the deployment lists it in AZDO_ALLOWED_HOSTS)`;

  it.each([
    ["https://127.0.0.1:8443/hook", "127.0.0.1", "a loopback address"],
    ["https://[::1]/hook", "[::1]", "a loopback address"],
    ["https://localhost/hook", "localhost", "a loopback name"],
    ["https://receiver.localhost/hook", "receiver.localhost", "a loopback name"],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254", "a link-local address"],
    ["https://[fe80::1]/hook", "[fe80::1]", "a link-local address"],
    ["https://192.168.1.10/hook", "192.168.1.10", "a private address"],
    ["https://172.20.0.1/hook", "172.20.0.1", "a private address"],
    ["https://[fd00::5]/hook", "[fd00::5]", "a private address"],
    ["https://[::ffff:10.1.2.3]/hook", "[::ffff:a01:203]", "a private address"],
    ["https://2130706433/hook", "127.0.0.1", "a loopback address"],
    ["https://8.8.8.8/hook", "8.8.8.8", "an IP address"],
    ["https://0.0.0.0/hook", "0.0.0.0", "an unspecified address"],
    ["https://jenkins/hook", "jenkins", "a single-label (intranet) name"],
    ["https://hooks.local/hook", "hooks.local", "a link-local (mDNS) name"],
    ["https://hooks.corp.internal/hook", "hooks.corp.internal", "a private-use name"],
  ])("refuses %s", (url, host, kind) => {
    expect(problemsOf(hook(url, { ...spacelift, preset: "custom", serviceHooks: { ...spacelift.serviceHooks, events: ["git.push"] } }))).toEqual([refused(host, kind)]);
  });

  it("accepts a refused host when AZDO_ALLOWED_HOSTS lists it, on the listed port", () => {
    const custom = { ...spacelift, preset: "custom", serviceHooks: { ...spacelift.serviceHooks, events: ["git.push"] } };
    expect(problemsOf(hook("https://127.0.0.1:8443/hook", custom), { allowedHosts: parseAllowedHosts("127.0.0.1:8443") })).toEqual([]);
    expect(problemsOf(hook("https://127.0.0.1:9443/hook", custom), { allowedHosts: parseAllowedHosts("127.0.0.1:8443") })).toEqual([refused("127.0.0.1", "a loopback address")]);
  });

  it("a Spacelift URL elsewhere than Spacelift's hosts is a warning, not an error", () => {
    const model = parse(hook("https://hooks.example.com/webhooks/azure_devops/abc"));
    expect(model.warnings).toEqual([
      "spacelift: serviceHooks.url: hooks.example.com is not a Spacelift host (*.app.spacelift.io, *.app.us.spacelift.io): check that the URL is the webhook endpoint Spacelift gave you",
    ]);
    // A look-alike is elsewhere too.
    expect(parse(hook("https://contoso.app.spacelift.io.attacker.example/x")).warnings).toHaveLength(1);
    expect(parse(hook("https://app.spacelift.io/x")).warnings).toHaveLength(1);
  });

  it.each(["https://contoso.app.spacelift.io/webhooks/azure_devops/abc", "https://contoso-dev.app.us.spacelift.io/webhooks/azure_devops/abc"])(
    "%s is a Spacelift host: no warning",
    (url) => {
      expect(parse(hook(url)).warnings).toEqual([]);
    },
  );

  it("custom stays free: any public host, no warning", () => {
    const custom = { ...spacelift, preset: "custom", serviceHooks: { ...spacelift.serviceHooks, events: ["git.push"] } };
    expect(parse(hook("https://review-bot.contoso.example/hooks", custom)).warnings).toEqual([]);
  });
});
