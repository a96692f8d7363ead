/**
 * `dws gc`: remove objects of the object store that no snapshot needs.
 *
 * @module
 */
import { resolve } from "node:path";
import { ConfigurationError } from "../base/errors.ts";
import { referencedKeys } from "../store/listing.ts";
import type { ObjectStore } from "../store/object_store.ts";
import { openWorkspaceStore, storeUsers } from "../store/store_users.ts";
import { keysKeptForUndo } from "../store/restore_undo.ts";
import { readAllSnapshotMetadata } from "../snapshot/store.ts";
import { acquireWorkspaceLock, type WorkspaceLock } from "../workspace/lock.ts";
import { isWorkspaceDir, Workspace } from "../workspace/workspace.ts";

/** Options of {@link collectGarbage}. */
export interface GcOptions {
  /** Keep only the objects of the newest N snapshots (older ones' objects go only if the remote has them). */
  keepLast?: number;
  /** Report what would be removed without removing it. */
  dryRun?: boolean;
  /** Keys the object remote holds (objects safe to drop locally). */
  pushed?: ReadonlySet<string>;
}

/** What gc found and did. */
export interface GcResult {
  /** Objects removed (or that would be, with dryRun). */
  removed: number;
  /** Their bytes. */
  bytes: number;
  /** Objects still needed. */
  kept: number;
  /** Objects only older snapshots need, kept because they are not pushed. */
  keptUnpushed: number;
}

/**
 * Remove unreferenced objects. In a store shared with other workspaces
 * (`object_store.directory`), their snapshots' objects are kept too: gc
 * reads every registered workspace, holding its lock meanwhile, and refuses
 * when one is not reachable.
 *
 * @example
 * ```ts
 * const { removed, bytes } = await collectGarbage(ws, { dryRun: true });
 * ```
 */
export async function collectGarbage(ws: Workspace, options: GcOptions = {}): Promise<GcResult> {
  const store = openWorkspaceStore(ws);
  const shared = await sharedKeys(ws, store);
  try {
    return sweep(store, { ...neededKeys(ws, store, options), shared: shared.keys }, options);
  } finally {
    for (const lock of shared.locks) lock.release();
  }
}

/** The objects this workspace's snapshots need, need only in older snapshots, and must keep. */
function neededKeys(ws: Workspace, store: ObjectStore, options: GcOptions) {
  const snapshots = readAllSnapshotMetadata(ws.dir).sort((a, b) => (a.timestamp > b.timestamp ? -1 : 1));
  // What `dws restore --undo` needs stays too.
  const keep = keysKeptForUndo(store, ws.dir);
  const older = new Set<string>();
  snapshots.forEach((md, i) => {
    const target = options.keepLast === undefined || i < options.keepLast ? keep : older;
    for (const k of referencedKeys(store, md.restoreHashes)) target.add(k);
  });
  // An older listing goes only once the remote has every file it names: else a later gc would no
  // longer see those files as referenced.
  const pinned = new Set<string>();
  for (const md of snapshots.slice(options.keepLast ?? snapshots.length)) {
    for (const h of Object.values(md.restoreHashes)) {
      if (!h || keep.has(h) || pinned.has(h)) continue;
      if ([...referencedKeys(store, { listing: h })].some((k) => !options.pushed?.has(k))) pinned.add(h);
    }
  }
  return { keep, older, pinned };
}

/**
 * Every object the other workspaces registered in the store need, with
 * their locks held (so none of them stores objects meanwhile).
 */
async function sharedKeys(ws: Workspace, store: ObjectStore): Promise<{ keys: Set<string>; locks: WorkspaceLock[] }> {
  const keys = new Set<string>();
  const locks: WorkspaceLock[] = [];
  try {
    for (const user of storeUsers(store.dir)) {
      if (resolve(user.wsDir) === resolve(ws.dir)) continue;
      if (!isWorkspaceDir(user.wsDir)) {
        throw new ConfigurationError(
          `The object store ${store.dir} is shared with the workspace ${user.wsDir}, which is not reachable here: ` +
            `run 'dws gc' where it is, or, if that workspace is gone for good, delete ${user.file}`,
        );
      }
      locks.push(await acquireWorkspaceLock(user.wsDir, { command: `dws gc (shared object store of ${ws.dir})` }));
      const other = await Workspace.open(user.wsDir, ws.ctx);
      if (resolve(other.objectStoreDir()) !== resolve(store.dir)) continue; // it uses another store now
      for (const md of readAllSnapshotMetadata(other.dir)) {
        for (const k of referencedKeys(store, md.restoreHashes)) keys.add(k);
      }
    }
  } catch (e) {
    for (const lock of locks) lock.release();
    throw e;
  }
  return { keys, locks };
}

interface Needed {
  keep: Set<string>;
  older: Set<string>;
  pinned: Set<string>;
  shared: Set<string>;
}

/** Remove (or count, with dryRun) every object that is not needed. */
function sweep(store: ObjectStore, needed: Needed, options: GcOptions): GcResult {
  const result: GcResult = { removed: 0, bytes: 0, kept: 0, keptUnpushed: 0 };
  for (const key of [...store.keys()]) {
    if (needed.keep.has(key) || needed.shared.has(key)) {
      result.kept++;
      continue;
    }
    if (needed.older.has(key) && (!options.pushed?.has(key) || needed.pinned.has(key))) {
      result.keptUnpushed++;
      continue;
    }
    result.removed++;
    result.bytes += store.sizeOf(key);
    if (!options.dryRun) store.remove(key);
  }
  return result;
}
