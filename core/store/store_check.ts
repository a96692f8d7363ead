/**
 * What a lost or damaged object costs: the snapshots whose data-folder
 * listings are, or name, that object (for `dws fsck` and for the warning of a
 * snapshot that finds a linked object edited in place).
 *
 * @module
 */
import type { FileListing } from "../models/file_listing.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import { readAllSnapshotMetadata } from "../snapshot/store.ts";
import { tryReadListing } from "./listing.ts";
import type { ObjectStore } from "./object_store.ts";

/** Where a key is used: a snapshot, and the resource and file that hold it (none for a listing). */
export interface KeyUse {
  snapshot: SnapshotMetadata;
  resource: string;
  path?: string;
}

/**
 * Every use of `keys` by the snapshots of the workspace at `wsDir`, oldest
 * snapshot first: as a listing (restore hash) or as a file a listing names.
 *
 * @example
 * ```ts
 * const uses = keyUses("/ws", store, new Set([key]));
 * uses.get(key)?.map((u) => u.snapshot.hash);
 * ```
 */
export function keyUses(wsDir: string, store: ObjectStore, keys: ReadonlySet<string>): Map<string, KeyUse[]> {
  const uses = new Map<string, KeyUse[]>();
  const add = (key: string, use: KeyUse) => {
    const list = uses.get(key) ?? [];
    if (!list.length) uses.set(key, list);
    if (!list.some((u) => u.snapshot.hash === use.snapshot.hash)) list.push(use);
  };
  const listings = new Map<string, FileListing | undefined>();
  const oldestFirst = readAllSnapshotMetadata(wsDir).sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
  for (const snapshot of oldestFirst) {
    for (const [resource, h] of Object.entries(snapshot.restoreHashes)) {
      if (!h) continue;
      if (keys.has(h)) add(h, { snapshot, resource });
      if (!listings.has(h)) listings.set(h, tryReadListing(store, h));
      for (const f of listings.get(h)?.files ?? []) {
        if (keys.has(f.sha1)) add(f.sha1, { snapshot, resource, path: f.path });
      }
    }
  }
  return uses;
}

/**
 * The snapshots of `uses` for a message: tag (or short hash) and short hash.
 *
 * @example
 * ```ts
 * snapshotNames(uses); // "v1 (3f2a1b0), 9c8d7e6"
 * ```
 */
export function snapshotNames(uses: readonly KeyUse[]): string {
  if (!uses.length) return "no snapshot";
  return uses.map(({ snapshot: s }) =>
    s.tags.length ? `${s.tags.join("/")} (${s.hash.slice(0, 7)})` : s.hash.slice(0, 7)
  )
    .join(", ");
}
