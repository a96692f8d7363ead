/**
 * Hashes: git blob hashes (snapshot and manifest hashes), plain SHA-1 of
 * bytes, and streaming SHA-1 of files with large sequential reads into
 * `node:crypto` (memory stays flat for files of any size).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

const CHUNK = 1 << 20;

/**
 * `git hash-object` of `data`: SHA-1 of `"blob <len>\0" + data`.
 *
 * @example
 * ```ts
 * gitBlobHash(""); // "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
 * ```
 */
export function gitBlobHash(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Plain SHA-1 hex of `data`. */
export function sha1Hex(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

let sharedBuffer: Uint8Array | undefined;

/**
 * SHA-1 hex of a file's content, read in 1 MiB chunks (synchronous: the
 * fastest path for one file at a time).
 *
 * @example
 * ```ts
 * hashFileSync("/data/a.csv");
 * ```
 */
export function hashFileSync(path: string): string {
  const hash = createHash("sha1");
  const buf = sharedBuffer ??= new Uint8Array(CHUNK);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(n === CHUNK ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/** SHA-1 hex of a file's content, read asynchronously in 1 MiB chunks. */
export async function hashFile(path: string): Promise<string> {
  const { open } = await import("node:fs/promises");
  const hash = createHash("sha1");
  const buf = new Uint8Array(CHUNK);
  const fh = await open(path, "r");
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return hash.digest("hex");
}
