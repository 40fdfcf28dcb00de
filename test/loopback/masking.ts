// How the loopback server hides a subscription's confidential inputs, in one
// place for the subscription routes (server.ts) and the delivery history
// (notifications.ts). No imports, so both can use it without a cycle.

/** The masked value the service shows for a confidential input. */
export const MASK = "********";

/** Consumer inputs the service never shows: it answers with {@link MASK} instead. */
export const CONFIDENTIAL_CONSUMER_INPUTS: ReadonlySet<string> = new Set(["basicAuthPassword"]);

/** The inputs as the service shows them: each confidential one masked. */
export function maskedInputs(inputs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, CONFIDENTIAL_CONSUMER_INPUTS.has(k) ? MASK : v]));
}

/** Whether a caller sent the mask back for a confidential input: the service then keeps the stored value. */
export function sendsMask(name: string, value: string | undefined): boolean {
  return CONFIDENTIAL_CONSUMER_INPUTS.has(name) && value === MASK;
}
