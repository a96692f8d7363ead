/**
 * `dws gc`: remove objects of the object store that no snapshot needs.
 *
 * @module
 */
import { referencedKeys } from "../store/listing.ts";
import { keysKeptForUndo } from "../store/restore_undo.ts";
import { ObjectStore } from "../store/object_store.ts";
import { readAllSnapshotMetadata } from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";

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
 * Remove unreferenced objects.
 *
 * @example
 * ```ts
 * const { removed, bytes } = collectGarbage(ws, { dryRun: true });
 * ```
 */
export function collectGarbage(ws: Workspace, options: GcOptions = {}): GcResult {
  const store = new ObjectStore(ws.objectStoreDir());
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
  const result: GcResult = { removed: 0, bytes: 0, kept: 0, keptUnpushed: 0 };
  for (const key of [...store.keys()]) {
    if (keep.has(key)) {
      result.kept++;
      continue;
    }
    if (older.has(key) && (!options.pushed?.has(key) || pinned.has(key))) {
      result.keptUnpushed++;
      continue;
    }
    result.removed++;
    result.bytes += store.sizeOf(key);
    if (!options.dryRun) store.remove(key);
  }
  return result;
}
