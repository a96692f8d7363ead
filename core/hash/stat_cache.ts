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
import type { FileStat } from "./file_stat.ts";

type Entry = [size: number, mtimeMs: number, ino: number, ctimeMs: number, hash: string];

function racyMargin(st: Pick<FileStat, "mtimeMs">): number {
  return Number.isInteger(st.mtimeMs) ? 1000 : 10;
}

/** A loaded stat cache. */
export class StatCache {
  /** The cache file. */
  readonly path: string;
  #old: Record<string, Entry>;
  #next: Record<string, Entry> = {};
  #dirty = false;

  private constructor(path: string, entries: Record<string, Entry>) {
    this.path = path;
    this.#old = entries;
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
    try {
      if (existsSync(path)) {
        const data = JSON.parse(readFileSync(path, "utf8"));
        if (data?.version === 1 && typeof data.entries === "object") entries = data.entries;
      }
    } catch {
      // A broken cache only costs a re-hash.
    }
    return new StatCache(path, entries);
  }

  /** The cached hash of `rel` if its stat matches, else undefined. */
  lookup(rel: string, st: Omit<FileStat, "mode">): string | undefined {
    const e = this.#old[rel];
    if (!e || e[0] !== st.size || e[1] !== st.mtimeMs || e[2] !== st.ino || e[3] !== st.ctimeMs) return undefined;
    this.#next[rel] = e;
    return e[4];
  }

  /** Remember the hash of `rel`, read after `startedAt` (ms since epoch, taken before its stat). */
  store(rel: string, st: Omit<FileStat, "mode">, hash: string, startedAt: number): void {
    this.#dirty = true;
    const margin = racyMargin(st);
    if (st.mtimeMs > startedAt - margin) return;
    this.#next[rel] = [st.size, st.mtimeMs, st.ino, st.ctimeMs, hash];
  }

  /** Write the entries seen in this run (files gone since are dropped). */
  save(): void {
    if (!this.#dirty && Object.keys(this.#next).length === Object.keys(this.#old).length) return;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomic(this.path, JSON.stringify({ version: 1, entries: this.#next }));
  }
}
