/**
 * The stat cache: (path, size, mtime, inode, ctime) → content SHA-1, kept in
 * the git directory (never tracked) so an unchanged file is never read twice.
 * Entries for files modified just before hashing started are not kept (the
 * "racy git" problem: a later write within the same timestamp tick would go
 * unnoticed); the margin is a second when the file system's timestamps look
 * second-granular.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";

type Entry = [size: number, mtimeMs: number, ino: number, ctimeMs: number, hash: string];

/** The stat fields the cache compares (`node:fs` Stats and the FileStat of file_stat.ts both have them). */
export interface StatLike {
  /** Bytes. */
  size: number;
  /** Last change of the content (ms since the epoch). */
  mtimeMs: number;
  /** Inode number. */
  ino: number;
  /** Last change of the inode (ms since the epoch). */
  ctimeMs: number;
}

/** A folder's listing key and the root hash of its hash tree when it was computed. */
interface ListingMemo {
  rootHash: string;
  key: string;
}

/** What a cache file keeps beside its entries. */
interface Saved {
  storeEpoch?: string;
  listing?: ListingMemo;
}

/** The mtime recorded for a racily clean file: no real stat matches it. */
const RACY_MTIME = -1;

/**
 * How long after a file's mtime an edit may still leave its stat as is. A
 * time on a whole second may come from a file system that keeps seconds
 * only; others keep at least milliseconds, and the kernel stamps files from
 * a clock that ticks at least every 10 ms.
 */
function racyMargin(st: StatLike): number {
  return st.mtimeMs % 1000 === 0 ? 1000 : 20;
}

/**
 * When a read of a file with stat `st` becomes trustworthy: an edit after
 * then changes its stat. The cache trusts only contents read from then on.
 *
 * @example
 * ```ts
 * const wait = trustedFrom(lstatFile("/data/a.csv")) - Date.now(); // > 0: read it again after
 * ```
 */
export function trustedFrom(st: StatLike): number {
  return st.mtimeMs + racyMargin(st);
}

/** A loaded stat cache. */
export class StatCache {
  /** The cache file. */
  readonly path: string;
  #old: Record<string, Entry>;
  #next: Record<string, Entry> = {};
  #dirty = false;
  #stored = false;
  #storeEpoch: string | undefined;
  #listing: ListingMemo | undefined;

  private constructor(path: string, entries: Record<string, Entry>, saved: Saved) {
    this.path = path;
    this.#old = entries;
    this.#storeEpoch = saved.storeEpoch;
    this.#listing = saved.listing;
  }

  /**
   * Load the cache at `path` (empty if missing or unreadable).
   *
   * @example
   * ```ts
   * const cache = StatCache.load("/ws/.git/dws/stat_cache/data.json");
   * ```
   */
  static load(path: string): StatCache {
    let entries: Record<string, Entry> = {};
    const saved: Saved = {};
    try {
      if (existsSync(path)) {
        const data = JSON.parse(readFileSync(path, "utf8"));
        if (data?.version === 1 && typeof data.entries === "object") entries = data.entries;
        if (typeof data?.storeEpoch === "string") saved.storeEpoch = data.storeEpoch;
        const l = data?.listing;
        if (typeof l?.rootHash === "string" && typeof l?.key === "string") saved.listing = l;
      }
    } catch {
      // A broken cache only costs a re-hash.
    }
    return new StatCache(path, entries, saved);
  }

  /**
   * The listing key remembered for the folder whose hash tree has
   * `rootHash`, when every entry of the cache was found unchanged in this
   * run (so the listing, modes included, is the one remembered).
   */
  listingKeyFor(rootHash: string): string | undefined {
    const intact = !this.#stored && Object.keys(this.#next).length === Object.keys(this.#old).length;
    return intact && this.#listing?.rootHash === rootHash ? this.#listing.key : undefined;
  }

  /** Remember the listing key of the folder whose hash tree has `rootHash`. */
  rememberListingKey(rootHash: string, key: string): void {
    if (this.#listing?.rootHash === rootHash && this.#listing.key === key) return;
    this.#listing = { rootHash, key };
    this.#dirty = true;
  }

  /**
   * The object store's epoch when the cache was saved, if the contents of
   * all its entries were in the store then (see `ObjectStore.epoch`).
   */
  get storeEpoch(): string | undefined {
    return this.#storeEpoch;
  }

  /** Record that the contents of every entry kept in this run are in the store at `epoch`. */
  set storeEpoch(epoch: string | undefined) {
    if (epoch !== this.#storeEpoch) this.#dirty = true;
    this.#storeEpoch = epoch;
  }

  /** The cached hash of `rel` if its stat matches, else undefined. */
  lookup(rel: string, st: StatLike): string | undefined {
    const e = this.#old[rel];
    if (!e || e[0] !== st.size || e[1] !== st.mtimeMs || e[2] !== st.ino || e[3] !== st.ctimeMs) return undefined;
    this.#next[rel] = e;
    return e[4];
  }

  /** The hash the cache held for `rel` when it was the same file (inode `ino`), whatever its stat now. */
  previous(rel: string, ino: number): string | undefined {
    const e = this.#old[rel];
    return e && e[2] === ino ? e[4] : undefined;
  }

  /** Remember the hash of `rel`, read after `startedAt` (ms since epoch, taken before its stat). */
  store(rel: string, st: StatLike, hash: string, startedAt: number): void {
    this.#dirty = true;
    this.#stored = true;
    // The remembered listing key was of the folder before this file was read: it may no longer be.
    this.#listing = undefined;
    // A file changed too close to the read may change again unseen within the clock's resolution: its
    // stat is never trusted (lookup misses), but its hash stays known to previous(), which finds an
    // object edited in place through a hard link.
    const racy = trustedFrom(st) > startedAt;
    this.#next[rel] = [st.size, racy ? RACY_MTIME : st.mtimeMs, st.ino, st.ctimeMs, hash];
  }

  /** Write the entries seen in this run (files gone since are dropped). */
  save(): void {
    if (!this.#dirty && Object.keys(this.#next).length === Object.keys(this.#old).length) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const { storeEpoch, listing } = { storeEpoch: this.#storeEpoch, listing: this.#listing };
    writeFileAtomic(this.path, JSON.stringify({ version: 1, storeEpoch, listing, entries: this.#next }));
  }
}
