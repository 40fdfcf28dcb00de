import type { TokenCredential } from "@azure/identity";
import { AdoCredentialError } from "./errors";

/** The Entra resource (application) id of Azure DevOps. */
export const AZURE_DEVOPS_RESOURCE_ID = "499b84ac-1321-427f-aa17-267ca6975798";

/** The OAuth scope that asks Entra for an Azure DevOps access token. */
export const AZURE_DEVOPS_SCOPE = `${AZURE_DEVOPS_RESOURCE_ID}/.default`;

/** Refresh a cached Entra token this long before it expires. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Produces the Authorization header for each call; the client never stores it. */
export interface AdoAuth {
  /** Where the credential comes from, named in auth errors ("the PAT in AZDO_PERSONAL_ACCESS_TOKEN"). */
  readonly source: string;
  /** The Authorization header value for the next call. */
  authorization(): Promise<string>;
  /** Drops any cached token after the service rejected it, so the next call fetches a fresh one. */
  invalidate?(): void;
}

/** The part of an `@azure/identity` credential the client uses. */
export type TokenSource = Pick<TokenCredential, "getToken">;

/** Basic auth with a personal access token (empty user name, PAT as password). */
export function patAuth(pat: string, source = "the PAT given to the client"): AdoAuth {
  return {
    source,
    authorization: async () => basicHeader(pat),
  };
}

/** Basic auth with the PAT in AZDO_PERSONAL_ACCESS_TOKEN, read at each call so it is never held. */
export function environmentPatAuth(env: NodeJS.ProcessEnv = process.env): AdoAuth {
  return {
    source: "the PAT in AZDO_PERSONAL_ACCESS_TOKEN",
    authorization: async () => {
      const pat = env.AZDO_PERSONAL_ACCESS_TOKEN;
      if (!pat) {
        throw new AdoCredentialError("AZDO_PERSONAL_ACCESS_TOKEN is not set: set it to a PAT for the organization, or unset AZDO_AUTH to sign in with Entra");
      }
      return basicHeader(pat);
    },
  };
}

function basicHeader(pat: string): string {
  return `Basic ${Buffer.from(`:${pat}`).toString("base64")}`;
}

/**
 * Bearer auth with an Entra access token for Azure DevOps, cached until five
 * minutes before it expires; concurrent calls share one token request.
 * Without a credential it uses `DefaultAzureCredential`, which covers workload
 * identity federation in pipelines, `az login` locally, managed identity, and
 * AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET.
 */
export function entraAuth(credential?: TokenSource, source = "the Entra token from DefaultAzureCredential"): AdoAuth {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    // Loaded only when Entra is used: the library is large and PAT runs never need it.
    const tokenSource: TokenSource = credential ?? defaultCredential();
    let token: Awaited<ReturnType<TokenSource["getToken"]>>;
    try {
      token = await tokenSource.getToken(AZURE_DEVOPS_SCOPE);
    } catch (error) {
      throw new AdoCredentialError(entraFailureMessage(source, error));
    }
    if (!token) {
      throw new AdoCredentialError(entraFailureMessage(source, undefined));
    }
    const refreshAt = Math.min(token.refreshAfterTimestamp ?? Infinity, token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS);
    cached = { token: token.token, refreshAt };
    return token.token;
  }

  return {
    source,
    authorization: async () => {
      if (cached && Date.now() < cached.refreshAt) return `Bearer ${cached.token}`;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return `Bearer ${await pending}`;
    },
    invalidate: () => {
      cached = undefined;
    },
  };
}

let sharedDefaultCredential: TokenSource | undefined;

function defaultCredential(): TokenSource {
  if (!sharedDefaultCredential) {
    // Loaded on first use: a PAT-only run never pays for @azure/identity.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    sharedDefaultCredential = new identity.DefaultAzureCredential();
  }
  return sharedDefaultCredential;
}

function entraFailureMessage(source: string, error: unknown): string {
  // Identity errors can quote token endpoint responses; keep only the name and AADSTS code.
  const name = error instanceof Error ? error.name : "no token";
  const aadsts = error instanceof Error ? /AADSTS\d+/.exec(error.message)?.[0] : undefined;
  return (
    `could not get ${source} (${aadsts ? `${name} ${aadsts}` : name}): ` +
    "run `az login`, use workload identity federation in the pipeline, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, " +
    "or set AZDO_PERSONAL_ACCESS_TOKEN"
  );
}

let sharedEntraAuth: AdoAuth | undefined;

/**
 * The credential the environment asks for, decided at call time:
 * AZDO_AUTH=pat|entra forces one; otherwise a set AZDO_PERSONAL_ACCESS_TOKEN
 * means PAT, and anything else means Entra through DefaultAzureCredential
 * (one shared token cache per process).
 */
export function authFromEnvironment(env: NodeJS.ProcessEnv = process.env): AdoAuth {
  const forced = env.AZDO_AUTH?.trim().toLowerCase();
  if (forced !== undefined && forced !== "" && forced !== "pat" && forced !== "entra") {
    throw new AdoCredentialError(`AZDO_AUTH must be "pat" or "entra" (or unset to choose by AZDO_PERSONAL_ACCESS_TOKEN)`);
  }
  if (forced === "pat") {
    if (!env.AZDO_PERSONAL_ACCESS_TOKEN) {
      throw new AdoCredentialError("AZDO_AUTH=pat but AZDO_PERSONAL_ACCESS_TOKEN is not set: set it, or unset AZDO_AUTH to sign in with Entra");
    }
    return environmentPatAuth(env);
  }
  if (forced !== "entra" && env.AZDO_PERSONAL_ACCESS_TOKEN) {
    return environmentPatAuth(env);
  }
  sharedEntraAuth ??= entraAuth();
  return sharedEntraAuth;
}
