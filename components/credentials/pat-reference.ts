import * as pulumi from "@pulumi/pulumi";
import { patAuth } from "../azure-devops/runtime/auth";
import { AdoClient } from "../azure-devops/runtime/client";
import type { PatModel } from "../config/model";
import { PatHandoff } from "./pat-handoff";
import { patEnvProblem, patExpiry } from "./pat-checks";

/** Args of PatReference. */
export interface PatReferenceArgs {
  /** The validated PAT declaration. */
  readonly pat: PatModel;
  /** Organization the PAT must work in (for the live check). */
  readonly organizationUrl: string;
  /** Reads a secret config key. */
  readonly secret: (key: string) => pulumi.Output<string>;
  /** The clock for days-left. Defaults to now. */
  readonly now?: Date;
  /** Reads the environment variable a `pat.env` PAT is in. Defaults to {@link readProcessEnv}. */
  readonly readEnv?: EnvReader;
  /** Runs the live check when `pat.testConnection` asks for it. Defaults to {@link testPatConnection}. */
  readonly testConnection?: PatConnectionTest;
  /** The integration the PAT is for, declared for the policy pack. Defaults to none. */
  readonly integration?: string;
  /** That integration's preset, so the pack can credit the preset's reviewed needs. Defaults to none. */
  readonly preset?: string;
}

/** Reads one environment variable; undefined when it is not set. */
export type EnvReader = (name: string) => string | undefined;

/** Checks that a PAT works in an organization; rejects, naming `source`, when it does not. */
export type PatConnectionTest = (organizationUrl: string, pat: string, source: string) => Promise<void>;

/** The deployment's own environment. */
export const readProcessEnv: EnvReader = (name) => process.env[name];

/**
 * A PAT the program references but cannot mint: a service principal cannot
 * call the PAT lifecycle API, which needs a user's Entra token. The value comes
 * from a secret config key or an environment variable; a Key Vault reference
 * is passed on as a reference and its value never passes through the program.
 * Creates no cloud resource.
 *
 * An expired PAT, or one inside its warning window, is not handed to the
 * tool: its {@link PatHandoff} keeps the PAT handed before, and when that
 * differs from the PAT held now the run fails at its end, after every other
 * change (the client-secret rotation, other integrations) went through. An
 * unfit PAT that was handed before, unchanged, only gets the config's one
 * warning. This component prints no warning of its own.
 */
export class PatReference extends pulumi.ComponentResource {
  /** The PAT (a Pulumi secret), or for Key Vault the `@Microsoft.KeyVault(SecretUri=...)` reference. */
  declare readonly value: pulumi.Output<string>;
  /** Where the PAT comes from, in words (never the value). */
  declare readonly source: pulumi.Output<string>;
  /** Last valid day. */
  declare readonly expiresOn: pulumi.Output<string>;
  /** Days left at deployment time. */
  declare readonly daysLeft: pulumi.Output<number>;
  /** Declared scopes. */
  declare readonly scopes: pulumi.Output<string[]>;
  /** Why this run held the PAT back from the tool; undefined when it was handed over or already held by the tool. */
  declare readonly refusal: pulumi.Output<string | undefined>;

  constructor(name: string, args: PatReferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    const p = args.pat;
    // The declaration (never the value) is the component's state, so the policy pack can check it.
    super(
      "ado-integrations:credentials:PatReference",
      name,
      {
        sourceKind: p.source.kind,
        expiresOn: p.expiresOn,
        createdOn: p.createdOn,
        scopes: [...p.scopes],
        neededScopes: [...p.neededScopes],
        allOrganizations: p.allOrganizations,
        expiryWarningDays: p.expiryWarningDays,
        owner: p.owner,
        ...(args.integration !== undefined && { integration: args.integration }),
        ...(args.preset !== undefined && { preset: args.preset }),
      },
      opts,
    );
    const source = describePatSource(p.source);
    let value: pulumi.Output<string>;
    switch (p.source.kind) {
      case "config":
        value = args.secret(p.source.key);
        break;
      case "env": {
        const envName = p.source.name;
        // The config module checks this too; a model built elsewhere must not read a deployment variable either.
        const problem = patEnvProblem(envName);
        if (problem !== undefined) throw new pulumi.RunError(`integration ${name}: pat.env: ${problem}`);
        const raw = (args.readEnv ?? readProcessEnv)(envName);
        if (raw === undefined || raw === "") {
          throw new pulumi.RunError(`integration ${name}: pat.env names ${envName}, which is not set in this environment`);
        }
        value = pulumi.secret(raw);
        break;
      }
      case "keyVault":
        value = pulumi.output(`@Microsoft.KeyVault(SecretUri=${p.source.uri})`);
        break;
    }

    const expiry = patExpiry(p.expiresOn, p.expiryWarningDays, args.now ?? new Date());
    // Undefined only for an expiresOn that is not a date, which config validation refuses.
    const fit = expiry?.fit === true;
    // An unfit PAT is not handed over, so it is not tested either: a dead PAT must not stop the run.
    if (p.testConnection && p.source.kind !== "keyVault" && fit) {
      const test = args.testConnection ?? testPatConnection;
      // The value is released to the config store only after the check passes.
      value = pulumi.secret(
        value.apply(async (v) => {
          await test(args.organizationUrl, v, source);
          return v;
        }),
      );
    }

    const offered = value;
    const handoff = new PatHandoff(`${name}-handoff`, { value: offered, fit }, { parent: this });
    // A Key Vault reference names where the PAT is; it is not the PAT, and stays readable.
    this.value = p.source.kind === "keyVault" ? pulumi.unsecret(handoff.value) : pulumi.secret(handoff.value);
    this.refusal = pulumi
      .all([handoff.value, offered])
      .apply(([handed, current]) => (fit || handed === current ? undefined : handoffRefusal(args.integration ?? name, source, expiry?.warning ?? "expiresOn is not a date", handed !== "")));
    this.source = pulumi.output(source);
    this.expiresOn = pulumi.output(p.expiresOn);
    this.daysLeft = pulumi.output(expiry?.daysLeft ?? 0);
    this.scopes = pulumi.output([...p.scopes]);
    // Nothing waits on this Output: a held handoff fails the run (an unhandled RunError, one line, no
    // stack) only once every other change is made, the client-secret rotation and other integrations included.
    this.refusal.apply((refusal) => {
      if (refusal !== undefined) throw new pulumi.RunError(refusal);
    });
    this.registerOutputs({ source: this.source, expiresOn: this.expiresOn, daysLeft: this.daysLeft, scopes: this.scopes });
  }
}

/**
 * The one line a run ends with when it held a PAT back: which integration,
 * which PAT, why, and what the tool keeps in the meantime.
 */
export function handoffRefusal(integration: string, source: string, why: string, toolHasOne: boolean): string {
  const keeps = toolHasOne ? "the tool keeps the PAT it was handed before" : "the tool has no PAT yet";
  return `integration ${integration}: pat: ${source} was not handed to the tool, ${keeps}: ${why}`;
}

/** Where a PAT comes from, in words, for outputs and error messages. */
export function describePatSource(source: PatModel["source"]): string {
  switch (source.kind) {
    case "config":
      return `the PAT in config key ${source.key}`;
    case "env":
      return `the PAT in environment variable ${source.name}`;
    case "keyVault":
      return `the PAT in Key Vault secret ${source.uri}`;
  }
}

/**
 * InfraKitchen's "Test Connection", before the tool sees the token: calls
 * `GET _apis/connectionData` with the PAT. A 401 or the 203 sign-in page is
 * reported as bad credentials naming the PAT's source.
 */
export async function testPatConnection(organizationUrl: string, pat: string, source: string): Promise<void> {
  const client = new AdoClient({ organizationUrl, auth: patAuth(pat, source) });
  const res = await client.request<{ authenticatedUser?: { id?: string; descriptor?: string } }>("GET", "_apis/connectionData", {
    // connectionData exists only in a preview version; 7.1 without it is answered with a 400.
    apiVersion: "7.1-preview.1",
  });
  // A rejected PAT is a 401 or a 203 sign-in page, which the client raises as AdoAuthError; an
  // answer without an authenticated user means the token was not taken as anyone.
  if (!res.body?.authenticatedUser?.id) {
    throw new Error(`${source} was not accepted by ${organizationUrl} (connectionData named no authenticated user): check the PAT and its organization`);
  }
}
