/**
 * Computing and storing the hash tree of a folder (local-files and rclone
 * resources). Unchanged files are never re-read (stat cache), changed ones
 * are hashed on every core; the result is byte-identical to 1.6's trees.
 *
 * @module
 */
import { chmodSync, existsSync, lstatSync, readdirSync, readlinkSync, type Stats, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashFiles, type HashJob } from "./pool.ts";
import { sha1Hex } from "../base/hashing.ts";
import { type FileListing, type ListedFile, RESTORE_TEMP_PREFIX } from "../models/file_listing.ts";
import { type HashTreeEntry, hashTreeOf } from "../models/hash_tree.ts";
import { formatBytes, type Output, throttledProgress } from "../base/output.ts";
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
  /** The layout with content hashes, when asked for. */
  listing?: FileListing;
  /** Absolute path of each listed file, by relative path (to store their content). */
  sources?: Map<string, string>;
  /** Bytes read (cache misses). */
  hashedBytes: number;
}

interface DirNode {
  entries: HashTreeEntry[];
  dirs: [string, DirNode][];
}

/** A file whose content hash is computed: where the hash goes (tree entry and/or listing). */
type Job = HashJob & { entry?: HashTreeEntry; listed?: ListedFile; rel: string; st: Stats };

/** What one walk of the folder found. */
interface Walk {
  top: DirNode;
  jobs: Job[];
  files: number;
  bytes: number;
  listing?: FileListing;
  sources?: Map<string, string>;
}

/**
 * Walk the folder once (`lstat` per file): tree entries with sizes or cached
 * hashes, the listing when asked for, and the files that must be read.
 * Links are recorded, never followed; sockets, FIFOs and devices skipped.
 */
function walkFolder(root: string, options: HashTreeOptions): Walk {
  const ignore = new Set(options.ignore ?? []);
  const listing: FileListing | undefined = options.listing ? { files: [], links: [], emptyDirs: [] } : undefined;
  const w: Walk = { top: { entries: [], dirs: [] }, jobs: [], files: 0, bytes: 0, listing };
  if (listing) w.sources = new Map();
  const needsContent = options.computeHash || listing !== undefined;
  const addFile = (node: DirNode, name: string, full: string, rel: string) => {
    const st = lstatSync(full);
    w.files++;
    w.bytes += st.size;
    const cached = needsContent ? options.cache?.lookup(rel, st) : undefined;
    const entry: HashTreeEntry = { name, kind: "blob", hash: options.computeHash ? cached ?? "" : String(st.size) };
    node.entries.push(entry);
    let listed: ListedFile | undefined;
    if (listing) {
      listed = { path: rel, sha1: cached ?? "", mode: st.mode & 0o7777, size: st.size };
      listing.files.push(listed);
      w.sources!.set(rel, full);
    }
    if (needsContent && cached === undefined) {
      w.jobs.push({ path: full, size: st.size, entry: options.computeHash ? entry : undefined, listed, rel, st });
    }
  };
  const walk = (dir: string, rel: string, node: DirNode) => {
    const dirents = readdirSync(dir, { withFileTypes: true });
    if (dirents.length === 0 && rel) listing?.emptyDirs.push(rel);
    for (const d of dirents) {
      // A restore's staging folder (left by a killed one) is dws's, never the data's.
      if (d.name.startsWith(RESTORE_TEMP_PREFIX)) continue;
      const full = join(dir, d.name);
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isSymbolicLink()) {
        const target = readlinkSync(full);
        node.entries.push({ name: d.name, kind: "link", hash: sha1Hex(target) });
        listing?.links.push([r, target]);
      } else if (d.isDirectory()) {
        if (ignore.has(d.name)) continue;
        const child: DirNode = { entries: [], dirs: [] };
        node.dirs.push([d.name, child]);
        walk(full, r, child);
      } else if (d.isFile()) addFile(node, d.name, full, r);
    }
  };
  walk(root, "", w.top);
  return w;
}

/** Hash the jobs on every core with a progress line; returns their hashes in job order. */
async function hashWithProgress(jobs: readonly Job[], options: HashTreeOptions): Promise<string[]> {
  let doneFiles = 0;
  let doneBytes = 0;
  const totalBytes = jobs.reduce((n, j) => n + j.size, 0);
  const start = Date.now();
  const show = options.output ? throttledProgress(options.output) : undefined;
  const onDone = (job: HashJob) => {
    doneFiles++;
    doneBytes += job.size;
    show?.(() => {
      const rate = doneBytes / Math.max(0.001, (Date.now() - start) / 1000);
      const eta = rate > 0 ? (totalBytes - doneBytes) / rate : 0;
      return `${options.label ?? "Hashing"}: ${doneFiles}/${jobs.length} files, ${formatBytes(doneBytes)}/${
        formatBytes(totalBytes)
      }, ${formatBytes(rate)}/s, ETA ${Math.ceil(eta)}s`;
    });
  };
  const hashes = await hashFiles(jobs, { onDone });
  options.output?.progress(undefined);
  return hashes;
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
  const hashes = await hashWithProgress(w.jobs, options);
  w.jobs.forEach((job, i) => {
    if (job.entry) job.entry.hash = hashes[i];
    if (job.listed) job.listed.sha1 = hashes[i];
    options.cache?.store(job.rel, job.st, hashes[i], startedAt);
  });
  const trees = new Map<string, string>();
  const rootHash = treeHashes(w.top, trees);
  const hashedBytes = w.jobs.reduce((n, j) => n + j.size, 0);
  return {
    rootHash,
    trees,
    files: w.files,
    bytes: w.bytes,
    hashedFiles: w.jobs.length,
    hashedBytes,
    listing: w.listing,
    sources: w.sources,
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
