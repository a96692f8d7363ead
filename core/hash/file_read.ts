/**
 * Reading a file once: its SHA-1, and, when asked, its bytes kept in a new
 * file as they are hashed (so the kept bytes are exactly the hashed ones), or
 * the file itself hard-linked there and made read-only. The file is checked
 * for changes while it was read (size and mtime before and after, every byte
 * read). One function serves the main thread and the hashing workers: its
 * source is sent to them as is, so it uses nothing but its arguments.
 *
 * File calls go through Deno's own API when present: per call it costs a
 * fifth of `node:fs` under Deno, which is most of the time for small files.
 *
 * @module
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";

/** A file to read. */
export interface ReadJob {
  /** The file. */
  path: string;
  /** Its size when listed (for batching and progress). */
  size: number;
  /** Its `[size, mtimeMs, ino]` when listed: the read is stable only if the file still has them after it. */
  expect?: [number, number, number];
  /** Keep the content in this new file (the caller moves or removes it). */
  keep?: string;
  /**
   * Keep it by hard link instead of a copy, then make the file this
   * read-only mode; falls back to a copy where a link cannot be made.
   */
  protect?: number;
  /**
   * Once read unchanged, move `keep` to its key in this content-addressed
   * folder (see {@link fanOutPath}), or remove it when the key is there
   * already: the move happens on the thread that read the file.
   */
  store?: string;
  /** Give the kept copy this mode once written, and report its stat as `keptStat`. */
  mode?: number;
}

/** `[size, mtimeMs, ino, ctimeMs, mode]` of a file. */
export type StatTuple = [number, number, number, number, number];

/** What reading one file gave. */
export interface ReadResult {
  /** SHA-1 of the bytes read (and kept). */
  hash: string;
  /** The file's stat after reading (after protecting it, when linked). */
  stat: StatTuple;
  /** Every byte read, and the file still as listed (`expect`) after the read: one version of it was read. */
  stable: boolean;
  /** `keep` is a hard link to the file (else a copy, or nothing). */
  linked: boolean;
  /** With `store`: the content was moved there (`new`) or was there already (`present`). */
  kept?: "new" | "present";
  /** With `mode`: the kept copy's stat once it has the mode. */
  keptStat?: StatTuple;
  /** Set when the file could not be read (then nothing is kept). */
  error?: string;
  /** The error's code, e.g. `ENOENT`. */
  code?: string;
}

/** An open file, as {@link readFileOnce} streams it. */
export interface IoFile {
  /** Read into `buf` at the current position; 0 at the end. */
  read(buf: Uint8Array): number;
  /** Write all of `bytes`. */
  write(bytes: Uint8Array): void;
  /** Close it. */
  close(): void;
}

/** The file and hash calls {@link readFileOnce} makes. */
export interface ReadIo {
  /** The whole content of a file (one call for small files). */
  readAll(path: string): Uint8Array;
  /** Write a new read-only file (fails if it exists). */
  writeNew(path: string, bytes: Uint8Array): void;
  /** Open for reading (large files are streamed). */
  open(path: string): IoFile;
  /** Create a new read-only file for writing (fails if it exists). */
  create(path: string): IoFile;
  /** Copy a file in the kernel: a reflink where the file system can. */
  copy(src: string, dest: string): void;
  /** `lstat` as a {@link StatTuple}. */
  lstat(path: string): StatTuple;
  /** Hard-link `src` as `dest`. */
  link(src: string, dest: string): void;
  /** Remove a file. */
  unlink(path: string): void;
  /** Make a folder and its parents. */
  mkdirp(path: string): void;
  /** Change a file's permission bits. */
  chmod(path: string, mode: number): void;
  /** A new SHA-1 computation. */
  sha1(): { update(bytes: Uint8Array): void; digest(): string };
}

/**
 * The {@link ReadIo} of a thread: Deno's API when `deno` is given, else
 * `node:fs`. Sent to workers as source too, so it uses only its arguments.
 */
export function makeReadIo(deno: unknown, nodeFs: typeof fs, nodeCrypto: typeof crypto): ReadIo {
  const sha1 = () => {
    const h = nodeCrypto.createHash("sha1");
    return { update: (b: Uint8Array) => void h.update(b), digest: () => h.digest("hex") };
  };
  type Info = { size: number; mtime: Date | null; ctime?: Date | null; ino: number | null; mode: number | null };
  type DenoFile = { readSync(b: Uint8Array): number | null; writeSync(b: Uint8Array): number; close(): void };
  const D = deno as {
    openSync(p: string, o: Record<string, unknown>): DenoFile;
    readFileSync(p: string): Uint8Array;
    writeFileSync(p: string, b: Uint8Array, o: Record<string, unknown>): void;
    lstatSync(p: string): Info;
    copyFileSync(a: string, b: string): void;
    linkSync(a: string, b: string): void;
    removeSync(p: string): void;
    mkdirSync(p: string, o: Record<string, unknown>): void;
    chmodSync(p: string, m: number): void;
  } | undefined;
  if (D) {
    const wrap = (f: DenoFile): IoFile => ({
      read: (b) => f.readSync(b) ?? 0,
      write: (b) => {
        for (let off = 0; off < b.length;) off += f.writeSync(b.subarray(off));
      },
      close: () => f.close(),
    });
    return {
      readAll: (p) => D.readFileSync(p),
      writeNew: (p, b) => D.writeFileSync(p, b, { createNew: true, mode: 0o444 }),
      open: (p) => wrap(D.openSync(p, { read: true })),
      create: (p) => wrap(D.openSync(p, { write: true, createNew: true, mode: 0o444 })),
      copy: (a, b) => D.copyFileSync(a, b),
      lstat: (p) => {
        const i = D.lstatSync(p);
        return [i.size, i.mtime?.getTime() ?? 0, i.ino ?? 0, i.ctime?.getTime() ?? 0, i.mode ?? 0];
      },
      link: (a, b) => D.linkSync(a, b),
      unlink: (p) => D.removeSync(p),
      mkdirp: (p) => D.mkdirSync(p, { recursive: true }),
      chmod: (p, m) => D.chmodSync(p, m),
      sha1,
    };
  }
  const wrap = (fd: number): IoFile => ({
    read: (b) => nodeFs.readSync(fd, b, 0, b.length, null),
    write: (b) => {
      for (let off = 0; off < b.length;) off += nodeFs.writeSync(fd, b, off);
    },
    close: () => nodeFs.closeSync(fd),
  });
  return {
    readAll: (p) => nodeFs.readFileSync(p),
    writeNew: (p, b) => nodeFs.writeFileSync(p, b, { flag: "wx", mode: 0o444 }),
    open: (p) => wrap(nodeFs.openSync(p, "r")),
    create: (p) => wrap(nodeFs.openSync(p, "wx", 0o444)),
    copy: (a, b) => nodeFs.copyFileSync(a, b, nodeFs.constants.COPYFILE_FICLONE | nodeFs.constants.COPYFILE_EXCL),
    lstat: (p) => {
      const s = nodeFs.lstatSync(p);
      return [s.size, s.mtimeMs, s.ino, s.ctimeMs, s.mode];
    },
    link: (a, b) => nodeFs.linkSync(a, b),
    unlink: (p) => nodeFs.unlinkSync(p),
    mkdirp: (p) => void nodeFs.mkdirSync(p, { recursive: true }),
    chmod: (p, m) => nodeFs.chmodSync(p, m),
    sha1,
  };
}

/**
 * Where content `key` lives in the content-addressed folder `dir`: git's
 * fan-out, `dir/ab/cdef…`. Sent to the workers as source too.
 *
 * @example
 * ```ts
 * fanOutPath("/store", "f572d396fae9206628714fb2ce00f72e94f2258f"); // "/store/f5/72d3…"
 * ```
 */
export function fanOutPath(dir: string, key: string): string {
  return `${dir}/${key.slice(0, 2)}/${key.slice(2)}`;
}

/**
 * Move the temporary file `tmp` to `key` in `dir`, or remove it when the key
 * is there: a link that fails when the name exists (so two threads storing
 * the same content never replace each other's), then the temporary name goes.
 */
export function moveToKey(
  io: ReadIo,
  tmp: string,
  dir: string,
  key: string,
): { dest: string; kept: "new" | "present" } {
  const dest = fanOutPath(dir, key);
  let kept: "new" | "present" = "new";
  try {
    try {
      io.link(tmp, dest);
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") throw e;
      io.mkdirp(dest.slice(0, dest.lastIndexOf("/")));
      io.link(tmp, dest);
    }
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e;
    kept = "present";
  }
  io.unlink(tmp);
  return { dest, kept };
}

/** Give `path` permission bits `mode` (a umask may have taken some at creation); returns its stat. */
export function withMode(io: ReadIo, path: string, mode: number): StatTuple {
  const st = io.lstat(path);
  if ((st[4] & 0o7777) === mode) return st;
  io.chmod(path, mode);
  return io.lstat(path);
}

/** This thread's {@link ReadIo}. */
export const READ_IO: ReadIo = makeReadIo((globalThis as { Deno?: unknown }).Deno, fs, crypto);

/**
 * Read `job.path` once through `buf` (see the module comment): files
 * smaller than `buf` in one call, larger ones streamed; a large file to keep
 * is copied by the kernel first (a reflink where the file system can) and
 * the copy is what is hashed. With `job.store`, what was kept is moved to
 * its key there ({@link moveToKey}). Never throws: a failure is reported in
 * the result and leaves nothing kept.
 *
 * @example
 * ```ts
 * const r = readFileOnce(READ_IO, { path: "/data/a.csv", size: 10, keep: "/store/tmp/1" }, new Uint8Array(1 << 20));
 * ```
 */
export function readFileOnce(io: ReadIo, job: ReadJob, buf: Uint8Array): ReadResult {
  const copy = (src: string, keep: string | undefined): { hash: string; bytes: number } => {
    if (keep !== undefined && job.size >= 8 << 20) {
      // The store's own copy cannot change under the hash: its bytes are the hashed ones.
      io.copy(src, keep);
      io.chmod(keep, 0o444);
      return copy(keep, undefined);
    }
    const hash = io.sha1();
    if (job.size < buf.length) {
      const data = io.readAll(src);
      hash.update(data);
      if (keep !== undefined) io.writeNew(keep, data);
      return { hash: hash.digest(), bytes: data.length };
    }
    const file = io.open(src);
    let out: IoFile | undefined;
    let bytes = 0;
    try {
      if (keep !== undefined) out = io.create(keep);
      for (let n = file.read(buf); n > 0; n = file.read(buf)) {
        const chunk = n === buf.length ? buf : buf.subarray(0, n);
        hash.update(chunk);
        out?.write(chunk);
        bytes += n;
      }
    } finally {
      file.close();
      out?.close();
    }
    return { hash: hash.digest(), bytes };
  };
  const asListed = (st: StatTuple, bytes: number) =>
    bytes === st[0] && (!job.expect || (st[0] === job.expect[0] && st[1] === job.expect[1] && st[2] === job.expect[2]));
  let linked = false;
  if (job.keep !== undefined && job.protect !== undefined) {
    try {
      io.link(job.path, job.keep);
      linked = true;
    } catch { /* another file system, or links not allowed: copy */ }
  }
  try {
    const src = linked ? job.keep! : job.path;
    const { hash, bytes } = copy(src, linked ? undefined : job.keep);
    const keptStat = job.mode !== undefined && !linked && job.keep !== undefined
      ? withMode(io, job.keep, job.mode)
      : undefined;
    let stat = io.lstat(src);
    let stable = asListed(stat, bytes);
    if (linked && stable) {
      // Protected only once read unchanged: a writer that still works on the file is not cut off.
      io.chmod(src, job.protect!);
      const before = stat;
      stat = io.lstat(src);
      stable = asListed(stat, bytes);
      if (!stable) io.chmod(src, before[4] & 0o7777);
    }
    if (!stable || job.store === undefined || job.keep === undefined) return { hash, stat, stable, linked, keptStat };
    const { dest, kept } = moveToKey(io, job.keep, job.store, hash);
    // Linking and unlinking changed the file's ctime: the stat cache needs the stat after them.
    if (linked) stat = io.lstat(kept === "new" ? dest : job.path);
    return { hash, stat, stable, linked, kept };
  } catch (e) {
    if (job.keep !== undefined) {
      try {
        io.unlink(job.keep);
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
  }
}
