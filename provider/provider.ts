import type * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { type Environment, KINDS, type ResourceKind, processEnvironment } from "./resources";
import { SCHEMA, VERSION, isResourceToken, secretOutputs } from "./schema";
import { conceal, holdsUnknown, revealProps, secretKeys } from "./wire";

type Props = Record<string, unknown>;

/** The resource type of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/**
 * Splits `property: reason` problems into the engine's check failures; the
 * property is the first path segment. Problems of a property whose value is
 * not known yet are left for the run that knows it.
 */
export function checkFailures(problems: readonly string[], news: Props): provider.CheckFailure[] {
  return problems
    .map((problem) => {
      const match = /^([A-Za-z][\w.]*): (.*)$/s.exec(problem);
      return match ? { property: match[1]!, reason: match[2]! } : { property: "", reason: problem };
    })
    .filter((failure) => !holdsUnknown(news[failure.property.split(".")[0]!]));
}

/**
 * The Azure DevOps resources as a Pulumi resource provider. The engine starts
 * it once per command (`pulumi-resource-azure-devops-integrations`, named in
 * Pulumi.yaml) and calls these methods over gRPC; state holds only the
 * properties, never code.
 *
 * Secrets: the plugin accepts secret-marked values, so it marks outputs secret
 * itself: every property the schema marks secret, and every property whose
 * input (or, on refresh, whose prior state) was secret, as the engine did for
 * the dynamic providers.
 */
export class AzureDevOpsIntegrationsProvider implements provider.Provider {
  readonly version = VERSION;
  readonly schema = JSON.stringify(SCHEMA);

  /** @param environment where REST calls get credentials; tests pass a loopback client. */
  constructor(private readonly environment: Environment = processEnvironment()) {}

  async check(urn: pulumi.URN, _olds: Props, news: Props): Promise<provider.CheckResult> {
    const kind = this.kind(urn);
    const inputs = revealProps<Props>(news);
    return { inputs: news, failures: checkFailures(kind.problems(inputs, this.environment), news) };
  }

  async diff(_id: pulumi.ID, urn: pulumi.URN, olds: Props, news: Props): Promise<provider.DiffResult> {
    const result = this.kind(urn).diff(revealProps(olds), revealProps(news), this.environment);
    return { changes: result.changes, replaces: result.replaces };
  }

  async create(urn: pulumi.URN, inputs: Props): Promise<provider.CreateResult> {
    const result = await this.kind(urn).create(revealProps(inputs), this.environment);
    return { id: result.id, outs: this.outputs(urn, result.outs, inputs) };
  }

  async read(id: pulumi.ID, urn: pulumi.URN, props?: Props): Promise<provider.ReadResult> {
    const kind = this.kind(urn);
    if (props === undefined || Object.keys(props).length === 0) {
      // `pulumi import`: nothing is known but the id, so the organization comes from the environment.
      if (!this.environment.env.AZDO_ORG_SERVICE_URL) {
        throw new Error("`pulumi import` reads the object from the organization in AZDO_ORG_SERVICE_URL: set it to https://dev.azure.com/<organization>");
      }
      const found = await kind.importState(id, this.environment);
      if (!found) return { id: "" };
      return { id: found.id, props: this.outputs(urn, found.props, {}), inputs: found.inputs };
    }
    const result = await kind.read(id, revealProps(props), this.environment);
    if (!result.props) return { id: "" };
    return { id: result.id, props: this.outputs(urn, result.props, props) };
  }

  async update(id: pulumi.ID, urn: pulumi.URN, olds: Props, news: Props): Promise<provider.UpdateResult> {
    const result = await this.kind(urn).update(id, revealProps(olds), revealProps(news), this.environment);
    return { outs: this.outputs(urn, result.outs, news) };
  }

  async delete(id: pulumi.ID, urn: pulumi.URN, props: Props): Promise<void> {
    await this.kind(urn).delete(id, revealProps(props), this.environment);
  }

  private kind(urn: string): ResourceKind {
    const type = typeOfUrn(urn);
    if (!isResourceToken(type)) throw new Error(`unknown resource type ${type}: this plugin serves ${Object.keys(KINDS).join(", ")}`);
    return KINDS[type];
  }

  /** Outputs with the schema's secret properties, and those that came in secret, marked secret. */
  private outputs(urn: string, outs: object, source: Props): Props {
    const type = typeOfUrn(urn);
    const names = new Set([...(isResourceToken(type) ? secretOutputs(type) : []), ...secretKeys(source)]);
    return conceal(outs, names);
  }
}
