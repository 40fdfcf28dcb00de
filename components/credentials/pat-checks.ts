import { daysBetween, formatDate, parseDate } from "../config/dates";
import { scopesBeyond, scopesMissing } from "../entra/scopes";

/** The day Azure DevOps stops accepting all-organizations (global) PATs. */
export const GLOBAL_PAT_CUTOFF = "2026-12-01";

/** The longest PAT lifetime the program accepts, in days. */
export const MAX_PAT_LIFETIME_DAYS = 365;

/**
 * The prefix of every variable `pat.env` may name: the stack config chooses
 * the name, so it may only pick variables whoever runs the deployment set for
 * a tool's PAT, never the deployment's own credentials.
 */
export const PAT_ENV_PREFIX = "ADO_PAT_";

/** Prefixes of the deployment's own variables (its credentials, the CI system's); `pat.env` never names one. */
export const DEPLOYMENT_ENV_PREFIXES: readonly string[] = ["AZDO_", "ARM_", "AZURE_", "PULUMI_", "SYSTEM_", "GITHUB_", "ACTIONS_"];

const PAT_ENV_NAME = new RegExp(`^${PAT_ENV_PREFIX}[A-Za-z0-9_]+$`);

/**
 * Why `pat.env` may not name this variable, or undefined when it may. The
 * name must be ADO_PAT_<something>; a deployment variable gets its own
 * message. Never reads the variable.
 */
export function patEnvProblem(name: string): string | undefined {
  // Windows compares variable names without regard to case.
  const reserved = DEPLOYMENT_ENV_PREFIXES.find((prefix) => name.toUpperCase().startsWith(prefix));
  if (reserved !== undefined) {
    return `${name} is one of the deployment's own variables (${reserved}*), which a stack config must not hand to a tool: put the tool's PAT in a variable named ${PAT_ENV_PREFIX}<NAME> and name that`;
  }
  if (!PAT_ENV_NAME.test(name)) {
    return `must name a variable starting with ${PAT_ENV_PREFIX} (such as ${PAT_ENV_PREFIX}SPACELIFT), set for this PAT by whoever runs the deployment`;
  }
  return undefined;
}

/** What the stack declares about a PAT it references. */
export interface PatDeclaration {
  /** Last day the PAT is valid, `YYYY-MM-DD`. */
  readonly expiresOn: string;
  /** Day the PAT was created, `YYYY-MM-DD`; lifetime is counted from today when absent. */
  readonly createdOn?: string;
  readonly scopes: readonly string[];
  readonly allOrganizations: boolean;
}

/** Whether a PAT may be handed to its tool today, and the one message about its expiry. */
export interface PatExpiry {
  /** False when the PAT is expired or expires inside its warning window: it is not handed over. */
  readonly fit: boolean;
  /** Days from today to expiresOn; negative once expired. */
  readonly daysLeft: number;
  /** The warning to print once per run; undefined for a fit PAT. */
  readonly warning?: string;
}

/**
 * A PAT's expiry against today and its warning window: the only place the
 * window is applied. Expired or inside the window, the PAT is not fit to hand
 * over; that holds back only its handoff (pat-handoff.ts), never the rest of
 * the stack, so the run that rotates secrets or fixes the PAT still goes
 * through. Undefined when `expiresOn` is not a date.
 */
export function patExpiry(expiresOn: string, warningDays: number, now: Date): PatExpiry | undefined {
  const left = daysLeft(expiresOn, now);
  if (left === undefined) return undefined;
  if (left < 0) {
    return {
      fit: false,
      daysLeft: left,
      warning: `the PAT expired on ${expiresOn} (${-left} day${left === -1 ? "" : "s"} ago): create a new one, store it, and update expiresOn`,
    };
  }
  if (left <= warningDays) {
    return {
      fit: false,
      daysLeft: left,
      warning: `the PAT expires on ${expiresOn}, in ${left} day${left === 1 ? "" : "s"} (warning window ${warningDays} days): rotate it`,
    };
  }
  return { fit: true, daysLeft: left };
}

/** One result of checking a PAT declaration. */
export interface PatFinding {
  readonly severity: "error" | "warning";
  /** The key under `pat` the finding is about. */
  readonly key: "expiresOn" | "createdOn" | "scopes" | "allOrganizations";
  readonly message: string;
}

/**
 * Checks a PAT declaration against the scopes the tool needs and the longest
 * lifetime. Over a year, global, or missing a needed scope: error. Broader
 * than needed: warning. Whether the PAT has expired is not checked here but
 * by {@link patExpiry}: an expired PAT must not stop the whole stack.
 */
export function checkPat(decl: PatDeclaration, neededScopes: readonly string[], now: Date): PatFinding[] {
  const findings: PatFinding[] = [];
  const expires = parseDate(decl.expiresOn);
  if (!expires) {
    return [{ severity: "error", key: "expiresOn", message: "must be a date written YYYY-MM-DD" }];
  }
  const left = daysBetween(now, expires);

  if (decl.createdOn !== undefined) {
    const created = parseDate(decl.createdOn);
    if (!created) {
      findings.push({ severity: "error", key: "createdOn", message: "must be a date written YYYY-MM-DD" });
    } else if (daysBetween(created, expires) < 0) {
      findings.push({ severity: "error", key: "createdOn", message: `is after expiresOn ${decl.expiresOn}` });
    } else if (daysBetween(created, expires) > MAX_PAT_LIFETIME_DAYS) {
      findings.push({
        severity: "error",
        key: "expiresOn",
        message: `the PAT lives ${daysBetween(created, expires)} days (${decl.createdOn} to ${decl.expiresOn}), over the ${MAX_PAT_LIFETIME_DAYS}-day maximum: create one that expires within a year`,
      });
    }
  } else if (left > MAX_PAT_LIFETIME_DAYS) {
    findings.push({
      severity: "error",
      key: "expiresOn",
      message: `the PAT expires ${left} days from today, over the ${MAX_PAT_LIFETIME_DAYS}-day maximum: create one that expires within a year`,
    });
  }

  if (decl.allOrganizations) {
    const cutoff = parseDate(GLOBAL_PAT_CUTOFF)!;
    const verb = daysBetween(now, cutoff) > 0 ? "stop" : "stopped";
    findings.push({
      severity: "error",
      key: "allOrganizations",
      message: `all-organizations (global) PATs ${verb} working on ${GLOBAL_PAT_CUTOFF}: create a PAT scoped to this organization only`,
    });
  }

  const missing = scopesMissing(decl.scopes, neededScopes);
  if (missing.length > 0) {
    findings.push({ severity: "error", key: "scopes", message: `the tool needs ${missing.join(", ")}, which these scopes do not grant` });
  }
  const beyond = scopesBeyond(decl.scopes, neededScopes);
  if (beyond.length > 0 && neededScopes.length > 0) {
    findings.push({
      severity: "warning",
      key: "scopes",
      message: `${beyond.join(", ")} ${beyond.length === 1 ? "is" : "are"} more than the tool needs (${neededScopes.join(", ")}): create a PAT with only those`,
    });
  }
  return findings;
}

/** Days until `expiresOn` from `now`, for outputs and the plan. */
export function daysLeft(expiresOn: string, now: Date): number | undefined {
  const d = parseDate(expiresOn);
  return d ? daysBetween(now, d) : undefined;
}

export { formatDate };
