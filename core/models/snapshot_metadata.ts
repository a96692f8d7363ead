/**
 * Snapshot metadata (`.dataworkspace/snapshot_metadata/<hash>_md.json`):
 * tags, message, host, time, where results went, restore hashes, metrics.
 *
 * @module
 */
import { dumpPythonJson, parsePythonJson } from "../base/python_json.ts";
import type { JsonObject } from "../base/json_value.ts";
import { plainNameProblem, relativePathProblem } from "../base/paths.ts";
import { isFullHash } from "../base/names.ts";
import { corrupted, expectObject, isJsonObject } from "./json_shape.ts";

/** The metadata of one snapshot. */
export interface SnapshotMetadata {
  /** The snapshot hash (lower case). */
  hash: string;
  /** Tags, in the order they were given. */
  tags: string[];
  /** The snapshot's message. */
  message: string;
  /** The machine it was taken on. */
  hostname: string;
  /** Local time, Python isoformat (`2026-11-25T14:50:16.974482`). */
  timestamp: string;
  /** Folder, inside each results resource, that this snapshot's results moved to. */
  relativeDestinationPath: string;
  /** Resource name → restore hash (null: cannot be restored): what dws restores from. */
  restoreHashes: Record<string, string | null>;
  /**
   * Resource name → the restore hash Data Workspaces 1.6 must read instead,
   * for resources 1.6 cannot restore (data folders: null). On disk these go
   * to `restore_hashes`, and dws's own hashes for them to
   * `dws_restore_hashes`, a key 1.6 ignores.
   */
  compatRestoreHashes?: Record<string, string | null>;
  /** The `metrics` of the results.json found at snapshot time. */
  metrics: JsonObject | null;
  /** Set when a later snapshot with the same hash updated tags or message. */
  updatedTimestamp?: string;
}

/** The metadata file's path relative to the workspace. */
export function metadataPath(hash: string): string {
  return `.dataworkspace/snapshot_metadata/${hash}_md.json`;
}

/**
 * Serialize as 1.6 does (same key order).
 *
 * @example
 * ```ts
 * serializeSnapshotMetadata(md).startsWith('{\n  "hash": ');
 * ```
 */
export function serializeSnapshotMetadata(md: SnapshotMetadata): string {
  const obj: JsonObject = {
    hash: md.hash,
    tags: md.tags,
    message: md.message,
    hostname: md.hostname,
    timestamp: md.timestamp,
    relative_destination_path: md.relativeDestinationPath,
    restore_hashes: { ...md.restoreHashes, ...md.compatRestoreHashes },
    metrics: md.metrics,
  };
  if (md.updatedTimestamp !== undefined) obj.updated_timestamp = md.updatedTimestamp;
  const own = Object.keys(md.compatRestoreHashes ?? {});
  if (own.length) obj.dws_restore_hashes = Object.fromEntries(own.map((n) => [n, md.restoreHashes[n] ?? null]));
  return dumpPythonJson(obj);
}

/** A git commit or object hash (SHA-1, or SHA-256 in sha256 repositories): restore hashes are all of this form. */
const HASH_RE = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/**
 * The resource → restore hash map under `key`. Hashes name commits given to
 * git and objects of the store: anything but a hash (or null) is refused.
 */
function hashMap(o: JsonObject, key: string, fileName: string): Record<string, string | null> {
  const value = o[key];
  if (!isJsonObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([name, v]) => {
      if (v !== null && (typeof v !== "string" || !HASH_RE.test(v))) {
        throw corrupted(fileName, `the ${key} of '${name}' is not a hash`);
      }
      return [name, v === null ? null : v.toLowerCase()];
    }),
  );
}

/** Parse a metadata file. */
export function parseSnapshotMetadata(text: string, fileName: string): SnapshotMetadata {
  const o = expectObject(parsePythonJson(text, fileName), fileName);
  if (typeof o.hash !== "string" || !isFullHash(o.hash)) throw corrupted(fileName, "'hash' must be 40 hex digits");
  const dest = o.relative_destination_path ?? "";
  // The folder is deleted with the snapshot: it must stay inside each results resource.
  const destProblem = typeof dest !== "string"
    ? "it is not a string"
    : dest && (relativePathProblem(dest) ?? dest.split("/").map(plainNameProblem).find((p) => p));
  if (destProblem) throw corrupted(fileName, `'relative_destination_path' is unsafe: ${destProblem}`);
  const tags = Array.isArray(o.tags) ? o.tags.filter((t): t is string => typeof t === "string") : [];
  const restore = hashMap(o, "restore_hashes", fileName);
  const own = hashMap(o, "dws_restore_hashes", fileName);
  const md: SnapshotMetadata = {
    hash: o.hash.toLowerCase(),
    tags,
    message: typeof o.message === "string" ? o.message : "",
    hostname: typeof o.hostname === "string" ? o.hostname : "",
    timestamp: typeof o.timestamp === "string" ? o.timestamp : "",
    relativeDestinationPath: dest as string,
    restoreHashes: { ...restore, ...own },
    metrics: isJsonObject(o.metrics) ? o.metrics : null,
  };
  if (Object.keys(own).length) {
    md.compatRestoreHashes = Object.fromEntries(Object.keys(own).map((n) => [n, restore[n] ?? null]));
  }
  if (typeof o.updated_timestamp === "string") md.updatedTimestamp = o.updated_timestamp;
  return md;
}

/** The microseconds of the current second (`Date` only has milliseconds). */
export function nowMicros(): number {
  return Math.floor(((performance.timeOrigin + performance.now()) % 1000) * 1000);
}

/**
 * A timestamp as Python's `datetime.now().isoformat()`: local time with
 * microseconds (always written, so it always parses).
 */
export function isoTimestamp(date: Date = new Date(), micros?: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const us = micros ?? date.getMilliseconds() * 1000;
  return `${p(date.getFullYear(), 4)}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${
    p(date.getMinutes())
  }:${p(date.getSeconds())}.${p(us, 6)}`;
}
