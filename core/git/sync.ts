/**
 * Pushing and pulling a git repository (the workspace or a git resource),
 * with its git-lfs objects when it uses git-lfs.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { git } from "./git.ts";
import { ensureGitLfs, usesGitLfs } from "./lfs.ts";
import { runProgram } from "../base/subprocess.ts";

/** Refuse repositories that use git-fat (needs Python 2, unmaintained); git-lfs is supported instead. */
export function checkNoGitFat(repo: string, what: string): void {
  if (existsSync(join(repo, ".gitfat"))) {
    throw new ConfigurationError(
      `${what} at ${repo} uses git-fat, which dws does not support; move its large files to git-lfs`,
    );
  }
}

/**
 * `git push origin <branch>` (git-lfs objects first when the repository uses lfs).
 *
 * @example
 * ```ts
 * await pushRepo(ctx, "/ws", { branch: "master", what: "Workspace" });
 * ```
 */
export async function pushRepo(ctx: Context, repo: string, options: { branch: string; what: string }): Promise<void> {
  checkNoGitFat(repo, options.what);
  if (usesGitLfs(repo)) {
    await ensureGitLfs(ctx);
    await runProgram(ctx, ["git", "lfs", "push", "origin", options.branch], { cwd: repo });
  }
  await git(ctx, repo, ["push", "--quiet", "origin", options.branch]);
}

/** `git pull origin <branch>` (and the git-lfs objects of the new commits). */
export async function pullRepo(ctx: Context, repo: string, options: { branch: string; what: string }): Promise<void> {
  checkNoGitFat(repo, options.what);
  // Without git-lfs the checkout of lfs files would fail half-way: check first.
  if (usesGitLfs(repo)) await ensureGitLfs(ctx);
  await git(ctx, repo, ["pull", "--quiet", "--no-rebase", "origin", options.branch]);
  await fetchLfsFiles(ctx, repo);
}

/**
 * git options that check lfs files out as their pointer text, so a checkout
 * works even when git-lfs is missing; {@link fetchLfsFiles} then fills them in.
 */
const NO_LFS_SMUDGE = ["-c", "filter.lfs.smudge=", "-c", "filter.lfs.process=", "-c", "filter.lfs.required=false"];

/** When the repository uses git-lfs: make sure git-lfs is set up, then replace lfs pointers by their files. */
export async function fetchLfsFiles(ctx: Context, repo: string): Promise<void> {
  if (!usesGitLfs(repo)) return;
  await ensureGitLfs(ctx);
  await runProgram(ctx, ["git", "lfs", "pull", "origin"], { cwd: repo });
}

/**
 * `git clone`, then make sure lfs files are real files (not pointers) when
 * the repository uses lfs (a missing git-lfs is reported after the clone,
 * not as a failed checkout).
 *
 * @example
 * ```ts
 * await cloneRepo(ctx, "/remotes/code.git", { dest: "/ws/code", cwd: "/ws" });
 * ```
 */
export async function cloneRepo(
  ctx: Context,
  url: string,
  options: { dest: string; cwd: string; what?: string },
): Promise<void> {
  await git(ctx, options.cwd, [...NO_LFS_SMUDGE, "clone", "--quiet", url, options.dest]);
  checkNoGitFat(options.dest, options.what ?? "Repository");
  await fetchLfsFiles(ctx, options.dest);
}

/** Check out `origin/<branch>` as the new local `branch` of a fresh clone (lfs files included). */
export async function checkoutRemoteBranch(ctx: Context, repo: string, branch: string): Promise<void> {
  await git(ctx, repo, [...NO_LFS_SMUDGE, "checkout", "--quiet", "-b", branch, `origin/${branch}`]);
  await fetchLfsFiles(ctx, repo);
}
