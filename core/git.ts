/**
 * The git plumbing dws uses, as small functions over `git` subprocesses.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Context } from "./context.ts";
import { runProgram } from "./subprocess.ts";

/**
 * Run git in `cwd` and return its stdout.
 *
 * @example
 * ```ts
 * const head = (await git(ctx, "/ws", ["rev-parse", "HEAD"])).trim();
 * ```
 */
export async function git(ctx: Context, cwd: string, args: readonly string[]): Promise<string> {
  return (await runProgram(ctx, ["git", ...args], { cwd })).stdout;
}

/** Run git and report only whether it exited 0. */
export async function gitSucceeds(ctx: Context, cwd: string, args: readonly string[]): Promise<boolean> {
  return (await runProgram(ctx, ["git", ...args], { cwd, allowFailure: true })).code === 0;
}

/** True if `dir` is the top of a git repository (has a `.git` entry). */
export function isGitRepo(dir: string): boolean {
  return existsSync(join(dir, ".git"));
}

/**
 * The git directory of the repository at `dir`: `.git` itself, or the
 * target of a `.git` file (worktrees, submodules).
 */
export function gitDirOf(dir: string): string | undefined {
  const dotGit = join(dir, ".git");
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"));
    if (m) return isAbsolute(m[1]) ? m[1] : resolve(dir, m[1]);
  } catch {
    // no .git
  }
  return undefined;
}

/** The checked-out branch (works before the first commit too). */
export async function currentBranch(ctx: Context, repo: string): Promise<string> {
  return (await git(ctx, repo, ["symbolic-ref", "--short", "HEAD"])).trim();
}

/** A git config value as seen from `repo`, or undefined when unset. */
export async function gitConfigGet(ctx: Context, repo: string, key: string): Promise<string | undefined> {
  const r = await runProgram(ctx, ["git", "config", "--get", key], { cwd: repo, allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** True if the local branch exists. */
export function branchExists(ctx: Context, repo: string, branch: string): Promise<boolean> {
  return gitSucceeds(ctx, repo, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
}

/** True if `path` (relative to `repo` or absolute) is tracked by git. */
export function isTracked(ctx: Context, repo: string, path: string): Promise<boolean> {
  return gitSucceeds(ctx, repo, ["ls-files", "--error-unmatch", "--", path]);
}

/** True if the repository (or only `subdir` of it) has uncommitted changes, untracked files included. */
export async function isDirty(ctx: Context, repo: string, subdir?: string): Promise<boolean> {
  const args = ["status", "--porcelain"];
  if (subdir) args.push("--", subdir);
  return (await git(ctx, repo, args)).trim() !== "";
}

/** `git add` the given paths. */
export async function gitAdd(ctx: Context, repo: string, paths: readonly string[]): Promise<void> {
  if (paths.length) await git(ctx, repo, ["add", "--", ...paths]);
}

/**
 * Stage every change (additions, modifications, deletions; ignored files
 * excepted) and commit with `message` if anything is staged. Returns whether
 * a commit was made. This is the workspace's "save".
 *
 * @example
 * ```ts
 * await commitChanges(ctx, "/ws", "add of data");
 * ```
 */
export async function commitChanges(ctx: Context, repo: string, message: string): Promise<boolean> {
  await git(ctx, repo, ["add", "-A"]);
  return await commitStaged(ctx, repo, message);
}

/** Commit what is staged, if anything; returns whether a commit was made. */
export async function commitStaged(ctx: Context, repo: string, message: string): Promise<boolean> {
  if (await gitSucceeds(ctx, repo, ["diff", "--cached", "--quiet"])) return false;
  await git(ctx, repo, ["commit", "--quiet", "-m", message]);
  return true;
}
