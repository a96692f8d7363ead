/**
 * The object store and the workspace's object remote (`object_store.remote`):
 * what `dws push` uploads (every object a snapshot references), what
 * `dws pull` / `dws clone` download (the listings of the newest snapshot's
 * restore hashes and their files), what `dws restore` fetches on demand, and
 * data folders created from a snapshot on a machine that lacks them.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigurationError } from "../base/errors.ts";
import { restoreFolderTo } from "./folder_restore.ts";
import { readListing, referencedKeys, tryReadListing } from "./listing.ts";
import { sha1Hex } from "../base/hashing.ts";
import type { FileListing } from "../models/file_listing.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import { ObjectRemote, type TransferSummary } from "./object_remote.ts";
import type { ObjectStore } from "./object_store.ts";
import { openWorkspaceStore } from "./store_users.ts";
import type { WorkspaceHandle } from "../workspace/resource.ts";
import { readAllSnapshotMetadata } from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { formatBytes } from "../base/output.ts";

/**
 * The workspace's object remote, or undefined when `object_store.remote` is
 * not set. Pack indexes are cached in `<object store>/remote/`.
 *
 * @example
 * ```ts
 * const remote = await openObjectRemote(ws);
 * if (remote) console.log((await remote.list()).size);
 * ```
 */
export async function openObjectRemote(ws: Workspace): Promise<ObjectRemote | undefined> {
  const location = objectRemoteLocation(ws);
  if (location === undefined) return undefined;
  const dir = ws.objectStoreDir();
  return await ObjectRemote.open(location, {
    ctx: ws.ctx,
    cacheDir: join(dir, "remote", sha1Hex(location).slice(0, 16)),
    tmpDir: join(dir, "tmp"),
  });
}

/** `object_store.remote`, or undefined when it is not set. */
function objectRemoteLocation(ws: Workspace): string | undefined {
  const location = ws.getParam("object_store.remote");
  return typeof location === "string" && location !== "" ? location : undefined;
}

/** Snapshots, newest first. */
function snapshotsNewestFirst(wsDir: string): SnapshotMetadata[] {
  return readAllSnapshotMetadata(wsDir).sort((
    a,
    b,
  ) => (a.timestamp > b.timestamp ? -1 : a.timestamp < b.timestamp ? 1 : 0));
}

/**
 * Upload every object a snapshot references (file listings and their files)
 * that the remote lacks; prints a one-line summary.
 *
 * @example
 * ```ts
 * const remote = await openObjectRemote(ws);
 * if (remote) await pushSnapshotObjects(ws, remote);
 * ```
 */
export async function pushSnapshotObjects(ws: Workspace, remote: ObjectRemote): Promise<TransferSummary> {
  const store = openWorkspaceStore(ws);
  const keys = new Set<string>();
  // Newest snapshots first (what collaborators need first), and each one's files before its
  // listings: a listing on the remote then (mostly) means its files are there too.
  for (const md of snapshotsNewestFirst(ws.dir)) {
    const referenced = referencedKeys(store, md.restoreHashes);
    const listings = new Set(Object.values(md.restoreHashes).filter((h): h is string => !!h && referenced.has(h)));
    for (const k of referenced) if (!listings.has(k)) keys.add(k);
    for (const k of listings) keys.add(k);
  }
  const r = await remote.upload(store, keys);
  ws.ctx.output.info(
    `Object remote ${remote.location}: pushed ${r.objects} object(s), ${formatBytes(r.bytes)} ` +
      `(${r.packs} pack(s), ${r.files} single file(s)); ${r.present} already there`,
  );
  if (r.missing.length) {
    ws.ctx.output.warn(
      `${r.missing.length} object(s) that snapshots reference are neither in the local object store nor on ` +
        `${remote.location}`,
    );
  }
  return r;
}

/** The newest non-null restore hash of each resource in `names`. */
function newestRestoreHashes(wsDir: string, names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const md of snapshotsNewestFirst(wsDir)) {
    for (const name of names) {
      const h = md.restoreHashes[name];
      if (h && !out.has(name)) out.set(name, h);
    }
  }
  return out;
}

/** Download listings (those the remote has) and then their files. */
async function fetchListings(store: ObjectStore, remote: ObjectRemote, listings: readonly string[]) {
  const first = await remote.download(store, listings);
  const files: string[] = [];
  for (const key of listings) for (const f of tryReadListing(store, key)?.files ?? []) files.push(f.sha1);
  const second = await remote.download(store, files);
  return {
    objects: first.objects + second.objects,
    bytes: first.bytes + second.bytes,
    present: first.present + second.present,
    missing: [...first.missing, ...second.missing],
  };
}

/**
 * Download what the current state of `names` needs: for each (that keeps
 * its contents in the object store) the listing of the newest snapshot with
 * a restore hash for it, and the listing's files. Does nothing when no
 * object remote is configured; prints a one-line summary when one is.
 *
 * @example
 * ```ts
 * await fetchCurrentObjects(ws, ws.resources.map((r) => r.name));
 * ```
 */
export async function fetchCurrentObjects(ws: Workspace, names: readonly string[]): Promise<void> {
  const remote = await openObjectRemote(ws);
  if (!remote) return;
  const storing = names.filter((n) => ws.findResource(n)?.type.storesObjects === true);
  const hashes = [...new Set(newestRestoreHashes(ws.dir, storing).values())];
  const store = openWorkspaceStore(ws);
  const r = await fetchListings(store, remote, hashes);
  ws.ctx.output.info(
    `Object remote ${remote.location}: fetched ${r.objects} object(s), ${
      formatBytes(r.bytes)
    }; ${r.present} already here`,
  );
  if (r.missing.length) {
    ws.ctx.output.warn(
      `${r.missing.length} object(s) of the newest snapshots are not on ${remote.location}; ` +
        `push them from the machine that took the snapshot`,
    );
  }
}

/**
 * Before a restore: fetch from the object remote the listings `hashes`
 * and their files when any is missing locally (no remote access otherwise;
 * a corrupted listing found here is set aside and fetched again).
 *
 * @example
 * ```ts
 * await fetchObjectsForRestore(ws, [md.restoreHashes["data"]!]);
 * ```
 */
export async function fetchObjectsForRestore(ws: Workspace, hashes: readonly string[]): Promise<void> {
  // Without a remote the restore's own checks say what is missing or corrupted.
  if (objectRemoteLocation(ws) === undefined) return;
  const store = openWorkspaceStore(ws);
  const complete = (key: string) => tryReadListing(store, key)?.files.every((f) => store.has(f.sha1)) === true;
  if (hashes.every(complete)) return;
  const remote = await openObjectRemote(ws);
  if (!remote) return;
  const r = await fetchListings(store, remote, hashes);
  if (r.objects) ws.ctx.output.info(`Fetched ${r.objects} object(s), ${formatBytes(r.bytes)} from ${remote.location}`);
}

/**
 * The newest snapshot whose listing for resource `name` is in the local
 * object store, with that listing (checked: a listing that is not valid is
 * an error, never skipped for an older one).
 */
export function newestStoredListing(
  ws: WorkspaceHandle,
  name: string,
): { snapshot: SnapshotMetadata; listing: FileListing } | undefined {
  const store = openWorkspaceStore(ws);
  for (const md of snapshotsNewestFirst(ws.dir)) {
    const h = md.restoreHashes[name];
    const listing = h ? readListing(store, h) : undefined;
    if (listing) return { snapshot: md, listing };
  }
  return undefined;
}

/**
 * Create the data folder `dest` of resource `name` (missing on this machine)
 * from the newest snapshot with a listing for it; returns that snapshot's
 * hash, or undefined when no snapshot's listing is here.
 *
 * @example
 * ```ts
 * await createFolderFromSnapshot(ws, "raw-data", "/data/raw"); // "4b2c…"
 * ```
 */
export async function createFolderFromSnapshot(
  ws: WorkspaceHandle,
  name: string,
  dest: string,
): Promise<string | undefined> {
  const found = newestStoredListing(ws, name);
  if (!found) return undefined;
  const { snapshot, listing } = found;
  const store = openWorkspaceStore(ws);
  const missing = listing.files.filter((f) => !store.has(f.sha1));
  if (missing.length) {
    throw new ConfigurationError(
      `Cannot create ${dest} for resource '${name}' from snapshot ${snapshot.hash.slice(0, 7)}: ` +
        `${missing.length} of its file(s) are not in the object store; set object_store.remote ` +
        `('dws config object_store.remote LOCATION') and run 'dws pull'`,
    );
  }
  await restoreFolderTo(dest, listing, { store, wsDir: ws.dir, resource: name, output: ws.ctx.output });
  ws.ctx.output.info(
    `Created ${dest} for resource '${name}' from snapshot ${snapshot.hash.slice(0, 7)} ` +
      `(${listing.files.length} file(s))`,
  );
  return snapshot.hash;
}
