import YAML from "yaml";
import { AdoClient } from "../azure-devops/runtime/client";
import type { AllowedHost } from "../azure-devops/runtime/hosts";
import { normalizeOrganizationUrl, organizationName } from "../azure-devops/runtime/org-url";
import { CONFIG_NAMESPACE } from "../config";
import { listOrganization } from "./listing";
import { type Discovery, type ImportEntry, recognize } from "./recognize";

export * from "./listing";
export * from "./recognize";

/**
 * The organization discovery reads. `--organization` and AZDO_ORG_SERVICE_URL
 * name the same thing, the organization the deployment's credential is for:
 * either may be given; when both are, they must agree, so a PAT issued for one
 * organization is never sent to another one named on the command line.
 */
export function discoveryOrganization(option: string | undefined, env: NodeJS.ProcessEnv, allowedHosts: readonly AllowedHost[]): string {
  const fromEnv = env.AZDO_ORG_SERVICE_URL?.trim() ? normalizeOrganizationUrl(env.AZDO_ORG_SERVICE_URL, allowedHosts) : undefined;
  const fromOption = option?.trim() ? normalizeOrganizationUrl(option, allowedHosts) : undefined;
  if (fromOption === undefined && fromEnv === undefined) {
    throw new Error("no organization: pass --organization <name or URL>, or set AZDO_ORG_SERVICE_URL as for a deployment");
  }
  if (fromOption !== undefined && fromEnv !== undefined && fromOption !== fromEnv) {
    throw new Error(`--organization is ${fromOption} but AZDO_ORG_SERVICE_URL is ${fromEnv}: discovery uses the deployment's credential, so both must name the same organization; unset one`);
  }
  return (fromOption ?? fromEnv)!;
}

/** Options of {@link discover}. */
export interface DiscoverOptions {
  /** Normalized organization URL. */
  readonly organizationUrl: string;
  /** Hosts AZDO_ALLOWED_HOSTS allows. Defaults to none. */
  readonly allowedHosts?: readonly AllowedHost[];
  /** The date written as a PAT's expiresOn. Defaults to today. */
  readonly patExpiresOn?: Date;
  /** The environment the client reads credentials and settings from. Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** What one discovery produced: the conclusions and the REST calls it took. */
export interface DiscoverResult {
  readonly discovery: Discovery;
  /** Attempts sent, retries included. */
  readonly calls: number;
}

/** Lists the organization (GETs only) and recognizes what the presets know. */
export async function discover(options: DiscoverOptions): Promise<DiscoverResult> {
  const client = new AdoClient({ organizationUrl: options.organizationUrl, env: options.env });
  const listing = await listOrganization(client);
  return { discovery: recognize(listing, { allowedHosts: options.allowedHosts, patExpiresOn: options.patExpiresOn }), calls: client.requestCount };
}

/** The `organization` value a stack config holds: the name for dev.azure.com, else the URL. */
function organizationSetting(organizationUrl: string): string {
  return organizationUrl.startsWith("https://dev.azure.com/") ? organizationName(organizationUrl) : organizationUrl;
}

/**
 * The stack config (`Pulumi.<stack>.yaml`) for what was recognized, or
 * undefined when nothing was. Secret keys are named, never given values:
 * comments say how to set each.
 */
export function stackConfigYaml(discovery: Discovery, stack: string): string | undefined {
  if (discovery.integrations.length === 0) return undefined;
  const ns = (key: string): string => `${CONFIG_NAMESPACE}:${key}`;
  const config: Record<string, unknown> = {
    [ns("organization")]: organizationSetting(discovery.organizationUrl),
    [ns("integrations")]: discovery.integrations.map((i) => i.config),
    ...(discovery.configStore && { [ns("configStore")]: discovery.configStore.config }),
  };
  const header = [
    `Written by \`npm run discover\` from ${discovery.organizationUrl}.`,
    "Set these secrets before `pulumi import` (each command prompts for the value):",
    ...discovery.secrets.map((s) => `  pulumi config set --stack ${stack} --secret ${s.key}    # ${s.what}`),
  ];
  const doc = new YAML.Document({ config });
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  return doc.toString();
}

/** The import file `pulumi import --file` reads: each object, the name and parent the program gives it. */
export function importFileJson(discovery: Discovery): string {
  const resources = discovery.imports.map((e: ImportEntry) => ({
    type: e.type,
    name: e.name,
    ...(e.id !== undefined && { id: e.id }),
    ...(e.parent !== undefined && { parent: e.parent }),
    ...(e.component && { component: true }),
  }));
  return `${JSON.stringify({ resources }, null, 2)}\n`;
}

/** Where the files went, for the next steps. */
export interface WrittenFiles {
  readonly stackConfig?: string;
  readonly importFile?: string;
}

/**
 * What discovery found, in plain lines: hooks by host, what each host was
 * recognized as, the groups and principals that look like integrations,
 * what the first `pulumi up` will change, and the commands to run next. No
 * password is in it: the service masks them and discovery keeps none.
 */
export function report(result: DiscoverResult, stack: string, files: WrittenFiles = {}): string {
  const d = result.discovery;
  const lines: string[] = [`Organization ${d.organizationUrl}: ${result.calls} REST calls, all reads.`, ""];
  const hookCount = d.hosts.reduce((n, h) => n + h.hooks.length, 0);
  lines.push(`Webhook subscriptions: ${hookCount}, on ${d.hosts.length} host${d.hosts.length === 1 ? "" : "s"}`);
  for (const host of d.hosts) {
    const events = [...new Set(host.hooks.map((h) => h.eventType))].sort().join(", ");
    const projects = new Set(host.hooks.map((h) => h.projectId)).size;
    lines.push(`  ${host.host || "(unreadable URL)"}: ${host.hooks.length} hook(s) in ${projects} project(s), ${events}: ${host.verdict}`);
  }
  lines.push("");
  for (const i of d.integrations) {
    lines.push(`Integration "${i.name}" (preset ${i.preset}, mode ${i.mode}), ${i.url}: ${i.adopted.size} hook(s) to import`);
    for (const { hook, reason } of i.leftOut) lines.push(`  left out: hook ${hook.id}: ${reason}`);
    if (i.missing.length > 0) lines.push(`  created by \`pulumi up\` (no hook today): ${i.missing.join(", ")}`);
    for (const update of i.updates) lines.push(`  update: ${update}`);
  }
  if (d.configStore) {
    const g = d.configStore.group;
    lines.push(`Config store: variable group ${g.id} "${g.name}" in ${g.projectName}, to import`);
    for (const update of d.configStore.updates) lines.push(`  update: ${update}`);
  }
  if (d.groups.length > 0) {
    lines.push("Variable groups that look like integrations (not imported):");
    for (const f of d.groups) lines.push(`  ${f.group.id} "${f.group.name}" in ${f.group.projectName}: ${f.why}`);
  }
  if (d.principals.length > 0) {
    lines.push("Service principals that look like integrations (not imported: import the tool's Entra app first, then the entitlement by its id):");
    for (const p of d.principals) lines.push(`  ${p.principal.id} "${p.principal.displayName}" (${p.tool}), Entra object ${p.principal.originId}, ${p.principal.accountLicenseType}, ${p.principal.projectCount} project(s)`);
  }
  if (d.principalsProblem !== undefined) lines.push(`Service principals could not be listed: ${d.principalsProblem}`);
  lines.push("");
  if (d.integrations.length === 0) {
    lines.push("Nothing was recognized, so no stack config or import file was written.");
    return `${lines.join("\n")}\n`;
  }
  const importFile = files.importFile ?? "<import file>";
  lines.push("Next:");
  lines.push(`  1. Save the stack config as Pulumi.${stack}.yaml${files.stackConfig ? ` (written: ${files.stackConfig})` : ""} and create the stack: pulumi stack init ${stack}`);
  lines.push("  2. Set the secrets (each command prompts for the value):");
  for (const s of d.secrets) lines.push(`       pulumi config set --stack ${stack} --secret ${s.key}    # ${s.what}`);
  lines.push(`  3. Import (the plugin reads each object by id from the organization in AZDO_ORG_SERVICE_URL):`);
  lines.push(`       AZDO_ORG_SERVICE_URL=${d.organizationUrl} pulumi import --stack ${stack} --file ${importFile} --generate-code=false --protect=false --yes`);
  lines.push(`  4. pulumi preview --stack ${stack}: updates in place only (the secrets above, and what is listed under update); no create of an imported object, no replacement`);
  lines.push(`  5. pulumi up --stack ${stack}, then pulumi preview --stack ${stack} --expect-no-changes`);
  return `${lines.join("\n")}\n`;
}
