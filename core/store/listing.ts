/**
 * File listings kept as objects of the store: the restore hash of a data
 * folder is the key of its listing, and the listing names every object the
 * folder's snapshot needs.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import { type FileListing, parseFileListing } from "../models/file_listing.ts";
import type { ObjectStore } from "./object_store.ts";

/**
 * The listing stored under `key`; undefined when the store lacks it. The
 * bytes must hash to `key` (else a `CorruptObjectError`) and be a valid
 * listing in UTF-8 (else a `ConfigurationError` naming the problem): a
 * listing from someone else's object remote is checked before any use.
 *
 * @example
 * ```ts
 * const listing = readListing(store, restoreHash);
 * ```
 */
export function readListing(store: ObjectStore, key: string): FileListing | undefined {
  if (!store.has(key)) return undefined;
  const what = `File listing ${key}`;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(store.read(key));
  } catch (e) {
    if (e instanceof TypeError) throw new ConfigurationError(`${what} is not valid UTF-8; nothing was changed`);
    throw e;
  }
  return parseFileListing(text, what);
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
