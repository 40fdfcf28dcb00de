/**
 * Rules on PAT references: the declaration a `PatReference` component
 * registers (never the PAT itself). The date and scope findings come from
 * `checkPat`, the same function the config module runs, so the stack config
 * and the pack judge a declaration alike.
 */
import { formatDate, parseDate } from "../../components/config/dates";
import { checkPat, type PatDeclaration, type PatFinding } from "../../components/credentials/pat-checks";
import { asString, asStrings, integrationOf, type Props } from "./read";
import { allowedBroadScopes, broadScopeMessage, FULL_ACCESS_SCOPES, isBroadScope, presetPatScopes } from "./scopes";

/** The declaration a PatReference component registered, read back from its inputs. */
function patDeclaration(props: Props): PatDeclaration {
  return {
    expiresOn: asString(props.expiresOn) ?? "",
    createdOn: asString(props.createdOn),
    scopes: asStrings(props.scopes),
    allOrganizations: props.allOrganizations === true,
  };
}

/**
 * Every finding of `checkPat` for a registered PAT reference. `checkPat` stops
 * at an unreadable `expiresOn`; the scope and all-organizations rules do not
 * depend on the date, so they are run again against today rather than lost.
 */
function patFindings(props: Props, now: Date): PatFinding[] {
  const decl = patDeclaration(props);
  const needed = asStrings(props.neededScopes);
  const findings = checkPat(decl, needed, now);
  if (parseDate(decl.expiresOn) !== undefined) return findings;
  const dateless = checkPat({ ...decl, expiresOn: formatDate(now), createdOn: undefined }, needed, now);
  return [...findings, ...dateless.filter((f) => f.key === "scopes" || f.key === "allOrganizations")];
}

const patMessage = (f: PatFinding): string => `pat.${f.key}: ${f.message}`;

/**
 * A PAT lives at most a year and was not created in the future: a `createdOn`
 * after today would shorten the lifetime the year is counted over, so a
 * two-year PAT could pass as a one-year one. Whether it has expired is not a
 * rule: the program holds back an expired PAT's handoff and nothing else.
 */
export function checkPatExpiry(props: Props, now: Date): string[] {
  const dates = patFindings(props, now)
    .filter((f) => f.severity === "error" && (f.key === "expiresOn" || f.key === "createdOn"))
    .map(patMessage);
  const createdOn = asString(props.createdOn);
  const created = createdOn === undefined ? undefined : parseDate(createdOn);
  const today = formatDate(now);
  if (created !== undefined && formatDate(created) > today) {
    dates.push(`pat.createdOn: ${formatDate(created)} is in the future (today is ${today}): write the day the PAT was created`);
  }
  return dates;
}

/** A PAT is scoped to one organization: global PATs stop working on `GLOBAL_PAT_CUTOFF`. */
export function checkPatNotGlobal(props: Props, now: Date): string[] {
  return patFindings(props, now)
    .filter((f) => f.key === "allOrganizations")
    .map(patMessage);
}

/** A PAT grants what the tool needs and no more. */
export function checkPatScopes(props: Props, now: Date): string[] {
  return patFindings(props, now)
    .filter((f) => f.key === "scopes")
    .map(patMessage);
}

/**
 * No full-access PAT (`app_token`, "Full access" in the Azure DevOps UI): it
 * can do everything its owner can, so no allowance makes it acceptable.
 */
export function checkPatFullAccess(props: Props): string[] {
  return asStrings(props.scopes)
    .filter((s) => FULL_ACCESS_SCOPES.includes(s))
    .map((s) => `pat.scopes: ${s} is full access, everything the PAT's owner can do: create a PAT with only the scopes the tool needs`);
}

/**
 * Broad PAT scopes only where allowed: by the preset's reviewed need, when
 * the declaration names its preset (never for `custom`), or by the stack's
 * policy config under the integration's name. Full access is
 * `pat-no-full-access`' business and not repeated here.
 */
export function checkPatBroadScopes(props: Props, resourceName: string, allowed: Readonly<Record<string, readonly string[]>>): string[] {
  const integration = integrationOf(resourceName, "pat", asString(props.integration));
  const mayHold = allowedBroadScopes(presetPatScopes(asString(props.preset)), allowed[integration] ?? []);
  return asStrings(props.scopes)
    .filter((s) => isBroadScope(s) && !FULL_ACCESS_SCOPES.includes(s) && !mayHold.includes(s))
    .map((s) => broadScopeMessage("pat.scopes: holds", s, integration, mayHold));
}
