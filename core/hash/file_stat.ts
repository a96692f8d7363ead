/**
 * The few file-system calls a walk over a big folder makes per file, as
 * cheap as the runtime allows: Deno's own `lstatSync` and `readDirSync` are
 * 3-5x faster than the `node:fs` equivalents under Deno (measured on 20,000
 * files: 110 ms against 500 ms), so they are used when present; Node uses
 * `node:fs`. Both give millisecond timestamps under Deno, so stat cache
 * entries compare equal whichever path read them.
 *
 * @module
 */
import { lstatSync, readdirSync } from "node:fs";

/** What a walk needs to know about one directory entry (not following links). */
export interface FileStat {
  /** Bytes. */
  size: number;
  /** Last change of the content (ms since the epoch). */
  mtimeMs: number;
  /** Last change of the inode (ms since the epoch). */
  ctimeMs: number;
  /** Inode number. */
  ino: number;
  /** Type and permission bits. */
  mode: number;
  /** Hard links to the inode. */
  nlink: number;
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link. */
  isSymlink: boolean;
}

/** One name in a directory and its type. */
export interface DirEntry {
  /** The entry's name. */
  name: string;
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link. */
  isSymlink: boolean;
}

interface DenoFileInfo {
  size: number;
  mtime: Date | null;
  ctime?: Date | null;
  ino: number | null;
  mode: number | null;
  nlink: number | null;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
}

interface DenoFs {
  lstatSync(path: string): DenoFileInfo;
  readDirSync(path: string): Iterable<DirEntry>;
}

const deno = (globalThis as { Deno?: DenoFs }).Deno;

/**
 * `lstat` of `path`.
 *
 * @example
 * ```ts
 * const st = lstatFile("/data/a.csv");
 * st.size;
 * ```
 */
export function lstatFile(path: string): FileStat {
  if (deno) {
    const i = deno.lstatSync(path);
    return {
      size: i.size,
      mtimeMs: i.mtime?.getTime() ?? 0,
      ctimeMs: i.ctime?.getTime() ?? 0,
      ino: i.ino ?? 0,
      mode: i.mode ?? 0,
      nlink: i.nlink ?? 1,
      isFile: i.isFile,
      isDirectory: i.isDirectory,
      isSymlink: i.isSymlink,
    };
  }
  const s = lstatSync(path);
  return {
    size: s.size,
    mtimeMs: s.mtimeMs,
    ctimeMs: s.ctimeMs,
    ino: s.ino,
    mode: s.mode,
    nlink: s.nlink,
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymlink: s.isSymbolicLink(),
  };
}

/**
 * The entries of directory `path` (unsorted).
 *
 * @example
 * ```ts
 * for (const e of listDir("/data")) if (e.isFile) console.log(e.name);
 * ```
 */
export function listDir(path: string): DirEntry[] {
  if (deno) return [...deno.readDirSync(path)];
  return readdirSync(path, { withFileTypes: true }).map((d) => ({
    name: d.name,
    isFile: d.isFile(),
    isDirectory: d.isDirectory(),
    isSymlink: d.isSymbolicLink(),
  }));
}
