/**
 * Snapshots of data folders, shared by the local-files and rclone resource
 * types: the folder is recorded by 1.6's hash trees (sizes or SHA-1) in
 * `.dataworkspace/file/<role>/<name>/`, and, for every role but results, its
 * content is kept in the object store under a file listing whose key is the
 * restore hash, so `dws restore` brings the exact bytes back.
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigurationError, UserAbort } from "../core/base/errors.ts";
import { sha1Hex } from "../core/base/hashing.ts";
import type { JsonObject } from "../core/base/json_value.ts";
import { formatBytes, throttledProgress } from "../core/base/output.ts";
import { gitAdd, gitDirOf } from "../core/git/git.ts";
import { computeHashTree, type HashTree, writeHashTreeFiles } from "../core/hash/folder_hash.ts";
import { StatCache } from "../core/hash/stat_cache.ts";
import { type FileListing, serializeFileListing } from "../core/models/file_listing.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import { overviewText, restoreFolderTo, type RestoreOverview } from "../core/store/folder_restore.ts";
import { readListing } from "../core/store/listing.ts";
import { recordUndo } from "../core/store/restore_undo.ts";
import { ObjectStore } from "../core/store/object_store.ts";
import {
  absolutePathType,
  boolType,
  exportParam,
  importedParam,
  type ParamDef,
  stringType,
} from "../core/workspace/params.ts";
import type { SnapshotHashes, SnapshotOps, WorkspaceHandle } from "../core/workspace/resource.ts";

/** The parameters every data-folder type has (rclone adds its own after the global ones). */
export const DATA_FOLDER_PARAMS: readonly ParamDef[] = [
  {
    name: "global_local_path",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "Path of the data folder where the resource was added",
    type: stringType,
  },
  {
    name: "compute_hash",
    scope: "global",
    defaultValue: false,
    optional: false,
    help: "Hash file contents (SHA-1) at snapshot time instead of recording sizes",
    type: boolType,
  },
  exportParam({ allowMissing: true }),
  importedParam({ allowMissing: true }),
  {
    name: "local_path",
    scope: "local",
    defaultValue: null,
    optional: true,
    help: "Path of the data folder on this machine, when it differs from global_local_path",
    type: absolutePathType,
  },
];

/**
 * The folder of a data-folder resource on this machine: the local override,
 * else the recorded path (metadata older than 1.6 stored it as `local_path`).
 */
export function dataFolderPath(entry: ResourceEntry, localParams: JsonObject): string | undefined {
  const own = localParams.local_path;
  const global = entry.global_local_path ?? entry.local_path;
  return typeof own === "string" ? own : typeof global === "string" ? global : undefined;
}

/** The folder holding a data folder's hash trees, relative to the workspace. */
export function hashTreeDir(role: string, name: string): string {
  return `.dataworkspace/file/${role}/${name}`;
}

/** The stat cache file of a resource, in the git directory (never tracked). */
export function statCachePath(wsDir: string, name: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws", "stat_cache", `${name}.json`);
}

/** One data folder resource as its snapshot operations see it. */
interface DataFolder {
  readonly ws: WorkspaceHandle;
  readonly entry: ResourceEntry;
  /** The folder; fails with the fix when it is missing here. */
  folder(): string;
  /** The folder's path on this machine, whether it exists or not. */
  readonly localPath: string | undefined;
  /** The workspace's object store. */
  store(): ObjectStore;
  /** Whether contents go to the object store (results only move into snapshot folders, never restored). */
  readonly keepsContents: boolean;
}

function dataFolder(ws: WorkspaceHandle, entry: ResourceEntry, localPath: string | undefined): DataFolder {
  return {
    ws,
    entry,
    localPath,
    folder() {
      if (!localPath || !existsSync(localPath)) {
        throw new ConfigurationError(
          `Resource '${entry.name}': folder ${localPath ?? "(none)"} does not exist on this machine; ` +
            `set its path with 'dws config --resource ${entry.name} local_path PATH'`,
        );
      }
      return localPath;
    },
    store: () => new ObjectStore(ws.objectStoreDir()),
    keepsContents: entry.role !== "results",
  };
}

/** Hash the folder (through the stat cache when contents are hashed or stored). */
async function hashFolder(d: DataFolder): Promise<HashTree> {
  const computeHash = d.entry.compute_hash === true;
  const cache = computeHash || d.keepsContents ? StatCache.load(statCachePath(d.ws.dir, d.entry.name)) : undefined;
  const tree = await computeHashTree(d.folder(), {
    computeHash,
    cache,
    output: d.ws.ctx.output,
    label: `Hashing ${d.entry.name}`,
    listing: d.keepsContents,
  });
  cache?.save();
  return tree;
}

/** The hashes of a snapshot whose listing key is `restoreHash`. */
function hashesOf(d: DataFolder, tree: HashTree, restoreHash: string | null): SnapshotHashes {
  // Size-only trees do not determine the content: the listing key does (the manifest's content_hash).
  const contentHash = d.entry.compute_hash === true ? undefined : restoreHash ?? undefined;
  // 1.6 cannot restore a data folder and expects null; dws keeps its listing key beside it.
  return { compareHash: tree.rootHash, restoreHash, contentHash, compatRestoreHash: null };
}

function listingKey(tree: HashTree): string | null {
  return tree.listing ? sha1Hex(serializeFileListing(tree.listing)) : null;
}

/** Put every file of the listing into the store, then the listing itself; returns its key. */
function storeContents(d: DataFolder, tree: HashTree, listing: FileListing): string {
  const { ctx } = d.ws;
  const store = d.store();
  let stored = 0;
  let storedBytes = 0;
  const show = throttledProgress(ctx.output);
  for (const f of listing.files) {
    if (store.putFile(tree.sources!.get(f.path)!, { key: f.sha1 }) !== "present") {
      stored++;
      storedBytes += f.size;
    }
    show(() => `Storing ${d.entry.name}: ${stored} new objects, ${formatBytes(storedBytes)}`);
  }
  ctx.output.progress(undefined);
  ctx.output.debug(`${d.entry.name}: stored ${stored} new objects (${storedBytes} bytes) in ${store.dir}`);
  return store.putBytes(serializeFileListing(listing));
}

/** Write the hash-tree files (staged in the workspace repository) and store the contents. */
async function takeFolderSnapshot(d: DataFolder, tree: HashTree): Promise<SnapshotHashes> {
  const { ctx } = d.ws;
  const rel = hashTreeDir(d.entry.role, d.entry.name);
  const dir = join(d.ws.dir, rel);
  mkdirSync(dir, { recursive: true });
  if (writeHashTreeFiles(dir, tree.trees).length) await gitAdd(ctx, d.ws.dir, [rel]);
  const restoreHash = tree.listing ? storeContents(d, tree, tree.listing) : null;
  ctx.output.debug(
    `${d.entry.name}: ${tree.files} files, ${tree.bytes} bytes; ` +
      `read ${tree.hashedFiles} files (${tree.hashedBytes} bytes)`,
  );
  return hashesOf(d, tree, restoreHash);
}

/** Listings read in this run (a restore's precheck and the restore read the same one). */
const listingsRead = new WeakMap<DataFolder, Map<string, FileListing>>();

/** The listing stored under `key` (checked); missing is an error saying how to fetch it. */
function listingOf(d: DataFolder, key: string): FileListing {
  const store = d.store();
  const read = listingsRead.get(d) ?? new Map<string, FileListing>();
  listingsRead.set(d, read);
  const listing = read.get(key) ?? readListing(store, key);
  if (listing) {
    read.set(key, listing);
    return listing;
  }
  throw new ConfigurationError(
    `Resource '${d.entry.name}': the snapshot's file listing ${key.slice(0, 8)} is not in the object store ` +
      `(${store.dir}); run 'dws pull' to fetch it`,
  );
}

function checkRestorable(d: DataFolder, key: string): void {
  const store = d.store();
  const missing = listingOf(d, key).files.filter((f) => !store.has(f.sha1));
  if (missing.length) {
    throw new ConfigurationError(
      `Resource '${d.entry.name}': ${missing.length} file(s) of the snapshot are not in the object store ` +
        `(${store.dir}); run 'dws pull' to fetch them`,
    );
  }
}

/**
 * Ask before present files are overwritten or removed (they are kept, so
 * the question's default is yes, and batch mode goes on, saying so).
 */
async function confirmOverwrite(d: DataFolder, overview: RestoreOverview): Promise<void> {
  const { ctx } = d.ws;
  const what = `Restoring '${d.entry.name}' ${overviewText(overview)}`;
  if (ctx.batch) {
    ctx.output.info(`${what}; they are kept: 'dws restore --undo' brings them back.`);
    return;
  }
  const ok = await ctx.prompter.confirm(
    `${what}; they are kept and 'dws restore --undo' brings them back. Continue?`,
    true,
  );
  if (!ok) throw new UserAbort();
}

/** The folder to restore into: a deleted folder is made again when the folder holding it is there. */
function restoreRoot(d: DataFolder): string {
  const path = d.localPath;
  return path && !existsSync(path) && existsSync(dirname(path)) ? path : d.folder();
}

/** Make the folder equal to the listing `key`, keeping what it overwrites or removes for `dws restore --undo`. */
async function restoreFolder(d: DataFolder, key: string): Promise<void> {
  const { ctx } = d.ws;
  const root = restoreRoot(d);
  const name = d.entry.name;
  const r = await restoreFolderTo(root, listingOf(d, key), {
    store: d.store(),
    wsDir: d.ws.dir,
    resource: name,
    cache: StatCache.load(statCachePath(d.ws.dir, name)),
    output: ctx.output,
    confirm: (overview) => confirmOverwrite(d, overview),
    kept: (before) => recordUndo(ctx, d.ws.dir, { name, root, before, after: key }),
  });
  ctx.output.info(
    `Restored ${name}: ${r.written} file(s) written, ${r.overview.removed.length} removed, ${r.chmod} mode(s) fixed`,
  );
}

/**
 * Snapshot operations over a data folder (local-files and rclone resources):
 * the compare hash is the root hash tree's, the restore hash the key of the
 * stored file listing (null for results).
 *
 * @example
 * ```ts
 * const ops = folderSnapshotOps(ws, entry, "/data/images");
 * const { compareHash } = await ops.snapshot();
 * ```
 */
export function folderSnapshotOps(
  ws: WorkspaceHandle,
  entry: ResourceEntry,
  localPath: string | undefined,
): SnapshotOps {
  const d = dataFolder(ws, entry, localPath);
  // The tree computed by currentHashes() is reused by snapshot() in the same run.
  let computed: HashTree | undefined;
  const tree = async () => computed ??= await hashFolder(d);
  return {
    snapshotPrecheck: () => Promise.resolve(void d.folder()),
    async currentHashes() {
      const t = await tree();
      const key = listingKey(t);
      // Contents not stored yet: a real snapshot must run to store them.
      if (key !== null && !d.store().has(key)) return undefined;
      return hashesOf(d, t, key);
    },
    async snapshot() {
      return takeFolderSnapshot(d, await tree());
    },
    restorePrecheck(hash) {
      checkRestorable(d, hash);
      return Promise.resolve();
    },
    restore: (hash) => restoreFolder(d, hash),
    deleteSnapshotFolder(dest) {
      rmSync(join(d.folder(), dest), { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
