import type * as pulumi from "@pulumi/pulumi";
import type { EntitlementInputs, EntitlementState } from "../../components/azure-devops/runtime/entitlements";
import type { SubscriptionInputs, SubscriptionState } from "../../components/azure-devops/runtime/subscriptions";
import type { VariableGroupInputs, VariableGroupState } from "../../components/azure-devops/runtime/variable-groups";
import { AzureDevOpsIntegrationsProvider } from "../../provider/provider";
import { type ResourceToken, TOKENS } from "../../provider/schema";
import { reveal } from "../../provider/wire";

/**
 * One resource type of the provider plugin, called in this process with plain
 * values: each call goes through the plugin's own methods (the ones the engine
 * calls over gRPC) with a URN of that type, and secret marks are taken off
 * what comes back, as the engine does before the program sees it. Shaped like
 * a dynamic provider so the REST suites drive it call by call.
 */
export function pluginResource<I, S>(token: ResourceToken): pulumi.dynamic.ResourceProvider<I, S> {
  const plugin = new AzureDevOpsIntegrationsProvider();
  const urn = `urn:pulumi:test::ado-integrations::${token}::under-test`;
  return {
    async create(inputs) {
      const created = await plugin.create(urn, inputs as Record<string, unknown>);
      return { id: created.id, outs: reveal(created.outs) as S };
    },
    async read(id, props) {
      const read = await plugin.read(id, urn, props as Record<string, unknown>);
      return { id: read.id ?? "", ...(read.props !== undefined && { props: reveal(read.props) as S }) };
    },
    async diff(id, olds, news) {
      return plugin.diff(id, urn, olds as Record<string, unknown>, news as Record<string, unknown>);
    },
    async update(id, olds, news) {
      const updated = await plugin.update(id, urn, olds as Record<string, unknown>, news as Record<string, unknown>);
      return { outs: reveal(updated.outs) as S };
    },
    async delete(id, props) {
      await plugin.delete(id, urn, props as Record<string, unknown>);
    },
  };
}

/** Service hook subscriptions through the plugin. */
export const serviceHookSubscriptions = pluginResource<SubscriptionInputs, SubscriptionState>(TOKENS.serviceHookSubscription);
/** Variable groups through the plugin. */
export const variableGroups = pluginResource<VariableGroupInputs, VariableGroupState>(TOKENS.variableGroup);
/** Service principal entitlements through the plugin. */
export const servicePrincipalEntitlements = pluginResource<EntitlementInputs, EntitlementState>(TOKENS.servicePrincipalEntitlement);
