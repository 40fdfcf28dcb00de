import { AdoClient } from "./client";

/** The two facts about a project this program needs. */
export interface ProjectRef {
  readonly id: string;
  readonly name: string;
}

/** Projects per page unless the caller says otherwise. */
export const DEFAULT_PROJECT_PAGE_SIZE = 100;

/**
 * Every well-formed project of the organization, one call per page: the
 * service returns `x-ms-continuationtoken` while more pages remain, and takes
 * it back as the `continuationToken` query parameter.
 */
export async function listProjects(client: AdoClient, options: { readonly pageSize?: number } = {}): Promise<ProjectRef[]> {
  const pageSize = options.pageSize ?? DEFAULT_PROJECT_PAGE_SIZE;
  const projects: ProjectRef[] = [];
  const seenTokens = new Set<string>();
  let token: string | undefined;
  do {
    const response = await client.request<{ value?: { id: string; name: string }[] }>("GET", "_apis/projects", {
      query: { $top: pageSize, continuationToken: token },
    });
    for (const project of response.body?.value ?? []) {
      projects.push({ id: project.id, name: project.name });
    }
    token = response.headers.get("x-ms-continuationtoken") ?? undefined;
    if (token !== undefined && seenTokens.has(token)) {
      // A repeated token would page forever; stop with an error instead.
      throw new Error(`listing projects of ${client.organizationUrl}: the service returned the same continuation token twice; retry later`);
    }
    if (token !== undefined) seenTokens.add(token);
  } while (token !== undefined && token !== "");
  return projects;
}
