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
  const pages = listPages<{ id: string; name: string }>(client, {
    what: "projects",
    path: "_apis/projects",
    pageSize: options.pageSize ?? DEFAULT_PROJECT_PAGE_SIZE,
    maxPages: options.maxPages,
    now: options.now,
    items: (body) => (body as { value: { id: string; name: string }[] }).value,
    expect: expectField("value", "project list", Array.isArray),
  });
  const projects: ProjectRef[] = [];
  for await (const page of pages) for (const project of page) projects.push({ id: project.id, name: project.name });
  return projects;
}

/** How {@link listPages} asks for one listing. */
export interface PagedListing<T> {
  /** What is listed, plural, for errors: "projects", "service hook subscriptions". */
  readonly what: string;
  /** Path relative to the organization. */
  readonly path: string;
  /** Query parameters of every page besides `$top` and `continuationToken`. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Items asked for per page (`$top`); none is sent when absent (the service's own page size). */
  readonly pageSize?: number;
  /** Most pages before the listing stops with an error. Defaults to {@link DEFAULT_MAX_PROJECT_PAGES}. */
  readonly maxPages?: number;
  /** The clock the time budget is measured with; tests replace it. Defaults to Date.now. */
  readonly now?: () => number;
  /** The page's items, from a body `expect` accepted. */
  readonly items: (body: unknown) => readonly T[];
  /** What a usable page holds (see AdoRequestOptions.expect). */
  readonly expect: (body: unknown) => string | undefined;
  /**
   * The token of the next page: defaults to the `x-ms-continuationtoken`
   * header; listings that answer with a paged body name it there instead.
   */
  readonly nextToken?: (headers: Headers, body: unknown) => string | undefined;
  /** api-version, for preview resources. Defaults to the client's. */
  readonly apiVersion?: string;
  /** `vsaex` for the entitlement APIs. */
  readonly host?: "vsaex";
}

/**
 * The pages of one listing, one call each, bounded as {@link listProjects}
 * describes: a repeated token, an empty page with a token, more than
 * `maxPages` pages or the client's time budget stops it with an error.
 */
export async function* listPages<T>(client: AdoClient, listing: PagedListing<T>): AsyncGenerator<readonly T[]> {
  const maxPages = listing.maxPages ?? DEFAULT_MAX_PROJECT_PAGES;
  const now = listing.now ?? Date.now;
  const budgetMs = client.settings.retryMaxSeconds * 1000;
  const started = now();
  const seenTokens = new Set<string>();
  const nextToken = listing.nextToken ?? ((headers: Headers) => headers.get("x-ms-continuationtoken") ?? undefined);
  const stop = (pages: number, what: string): Error =>
    new Error(`listing ${listing.what} of ${client.organizationUrl} stopped after ${pages} ${pages === 1 ? "page" : "pages"}: ${what}; retry later, and report it if it persists`);
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const response = await client.request("GET", listing.path, {
      query: { ...listing.query, $top: listing.pageSize, continuationToken: token },
      expect: listing.expect,
      apiVersion: listing.apiVersion,
      host: listing.host,
    });
    const value = listing.items(response.body);
    yield value;
    token = nextToken(response.headers, response.body);
    if (token === undefined || token === "") return;
    if (seenTokens.has(token)) throw stop(page, "the service returned the same continuation token twice");
    if (value.length === 0) throw stop(page, "the service returned an empty page with a continuation token");
    if (page >= maxPages) throw stop(page, `the service still returned a continuation token after ${maxPages} pages`);
    if (now() - started > budgetMs) throw stop(page, `the service still returned a continuation token after ${client.settings.retryMaxSeconds}s (AZDO_RETRY_MAX_SECONDS)`);
    seenTokens.add(token);
  }
}
