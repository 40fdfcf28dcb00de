/**
 * The CrossGuard entry point: `pulumi preview --policy-pack policies` loads
 * this file. It is the only place that calls `new PolicyPack`, because that
 * starts the analyzer's gRPC server and a second pack in one process exits
 * it. Tests and the offline plan import ./policies instead, never this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("ado-integrations", {
  description:
    "Least-privilege Azure DevOps scopes (broad ones only as the policy config allows), single-tenant apps with allowed owners, https redirects and webhooks, rotated client secrets, short-lived organization PATs without full access, bounded service-principal entitlements, secret config-store values.",
  policies: [...policies],
});
