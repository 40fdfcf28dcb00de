import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS, PUBLISHED_GRAPH_SCOPE_IDS } from "../entra/published-ids";
import type { Evaluation, PlannedResource } from "./evaluate";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "../entra/scopes";
import type { PolicyFinding } from "../../policies/policies";

/** A policy result as the plan lists it: what the pack's runner found. */
export type PlanPolicyResult = PolicyFinding;

/** The plan as one JSON document (`npm run plan -- --json`). */
export interface PlanDocument {
  readonly project: string;
  readonly stack: string;
  readonly organizationUrl: unknown;
  readonly resources: { type: string; name: string; parent: string | null; inputs: Record<string, unknown> }[];
  readonly outputs: Record<string, unknown>;
  readonly integrations: Record<string, { resources: string[] }>;
  readonly warnings: unknown;
  readonly policies: readonly PlanPolicyResult[];
}

const COMPONENT_PREFIX = "ado-integrations:";

// Registered inputs and resolved outputs are untyped JSON from the mocks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** Builds the JSON plan: resources with type token, name, parent name and inputs, plus outputs. */
export function planDocument(e: Evaluation, policies: readonly PlanPolicyResult[] = []): PlanDocument {
  const byUrn = new Map(e.resources.map((r) => [r.urn, r]));
  const integrations: Record<string, { resources: string[] }> = {};
  for (const r of e.resources) {
    const owner = integrationOf(r, byUrn);
    if (owner) (integrations[owner] ??= { resources: [] }).resources.push(r.name);
  }
  return {
    project: e.project,
    stack: e.stack,
    organizationUrl: e.outputs.organizationUrl,
    resources: e.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ? (byUrn.get(r.parent)?.name ?? r.parent) : null, inputs: r.inputs })),
    outputs: e.outputs,
    integrations,
    warnings: e.outputs.warnings ?? [],
    policies,
  };
}

/** The Integration component a resource belongs to, by walking up its parents. */
function integrationOf(r: PlannedResource, byUrn: Map<string, PlannedResource>): string | undefined {
  let cur: PlannedResource | undefined = r;
  while (cur) {
    if (cur.type === "ado-integrations:index:Integration") return cur.name;
    cur = cur.parent ? byUrn.get(cur.parent) : undefined;
  }
  return undefined;
}

const scopeName = (resourceAppId: string, id: string): string => {
  const table = resourceAppId === AZURE_DEVOPS_APP_ID ? PUBLISHED_AZURE_DEVOPS_SCOPE_IDS : resourceAppId === MICROSOFT_GRAPH_APP_ID ? PUBLISHED_GRAPH_SCOPE_IDS : {};
  return Object.entries(table).find(([, v]) => v === id)?.[0] ?? "?";
};

/** Key inputs of a resource, one `name: value` string each. */
function keyInputs(r: PlannedResource, projectNames: Readonly<Record<string, string>> = {}): string[] {
  const i = r.inputs as Record<string, Loose>;
  switch (r.type) {
    case "azuread:index/application:Application": {
      const lines = [`displayName: ${i.displayName}`, `signInAudience: ${i.signInAudience}`, `owners: ${(i.owners ?? []).join(", ")}`];
      if (i.web?.redirectUris?.length) lines.push(`redirectUris: ${i.web.redirectUris.join(", ")}`);
      if (i.web?.implicitGrant?.idTokenIssuanceEnabled) lines.push("ID tokens: issued");
      for (const rra of i.requiredResourceAccesses ?? []) {
        const api = rra.resourceAppId === AZURE_DEVOPS_APP_ID ? "Azure DevOps" : rra.resourceAppId === MICROSOFT_GRAPH_APP_ID ? "Microsoft Graph" : rra.resourceAppId;
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
    case "azure-devops-integrations:index:ServiceHookSubscription": {
      const filters = Object.entries(i.filters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      return [
        `${i.eventType} in project ${projectNames[i.projectId] ?? i.projectId} -> ${i.url} (basic auth user "${i.basicAuthUsername ?? ""}", password ${i.basicAuthPassword === undefined ? "none" : String(i.basicAuthPassword)}${filters.length ? `; filters ${filters.join(", ")}` : ""})`,
      ];
    }
    case "azure-devops-integrations:index:ServicePrincipalEntitlement": {
      const projects = ((i.projects ?? []) as { projectId: string; group: string }[]).map((p) => `${projectNames[p.projectId] ?? p.projectId} (${p.group})`);
      return [`service principal ${i.servicePrincipalObjectId} joins the organization, access level ${i.accessLevel}`, `projects: ${projects.join(", ") || "none"}`];
    }
    case "azure-devops-integrations:index:VariableGroup":
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
      ? [`${pad}config store: variable group ${store.name} in project ${store.project} (also stack output fields.${integration}):`]
      : [`${pad}config store: stack output fields.${integration}:`];
  for (const k of keys) {
    const value = String(values[k.label]);
    lines.push(store.kind === "variableGroup" ? `${pad}  ${k.key} (${k.label}): ${value}` : `${pad}  ${k.label}: ${value}`);
  }
  return lines;
}

/** The plain-text plan printed by `npm run plan`. */
export function renderText(e: Evaluation, policies: readonly PlanPolicyResult[] = []): string {
  const doc = planDocument(e, policies);
  const out: string[] = [];
  const custom = e.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  out.push(`Offline plan for stack "${e.stack}" of ${e.project}: organization ${String(doc.organizationUrl)}`);
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
  const warnings = (doc.warnings as string[]) ?? [];
  out.push(warnings.length ? "warnings:" : "warnings: none");
  for (const w of warnings) out.push(`  ! ${w}`);
  out.push(policies.length ? "policies:" : "policies: all passed");
  if (policies.length) {
    for (const p of policies) out.push(`  ${p.enforcement === "mandatory" ? "x" : "!"} [${p.enforcement}] ${p.policy} on ${p.resource}: ${p.message}`);
  }
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

/** A PR-comment-ready summary with a mermaid diagram (`npm run plan -- --markdown`). */
export function renderMarkdown(e: Evaluation, policies: readonly PlanPolicyResult[] = []): string {
  const doc = planDocument(e, policies);
  const byUrn = new Map(e.resources.map((r) => [r.urn, r]));
  const custom = e.resources.filter((r) => !r.type.startsWith(COMPONENT_PREFIX));
  const integrations = (e.outputs.integrations ?? {}) as Record<string, Record<string, Loose>>;
  const fields = (e.outputs.fields ?? {}) as Record<string, Record<string, unknown>>;
  const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");
  const out: string[] = [];
  out.push(`### ado-integrations plan: \`${e.stack}\``);
  out.push("");
  out.push(`Organization: ${String(doc.organizationUrl)}. ${custom.length} resources. Offline evaluation (mock runtime): IDs are made up.`);
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
    const store = (e.outputs.configStore ?? { kind: "stackOutputs" }) as Record<string, Loose>;
    const where = store.kind === "variableGroup" ? `variable group ${store.name}` : "stack outputs";
    if (keys) graph.push(`  ${id(name)} --> ${id(name)}_store["${Object.keys(fields[name] ?? {}).length} fields in ${where}"]`);
  }
  graph.push("```");
  out.push("", ...graph, "");
  const warnings = (doc.warnings as string[]) ?? [];
  if (warnings.length) out.push("**Warnings**", "", ...warnings.map((w) => `- ${w}`), "");
  out.push(
    ...(policies.length
      ? ["**Policy findings**", "", ...policies.map((p) => `- ${p.enforcement}: \`${p.policy}\` on \`${p.resource}\`: ${p.message}`), ""]
      : ["Policies: all passed.", ""]),
  );
  out.push("Secrets are shown nowhere in this plan; their fields are listed by name only.");
  return out.join("\n");
}
