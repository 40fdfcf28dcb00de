/**
 * Azure DevOps and Microsoft Graph delegated permissions the program can
 * request, by name. Names are what users write in stack config; the IDs are
 * resolved at deployment time from the resource's service principal (see
 * `components/entra/resource-principals.ts`), so nothing here pins an ID.
 */

/** App ID of the Azure DevOps first-party application in every Entra tenant. */
export const AZURE_DEVOPS_APP_ID = "499b84ac-1321-427f-aa17-267ca6975798";

/** App ID of Microsoft Graph in every Entra tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Delegated Azure DevOps scopes (the `vso.*` names), with the label the Azure DevOps UI shows. */
export const AZURE_DEVOPS_SCOPES: Readonly<Record<string, string>> = {
  "vso.agentpools": "Agent Pools (read)",
  "vso.agentpools_manage": "Agent Pools (read, manage)",
  "vso.analytics": "Analytics (read)",
  "vso.auditlog": "Audit Read Log",
  "vso.build": "Build (read)",
  "vso.build_execute": "Build (read and execute)",
  "vso.code": "Code (read)",
  "vso.code_full": "Code (full)",
  "vso.code_manage": "Code (read, write, and manage)",
  "vso.code_status": "Code (status)",
  "vso.code_write": "Code (read and write)",
  "vso.entitlements": "Entitlements (read)",
  "vso.graph": "Graph (read)",
  "vso.graph_manage": "Graph (manage)",
  "vso.identity": "Identity (read)",
  "vso.identity_manage": "Identity (manage)",
  "vso.memberentitlementmanagement": "MemberEntitlement Management (read)",
  "vso.memberentitlementmanagement_write": "MemberEntitlement Management (write)",
  "vso.notification": "Notifications (read)",
  "vso.notification_write": "Notifications (write)",
  "vso.packaging": "Packaging (read)",
  "vso.packaging_write": "Packaging (read and write)",
  "vso.profile": "User profile (read)",
  "vso.project": "Project and team (read)",
  "vso.project_write": "Project and team (read and write)",
  "vso.release": "Release (read)",
  "vso.release_execute": "Release (read, write and execute)",
  "vso.serviceendpoint": "Service Endpoints (read)",
  "vso.serviceendpoint_manage": "Service Endpoints (read, query and manage)",
  "vso.threads_full": "PR threads",
  "vso.variablegroups_read": "Variable Groups (read)",
  "vso.variablegroups_write": "Variable Groups (read, create)",
  "vso.variablegroups_manage": "Variable Groups (read, create and manage)",
  "vso.work": "Work items (read)",
  "vso.work_write": "Work items (read and write)",
  "vso.work_full": "Work items (full)",
  user_impersonation: "Full access to Azure DevOps REST APIs",
};


/** Delegated Microsoft Graph scopes an integration may ask for (sign-in and profile only). */
export const GRAPH_SCOPES: readonly string[] = ["User.Read", "openid", "profile", "email", "offline_access"];

/**
 * Azure DevOps PAT scopes, as they appear in the PAT's `scope` string. A PAT
 * can also carry `app_token` (full access), which the checks treat as broadest.
 */
export const PAT_SCOPES: readonly string[] = [
  ...Object.keys(AZURE_DEVOPS_SCOPES).filter((s) => s !== "user_impersonation"),
  "vso.hooks",
  "vso.hooks_write",
  "vso.hooks_interact",
  "app_token",
];

/** Which scope implies which: a broader scope satisfies a narrower one. */
export const SCOPE_IMPLIES: Readonly<Record<string, readonly string[]>> = {
  app_token: Object.keys(AZURE_DEVOPS_SCOPES),
  user_impersonation: Object.keys(AZURE_DEVOPS_SCOPES),
  "vso.code_full": ["vso.code_manage", "vso.code_write", "vso.code", "vso.code_status"],
  "vso.code_manage": ["vso.code_write", "vso.code"],
  "vso.code_write": ["vso.code"],
  "vso.work_full": ["vso.work_write", "vso.work"],
  "vso.work_write": ["vso.work"],
  "vso.variablegroups_manage": ["vso.variablegroups_write", "vso.variablegroups_read"],
  "vso.variablegroups_write": ["vso.variablegroups_read"],
  "vso.project_write": ["vso.project"],
  "vso.packaging_write": ["vso.packaging"],
  "vso.identity_manage": ["vso.identity"],
  "vso.graph_manage": ["vso.graph"],
  "vso.build_execute": ["vso.build"],
  "vso.release_execute": ["vso.release"],
  "vso.serviceendpoint_manage": ["vso.serviceendpoint"],
  "vso.hooks_write": ["vso.hooks"],
  "vso.memberentitlementmanagement_write": ["vso.memberentitlementmanagement"],
};

/** Every scope `scope` grants, itself included. */
export function impliedScopes(scope: string): Set<string> {
  const out = new Set<string>([scope]);
  const queue = [scope];
  while (queue.length > 0) {
    const next = queue.pop()!;
    for (const s of SCOPE_IMPLIES[next] ?? []) {
      if (!out.has(s)) {
        out.add(s);
        queue.push(s);
      }
    }
  }
  return out;
}

/** Scopes in `granted` that no scope in `needed` requires: what a token holds beyond its need. */
export function scopesBeyond(granted: readonly string[], needed: readonly string[]): string[] {
  const covered = new Set<string>();
  for (const n of needed) for (const s of impliedScopes(n)) covered.add(s);
  return granted.filter((g) => !covered.has(g));
}

/** Needed scopes that `granted` does not cover. */
export function scopesMissing(granted: readonly string[], needed: readonly string[]): string[] {
  const have = new Set<string>();
  for (const g of granted) for (const s of impliedScopes(g)) have.add(s);
  return needed.filter((n) => !have.has(n));
}
