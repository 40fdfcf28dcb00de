import type { Evaluation, PlannedResource } from "./evaluate";
import type { PolicyFinding } from "../../policies/policies";
import { TOKENS } from "../../provider/schema";
import {
  COMPONENT_PREFIX,
  OFFLINE_DEPLOYER,
  SECTIONS,
  STACK_ROW,
  apiName,
  integrationOf,
  reviewOf,
  scopeName,
  storeDescription,
  type IntegrationReview,
  type Loose,
  type ReviewChange,
  type ReviewItem,
  type Section,
} from "./review";

/** A policy result as the plan lists it: what the pack's runner found. */
export type PlanPolicyResult = PolicyFinding;

/** A secret key the stack file does not set, and the command that sets it. */
export interface UnsetSecret {
  readonly key: string;
  readonly command: string;
}

/** How the plan was asked for: where the stack name came from, and what must be set before `pulumi up`. */
export interface PlanContext {
  /** `--stack`, the file name, or the default. */
  readonly stackFrom?: string;
  /** Secret keys the integrations reference that the stack file does not set. */
  readonly unset?: readonly UnsetSecret[];
}

/** The base a pull request is planned against (`--base`). */
export interface BaseInfo {
  /** The ref as given. */
  readonly ref: string;
  /** The commit it names. */
  readonly commit: string;
  /** Why the changes are measured against nothing (no stack file at the base, or the base could not be planned). */
  readonly note?: string;
}

/** The plan as one JSON document (`npm run plan -- --json`). */
export interface PlanDocument {
  readonly project: string;
  readonly stack: string;
  /** Where the stack name came from. */
  readonly stackFrom?: string;
  readonly organizationUrl: unknown;
  readonly resources: { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
  readonly outputs: Record<string, unknown>;
  readonly integrations: Record<string, { resources: string[] }>;
  readonly warnings: unknown;
  readonly policies: readonly PlanPolicyResult[];
  /** Secret keys to set before `pulumi up`, with the command for each. */
  readonly toSetBeforeUp: readonly UnsetSecret[];
}

/** Builds the JSON plan: resources with type token, name, parent name and inputs, plus outputs. */
export function planDocument(e: Evaluation, policies: readonly PlanPolicyResult[] = [], ctx: PlanContext = {}): PlanDocument {
  const byUrn = new Map(e.resources.map((r) => [r.urn, r]));
  const integrations: Record<string, { resources: string[] }> = {};
  for (const r of e.resources) {
    const owner = integrationOf(r, byUrn);
    if (owner) (integrations[owner] ??= { resources: [] }).resources.push(r.name);
  }
  return {
    project: e.project,
    stack: e.stack,
    ...(ctx.stackFrom !== undefined && { stackFrom: ctx.stackFrom }),
    organizationUrl: e.outputs.organizationUrl,
    resources: e.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ? (byUrn.get(r.parent)?.name ?? r.parent) : null, inputs: r.inputs })),
    outputs: e.outputs,
    integrations,
    warnings: e.outputs.warnings ?? [],
    policies,
    toSetBeforeUp: ctx.unset ?? [],
  };
}

/** Key inputs of a resource, one `name: value` string each. */
function keyInputs(r: PlannedResource, projectNames: Readonly<Record<string, string>> = {}): string[] {
  const i = r.inputs as Record<string, Loose>;
  switch (r.type) {
    case "azuread:index/application:Application": {
      const lines = [`displayName: ${i.displayName}`, `signInAudience: ${i.signInAudience}`, `owners: ${(i.owners ?? []).join(", ")}`];
      if (i.web?.redirectUris?.length) lines.push(`redirectUris: ${i.web.redirectUris.join(", ")}`);
      if (i.web?.implicitGrant?.idTokenIssuanceEnabled) lines.push("ID tokens: issued");
      for (const rra of i.requiredResourceAccesses ?? []) {
        const api = apiName(rra.resourceAppId);
        const scopes = (rra.resourceAccesses ?? []).map((a: { id: string; type: string }) => `${scopeName(rra.resourceAppId, a.id)} (${a.id}, ${a.type})`);
        lines.push(`delegated scopes, ${api}: ${scopes.join(", ")}`);
      }
      return lines;
    }
    case "azuread:index/servicePrincipal:ServicePrincipal":
      return [`clientId: ${i.clientId}`, `owners: ${(i.owners ?? []).join(", ")}`];
    case "azuread:index/applicationPassword:ApplicationPassword":
      return [`displayName: ${i.displayName}`, `endDate: ${i.endDate}`];
    case "random:index/randomPassword:RandomPassword":
      return [`length: ${i.length}, special characters: ${i.special}`];
    case TOKENS.serviceHookSubscription: {
      const filters = Object.entries(i.filters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      return [
        `${i.eventType} in project ${projectNames[i.projectId] ?? i.projectId} -> ${i.url} (basic auth user "${i.basicAuthUsername ?? ""}", password ${i.basicAuthPassword === undefined ? "none" : String(i.basicAuthPassword)}${filters.length ? `; filters ${filters.join(", ")}` : ""})`,
      ];
    }
    case TOKENS.servicePrincipalEntitlement: {
      const projects = ((i.projects ?? []) as { projectId: string; group: string }[]).map((p) => `${projectNames[p.projectId] ?? p.projectId} (${p.group})`);
      return [`service principal ${i.servicePrincipalObjectId} joins the organization, access level ${i.accessLevel}`, `projects: ${projects.join(", ") || "none"}`];
    }
    case TOKENS.variableGroup:
      return [
        `name: ${i.name} in project ${i.projectName}`,
        typeof i.variables === "string"
          ? "variables: listed under each integration above (the map is a secret in state because it holds secret values)"
          : `variables: ${Object.keys(i.variables ?? {}).join(", ")}`,
      ];
    default:
      return Object.entries(i)
        .filter(([k]) => !k.startsWith("__"))
        .slice(0, 6)
        .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  }
}

/** Where an integration's form values go, one line per key, with the value (secrets as [secret]). */
function storeLines(e: Evaluation, integration: string, pad: string): string[] {
  const store = (e.outputs.configStore ?? { kind: "stackOutputs" }) as Record<string, Loose>;
  const values = ((e.outputs.fields ?? {}) as Record<string, Record<string, unknown>>)[integration] ?? {};
  const keys = ((e.outputs.configStoreKeys ?? []) as { integration: string; label: string; key: string }[]).filter((k) => k.integration === integration);
  if (keys.length === 0) return [];
  const lines =
    store.kind === "variableGroup"
      ? [`${pad}config store: ${storeDescription(store)} (also stack output fields.${integration}):`]
      : [`${pad}config store: stack output fields.${integration}:`];
  for (const k of keys) {
    const value = String(values[k.label]);
    lines.push(store.kind === "variableGroup" ? `${pad}  ${k.key} (${k.label}): ${value}` : `${pad}  ${k.label}: ${value}`);
  }
  return lines;
}

/** The plain-text plan printed by `npm run plan`. */
export function renderText(e: Evaluation, policies: readonly PlanPolicyResult[] = [], ctx: PlanContext = {}): string {
  const doc = planDocument(e, policies, ctx);
  const out: string[] = [];
  const custom = e.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  out.push(`Offline plan for stack "${e.stack}" of ${e.project}: organization ${String(doc.organizationUrl)}`);
  if (ctx.stackFrom !== undefined) out.push(`Stack name "${e.stack}" from ${ctx.stackFrom}.`);
  out.push("Evaluated under Pulumi's mock runtime: no cloud calls, no credentials; IDs are made up, scope IDs are Microsoft's published ones.");
  out.push("");
  const byUrn = new Map(e.resources.map((r) => [r.urn, r]));
  const shared = custom.filter((r) => !integrationOf(r, byUrn));
  const integrations = (e.outputs.integrations ?? {}) as Record<string, Record<string, Loose>>;
  for (const [name, info] of Object.entries(integrations)) {
    const own = custom.filter((r) => integrationOf(r, byUrn) === name);
    out.push(`${name} (preset ${info.preset}, mode ${info.mode}): ${own.length} resource${own.length === 1 ? "" : "s"}`);
    for (const r of own) {
      out.push(`  + ${r.type}  ${r.name}`);
      for (const line of keyInputs(r, e.projectNames)) out.push(`      ${line}`);
    }
    const outputs = Object.entries(info).filter(([k]) => !["preset", "mode"].includes(k));
    if (outputs.length) {
      out.push("  outputs:");
      for (const [k, v] of outputs) out.push(...indentJson(k, v, "    "));
    }
    out.push(...storeLines(e, name, "  "));
    out.push("");
  }
  const tenant = e.outputs.tenant as { tenantId?: string; azureDevOpsScopeIds?: string } | undefined;
  if (tenant) {
    const from = { tenant: "the tenant's Azure DevOps service principal", published: "Microsoft's published list (no Azure DevOps service principal in the tenant yet)", none: "not needed" };
    out.push(`tenant ${tenant.tenantId}: Azure DevOps scope IDs from ${from[tenant.azureDevOpsScopeIds as keyof typeof from] ?? tenant.azureDevOpsScopeIds}`);
    out.push("");
  }
  if (shared.length) {
    out.push("shared by the stack:");
    for (const r of shared) {
      out.push(`  + ${r.type}  ${r.name}`);
      for (const line of keyInputs(r, e.projectNames)) out.push(`      ${line}`);
    }
    out.push("");
  }
  out.push(...textFooter((doc.warnings as string[]) ?? [], policies, ctx));
  out.push("");
  const counts = new Map<string, number>();
  for (const r of custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  out.push(`${custom.length} resources: ${[...counts].map(([t, n]) => `${n} ${t.split(":").pop()}`).join(", ")}`);
  return out.join("\n");
}

function indentJson(key: string, value: unknown, pad: string): string[] {
  if (value === null || typeof value !== "object") return [`${pad}${key}: ${String(value)}`];
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) return [`${pad}${key}: ${value.join(", ")}`];
  const lines = [`${pad}${key}:`];
  for (const [k, v] of Object.entries(value)) lines.push(...indentJson(Array.isArray(value) ? `[${k}]` : k, v, pad + "  "));
  return lines;
}


/** Secrets to set, warnings and policy findings: the same in a full plain-text plan and a plan of changes. */
function textFooter(warnings: readonly string[], policies: readonly PlanPolicyResult[], ctx: PlanContext): string[] {
  return [
    ...unsetLines(ctx.unset),
    warnings.length ? "warnings:" : "warnings: none",
    ...warnings.map((w) => `  ! ${w}`),
    policies.length ? "policies:" : "policies: all passed",
    ...policies.map((p) => `  ${p.enforcement === "mandatory" ? "x" : "!"} [${p.enforcement}] ${p.policy} on ${p.resource}: ${p.message}`),
  ];
}

/** The secret keys to set before `pulumi up`, one command each (the plan itself does not need them). */
function unsetLines(unset: readonly UnsetSecret[] | undefined): string[] {
  if (!unset?.length) return [];
  return [`to set before \`pulumi up\` (${unset.length} secret key${unset.length === 1 ? "" : "s"} the stack file does not set; the offline plan used stand-ins):`, ...unset.map((u) => `  ${u.command}`), ""];
}

/** A list longer than this is collapsed in the pull-request comment. */
const COLLAPSE_OVER = 8;

/** Text for a markdown table cell: no line breaks, no column breaks. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A list of names as code spans, collapsed in `<details>` when long. */
function nameList(title: string, names: readonly string[]): string[] {
  const list = names.map((n) => `\`${n}\``).join(", ");
  if (names.length <= COLLAPSE_OVER) return [`- ${title} (${names.length}): ${list}`];
  return [`- <details><summary>${title} (${names.length})</summary>`, "", `  ${list}`, "", "  </details>"];
}

const items = (r: IntegrationReview, section: Section): readonly ReviewItem[] => r.sections[section] ?? [];

/** The reviewer's view of one integration: where data goes, what it may do, who owns it, where its secrets are. */
function integrationMarkdown(r: IntegrationReview, store: string): string[] {
  const out: string[] = [`#### \`${r.name}\`: preset \`${r.preset}\`, mode \`${r.mode}\``, ""];
  if (r.summary) out.push(`${r.summary}.`, "");

  const hooks = items(r, "Webhooks").filter((h) => h.key.includes(" / "));
  if (hooks.length > 0) {
    const targets = new Map<string, { events: Set<string>; projects: Set<string> }>();
    for (const h of hooks) {
      const [project, event] = h.key.split(" / ") as [string, string];
      const t = targets.get(h.value) ?? { events: new Set(), projects: new Set() };
      t.events.add(event);
      t.projects.add(project);
      targets.set(h.value, t);
    }
    out.push(`**Webhooks**: ${hooks.length} subscription${hooks.length === 1 ? "" : "s"}`);
    for (const [target, t] of targets) {
      const url = target.split(" ")[0]!;
      let host = url;
      try {
        host = new URL(url).host;
      } catch {
        // Shown as written.
      }
      out.push(`- to ${url} (host \`${host}\`): ${target.slice(url.length + 2, -1)}`);
      out.push(...nameList("events", [...t.events]), ...nameList("projects", [...t.projects]));
    }
    const password = items(r, "Webhooks").find((h) => h.key === "password");
    if (password) out.push(`- password: ${password.value}`);
    out.push("");
  }

  const app = items(r, "Entra app");
  if (app.length > 0) {
    const get = (k: string) => app.find((x) => x.key === k)?.value;
    out.push(`**Entra app** \`${get("display name")}\`: sign-in audience \`${get("sign-in audience")}\`, ID tokens ${get("ID tokens")}`);
    for (const x of app.filter((a) => a.key.startsWith("redirect URI "))) out.push(`- ${x.key}`);
    for (const x of app.filter((a) => a.key.startsWith("client secret ") || a.key === "other settings")) out.push(`- ${x.key}: ${x.value}`);
    out.push("");
  }

  const scopes = items(r, "Scopes");
  if (scopes.length > 0) {
    out.push("**Scopes requested, and why**", "", "| Scope | Kind | Why |", "| --- | --- | --- |");
    for (const s of scopes) out.push(`| ${cell(s.key)} | ${cell(s.value)} | ${cell(s.why ?? "")} |`);
    out.push("");
  }

  const owners = items(r, "Owners");
  if (owners.length > 0) {
    out.push(`**Owners**: ${owners.map((o) => `\`${o.key}\` (${o.value}${o.key === OFFLINE_DEPLOYER ? "; the deploying identity, made up offline" : ""})`).join(", ")}`, "");
  }

  const sp = items(r, "Service principal");
  if (sp.length > 0) {
    const projects = sp.filter((x) => x.key.startsWith("project ")).map((x) => `${x.key.slice("project ".length)} (${x.value})`);
    out.push(`**Service principal** joins the organization with access level \`${sp.find((x) => x.key === "access level")?.value}\``);
    const settings = sp.find((x) => x.key === "other settings");
    out.push(...(projects.length ? nameList("projects", projects) : ["- projects: none"]), ...(settings ? [`- other settings: ${settings.value}`] : []), "");
  }

  const pat = items(r, "PAT");
  if (pat.length > 0) out.push(`**PAT**: ${pat.map((x) => (x.key === "source" ? x.value : `${x.key} ${x.value}`)).join("; ")}`, "");

  const keys = items(r, "Config-store keys");
  if (keys.length > 0) {
    const secret = keys.filter((k) => k.value.endsWith(" (secret)"));
    out.push(`**Config-store keys** (${store}): ${keys.map((k) => `\`${k.key}\``).join(", ")}`);
    out.push(`- holding secrets: ${secret.length ? secret.map((k) => `\`${k.value.slice(0, -" (secret)".length)}\``).join(", ") : "none"}`, "");
  }

  const other = items(r, "Other resources");
  if (other.length > 0) {
    out.push("**Other resources**", "");
    for (const o of other) out.push(`- \`${o.key}\`: ${o.value}`);
    out.push("");
  }
  return out;
}

/** Warnings, policy findings and secrets to set: the same in a full plan and a plan of changes. */
function markdownFooter(warnings: readonly string[], policies: readonly PlanPolicyResult[], ctx: PlanContext): string[] {
  const out: string[] = [];
  if (ctx.unset?.length) {
    out.push("**To set before `pulumi up`**: secret keys the stack file does not set (the offline plan used stand-ins)", "", "```sh", ...ctx.unset.map((u) => u.command), "```", "");
  }
  if (warnings.length) out.push("**Warnings**", "", ...warnings.map((w) => `- ${w}`), "");
  out.push(
    ...(policies.length
      ? ["**Policy findings**", "", ...policies.map((p) => `- ${p.enforcement}: \`${p.policy}\` on \`${p.resource}\`: ${p.message}`), ""]
      : ["Policies: all passed.", ""]),
  );
  out.push("Secrets are shown nowhere in this plan; their fields are listed by name only.");
  return out;
}

/** A PR-comment-ready summary with a mermaid diagram, then per integration what a reviewer must see (`npm run plan -- --markdown`). */
export function renderMarkdown(e: Evaluation, policies: readonly PlanPolicyResult[] = [], ctx: PlanContext = {}): string {
  const doc = planDocument(e, policies, ctx);
  const byUrn = new Map(e.resources.map((r) => [r.urn, r]));
  const custom = e.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  const integrations = (e.outputs.integrations ?? {}) as Record<string, Record<string, Loose>>;
  const fields = (e.outputs.fields ?? {}) as Record<string, Record<string, unknown>>;
  const where = storeDescription(e.outputs.configStore, false);
  const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");
  const out: string[] = [];
  out.push(`### ado-integrations plan: \`${e.stack}\``);
  out.push("");
  out.push(`Organization: ${String(doc.organizationUrl)}. ${custom.length} resources. Offline evaluation (mock runtime): IDs are made up.${ctx.stackFrom ? ` Stack name from ${ctx.stackFrom}.` : ""}`);
  out.push("");
  out.push("| Integration | Preset (mode) | Creates | Config-store keys |");
  out.push("| --- | --- | --- | --- |");
  const graph: string[] = ["```mermaid", "flowchart LR", `  stack["stack ${e.stack}"]`];
  for (const [name, info] of Object.entries(integrations)) {
    const own = custom.filter((r) => integrationOf(r, byUrn) === name);
    const kinds = new Map<string, number>();
    for (const r of own) kinds.set(r.type.split(":").pop()!, (kinds.get(r.type.split(":").pop()!) ?? 0) + 1);
    const creates = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ") || "nothing (references only)";
    const keys = Object.keys(fields[name] ?? {}).map((k) => `\`${k}\``).join(", ");
    out.push(`| ${name} | ${info.preset} (${info.mode}) | ${creates} | ${keys} |`);
    graph.push(`  stack --> ${id(name)}["${name} (${info.preset})"]`);
    for (const [k, n] of kinds) graph.push(`  ${id(name)} --> ${id(name)}_${id(k)}["${n} x ${k}"]`);
    if (keys) graph.push(`  ${id(name)} --> ${id(name)}_store["${Object.keys(fields[name] ?? {}).length} fields in ${where}"]`);
  }
  graph.push("```");
  out.push("", ...graph, "");
  const review = reviewOf(e);
  // The same text reviewOf gives as the stack's "store" item.
  const storeText = storeDescription(e.outputs.configStore);
  for (const r of review.integrations) out.push(...integrationMarkdown(r, storeText));
  const shared = review.stack["Other resources"] ?? [];
  if (shared.length > 0) out.push("**Shared by the stack**", "", ...shared.map((o) => `- \`${o.key}\`: ${o.value}`), "");
  out.push(...markdownFooter((doc.warnings as string[]) ?? [], policies, ctx));
  return out.join("\n");
}

const MARK = { added: "+", removed: "-", changed: "~" } as const;

/** The changes grouped by integration, in the order they came. */
function byIntegration(changes: readonly ReviewChange[]): Map<string, ReviewChange[]> {
  const groups = new Map<string, ReviewChange[]>();
  for (const c of changes) (groups.get(c.integration) ?? groups.set(c.integration, []).get(c.integration)!).push(c);
  return groups;
}

/** What an integration's changes amount to: added or removed whole, or changed. */
function integrationState(list: readonly ReviewChange[]): string {
  const own = list.filter((c) => c.section === "Integration");
  if (own.length > 0 && own.every((c) => c.kind === "added")) return "new integration";
  if (own.length > 0 && own.every((c) => c.kind === "removed")) return "removed integration";
  return "changed";
}

/** The base line of a plan of changes. */
function baseLine(base: BaseInfo, code: (s: string) => string): string {
  return `Changes against ${code(base.ref)} (${base.commit.slice(0, 12)})${base.note ? `: ${base.note}` : ""}`;
}

/**
 * Only what the pull request changes, for its comment (`--markdown --base <ref>`):
 * per integration the hooks, scopes, owners, access levels, PAT and
 * config-store keys added, removed or changed, long sections collapsed.
 */
export function renderChangesMarkdown(e: Evaluation, changes: readonly ReviewChange[], base: BaseInfo, policies: readonly PlanPolicyResult[] = [], ctx: PlanContext = {}): string {
  const out: string[] = [`### ado-integrations plan: \`${e.stack}\``, ""];
  out.push(`${baseLine(base, (x) => `\`${x}\``)}. Organization: ${String(e.outputs.organizationUrl)}. Offline evaluation of both (mock runtime): IDs are made up.${ctx.stackFrom ? ` Stack name from ${ctx.stackFrom}.` : ""}`, "");
  if (changes.length === 0) out.push("No changes: the same webhooks, scopes, owners, access levels, PATs and config-store keys as the base.", "");
  else out.push(`${changes.length} change${changes.length === 1 ? "" : "s"}: \`+\` added, \`-\` removed, \`~\` changed.`, "");
  for (const [name, list] of byIntegration(changes)) {
    out.push(name === STACK_ROW ? "#### The stack" : `#### \`${name}\`: ${integrationState(list)}`, "");
    for (const section of SECTIONS) {
      const rows = list.filter((c) => c.section === section);
      if (rows.length === 0) continue;
      const table = ["| | Item | Before | After | Why |", "| --- | --- | --- | --- | --- |", ...rows.map((c) => `| ${MARK[c.kind]} | ${cell(c.key)} | ${cell(c.before ?? "")} | ${cell(c.after ?? "")} | ${cell(c.why ?? "")} |`)];
      const counts = (["added", "removed", "changed"] as const).map((k) => [k, rows.filter((c) => c.kind === k).length] as const).filter(([, n]) => n > 0);
      const summary = `${section}: ${counts.map(([k, n]) => `${n} ${k}`).join(", ")}`;
      if (rows.length > COLLAPSE_OVER) out.push(`<details><summary>${summary}</summary>`, "", ...table, "", "</details>", "");
      else out.push(`**${summary}**`, "", ...table, "");
    }
  }
  out.push(...markdownFooter((e.outputs.warnings as string[]) ?? [], policies, ctx));
  return out.join("\n");
}

/** The same changes as plain text (`--base` without `--markdown`). */
export function renderChangesText(e: Evaluation, changes: readonly ReviewChange[], base: BaseInfo, policies: readonly PlanPolicyResult[] = [], ctx: PlanContext = {}): string {
  const out: string[] = [`Offline plan for stack "${e.stack}" of ${e.project}: organization ${String(e.outputs.organizationUrl)}`];
  if (ctx.stackFrom !== undefined) out.push(`Stack name "${e.stack}" from ${ctx.stackFrom}.`);
  out.push(`${baseLine(base, (x) => x)}.`, "");
  if (changes.length === 0) out.push("no changes", "");
  for (const [name, list] of byIntegration(changes)) {
    out.push(name === STACK_ROW ? "the stack:" : `${name} (${integrationState(list)}):`);
    for (const c of list) {
      const value = c.kind === "changed" ? `${c.before} -> ${c.after}` : (c.after ?? c.before ?? "");
      out.push(`  ${MARK[c.kind]} ${c.section}: ${c.key}${value ? `: ${value}` : ""}${c.why ? ` (${c.why})` : ""}`);
    }
    out.push("");
  }
  out.push(...textFooter((e.outputs.warnings as string[]) ?? [], policies, ctx));
  return out.join("\n");
}

/** The changes as one JSON document (`--json --base <ref>`). */
export function changesDocument(e: Evaluation, changes: readonly ReviewChange[], base: BaseInfo, policies: readonly PlanPolicyResult[] = [], ctx: PlanContext = {}) {
  return {
    project: e.project,
    stack: e.stack,
    ...(ctx.stackFrom !== undefined && { stackFrom: ctx.stackFrom }),
    base,
    changes,
    warnings: e.outputs.warnings ?? [],
    policies,
    toSetBeforeUp: ctx.unset ?? [],
  };
}
