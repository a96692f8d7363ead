/**
 * Computing and storing the hash tree of a folder (local-files and rclone
 * resources). Unchanged files are never re-read (stat cache); the others are
 * read once each on every core, their contents kept in the object store as
 * they are hashed when one is given (see folder_read.ts); the result is
 * byte-identical to 1.6's trees.
 *
 * @module
 */
import { chmodSync, existsSync, readlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigurationError } from "../base/errors.ts";
import { sha1Hex } from "../base/hashing.ts";
import { type FileListing, type ListedFile, RESTORE_TEMP_PREFIX } from "../models/file_listing.ts";
import { type HashTreeEntry, hashTreeOf } from "../models/hash_tree.ts";
import type { Output } from "../base/output.ts";
import { type ContentSink, type DamagedObject, type FileJob, readFolderFiles } from "./folder_read.ts";
import { listDir, lstatFile } from "./file_stat.ts";
import type { StatCache } from "./stat_cache.ts";

/** Options of {@link computeHashTree}. */
export interface HashTreeOptions {
  /** SHA-1 of contents (true) or sizes (false, 1.6's default). */
  computeHash: boolean;
  /** Reuse hashes of unchanged files (content hashes only). */
  cache?: StatCache;
  /** Directory names skipped anywhere in the tree. */
  ignore?: readonly string[];
  /** Where progress goes. */
  output?: Output;
  /** Label for progress lines. */
  label?: string;
  /** Also return the folder's exact layout (content SHA-1 of every file, even in size mode). */
  listing?: boolean;
  /** Keep the content of every listed file here (with `listing`), each file read once. */
  sink?: ContentSink;
}

/** A computed hash tree. */
export interface HashTree {
  /** The root directory's tree hash (the resource's compare hash). */
  rootHash: string;
  /** Every tree file: hash → content. */
  trees: Map<string, string>;
  /** Files in the tree. */
  files: number;
  /** Bytes in those files. */
  bytes: number;
  /** Files whose content was read (cache misses). */
  hashedFiles: number;
  /** Bytes read (cache misses). */
  hashedBytes: number;
  /** The layout with content hashes, when asked for. */
  listing?: FileListing;
  /** Contents newly kept in the sink. */
  stored: number;
  /** Their bytes. */
  storedBytes: number;
  /** Kept contents found changed in place (hard-linked to a file edited since), now set aside. */
  damaged: DamagedObject[];
}

interface DirNode {
  entries: HashTreeEntry[];
  dirs: [string, DirNode][];
}

/** What one walk of the folder found. */
interface Walk {
  top: DirNode;
  /** Files the stat cache did not know. */
  misses: FileJob[];
  /** Files it did (their content is read only when it must be kept again). */
  cached: FileJob[];
  files: number;
  bytes: number;
  listing?: FileListing;
}

/**
 * Hash trees and file listings are line-based: a name (or link target) with
 * a line break cannot be recorded, so the snapshot is refused before it is
 * taken rather than taken and never restorable.
 */
function checkRecordable(path: string, text: string): void {
  if (/[\n\r]/.test(text)) {
    throw new ConfigurationError(
      `Cannot snapshot ${JSON.stringify(path)}: its name or link target has a line break, which hash trees ` +
        `and file listings cannot hold; rename it (or move it out of the folder) and snapshot again`,
    );
  }
}

/**
 * Walk the folder once (`lstat` per file): tree entries with sizes or cached
 * hashes, the listing when asked for, and the files that must be read.
 * Links are recorded, never followed; sockets, FIFOs and devices skipped.
 */
function walkFolder(root: string, options: HashTreeOptions): Walk {
  const ignore = new Set(options.ignore ?? []);
  const listing: FileListing | undefined = options.listing ? { files: [], links: [], emptyDirs: [] } : undefined;
  const w: Walk = { top: { entries: [], dirs: [] }, misses: [], cached: [], files: 0, bytes: 0, listing };
  const needsContent = options.computeHash || listing !== undefined;
  const addFile = (node: DirNode, name: string, full: string, rel: string) => {
    const st = lstatFile(full);
    w.files++;
    w.bytes += st.size;
    const cached = needsContent ? options.cache?.lookup(rel, st) : undefined;
    const entry: HashTreeEntry = { name, kind: "blob", hash: options.computeHash ? cached ?? "" : String(st.size) };
    node.entries.push(entry);
    let listed: ListedFile | undefined;
    if (listing) {
      listed = { path: rel, sha1: cached ?? "", mode: st.mode & 0o7777, size: st.size };
      listing.files.push(listed);
    }
    if (!needsContent) return;
    const expect: [number, number, number] = [st.size, st.mtimeMs, st.ino];
    const job: FileJob = { path: full, size: st.size, expect, rel, st, entry, listed, cached };
    (cached === undefined ? w.misses : w.cached).push(job);
  };
  const walk = (dir: string, rel: string, node: DirNode) => {
    const dirents = listDir(dir);
    if (dirents.length === 0 && rel) listing?.emptyDirs.push(rel);
    for (const d of dirents) {
      // A restore's staging folder (left by a killed one) is dws's, never the data's.
      if (d.name.startsWith(RESTORE_TEMP_PREFIX)) continue;
      const full = `${dir}/${d.name}`;
      const r = rel ? `${rel}/${d.name}` : d.name;
      checkRecordable(full, d.name);
      if (d.isSymlink) {
        const target = readlinkSync(full);
        checkRecordable(full, target);
        node.entries.push({ name: d.name, kind: "link", hash: sha1Hex(target) });
        listing?.links.push([r, target]);
      } else if (d.isDirectory) {
        if (ignore.has(d.name)) continue;
        const child: DirNode = { entries: [], dirs: [] };
        node.dirs.push([d.name, child]);
        walk(full, r, child);
      } else if (d.isFile) addFile(node, d.name, full, r);
    }
  };
  // Normalised once (no trailing slash): paths below are built by joining names with "/".
  walk(resolve(root), "", w.top);
  return w;
}

/** The tree files of `node` and below, into `trees`; returns `node`'s hash. */
function treeHashes(node: DirNode, trees: Map<string, string>): string {
  const entries = [...node.entries];
  for (const [name, child] of node.dirs) entries.push({ name, kind: "tree", hash: treeHashes(child, trees) });
  const { content, hash } = hashTreeOf(entries);
  trees.set(hash, content);
  return hash;
}

/**
 * Hash the folder `root`.
 *
 * @example
 * ```ts
 * const tree = await computeHashTree("/data/images", { computeHash: true });
 * tree.rootHash;
 * ```
 */
export async function computeHashTree(root: string, options: HashTreeOptions): Promise<HashTree> {
  const startedAt = Date.now();
  const w = walkFolder(root, options);
  const sink = w.listing ? options.sink : undefined;
  const read = await readFolderFiles(w.misses, w.cached, { ...options, sink, startedAt });
  const trees = new Map<string, string>();
  const rootHash = treeHashes(w.top, trees);
  return {
    rootHash,
    trees,
    files: w.files,
    bytes: w.bytes,
    hashedFiles: read.files,
    hashedBytes: read.bytes,
    listing: w.listing,
    stored: read.stored,
    storedBytes: read.storedBytes,
    damaged: read.damaged,
  };
}

/**
 * Write the tree files missing from `hashDir` (mode 0755, as 1.6); returns
 * the names written.
 */
export function writeHashTreeFiles(hashDir: string, trees: Map<string, string>): string[] {
  const written: string[] = [];
  for (const [hash, content] of trees) {
    const path = join(hashDir, hash);
    if (existsSync(path)) continue;
    writeFileSync(path, content);
    chmodSync(path, 0o755);
    written.push(hash);
  }
  return written;
}
