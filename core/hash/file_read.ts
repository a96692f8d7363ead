/**
 * Reading a file once: its SHA-1, and, when asked, its bytes kept in a new
 * file as they are hashed (so the kept bytes are exactly the hashed ones), or
 * the file itself hard-linked there and made read-only. The file is checked
 * for changes while it was read (size and mtime before and after, every byte
 * read). One function serves the main thread and the hashing workers: its
 * source is sent to them as is, so it uses nothing but its arguments.
 *
 * @module
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";

/** A file to read. */
export interface ReadJob {
  /** The file. */
  path: string;
  /** Its size when listed (for batching and progress). */
  size: number;
  /** Keep the content in this new file (the caller moves or removes it). */
  keep?: string;
  /**
   * Keep it by hard link instead of a copy, then make the file this
   * read-only mode; falls back to a copy where a link cannot be made.
   */
  protect?: number;
}

/** `[size, mtimeMs, ino, ctimeMs, mode]` of a file. */
export type StatTuple = [number, number, number, number, number];

/** What reading one file gave. */
export interface ReadResult {
  /** SHA-1 of the bytes read (and kept). */
  hash: string;
  /** The file's stat after reading (after protecting it, when linked). */
  stat: StatTuple;
  /** Unchanged while read: same size and mtime before and after, and that many bytes read. */
  stable: boolean;
  /** `keep` is a hard link to the file (else a copy, or nothing). */
  linked: boolean;
  /** Set when the file could not be read (then nothing is kept). */
  error?: string;
  /** The error's code, e.g. `ENOENT`. */
  code?: string;
}

/** The modules {@link readFileOnce} uses, passed in so its source runs anywhere. */
export interface ReadIo {
  fs: typeof fs;
  createHash: typeof createHash;
}

/** This thread's modules for {@link readFileOnce}. */
export const READ_IO: ReadIo = { fs, createHash };

/**
 * Read `job.path` once through `buf` (see the module comment). Never throws:
 * a failure is reported in the result and leaves nothing kept.
 *
 * @example
 * ```ts
 * const r = readFileOnce(READ_IO, { path: "/data/a.csv", size: 10, keep: "/store/tmp/1" }, new Uint8Array(1 << 20));
 * ```
 */
export function readFileOnce(io: ReadIo, job: ReadJob, buf: Uint8Array): ReadResult {
  const f = io.fs;
  let linked = false;
  if (job.keep !== undefined && job.protect !== undefined) {
    try {
      f.linkSync(job.path, job.keep);
      linked = true;
    } catch { /* another file system, or links not allowed: copy */ }
  }
  let fd = -1;
  let out = -1;
  try {
    fd = f.openSync(linked ? job.keep! : job.path, "r");
    if (job.keep !== undefined && !linked) out = f.openSync(job.keep, "wx", 0o444);
    const before = f.fstatSync(fd);
    const hash = io.createHash("sha1");
    let bytes = 0;
    for (;;) {
      const n = f.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = n === buf.length ? buf : buf.subarray(0, n);
      hash.update(chunk);
      for (let off = 0; out >= 0 && off < n;) off += f.writeSync(out, chunk, off);
      bytes += n;
    }
    let after = f.fstatSync(fd);
    let stable = bytes === after.size && before.size === after.size && before.mtimeMs === after.mtimeMs;
    if (linked && stable) {
      // Protected only once read unchanged: a writer that still works on the file is not cut off.
      f.fchmodSync(fd, job.protect!);
      const last = f.fstatSync(fd);
      stable = last.size === after.size && last.mtimeMs === after.mtimeMs;
      if (!stable) f.fchmodSync(fd, after.mode & 0o7777);
      after = last;
    }
    const stat: StatTuple = [after.size, after.mtimeMs, after.ino, after.ctimeMs, after.mode];
    return { hash: hash.digest("hex"), stat, stable, linked };
  } catch (e) {
    if (job.keep !== undefined) {
      try {
        f.unlinkSync(job.keep);
      } catch { /* never made */ }
    }
    const err = e as { message?: string; code?: string };
    return {
      hash: "",
      stat: [0, 0, 0, 0, 0],
      stable: false,
      linked: false,
      error: String(err.message),
      code: err.code,
    };
  } finally {
    if (fd >= 0) f.closeSync(fd);
    if (out >= 0) f.closeSync(out);
  }
}
