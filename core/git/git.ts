/**
 * The git plumbing dws uses, as small functions over `git` subprocesses.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Context } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { runProgram } from "../base/subprocess.ts";

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
  const r = await runProgram(ctx, ["git", "symbolic-ref", "--short", "HEAD"], { cwd: repo, allowFailure: true });
  if (r.code !== 0) {
    throw new ConfigurationError(
      `${repo} is not on a branch (detached HEAD); check out a branch with 'git checkout BRANCH' first`,
    );
  }
  return r.stdout.trim();
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

/**
 * Stage `paths` and commit only them (other staged changes stay staged) if
 * any of them changed; returns whether a commit was made.
 *
 * @example
 * ```ts
 * await commitPaths(ctx, "/ws", [".dataworkspace/config.json"], "dws init (config.json)");
 * ```
 */
export async function commitPaths(
  ctx: Context,
  repo: string,
  paths: readonly string[],
  message: string,
): Promise<boolean> {
  await gitAdd(ctx, repo, paths);
  if (await gitSucceeds(ctx, repo, ["diff", "--cached", "--quiet", "--", ...paths])) return false;
  await git(ctx, repo, ["commit", "--quiet", "-m", message, "--", ...paths]);
  return true;
}

/** Commit what is staged, if anything; returns whether a commit was made. */
export async function commitStaged(ctx: Context, repo: string, message: string): Promise<boolean> {
  if (await gitSucceeds(ctx, repo, ["diff", "--cached", "--quiet"])) return false;
  await git(ctx, repo, ["commit", "--quiet", "-m", message]);
  return true;
}

/** The commit HEAD points at. */
export async function headCommit(ctx: Context, repo: string): Promise<string> {
  return (await git(ctx, repo, ["rev-parse", "HEAD"])).trim().toLowerCase();
}

/** The hash of the empty tree (a folder with nothing committed in it). */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** The tree hash of `path` at `rev` (the empty tree when the path is not in it). */
export async function treeHashAt(ctx: Context, repo: string, rev: string, path: string): Promise<string> {
  const r = await runProgram(ctx, ["git", "rev-parse", "--verify", "--quiet", `${rev}:${path}`], {
    cwd: repo,
    allowFailure: true,
  });
  return r.code === 0 ? r.stdout.trim().toLowerCase() : EMPTY_TREE;
}

/** True if `hash` names a commit present in `repo`. */
export function commitExists(ctx: Context, repo: string, hash: string): Promise<boolean> {
  return gitSucceeds(ctx, repo, ["cat-file", "-e", `${hash}^{commit}`]);
}

/**
 * Stage every change under `path` and commit only that path, if anything
 * changed there (other staged changes stay staged). Returns whether a commit was made.
 */
export async function commitPath(ctx: Context, repo: string, path: string, message: string): Promise<boolean> {
  await git(ctx, repo, ["add", "-A", "--", path]);
  if (await gitSucceeds(ctx, repo, ["diff", "--cached", "--quiet", "--", path])) return false;
  await git(ctx, repo, ["commit", "--quiet", "-m", message, "--", path]);
  return true;
}

/** Check out `branch` in `repo` unless it is already current. */
export async function switchBranch(ctx: Context, repo: string, branch: string): Promise<void> {
  if ((await currentBranch(ctx, repo)) !== branch) await git(ctx, repo, ["checkout", "--quiet", branch]);
}

/** The commit `origin`'s `branch` points at, or undefined when the remote has no such branch. */
export async function remoteBranchCommit(ctx: Context, repo: string, branch: string): Promise<string | undefined> {
  const out = await git(ctx, repo, ["ls-remote", "origin", "-h", `refs/heads/${branch}`]);
  const line = out.split("\n").find((l) => l.trim());
  return line ? line.split(/\s+/)[0].toLowerCase() : undefined;
}

/** True if pushing `branch` would need a pull first: the remote has a commit this repository lacks. */
export async function needsPull(ctx: Context, repo: string, branch: string): Promise<boolean> {
  const remote = await remoteBranchCommit(ctx, repo, branch);
  return remote !== undefined && !(await commitExists(ctx, repo, remote));
}
