import { AdoClient } from "./client";
import { expectField } from "./common";

/** The two facts about a project this program needs. */
export interface ProjectRef {
  readonly id: string;
  readonly name: string;
}

/** Projects per page unless the caller says otherwise. */
export const DEFAULT_PROJECT_PAGE_SIZE = 100;

/**
 * Pages a listing may take unless the caller says otherwise: 500 pages of 100
 * is far beyond the projects an organization can hold, so reaching it means
 * the service is paging without end.
 */
export const DEFAULT_MAX_PROJECT_PAGES = 500;

/** How {@link listProjects} pages. */
export interface ListProjectsOptions {
  /** Projects asked for per page. Defaults to {@link DEFAULT_PROJECT_PAGE_SIZE}. */
  readonly pageSize?: number;
  /** Most pages before the listing stops with an error. Defaults to {@link DEFAULT_MAX_PROJECT_PAGES}. */
  readonly maxPages?: number;
  /** The clock the time budget is measured with; tests replace it. Defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * Every well-formed project of the organization, one call per page: the
 * service returns `x-ms-continuationtoken` while more pages remain, and takes
 * it back as the `continuationToken` query parameter.
 *
 * The loop is bounded whatever the service answers: a token seen before, an
 * empty page that still carries a token, more than `maxPages` pages, or a
 * listing that outlasts the client's time budget (AZDO_RETRY_MAX_SECONDS,
 * checked before each further page) stops it with an error that says what the
 * service did. An answer without a project list is an error, never an empty page.
 */
export async function listProjects(client: AdoClient, options: ListProjectsOptions = {}): Promise<ProjectRef[]> {
  const pageSize = options.pageSize ?? DEFAULT_PROJECT_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PROJECT_PAGES;
  const now = options.now ?? Date.now;
  const budgetMs = client.settings.retryMaxSeconds * 1000;
  const started = now();
  const projects: ProjectRef[] = [];
  const seenTokens = new Set<string>();
  const stop = (pages: number, what: string): Error =>
    new Error(`listing projects of ${client.organizationUrl} stopped after ${pages} ${pages === 1 ? "page" : "pages"}: ${what}; retry later, and report it if it persists`);
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const response = await client.request<{ value: { id: string; name: string }[] }>("GET", "_apis/projects", {
      query: { $top: pageSize, continuationToken: token },
      expect: expectField("value", "project list", Array.isArray),
    });
    const value = response.body.value;
    for (const project of value) {
      projects.push({ id: project.id, name: project.name });
    }
    token = response.headers.get("x-ms-continuationtoken") ?? undefined;
    if (token === undefined || token === "") return projects;
    if (seenTokens.has(token)) throw stop(page, "the service returned the same continuation token twice");
    if (value.length === 0) throw stop(page, "the service returned an empty page with a continuation token");
    if (page >= maxPages) throw stop(page, `the service still returned a continuation token after ${maxPages} pages`);
    if (now() - started > budgetMs) throw stop(page, `the service still returned a continuation token after ${client.settings.retryMaxSeconds}s (AZDO_RETRY_MAX_SECONDS)`);
    seenTokens.add(token);
  }
}
