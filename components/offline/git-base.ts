import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { UsageError } from "./stack-file";

/**
 * Reading the base of a pull request from git without changing the
 * repository: no checkout, no worktree, only `rev-parse`, `cat-file`, `show`
 * and `archive`.
 */

function git(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("git", ["-C", cwd, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? String(r.error ?? "")).trim() };
}

/** The top folder of the repository `dir` is in. */
export function repositoryRoot(dir: string): string {
  const r = git(dir, ["rev-parse", "--show-toplevel"]);
  if (r.status !== 0) throw new UsageError(`--base: ${dir} is not in a git repository, so there is no base to compare with`);
  return r.stdout.trim();
}

/** The commit a ref names, or a usage error saying it names none here. */
export function commitOf(repo: string, ref: string): string {
  // A ref is never an option, whatever the caller passes.
  if (ref === "" || ref.startsWith("-")) throw new UsageError(`--base ${ref}: not a git ref`);
  const r = git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
  if (r.status !== 0) throw new UsageError(`--base ${ref}: no such commit in ${repo} (a shallow clone needs that commit fetched, e.g. fetch depth 2 for HEAD^1)`);
  return r.stdout.trim();
}

/** A file's text at a commit, or undefined when the commit has no such file. `file` is relative to the repository's top. */
export function fileAt(repo: string, commit: string, file: string): string | undefined {
  const spec = `${commit}:${file.split(path.sep).join("/")}`;
  if (git(repo, ["cat-file", "-e", spec]).status !== 0) return undefined;
  const r = git(repo, ["show", spec]);
  if (r.status !== 0) throw new Error(`git show ${spec} failed: ${r.stderr}`);
  return r.stdout;
}

/** How {@link checkoutOf} names its folder and explains a failure. */
export interface CheckoutOptions {
  /** The start of the temporary folder's name. */
  readonly folderPrefix?: string;
  /** Said in brackets after "git archive <commit> failed" (a likely cause). */
  readonly failureHint?: string;
}

/** The files of a commit, extracted with `git archive` into a temporary folder the caller removes. */
export function checkoutOf(repo: string, commit: string, opts: CheckoutOptions = {}): string {
  const archive = spawnSync("git", ["-C", repo, "archive", "--format=tar", commit], { maxBuffer: 256 * 1024 * 1024 });
  if (archive.status !== 0) {
    const hint = opts.failureHint !== undefined ? ` (${opts.failureHint})` : "";
    throw new Error(`git archive ${commit} failed${hint}: ${String(archive.stderr).trim()}`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), opts.folderPrefix ?? "ado-base-"));
  execFileSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  return dir;
}
