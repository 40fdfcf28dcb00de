/**
 * Moves a stack's Azure DevOps resources from the dynamic providers of
 * ado-integrations 0.1 (type `pulumi-nodejs:dynamic/azure-devops:*`, provider
 * code stored with every resource) to the provider plugin
 * (`azure-devops-integrations:index:*`), in a `pulumi stack export` file.
 * Nothing on Azure DevOps is touched: ids, inputs and outputs stay, only the
 * type, the URN, the provider reference and the stored code change.
 *
 *   pulumi stack export --file before.json
 *   npm run --silent migrate-state -- before.json after.json
 *   pulumi stack import --file after.json
 *   pulumi preview --expect-no-changes
 *
 * Aliases cannot do this: a type change from a dynamic resource to a
 * plugin's resource also changes its provider, which the engine treats as a
 * replacement (a new hook created, the old one deleted).
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { DYNAMIC_TOKENS, PACKAGE, type ResourceToken } from "../provider/schema";

/** A resource of an exported deployment (the fields this script reads or writes). */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  provider?: string;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  deletedWith?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** `pulumi stack export` output, version 3. */
export interface Exported {
  version: number;
  deployment: { resources?: StateResource[]; pending_operations?: { resource: StateResource; type: string }[]; [key: string]: unknown };
  [key: string]: unknown;
}

/** What {@link migrateState} did. */
export interface Migration {
  readonly exported: Exported;
  /** Migrated resources by new type. */
  readonly moved: Readonly<Record<string, number>>;
  /** URNs of removed dynamic provider entries. */
  readonly removedProviders: readonly string[];
}

const FROM_DYNAMIC = new Map(Object.entries(DYNAMIC_TOKENS).map(([token, dynamic]) => [dynamic, token as ResourceToken]));
const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";
const PLUGIN_PROVIDER_TYPE = `pulumi:providers:${PACKAGE}`;

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` split into its parts. */
function urnParts(urn: string): { prefix: string; qualifiedType: string; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0]!.startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${urn}`);
  return { prefix: `${parts[0]}::${parts[1]}`, qualifiedType: parts[2]!, name: parts.slice(3).join("::") };
}

/** The URN with the last segment of its qualified type replaced. */
function retype(urn: string, type: string): string {
  const { prefix, qualifiedType, name } = urnParts(urn);
  const cut = qualifiedType.lastIndexOf("$");
  return `${prefix}::${cut < 0 ? type : `${qualifiedType.slice(0, cut + 1)}${type}`}::${name}`;
}

/** The provider URN of a `<urn>::<id>` reference. */
function providerUrn(reference: string): string {
  return reference.slice(0, reference.lastIndexOf("::"));
}

function withoutCode(props: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (props === undefined) return undefined;
  const { __provider: _code, ...rest } = props;
  return rest;
}

/**
 * The deployment with every dynamic Azure DevOps resource moved to the
 * plugin's type and default provider. `providerId` names the plugin's
 * default provider when the state has none yet (a fresh UUID by default).
 * Fails, changing nothing, on pending operations or an unknown dynamic type.
 */
export function migrateState(exported: Exported, providerId: string = randomUUID()): Migration {
  if (exported.version !== 3) throw new Error(`unsupported export version ${exported.version}: export the stack with the pinned Pulumi CLI (version 3 format)`);
  const deployment = exported.deployment;
  const resources = deployment.resources ?? [];
  const pending = (deployment.pending_operations ?? []).filter((op) => FROM_DYNAMIC.has(op.resource.type));
  if (pending.length > 0) {
    throw new Error(`the state has ${pending.length} pending operation(s) on Azure DevOps resources (${pending[0]!.resource.urn}): run \`pulumi refresh --clear-pending-creates\` first (see the README, "After an interrupted run")`);
  }
  // Other dynamic resources (a team's own) stay as they are, with the provider they use.
  const unknown = resources.find((r) => r.type.startsWith("pulumi-nodejs:dynamic/azure-devops:") && !FROM_DYNAMIC.has(r.type));
  if (unknown) throw new Error(`unknown dynamic resource type ${unknown.type} (${unknown.urn}): this script moves only ${[...FROM_DYNAMIC.keys()].join(", ")}`);

  const renamed = new Map<string, string>();
  for (const r of resources) {
    const token = FROM_DYNAMIC.get(r.type);
    if (token) renamed.set(r.urn, retype(r.urn, token));
  }
  if (renamed.size === 0) return { exported, moved: {}, removedProviders: [] };

  const first = resources.find((r) => renamed.has(r.urn))!;
  const { prefix } = urnParts(first.urn);
  const existing = resources.find((r) => r.type === PLUGIN_PROVIDER_TYPE && urnParts(r.urn).name === "default");
  const pluginProvider: StateResource = existing ?? {
    urn: `${prefix}::${PLUGIN_PROVIDER_TYPE}::default`,
    custom: true,
    id: providerId,
    // As the engine writes a default provider without configuration: no inputs, no outputs.
    type: PLUGIN_PROVIDER_TYPE,
  };
  const pluginReference = `${pluginProvider.urn}::${pluginProvider.id}`;
  const oldProviders = new Set<string>();

  const rename = (urn: string): string => renamed.get(urn) ?? urn;
  const moved: Record<string, number> = {};
  const out: StateResource[] = [];
  for (const r of resources) {
    if (r === first && !existing) out.push(pluginProvider);
    const token = FROM_DYNAMIC.get(r.type);
    const next: StateResource = {
      ...r,
      urn: rename(r.urn),
      ...(r.parent !== undefined && { parent: rename(r.parent) }),
      ...(r.dependencies !== undefined && { dependencies: r.dependencies.map(rename) }),
      ...(r.propertyDependencies !== undefined && {
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(rename)])),
      }),
      ...(r.deletedWith !== undefined && { deletedWith: rename(r.deletedWith) }),
    };
    if (token) {
      if (r.provider) oldProviders.add(providerUrn(r.provider));
      next.type = token;
      next.provider = pluginReference;
      next.inputs = withoutCode(r.inputs);
      next.outputs = withoutCode(r.outputs);
      if (next.propertyDependencies) next.propertyDependencies = withoutCode(next.propertyDependencies) as Record<string, string[]>;
      moved[token] = (moved[token] ?? 0) + 1;
    }
    out.push(next);
  }
  // A dynamic provider entry nothing refers to any more would show as a deletion in every preview.
  const stillUsed = new Set(out.flatMap((r) => (r.provider ? [providerUrn(r.provider)] : [])));
  const removedProviders = [...oldProviders].filter((urn) => !stillUsed.has(urn) && urnParts(urn).qualifiedType === DYNAMIC_PROVIDER_TYPE);
  const kept = out.filter((r) => !removedProviders.includes(r.urn));
  return { exported: { ...exported, deployment: { ...deployment, resources: kept } }, moved, removedProviders };
}

function main(argv: readonly string[]): number {
  const [from, to] = argv;
  if (!from || !to || argv.length !== 2) {
    console.error("usage: npm run --silent migrate-state -- <pulumi stack export file> <output file>");
    return 2;
  }
  let exported: Exported;
  try {
    exported = JSON.parse(readFileSync(from, "utf8")) as Exported;
  } catch (error) {
    console.error(`error: cannot read ${from} as a \`pulumi stack export\` file: ${(error as Error).message}`);
    return 1;
  }
  try {
    const result = migrateState(exported);
    writeFileSync(to, `${JSON.stringify(result.exported, null, 4)}\n`);
    const counts = Object.entries(result.moved).map(([type, n]) => `${n} ${type}`);
    console.log(counts.length === 0 ? `nothing to migrate: ${from} holds no dynamic Azure DevOps resources; ${to} is a copy` : `moved ${counts.join(", ")} to the ${PACKAGE} plugin; removed ${result.removedProviders.length} dynamic provider entr${result.removedProviders.length === 1 ? "y" : "ies"}. Next: pulumi stack import --file ${to}`);
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
