/**
 * File listings kept as objects of the store: the restore hash of a data
 * folder is the key of its listing, and the listing names every object the
 * folder's snapshot needs.
 *
 * @module
 */
import { type FileListing, parseFileListing } from "../models/file_listing.ts";
import type { ObjectStore } from "./object_store.ts";

/**
 * The listing stored under `key`; undefined when the store lacks it. A
 * stored object that is not a listing is a `ConfigurationError` naming it.
 *
 * @example
 * ```ts
 * const listing = readListing(store, restoreHash);
 * ```
 */
export function readListing(store: ObjectStore, key: string): FileListing | undefined {
  if (!store.has(key)) return undefined;
  return parseFileListing(new TextDecoder().decode(store.read(key)), `object ${key}`);
}

/** Like {@link readListing}, but undefined too when the object is not a listing (any restore hash may be given). */
export function tryReadListing(store: ObjectStore, key: string): FileListing | undefined {
  try {
    return readListing(store, key);
  } catch {
    return undefined;
  }
}

/**
 * The keys the listings among `restoreHashes` reference, listings included.
 *
 * @example
 * ```ts
 * const needed = referencedKeys(store, metadata.restoreHashes);
 * ```
 */
export function referencedKeys(store: ObjectStore, restoreHashes: Record<string, string | null>): Set<string> {
  const keys = new Set<string>();
  for (const h of Object.values(restoreHashes)) {
    const listing = h ? tryReadListing(store, h) : undefined;
    if (!listing) continue;
    keys.add(h!);
    for (const f of listing.files) keys.add(f.sha1);
  }
  return keys;
}
