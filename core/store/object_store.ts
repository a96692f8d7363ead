/**
 * The content-addressed object store: each unique file content is kept once,
 * named by its SHA-1, read-only. Files enter by reflink where the file system
 * supports it, by hard link when the source is read-only (it cannot change
 * under the store), else by copy.
 *
 * @module
 */
import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
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
import { sha1Hex } from "../base/hashing.ts";

/** How a file entered the store. */
export type PutMethod = "present" | "hardlink" | "copy";

let tmpCounter = 0;

/** Below this size a read + write is faster than copyFileSync (measured ~2x under Deno). */
const SMALL_FILE = 8 << 20;

/** Copy `src` to `dest`: small files in one read and write, large ones by copyFileSync (reflink where possible). */
function copyFile(src: string, dest: string, size: number): void {
  if (size < SMALL_FILE) writeFileSync(dest, readFileSync(src));
  else copyFileSync(src, dest, constants.COPYFILE_FICLONE);
}

/** A content-addressed store in a folder. */
export class ObjectStore {
  /** The store's folder. */
  readonly dir: string;

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

  /** Where object `key` lives. */
  path(key: string): string {
    return join(this.dir, key.slice(0, 2), key.slice(2));
  }

  /** True if the store holds `key`. */
  has(key: string): boolean {
    return existsSync(this.path(key));
  }

  #tmp(): string {
    mkdirSync(join(this.dir, "tmp"), { recursive: true });
    return join(this.dir, "tmp", `${process.pid}-${tmpCounter++}`);
  }

  #commit(tmp: string, key: string): void {
    const dest = this.path(key);
    mkdirSync(dirname(dest), { recursive: true });
    chmodSync(tmp, 0o444);
    renameSync(tmp, dest);
  }

  /**
   * Store the content of `src`, whose SHA-1 is `key`.
   *
   * @example
   * ```ts
   * store.putFile("/data/a.csv", { key: "f572d3..." });
   * ```
   */
  putFile(src: string, options: { key: string }): PutMethod {
    const { key } = options;
    if (this.has(key)) return "present";
    const tmp = this.#tmp();
    const st = statSync(src);
    if ((st.mode & 0o222) === 0) {
      try {
        linkSync(src, tmp);
        this.#commit(tmp, key);
        return "hardlink";
      } catch {
        rmSync(tmp, { force: true });
      }
    }
    // Large files: COPYFILE_FICLONE makes a reflink where the file system can, and copies otherwise.
    copyFile(src, tmp, st.size);
    this.#commit(tmp, key);
    return "copy";
  }

  /** Store bytes; returns their key (SHA-1). */
  putBytes(data: string | Uint8Array): string {
    const key = sha1Hex(data);
    if (!this.has(key)) {
      const tmp = this.#tmp();
      writeFileAtomic(tmp, data);
      this.#commit(tmp, key);
    }
    return key;
  }

  /** The bytes of object `key`. */
  read(key: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(key)));
  }

  /** Write object `key` to `dest` (atomically) with `mode`. */
  copyOut(key: string, dest: string, mode: number): void {
    mkdirSync(dirname(dest), { recursive: true });
    const tmp = join(dirname(dest), `.dws-restore-${process.pid}-${tmpCounter++}`);
    const src = this.path(key);
    copyFile(src, tmp, statSync(src).size);
    chmodSync(tmp, mode);
    renameSync(tmp, dest);
  }

  /** Every key in the store. */
  *keys(): Generator<string> {
    if (!existsSync(this.dir)) return;
    for (const a of readdirSync(this.dir)) {
      if (a.length !== 2) continue;
      for (const b of readdirSync(join(this.dir, a))) yield a + b;
    }
  }

  /** Number of objects and bytes they take. */
  size(): { objects: number; bytes: number } {
    let objects = 0;
    let bytes = 0;
    for (const k of this.keys()) {
      objects++;
      bytes += lstatSync(this.path(k)).size;
    }
    return { objects, bytes };
  }

  /** Size in bytes of object `key` (0 when missing). */
  sizeOf(key: string): number {
    try {
      return lstatSync(this.path(key)).size;
    } catch {
      return 0;
    }
  }

  /** Remove object `key`. */
  remove(key: string): void {
    try {
      unlinkSync(this.path(key));
    } catch { /* already gone */ }
  }
}
