/**
 * The current version of a data folder (local-files, rclone) for lineage:
 * the SHA-1 hash tree of the folder or of a path in it, through the stat
 * cache (unchanged files are not read again), whatever the resource's
 * `compute_hash` setting: a size-only folder's lineage still changes when a
 * file changes at the same size. Nothing goes to the object store; the tree
 * files are kept in dws's cache so later versions can be compared file by
 * file ("3 files changed").
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { computeHashTree, type HashTree, writeHashTreeFiles } from "../core/hash/folder_hash.ts";
import { StatCache } from "../core/hash/stat_cache.ts";
import { type HashTreeEntry, hashTreeOf, parseHashTree } from "../core/models/hash_tree.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import type { Resource, WorkspaceHandle } from "../core/workspace/resource.ts";
import { privateCacheDir, statCachePath } from "./folder_snapshot.ts";

/** Where the tree files of a folder's versions are kept. */
function versionTreeDir(wsDir: string, name: string): string {
  return join(privateCacheDir(wsDir), "version_trees", name);
}

/** The root of `tree`, without an exported resource's root `lineage.json` (dws writes it at each snapshot). */
function dataRoot(tree: HashTree, exported: boolean): string {
  if (!exported) return tree.rootHash;
  const entries = parseHashTree(tree.trees.get(tree.rootHash)!);
  const data = entries.filter((e) => !(e.name === "lineage.json" && e.kind === "blob"));
  if (data.length === entries.length) return tree.rootHash;
  const { content, hash } = hashTreeOf(data);
  tree.trees.set(hash, content);
  return hash;
}

/** The hash of `subpath` in the tree whose root is `root`: a tree, a file's SHA-1, or null when absent. */
function versionAt(trees: ReadonlyMap<string, string>, root: string, subpath: string | null): string | null {
  let hash = root;
  for (const part of (subpath ?? "").split("/").filter((p) => p)) {
    const content = trees.get(hash);
    const entry = content === undefined ? undefined : parseHashTree(content).find((e) => e.name === part);
    if (!entry) return null;
    hash = entry.hash;
  }
  return hash;
}

/** Files under the tree `hash` (from the kept tree files); undefined when one is missing. */
function filesIn(dir: string, hash: string): number | undefined {
  const entries = readTree(dir, hash);
  if (!entries) return undefined;
  let n = 0;
  for (const e of entries) {
    const k = e.kind === "tree" ? filesIn(dir, e.hash) : 1;
    if (k === undefined) return undefined;
    n += k;
  }
  return n;
}

function readTree(dir: string, hash: string): HashTreeEntry[] | undefined {
  const file = join(dir, hash);
  return /^[0-9a-f]{40}$/.test(hash) && existsSync(file) ? parseHashTree(readFileSync(file, "utf8")) : undefined;
}

/** Files that differ between two entries of the same name (either may be missing); undefined when unknown. */
function entryDiff(dir: string, a: HashTreeEntry | undefined, b: HashTreeEntry | undefined): number | undefined {
  const files = (e: HashTreeEntry | undefined) => (!e ? 0 : e.kind === "tree" ? filesIn(dir, e.hash) : 1);
  if (a && b && a.hash === b.hash) return 0;
  if (a?.kind === "tree" && b?.kind === "tree") return treeDiff(dir, a.hash, b.hash);
  // A file replaced by a file counts once; a folder on either side counts its files.
  if (a && b && a.kind !== "tree" && b.kind !== "tree") return 1;
  const [x, y] = [files(a), files(b)];
  return x === undefined || y === undefined ? undefined : x + y;
}

/** Files that differ between two kept trees (added, removed or changed); undefined when a tree is missing. */
function treeDiff(dir: string, from: string, to: string): number | undefined {
  const a = readTree(dir, from);
  const b = readTree(dir, to);
  if (!a || !b) return undefined;
  const before = new Map(a.map((e) => [e.name, e]));
  let n = 0;
  for (const e of b) {
    const k = entryDiff(dir, before.get(e.name), e);
    before.delete(e.name);
    if (k === undefined) return undefined;
    n += k;
  }
  for (const old of before.values()) {
    const k = entryDiff(dir, old, undefined);
    if (k === undefined) return undefined;
    n += k;
  }
  return n;
}

/**
 * The version capabilities of a data folder resource.
 *
 * @example
 * ```ts
 * const ops = folderVersionOps(ws, entry, "/data/raw");
 * const [whole, one] = await ops.currentVersions(["", "train/a.csv"].map((p) => p || null));
 * ```
 */
export function folderVersionOps(
  ws: WorkspaceHandle,
  entry: ResourceEntry,
  localPath: string | undefined,
): Required<Pick<Resource, "currentVersions" | "changedFiles">> {
  const dir = versionTreeDir(ws.dir, entry.name);
  return {
    async currentVersions(subpaths) {
      if (!localPath || !existsSync(localPath)) return subpaths.map(() => null);
      const cache = StatCache.load(statCachePath(ws.dir, entry.name));
      const tree = await computeHashTree(localPath, {
        computeHash: true,
        cache,
        output: ws.ctx.output,
        label: `Hashing ${entry.name}`,
      });
      cache.save();
      const root = dataRoot(tree, entry.export === true);
      mkdirSync(dir, { recursive: true });
      writeHashTreeFiles(dir, tree.trees);
      return subpaths.map((s) => versionAt(tree.trees, root, s));
    },
    changedFiles(subpath, from, to) {
      if (from === to) return Promise.resolve(0);
      const path = localPath && join(localPath, subpath ?? "");
      // Two versions of one file: that file changed.
      if (path && existsSync(path) && statSync(path).isFile()) return Promise.resolve(1);
      return Promise.resolve(treeDiff(dir, from, to));
    },
  };
}
