/**
 * `lstat` for walks over many files. Under Deno, `node:fs`'s `lstatSync`
 * builds a full `Stats` object per file (about half the time of a walk over
 * 20,000 files); `Deno.lstatSync` gives the same numbers (Deno's `Stats`
 * are made from it) at a fraction of the cost. Elsewhere, `node:fs`.
 *
 * @module
 */
import { lstatSync } from "node:fs";

/** What walks need of a file's status. */
export interface FileStat {
  /** Bytes. */
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
  /** Status change time, ms since the epoch. */
  ctimeMs: number;
  /** Inode number. */
  ino: number;
  /** Type and permission bits. */
  mode: number;
}

interface DenoFileInfo {
  size: number;
  mtime: Date | null;
  ctime: Date | null;
  ino: number | null;
  mode: number | null;
}

const deno = (globalThis as { Deno?: { lstatSync(path: string): DenoFileInfo } }).Deno;

/**
 * The status of `path` itself (a link is not followed).
 *
 * @example
 * ```ts
 * fileStat("/data/a.csv").size;
 * ```
 */
export function fileStat(path: string): FileStat {
  if (!deno) return lstatSync(path);
  const i = deno.lstatSync(path);
  return {
    size: i.size,
    mtimeMs: i.mtime?.getTime() ?? 0,
    ctimeMs: i.ctime?.getTime() ?? 0,
    ino: i.ino ?? 0,
    mode: i.mode ?? 0,
  };
}
