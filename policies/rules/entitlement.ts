/**
 * Rules on a service principal added to the Azure DevOps organization: the
 * access level its entitlement requests, and which projects' Contributors
 * group the integration selects it into.
 */
import { ACCESS_LEVELS, type AccessLevelName } from "../../components/azure-devops/runtime/entitlements";
import { asRecord, asString, asStrings, type Props } from "./read";

// What each access level can do, in order; Basic is called express by the API and is the same license.
const RANK: Readonly<Record<AccessLevelName, number>> = { stakeholder: 0, express: 1, basic: 1, advanced: 2 };

/** Access levels as the stack config names them, lowest first. */
export { ACCESS_LEVELS };

/**
 * A service principal's entitlement requests at most `maxLevel` (Basic by
 * default: Advanced adds Test Plans, which no integration needs). A level the
 * pack does not know is left to the plugin's own input check.
 */
export function checkAccessLevel(props: Props, maxLevel: AccessLevelName): string[] {
  const level = asString(props.accessLevel);
  if (level === undefined || !(level in RANK)) return [];
  return RANK[level as AccessLevelName] > RANK[maxLevel]
    ? [
        `accessLevel ${level} is above the ${maxLevel} maximum: use ${maxLevel} or lower (servicePrincipal.accessLevel), or have the platform team raise entitlement-access-level.maxAccessLevel in the stack's policy config`,
      ]
    : [];
}

/** Whether a project selector picks every project (`*`, `**`). */
export const selectsAllProjects = (selector: string): boolean => /^\*+$/.test(selector.trim());

/**
 * An integration does not put its service principal into the Contributors
 * group of every project (`servicePrincipal.projects: ["*"]`): it would be
 * able to push to every repository, today's and those created later.
 * `allowed` lists the integrations the stack's policy config lets do so.
 * Read from the integration's declaration (its `servicePrincipal` input);
 * the entitlement itself only lists project IDs.
 */
export function checkAllProjectsContributors(props: Props, integration: string, allowed: readonly string[]): string[] {
  const sp = asRecord(props.servicePrincipal);
  if (asString(sp.group) !== "Contributors" || !asStrings(sp.projects).some(selectsAllProjects)) return [];
  if (allowed.includes(integration)) return [];
  return [
    `servicePrincipal.projects selects every project ("*") with group Contributors: list the projects the tool needs, or use group Readers, or have the platform team list integration ${integration} under entitlement-all-projects-contributors.allowed in the stack's policy config`,
  ];
}
