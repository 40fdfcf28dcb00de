// The names the Integration component (./integration.ts) gives itself and its
// children. They live apart from the component so the health check and
// discovery can use them without loading the Entra and random-password
// packages the component needs.

/** The component type of an integration. */
export const INTEGRATION_TYPE = "ado-integrations:index:Integration";

/** The name of an integration's ServiceHooks component (`spacelift-hooks`). */
export function serviceHooksName(integration: string): string {
  return `${integration}-hooks`;
}

/** The name of the webhook password the stack generates for an integration (`spacelift-webhook-password`). */
export function webhookPasswordName(integration: string): string {
  return `${integration}-webhook-password`;
}
