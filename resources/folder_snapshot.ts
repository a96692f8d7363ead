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
import { gitDirOf } from "../core/git/git.ts";
import { computeHashTree, type HashTree, writeHashTreeFiles } from "../core/hash/folder_hash.ts";
import { type DamagedObject } from "../core/hash/folder_read.ts";
import { StatCache } from "../core/hash/stat_cache.ts";
import { type FileListing, serializeFileListing } from "../core/models/file_listing.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import { overviewText, restoreFolderTo, type RestoreOverview } from "../core/store/folder_restore.ts";
import { readListing } from "../core/store/listing.ts";
import { recordUndo } from "../core/store/restore_undo.ts";
import { ObjectStore } from "../core/store/object_store.ts";
import { openWorkspaceStore } from "../core/store/store_users.ts";
import { keyUses, snapshotNames } from "../core/store/store_check.ts";
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

/** dws's own caches of a workspace, in the git directory (never tracked). */
export function privateCacheDir(wsDir: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws");
}

/** The stat cache file of a resource, in the git directory (never tracked). */
export function statCachePath(wsDir: string, name: string): string {
  return join(privateCacheDir(wsDir), "stat_cache", `${name}.json`);
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
    store: () => openWorkspaceStore(ws),
    keepsContents: entry.role !== "results",
  };
}

/**
 * Hash the folder (through the stat cache when contents are hashed or
 * stored); the files read go to the object store as they are hashed, once
 * each (hard-linked in protected link mode).
 */
async function hashFolder(d: DataFolder): Promise<Hashed> {
  const computeHash = d.entry.compute_hash === true;
  const cache = computeHash || d.keepsContents ? StatCache.load(statCachePath(d.ws.dir, d.entry.name)) : undefined;
  const store = d.store();
  const tree = await computeHashTree(d.folder(), {
    computeHash,
    cache,
    output: d.ws.ctx.output,
    label: `Reading ${d.entry.name}`,
    listing: d.keepsContents,
    sink: d.keepsContents ? store.sink(d.ws.objectStoreLink() === "hardlink") : undefined,
  });
  const { key, text } = listingKey(tree, cache);
  cache?.save();
  if (tree.damaged.length) warnDamaged(d, store, tree.damaged);
  return { tree, key, text };
}

/** A hashed folder: its tree, and its listing's key (null without a listing) and text (once serialized). */
interface Hashed {
  tree: HashTree;
  key: string | null;
  text?: string;
}

/** The key of the folder's listing: an unchanged folder's is remembered by the stat cache, others serialized. */
function listingKey(tree: HashTree, cache: StatCache | undefined): { key: string | null; text?: string } {
  if (!tree.listing) return { key: null };
  const remembered = cache?.listingKeyFor(tree.rootHash);
  const text = remembered === undefined ? serializeFileListing(tree.listing) : undefined;
  const key = remembered ?? sha1Hex(text!);
  cache?.rememberListingKey(tree.rootHash, key);
  return { key, text };
}

/** Say which snapshots lost a file version because its linked object was edited in place. */
function warnDamaged(d: DataFolder, store: ObjectStore, damaged: readonly DamagedObject[]): void {
  const uses = keyUses(d.ws.dir, store, new Set(damaged.map((x) => x.key)));
  for (const { key, path, recovered } of damaged) {
    const snapshots = snapshotNames(uses.get(key) ?? []);
    d.ws.ctx.output.warn(
      `${d.entry.name}: ${path} was edited in place, and with it its hard-linked object ${key.slice(0, 8)} ` +
        `(moved to ${join(store.dir, "bad")}): ` +
        (recovered
          ? `stored again from a file with the same content, so snapshot(s) ${snapshots} keep that version`
          : `snapshot(s) ${snapshots} lost that version of the file; 'dws fsck --repair' fetches it back ` +
            `from the object remote if it has it`),
    );
  }
}

/** The hashes of a snapshot whose listing key is `restoreHash`. */
function hashesOf(d: DataFolder, tree: HashTree, restoreHash: string | null): SnapshotHashes {
  // Size-only trees do not determine the content: the listing key does (the manifest's content_hash).
  const contentHash = d.entry.compute_hash === true ? undefined : restoreHash ?? undefined;
  // 1.6 cannot restore a data folder and expects null; dws keeps its listing key beside it.
  return { compareHash: tree.rootHash, restoreHash, contentHash, compatRestoreHash: null };
}

/** Write the hash-tree files (committed with the snapshot) and store the listing (the files are in). */
function takeFolderSnapshot(d: DataFolder, { tree, key, text }: Hashed): SnapshotHashes {
  const { ctx } = d.ws;
  const rel = hashTreeDir(d.entry.role, d.entry.name);
  const dir = join(d.ws.dir, rel);
  mkdirSync(dir, { recursive: true });
  // Not staged here: the snapshot's commit stages them, so a snapshot that fails leaves nothing staged.
  writeHashTreeFiles(dir, tree.trees);
  const store = d.store();
  const restoreHash = key === null || store.has(key)
    ? key
    : store.putBytes(text ?? serializeFileListing(tree.listing!));
  ctx.output.debug(
    `${d.entry.name}: ${tree.files} files, ${tree.bytes} bytes; read ${tree.hashedFiles} files ` +
      `(${tree.hashedBytes} bytes); stored ${tree.stored} new objects (${tree.storedBytes} bytes)`,
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
    link: d.ws.objectStoreLink() === "hardlink",
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
  let computed: Hashed | undefined;
  const hashed = async () => computed ??= await hashFolder(d);
  return {
    snapshotPrecheck: () => Promise.resolve(void d.folder()),
    async currentHashes() {
      const { tree, key } = await hashed();
      // Listing not stored yet: a real snapshot must run to store it.
      if (key !== null && !d.store().has(key)) return undefined;
      return hashesOf(d, tree, key);
    },
    async snapshot() {
      return takeFolderSnapshot(d, await hashed());
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
