/** The config namespace: the project name in Pulumi.yaml. Kept apart so scripts can read it without loading Pulumi. */
export const CONFIG_NAMESPACE = "ado-integrations";
