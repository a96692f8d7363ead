/**
 * The snapshot of an S3 bucket: a map from object key to the version id of
 * its latest version (spec §4.8). Written exactly as Data Workspaces 1.6
 * writes it (`json.dumps(versions, sort_keys=True, indent=2)`), hashed as a
 * git blob, stored gzip'd as `<hash>.json.gz`; read back as a folder tree
 * (the `snapfs` of 1.6) so a pinned bucket can be listed without S3 calls.
 *
 * Nothing here talks to S3.
 *
 * @module
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { PathError } from "../core/base/errors.ts";
import { gitBlobHash } from "../core/base/hashing.ts";
import { pythonJsonString } from "../core/base/python_json.ts";

/** The folder in a bucket (and the listing prefix) where snapshot files are kept. */
export const SNAPSHOTS_PREFIX = ".snapshots/";

/** Python's string order: by code point (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next(), y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!, cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

function sortedKeys(keys: Iterable<string>): string[] {
  const all = [...keys];
  // Fast path: plain ASCII/BMP keys sort the same by UTF-16 units as by code points.
  return all.some((k) => /[\ud800-\udfff]/.test(k)) ? all.sort(compareCodePoints) : all.sort();
}

/**
 * The bytes of a snapshot file before compression: `{key: versionId}` with
 * sorted keys, two-space indent, ASCII only, no trailing newline. (A plain
 * object would put integer-like keys such as `"2024"` first, so the map is
 * written directly.)
 *
 * @example
 * ```ts
 * serializeVersionMap(new Map([["b", "v2"], ["a", "v1"]])); // '{\n  "a": "v1",\n  "b": "v2"\n}'
 * ```
 */
export function serializeVersionMap(versions: ReadonlyMap<string, string>): string {
  if (versions.size === 0) return "{}";
  const lines = sortedKeys(versions.keys()).map((k) =>
    `  ${pythonJsonString(k)}: ${pythonJsonString(versions.get(k)!)}`
  );
  return `{\n${lines.join(",\n")}\n}`;
}

/** A serialized snapshot: its hash and the gzip'd file content. */
export interface EncodedSnapshot {
  /** Git blob hash of the uncompressed JSON: the resource's snapshot hash. */
  hash: string;
  /** The `<hash>.json.gz` file content. */
  gzipped: Uint8Array;
}

/** Serialize, hash and compress a version map. */
export function encodeVersionMap(versions: ReadonlyMap<string, string>): EncodedSnapshot {
  const bytes = new TextEncoder().encode(serializeVersionMap(versions));
  return { hash: gitBlobHash(bytes), gzipped: new Uint8Array(gzipSync(bytes)) };
}

/** Read a `<hash>.json.gz` snapshot file back into a version map. */
export function decodeVersionMap(gzipped: Uint8Array, fileName: string): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(gunzipSync(gzipped)));
  } catch (e) {
    throw new PathError(`${fileName} is not a gzip'd S3 snapshot file (${(e as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new PathError(`${fileName} is not an S3 snapshot file (expected a JSON object of key: version id)`);
  }
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(data)) map.set(k, String(v));
  return map;
}

interface Dir {
  dirs: Map<string, Dir>;
  files: Set<string>;
}

function newDir(): Dir {
  return { dirs: new Map(), files: new Set() };
}

/** Strip leading and trailing slashes; `""` and `"."` are the root. */
export function normalizeKeyPath(path: string): string {
  const p = path.replace(/^\/+|\/+$/g, "");
  return p === "." ? "" : p;
}

/**
 * A bucket as of a snapshot, seen as folders (key parts split at `/`).
 * Paths are relative to the bucket root; `""` is the root. Listings give
 * full paths, sorted, as {@link FileAccess.ls} does for local folders.
 *
 * @example
 * ```ts
 * const tree = new VersionTree(new Map([["data/a.csv", "v1"]]));
 * tree.ls(""); // ["data"]
 * tree.versionId("data/a.csv"); // "v1"
 * ```
 */
export class VersionTree {
  readonly #versions: ReadonlyMap<string, string>;
  readonly #root: Dir = newDir();

  /** Build the folder tree of `versions`. */
  constructor(versions: ReadonlyMap<string, string>) {
    this.#versions = versions;
    for (const key of versions.keys()) {
      const parts = key.split("/");
      let dir = this.#root;
      for (const part of parts.slice(0, -1)) {
        let sub = dir.dirs.get(part);
        if (!sub) dir.dirs.set(part, sub = newDir());
        dir = sub;
      }
      dir.files.add(parts[parts.length - 1]);
    }
  }

  /** Number of objects in the snapshot. */
  get size(): number {
    return this.#versions.size;
  }

  #dir(path: string): Dir | undefined {
    if (path === "") return this.#root;
    let dir: Dir | undefined = this.#root;
    for (const part of path.split("/")) {
      dir = dir.dirs.get(part);
      if (!dir) return undefined;
    }
    return dir;
  }

  /** The version id of the object at `path`; PathError when there is none. */
  versionId(path: string): string {
    const v = this.#versions.get(normalizeKeyPath(path));
    if (v === undefined) throw new PathError(`Path '${path}' is not a file in this snapshot of the bucket`);
    return v;
  }

  /** True if `path` names a folder (a key prefix). */
  isDir(path: string): boolean {
    return this.#dir(normalizeKeyPath(path)) !== undefined;
  }

  /** True if `path` names an object. */
  isFile(path: string): boolean {
    const p = normalizeKeyPath(path);
    return p !== "" && this.#versions.has(p);
  }

  /** True if `path` is an object or a folder. */
  exists(path: string): boolean {
    return this.isDir(path) || this.isFile(path);
  }

  /** The entries of folder `path`, or `[path]` for an object; PathError when missing. */
  ls(path: string): string[] {
    const p = normalizeKeyPath(path);
    const dir = this.#dir(p);
    if (dir) {
      const names = sortedKeys(new Set([...dir.dirs.keys(), ...dir.files]));
      return names.map((n) => (p === "" ? n : `${p}/${n}`));
    }
    if (this.#versions.has(p)) return [p];
    throw new PathError(`Path '${path}' does not exist in this snapshot of the bucket`);
  }
}
