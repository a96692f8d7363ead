/**
 * Snapshot manifests (`.dataworkspace/snapshots/snapshot-<hash>.json`): the
 * list of resources, each with its parameters and its compare hash. The
 * snapshot hash is the git blob hash of these bytes.
 *
 * @module
 */
import { gitBlobHash } from "../base/hashing.ts";
import { dumpPythonJson, parsePythonJson } from "../base/python_json.ts";
import type { JsonObject } from "../base/json_value.ts";
import { checkResourceEntries, type ResourceEntry } from "./resources_file.ts";
import { corrupted } from "./json_shape.ts";

/** One resource of a manifest: its parameters plus `hash`. */
export type ManifestEntry = ResourceEntry & { hash: string | null };

/**
 * The manifest bytes and the snapshot hash.
 *
 * @example
 * ```ts
 * const { content, hash } = serializeManifest([{ ...entry, hash: "dd5d25bc..." }]);
 * ```
 */
export function serializeManifest(entries: readonly ManifestEntry[]): { content: string; hash: string } {
  const content = dumpPythonJson(entries as unknown as JsonObject[]);
  return { content, hash: gitBlobHash(content) };
}

/** Parse a manifest file. */
export function parseManifest(text: string, fileName: string): ManifestEntry[] {
  const entries = checkResourceEntries(parsePythonJson(text, fileName), fileName);
  for (const e of entries) {
    if (e.hash !== null && typeof e.hash !== "string") {
      throw corrupted(fileName, `the hash of '${e.name}' is not a string`);
    }
    if (e.content_hash !== undefined && typeof e.content_hash !== "string") {
      throw corrupted(fileName, `the content_hash of '${e.name}' is not a string`);
    }
  }
  return entries as ManifestEntry[];
}

/** The manifest's path relative to the workspace. */
export function manifestPath(hash: string): string {
  return `.dataworkspace/snapshots/snapshot-${hash}.json`;
}
