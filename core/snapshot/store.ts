/**
 * The snapshots of a workspace on disk: manifests and metadata under
 * `.dataworkspace/`, and finding a snapshot by tag, hash or hash prefix.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { listDir } from "../hash/file_stat.ts";
import { join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { ConfigurationError } from "../base/errors.ts";
import { type ManifestEntry, manifestPath, parseManifest } from "../models/manifest.ts";
import {
  metadataPath,
  parseSnapshotMetadata,
  serializeSnapshotMetadata,
  type SnapshotMetadata,
} from "../models/snapshot_metadata.ts";
import { isFullHash, isShortHash } from "../base/names.ts";
import { corrupted } from "../models/json_shape.ts";

const MD_DIR = ".dataworkspace/snapshot_metadata";
const SUFFIX = "_md.json";

/** The hashes of every snapshot (from the metadata file names, recursively, as 1.6 counts them). */
export function listSnapshotHashes(wsDir: string): string[] {
  const dir = join(wsDir, MD_DIR);
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of listDir(d)) {
      if (e.isDirectory) walk(join(d, e.name));
      else if (e.name.endsWith(SUFFIX)) out.push(e.name.slice(0, -SUFFIX.length).toLowerCase());
    }
  };
  walk(dir);
  return out;
}

/** Read one snapshot's metadata, or undefined when there is none. */
export function readSnapshotMetadata(wsDir: string, hash: string): SnapshotMetadata | undefined {
  const rel = metadataPath(hash.toLowerCase());
  let text: string;
  try {
    text = readFileSync(join(wsDir, rel), "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
  const md = parseSnapshotMetadata(text, rel);
  // Deleting a snapshot removes the files named by its hash: they must be this file.
  if (md.hash !== hash.toLowerCase()) throw corrupted(rel, `its 'hash' ${md.hash} is not the one in its name`);
  return md;
}

/** Every snapshot's metadata, unordered. */
export function readAllSnapshotMetadata(wsDir: string): SnapshotMetadata[] {
  return listSnapshotHashes(wsDir).map((h) => readSnapshotMetadata(wsDir, h)!).filter((m) => m);
}

/** Write a snapshot's metadata (atomically). */
export function writeSnapshotMetadata(wsDir: string, md: SnapshotMetadata): void {
  mkdirSync(join(wsDir, MD_DIR), { recursive: true });
  writeFileAtomic(join(wsDir, metadataPath(md.hash)), serializeSnapshotMetadata(md));
}

/** Write a manifest (atomically). */
export function writeManifest(wsDir: string, hash: string, content: string): void {
  mkdirSync(join(wsDir, ".dataworkspace/snapshots"), { recursive: true });
  writeFileAtomic(join(wsDir, manifestPath(hash)), content);
}

/** Read a manifest. */
export function readManifest(wsDir: string, hash: string): ManifestEntry[] {
  const rel = manifestPath(hash);
  const path = join(wsDir, rel);
  if (!existsSync(path)) {
    throw new ConfigurationError(`The manifest of snapshot ${hash} (${rel}) is missing`);
  }
  return parseManifest(readFileSync(path, "utf8"), rel);
}

/** The snapshot (if any) that carries `tag`. */
export function findSnapshotByTag(all: readonly SnapshotMetadata[], tag: string): SnapshotMetadata | undefined {
  return all.find((m) => m.tags.includes(tag));
}

/**
 * Find a snapshot by tag, full hash or unique hash prefix (at least 6
 * lower-case hex digits). Ambiguous prefixes are an error listing the
 * candidates.
 *
 * @example
 * ```ts
 * findSnapshot("/ws", "9a4e7dd").hash; // "9a4e7dd1f31b7edf607443043d7c06f2eaa0c66d"
 * ```
 */
export function findSnapshot(wsDir: string, tagOrHash: string): SnapshotMetadata {
  if (isFullHash(tagOrHash)) {
    const md = readSnapshotMetadata(wsDir, tagOrHash);
    if (md) return md;
  } else if (isShortHash(tagOrHash)) {
    const matches = listSnapshotHashes(wsDir).filter((h) => h.startsWith(tagOrHash));
    if (matches.length > 1) {
      throw new ConfigurationError(
        `Hash prefix '${tagOrHash}' matches ${matches.length} snapshots: ${matches.sort().join(", ")}; use more digits`,
      );
    }
    if (matches.length === 1) return readSnapshotMetadata(wsDir, matches[0])!;
  }
  const byTag = findSnapshotByTag(readAllSnapshotMetadata(wsDir), tagOrHash);
  if (byTag) return byTag;
  throw new ConfigurationError(
    `No snapshot with tag or hash '${tagOrHash}'; 'dws report history' lists the snapshots`,
  );
}
