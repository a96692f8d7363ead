/**
 * The content-addressed object store: each unique file content is kept once,
 * named by its SHA-1, read-only. Objects are the store's own copies (reflinks
 * where the file system makes them), never links to a user's file, except in
 * the opt-in protected link mode, where a data file made read-only shares its
 * inode with its object (see {@link ObjectStore.sink}).
 *
 * Temporary files live in `tmp/`, named `<pid>-<n>`: the first write of a
 * process removes those of processes that are gone (or older than a day).
 * Objects found not to match their key are moved to `bad/`, never deleted.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { ConfigurationError } from "../base/errors.ts";
import { hashFileSync, sha1Hex } from "../base/hashing.ts";
import { fanOutPath } from "../hash/file_read.ts";
import { RESTORE_TEMP_PREFIX } from "../models/file_listing.ts";
import { lstatFile } from "../hash/file_stat.ts";
import type { ContentSink } from "../hash/folder_read.ts";
import { readFiles } from "../hash/pool.ts";
import { copyVerified } from "./copy_out.ts";

/** How a file entered the store. */
export type PutMethod = "present" | "copy";

let tmpCounter = 0;

/** Below this size a read + write is faster than copyFileSync (measured ~2x under Deno). */
const SMALL_FILE = 8 << 20;

/** Temporary files older than this are stale whoever made them. */
const STALE_TMP_MS = 24 * 3600 * 1000;

/** Store folders whose stale temporary files this process has removed. */
const cleaned = new Set<string>();

/** Copy `src` to `dest`: small files in one read and write, large ones by copyFileSync (reflink where possible). */
function copyFile(src: string, dest: string, size: number): void {
  if (size < SMALL_FILE) writeFileSync(dest, readFileSync(src));
  else copyFileSync(src, dest, constants.COPYFILE_FICLONE);
}

/** True if process `pid` is running (or exists under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** A temporary entry of `tmp/` that no live process will finish: its process is gone, or it is a day old. */
function isStaleTmp(path: string, name: string, now: number): boolean {
  const pid = /(?:^|-)(\d+)-\d+$/.exec(name)?.[1];
  if (pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid))) return true;
  try {
    return now - lstatFile(path).mtimeMs > STALE_TMP_MS;
  } catch {
    return false;
  }
}

const KEY_RE = /^[0-9a-f]{40}$/;

/**
 * True if `key` can name an object: 40 lowercase hex digits (a key comes
 * from metadata, and anything else could name a path outside the store).
 *
 * @example
 * ```ts
 * isObjectKey("da39a3ee5e6b4b0d3255bfef95601890afd80709"); // true
 * isObjectKey("../../etc/passwd"); // false
 * ```
 */
export function isObjectKey(key: string): boolean {
  return KEY_RE.test(key);
}

/** Objects of the store whose content does not match their key; they were set aside in `<store>/bad/`. */
export class CorruptObjectError extends ConfigurationError {
  /** The keys of the bad objects. */
  readonly keys: readonly string[];
  /** Create the error for `keys` of the store in `dir`; `fix` says what to do. */
  constructor(keys: readonly string[], dir: string, fix: string) {
    super(
      `Object ${keys[0]} in the object store (${dir}) is corrupted: its content does not match its SHA-1` +
        `${keys.length > 1 ? ` (and ${keys.length - 1} more)` : ""}; moved to ${join(dir, "bad")}; ${fix}`,
    );
    this.keys = keys;
  }
}

/** What to do about a corrupted object when no object remote can send it again. */
export const CORRUPT_OBJECT_FIX =
  "nothing was changed; run 'dws pull' to fetch it again from the object remote (object_store.remote)";

/** A content-addressed store in a folder. */
export class ObjectStore {
  /** The store's folder. */
  readonly dir: string;
  readonly #madeDirs = new Set<string>();

  /**
   * Open (or create on first write) the store in `dir`.
   *
   * @example
   * ```ts
   * const store = new ObjectStore("/ws/scratch/objects");
   * ```
   */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** Where object `key` lives; a key that is no SHA-1 is refused. */
  path(key: string): string {
    if (!isObjectKey(key)) throw new ConfigurationError(`${JSON.stringify(key.slice(0, 60))} is not an object key`);
    return fanOutPath(this.dir, key);
  }

  /** True if the store holds `key`. */
  has(key: string): boolean {
    return existsSync(this.path(key));
  }

  /**
   * A new temporary file name in the store's `tmp/` (same file system as
   * the objects). The first call of a process removes stale temporary files.
   */
  tmpPath(): string {
    const dir = join(this.dir, "tmp");
    if (!cleaned.has(dir)) {
      cleaned.add(dir);
      this.#removeStaleTmp(dir);
    }
    if (!this.#madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#madeDirs.add(dir);
    }
    return join(dir, `${process.pid}-${tmpCounter++}`);
  }

  #removeStaleTmp(dir: string): void {
    if (!existsSync(dir)) return;
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (isStaleTmp(path, name, now)) rmSync(path, { recursive: true, force: true });
    }
  }

  #mkdirFor(path: string): void {
    const dir = dirname(path);
    if (this.#madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.#madeDirs.add(dir);
  }

  /**
   * Make the read-only temporary file `tmp` (from {@link ObjectStore.tmpPath})
   * object `key`, or remove it when the store holds `key` already; true when
   * it became the object. The caller has checked that its content hashes to `key`.
   *
   * @example
   * ```ts
   * const tmp = store.tmpPath();
   * writeFileSync(tmp, bytes, { mode: 0o444 });
   * store.adopt(tmp, sha1Hex(bytes));
   * ```
   */
  adopt(tmp: string, key: string): boolean {
    if (this.has(key)) {
      unlinkSync(tmp);
      return false;
    }
    const dest = this.path(key);
    this.#mkdirFor(dest);
    try {
      renameSync(tmp, dest);
    } catch (e) {
      if ((e as { code?: string }).code !== "EXDEV") throw e;
      // A temporary file from another file system (a caller's download folder).
      const near = this.tmpPath();
      copyFile(tmp, near, statSync(tmp).size);
      chmodSync(near, 0o444);
      renameSync(near, dest);
      unlinkSync(tmp);
    }
    return true;
  }

  /**
   * Store a copy of `src`, whose SHA-1 is `key` (never a link to it: the
   * file may change later, the object must not).
   *
   * @example
   * ```ts
   * store.putFile("/data/a.csv", { key: "f572d3..." });
   * ```
   */
  putFile(src: string, options: { key: string }): PutMethod {
    const { key } = options;
    if (this.has(key)) return "present";
    const tmp = this.tmpPath();
    // Large files: COPYFILE_FICLONE makes a reflink where the file system can, and copies otherwise.
    copyFile(src, tmp, statSync(src).size);
    chmodSync(tmp, 0o444);
    this.adopt(tmp, key);
    return "copy";
  }

  /** Store bytes; returns their key (SHA-1). */
  putBytes(data: string | Uint8Array): string {
    const key = sha1Hex(data);
    if (!this.has(key)) {
      const tmp = this.tmpPath();
      writeFileAtomic(tmp, data, { mode: 0o444 });
      this.adopt(tmp, key);
    }
    return key;
  }

  /**
   * The store as the destination of a folder walk's contents: each file read
   * once, written here as it is hashed; with `link`, files that may be
   * protected are hard-linked here instead and made read-only.
   *
   * @example
   * ```ts
   * const tree = await computeHashTree(dir, { computeHash: false, listing: true, sink: store.sink(false) });
   * ```
   */
  sink(link: boolean): ContentSink {
    return {
      link,
      dir: this.dir,
      tmpPath: () => this.tmpPath(),
      adopt: (tmp, key) => this.adopt(tmp, key),
      has: (key) => this.has(key),
      epoch: () => this.epoch(),
      inodeOf: (key) => this.#inodeOf(key),
      setAside: (key) => void this.setAside(key),
    };
  }

  #inodeOf(key: string): number | undefined {
    try {
      return lstatFile(this.path(key)).ino;
    } catch {
      return undefined;
    }
  }

  /**
   * The store's epoch: a random id that changes whenever an object leaves
   * the store, so what was present at one epoch is present while it stays.
   */
  epoch(): string {
    const file = join(this.dir, "epoch");
    try {
      return readFileSync(file, "utf8").trim();
    } catch {
      return this.#newEpoch();
    }
  }

  #newEpoch(): string {
    const id = randomUUID();
    // Atomic but not synced: gc may remove thousands of objects, each changing the epoch.
    const tmp = this.tmpPath();
    writeFileSync(tmp, id + "\n");
    renameSync(tmp, join(this.dir, "epoch"));
    return id;
  }

  /** The bytes of object `key`, checked against the key (a mismatch is a {@link CorruptObjectError}). */
  read(key: string): Uint8Array {
    const bytes = new Uint8Array(readFileSync(this.path(key)));
    if (sha1Hex(bytes) !== key) this.refuseCorrupt([key], CORRUPT_OBJECT_FIX);
    return bytes;
  }

  /** True when object `key` is present and its content hashes to its key. */
  verify(key: string): boolean {
    try {
      return hashFileSync(this.path(key)) === key;
    } catch {
      return false;
    }
  }

  /**
   * The keys among `keys` whose objects are missing or do not hash to their
   * key; reads on every core. `onDone` is called after each object (progress).
   */
  async badObjects(keys: readonly string[], onDone?: () => void): Promise<string[]> {
    const jobs = keys.map((key) => ({ path: this.path(key), size: this.sizeOf(key) }));
    const results = await readFiles(jobs, { onDone });
    return keys.filter((key, i) => results[i].error !== undefined || results[i].hash !== key);
  }

  /**
   * Move object `key` to `bad/` (it does not match its key); returns where
   * it went. Nothing is deleted: the bytes may still be someone's data.
   */
  setAside(key: string): string {
    const dir = join(this.dir, "bad");
    mkdirSync(dir, { recursive: true });
    let dest = join(dir, key);
    for (let n = 1; existsSync(dest); n++) dest = join(dir, `${key}.${n}`);
    renameSync(this.path(key), dest);
    this.#newEpoch();
    return dest;
  }

  /**
   * Write object `key` to the new file `dest` with `mode`, checking its
   * SHA-1 as it is copied (one read); a mismatch is a {@link CorruptObjectError}
   * and `dest` is not written. Callers write to a temporary name and move it.
   */
  async copyOut(key: string, dest: string, mode: number): Promise<void> {
    const src = this.path(key);
    const outcome = await copyVerified({ src, dest, key, size: statSync(src).size, mode });
    if (outcome === "corrupt") this.refuseCorrupt([key], CORRUPT_OBJECT_FIX);
  }

  /** Set the corrupted objects `keys` aside in `bad/` (a fetch can then bring them again) and fail. */
  refuseCorrupt(keys: readonly string[], fix: string): never {
    for (const key of keys) {
      try {
        this.setAside(key);
      } catch { /* gone already */ }
    }
    throw new CorruptObjectError(keys, this.dir, fix);
  }

  /**
   * Make `dest` a hard link to object `key` (protected link mode: the object
   * is read-only); false when the file system cannot link it there (then
   * nothing changed).
   */
  linkOut(key: string, dest: string): boolean {
    this.#mkdirFor(dest);
    const src = this.path(key);
    try {
      linkSync(src, dest);
      return true;
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") return false;
    }
    const tmp = join(dirname(dest), `${RESTORE_TEMP_PREFIX}${process.pid}-${tmpCounter++}`);
    try {
      linkSync(src, tmp);
    } catch {
      return false;
    }
    renameSync(tmp, dest);
    return true;
  }

  /** Every key in the store. */
  *keys(): Generator<string> {
    if (!existsSync(this.dir)) return;
    for (const a of readdirSync(this.dir)) {
      if (a.length !== 2) continue;
      for (const b of readdirSync(join(this.dir, a))) if (isObjectKey(a + b)) yield a + b;
    }
  }

  /** Number of objects and bytes they take. */
  size(): { objects: number; bytes: number } {
    let objects = 0;
    let bytes = 0;
    for (const k of this.keys()) {
      objects++;
      bytes += this.sizeOf(k);
    }
    return { objects, bytes };
  }

  /** Size in bytes of object `key` (0 when missing). */
  sizeOf(key: string): number {
    try {
      return lstatFile(this.path(key)).size;
    } catch {
      return 0;
    }
  }

  /** Remove object `key`. */
  remove(key: string): void {
    try {
      unlinkSync(this.path(key));
    } catch {
      return; // already gone
    }
    this.#newEpoch();
  }
}
