/**
 * The version of files as they are in a git working tree, committed or not:
 * the git object id `git add -A && git write-tree` would give them, found
 * without touching the repository's index or writing file contents to its
 * object database (a temporary index takes the changed files, and only tree
 * objects are written). Lineage records these ids as the versions a step
 * read, so an uncommitted edit is a version of its own.
 *
 * @module
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context } from "../base/context.ts";
import { runProgram } from "../base/subprocess.ts";
import { EMPTY_TREE } from "./git.ts";

/** Paths (relative to the repository) with uncommitted changes under `scopes`, untracked files included. */
async function changedPaths(ctx: Context, repo: string, scopes: readonly string[]): Promise<string[]> {
  const pathspecs = scopes.some((s) => s === "") ? ["."] : scopes;
  const r = await runProgram(
    ctx,
    ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", ...pathspecs],
    { cwd: repo },
  );
  // Each entry is `XY <path>\0`; a folder (nested repository) cannot go into an index.
  return r.stdout.split("\0").filter((e) => e.length > 3).map((e) => e.slice(3)).filter((p) => !p.endsWith("/"));
}

/** Object ids of `specs` (`<tree-ish>:<path>`), null where missing, in one `git cat-file`. */
async function objectIds(ctx: Context, repo: string, specs: readonly string[]): Promise<(string | null)[]> {
  const r = await runProgram(ctx, ["git", "cat-file", "--batch-check=%(objectname)"], {
    cwd: repo,
    input: specs.map((s) => s + "\n").join(""),
  });
  const lines = r.stdout.split("\n");
  return specs.map((_, i) => (/^[0-9a-f]{40,64}$/.test(lines[i] ?? "") ? lines[i] : null));
}

/** The root tree of the working tree: HEAD's, with `changed` taken from the files, in a temporary index. */
async function worktreeRoot(ctx: Context, repo: string, changed: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "dws-index-"));
  const env = { GIT_INDEX_FILE: join(dir, "index") };
  try {
    const fromHead = await runProgram(ctx, ["git", "read-tree", "HEAD"], { cwd: repo, env, allowFailure: true });
    // No commit yet: start from nothing.
    if (fromHead.code !== 0) await runProgram(ctx, ["git", "read-tree", "--empty"], { cwd: repo, env });
    await runProgram(ctx, ["git", "update-index", "--add", "--remove", "--info-only", "-z", "--stdin"], {
      cwd: repo,
      env,
      input: changed.map((p) => p + "\0").join(""),
    });
    return (await runProgram(ctx, ["git", "write-tree", "--missing-ok"], { cwd: repo, env })).stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The blob ids git would record for files (ignored or not), in one `git hash-object`. */
async function fileVersions(ctx: Context, repo: string, files: readonly string[]): Promise<string[]> {
  if (!files.length) return [];
  const r = await runProgram(ctx, ["git", "hash-object", "--", ...files], { cwd: repo });
  return r.stdout.trim().split("\n");
}

/** The tree ids of folders (`""`: the whole repository) as they are in the working tree. */
async function folderVersions(ctx: Context, repo: string, folders: readonly string[]): Promise<string[]> {
  if (!folders.length) return [];
  const changed = await changedPaths(ctx, repo, folders);
  const root = changed.length ? await worktreeRoot(ctx, repo, changed) : "HEAD";
  const ids = await objectIds(ctx, repo, folders.map((p) => (p === "" ? `${root}^{tree}` : `${root}:${p}`)));
  // A folder with nothing git records in it (empty, or only ignored files).
  return ids.map((id) => id ?? EMPTY_TREE);
}

/**
 * The git object ids (tree for a folder, blob for a file) of `paths`
 * (relative to `repo`, `""` for the whole repository) as they are in the
 * working tree; null for a path that does not exist. Ignored files are not
 * part of a folder's version; an existing folder with nothing git would
 * record is the empty tree.
 *
 * @example
 * ```ts
 * const [code, script] = await worktreeVersions(ctx, "/ws", ["code", "code/train.py"]);
 * ```
 */
export async function worktreeVersions(
  ctx: Context,
  repo: string,
  paths: readonly string[],
): Promise<(string | null)[]> {
  const kinds = paths.map((p) => {
    const full = join(repo, p);
    return !existsSync(full) ? "missing" : statSync(full).isDirectory() ? "folder" : "file";
  });
  const files = await fileVersions(ctx, repo, paths.filter((_, i) => kinds[i] === "file"));
  const folders = await folderVersions(ctx, repo, paths.filter((_, i) => kinds[i] === "folder"));
  return kinds.map((k) => (k === "file" ? files.shift()! : k === "folder" ? folders.shift()! : null));
}

/**
 * How many files differ between two versions from {@link worktreeVersions}
 * (trees, or blobs of one file); undefined when git no longer has them.
 *
 * @example
 * ```ts
 * await changedBetween(ctx, "/ws", oldTree, newTree); // 3
 * ```
 */
export async function changedBetween(
  ctx: Context,
  repo: string,
  versions: { from: string; to: string },
): Promise<number | undefined> {
  if (versions.from === versions.to) return 0;
  const r = await runProgram(ctx, ["git", "diff-tree", "-r", "--name-only", "-z", versions.from, versions.to], {
    cwd: repo,
    allowFailure: true,
  });
  if (r.code === 0) return r.stdout.split("\0").filter((p) => p).length;
  const [a, b] = await objectIds(ctx, repo, [`${versions.from}^{blob}`, `${versions.to}^{blob}`]);
  return a && b ? 1 : undefined;
}
