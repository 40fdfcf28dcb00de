import * as pulumi from "@pulumi/pulumi";
import { type Project, selectProjects } from "../azure-devops/lookups";
import { EVENT_TYPES, EventType, MessagesToSend, ResourceDetailsToSend, SERVICE_HOOK_EVENTS, filtersFor, isEventType } from "../azure-devops/runtime/events";
import type { AllowedHost } from "../azure-devops/runtime/hosts";
import { normalizeOrganizationUrl } from "../azure-devops/runtime/org-url";
import { ServiceHookSubscription } from "../azure-devops/service-hook-subscription";

export { selectProjects, ProjectSelectionError } from "../azure-devops/lookups";

/** Arguments of {@link ServiceHooks}: one integration's webhooks across projects. */
export interface ServiceHooksArgs {
  /** Organization URL or name (e.g. https://dev.azure.com/contoso). */
  readonly organizationUrl: string;
  /**
   * Hosts besides Azure DevOps's own the organization URL may name: Azure
   * DevOps Server or the loopback test server, as AZDO_ALLOWED_HOSTS lists
   * them (the caller reads it). Defaults to none.
   */
  readonly allowedHosts?: readonly AllowedHost[];
  /** Project names, patterns such as `platform-*` (`*` is the only wildcard), or `*` for every project; each must match something. */
  readonly projects: readonly string[];
  /** Selected projects to leave out, by name or pattern; each must leave something out. Defaults to none. */
  readonly exclude?: readonly string[];
  /**
   * Every project of the organization, listed before any resource is
   * registered (the stack asks its project lookup once per run).
   */
  readonly organizationProjects: readonly Project[];
  /** Events to subscribe to in every selected project. */
  readonly events: readonly EventType[];
  /** The https URL that receives the webhooks. */
  readonly url: pulumi.Input<string>;
  /** Basic auth user name. Defaults to "" (none). */
  readonly username?: pulumi.Input<string>;
  /** Basic auth password; stored only as a secret. */
  readonly password: pulumi.Input<string>;
  /**
   * Filters for every event. `repository` is a repository id, so it needs a
   * single selected project; `branch` applies in each project. Defaults to none.
   */
  readonly filters?: { readonly repository?: string; readonly branch?: string };
  /** Extra headers for each delivery. Defaults to none. */
  readonly httpHeaders?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** How much of the event resource to send. Defaults to "all". */
  readonly resourceDetailsToSend?: ResourceDetailsToSend;
  /** Which rendering of the message to send. Defaults to "all". */
  readonly messagesToSend?: MessagesToSend;
  /** Which rendering of the detailed message to send. Defaults to "all". */
  readonly detailedMessagesToSend?: MessagesToSend;
}

/** The part of a project name kept in resource names: lower case, runs of other characters as one dash. */
export function resourceNamePart(projectName: string): string {
  return projectName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The component type of {@link ServiceHooks}. */
export const SERVICE_HOOKS_TYPE = "ado-integrations:service-hooks:ServiceHooks";

/** The part of a project's resource names: the part of its name, or its id when the name keeps nothing. */
function projectPart(project: { readonly name: string; readonly id: string }): string {
  return resourceNamePart(project.name) || project.id;
}

/** The resource name of one subscription of the ServiceHooks component `component`: `${component}-${project}-${event short name}`. */
export function hookResourceName(component: string, project: { readonly name: string; readonly id: string }, event: EventType): string {
  return `${component}-${projectPart(project)}-${SERVICE_HOOK_EVENTS[event].shortName}`;
}

/**
 * Service hook subscriptions for one integration: one per selected project
 * and event, named `${name}-${project}-${event short name}` so adding a
 * project or event never renames another. The selectors are resolved against
 * the organization's project list, which the caller passes in, so every
 * subscription is registered while the component is constructed.
 */
export class ServiceHooks extends pulumi.ComponentResource {
  /** Subscription ids keyed by `${project name}/${event type}`. */
  readonly subscriptionIds: pulumi.Output<Record<string, string>>;
  /** Names of the selected projects, sorted. */
  readonly selectedProjects: pulumi.Output<string[]>;

  constructor(name: string, args: ServiceHooksArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SERVICE_HOOKS_TYPE, name, {}, opts);

    if (args.projects.length === 0) {
      throw new Error(`ServiceHooks ${name}: projects must select at least one project (a name, a glob such as "platform-*", or "*")`);
    }
    if (args.events.length === 0) {
      throw new Error(`ServiceHooks ${name}: events must list at least one event type (${EVENT_TYPES.join(", ")})`);
    }
    const unsupported = args.events.filter((event) => !isEventType(event));
    if (unsupported.length > 0) {
      throw new Error(`ServiceHooks ${name}: events: ${unsupported.map((e) => `"${e}"`).join(", ")} not supported; use ${EVENT_TYPES.join(", ")}`);
    }
    let organizationUrl: string;
    try {
      organizationUrl = normalizeOrganizationUrl(args.organizationUrl, args.allowedHosts ?? []);
    } catch (error) {
      throw new Error(`ServiceHooks ${name}: organizationUrl: ${(error as Error).message}`);
    }
    const events = [...new Set(args.events)];
    const password = pulumi.secret(args.password);
    const filters = {
      ...(args.filters?.repository ? { repository: args.filters.repository } : {}),
      ...(args.filters?.branch ? { branch: args.filters.branch } : {}),
    };

    let selected: Project[];
    try {
      selected = selectProjects(args.organizationProjects, args.projects, args.exclude ?? []);
    } catch (error) {
      throw new Error(`ServiceHooks ${name}: in ${organizationUrl}, ${(error as Error).message}`);
    }
    if (filters.repository !== undefined && selected.length > 1) {
      throw new Error(
        `ServiceHooks ${name}: filters.repository is one repository id, but projects selects ${selected.length} projects (${selected.map((p) => p.name).join(", ")}); select the one project that holds it`,
      );
    }
    const owners = new Map<string, string>();
    for (const project of selected) {
      const part = projectPart(project);
      const other = owners.get(part);
      if (other !== undefined) {
        throw new Error(`ServiceHooks ${name}: projects "${other}" and "${project.name}" would share the resource name part "${part}"; select only one of them`);
      }
      owners.set(part, project.name);
    }

    const ids: Record<string, pulumi.Output<string>> = {};
    for (const project of selected) {
      for (const event of events) {
        const subscription = new ServiceHookSubscription(
          hookResourceName(name, project, event),
          {
            organizationUrl,
            projectId: project.id,
            eventType: event,
            // Only the filters this event takes; every supported event takes both today.
            filters: Object.fromEntries(Object.entries(filters).filter(([filter]) => (filtersFor(event) as readonly string[]).includes(filter))),
            url: args.url,
            basicAuthUsername: args.username ?? "",
            basicAuthPassword: password,
            httpHeaders: args.httpHeaders,
            resourceDetailsToSend: args.resourceDetailsToSend ?? "all",
            messagesToSend: args.messagesToSend ?? "all",
            detailedMessagesToSend: args.detailedMessagesToSend ?? "all",
          },
          { parent: this },
        );
        ids[`${project.name}/${event}`] = subscription.id;
      }
    }

    this.subscriptionIds = pulumi.output(ids);
    this.selectedProjects = pulumi.output(selected.map((p) => p.name));
    this.registerOutputs({ subscriptionIds: this.subscriptionIds, selectedProjects: this.selectedProjects });
  }
}
