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
import type { FileListing, ListedFile } from "../models/file_listing.ts";
import { type HashTreeEntry, hashTreeOf } from "../models/hash_tree.ts";
import { formatBytes, type Output, throttledProgress } from "../base/output.ts";
import type { StatCache } from "./stat_cache.ts";

/** Options of {@link computeHashTree}. */
export interface HashTreeOptions {
  /** SHA-1 of contents (true) or sizes (false, 1.6's default). */
  computeHash: boolean;
  /** Reuse hashes of unchanged files. */
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
  const ignore = new Set(options.ignore ?? []);
  // A file whose content hash is computed: where the hash goes (tree entry and/or listing).
  type Job = HashJob & { entry?: HashTreeEntry; listed?: ListedFile; rel: string; st: Stats };
  const jobs: Job[] = [];
  const listing: FileListing | undefined = options.listing ? { files: [], links: [], emptyDirs: [] } : undefined;
  const sources = options.listing ? new Map<string, string>() : undefined;
  let files = 0;
  let bytes = 0;
  const walk = (dir: string, rel: string): DirNode => {
    const node: DirNode = { entries: [], dirs: [] };
    const dirents = readdirSync(dir, { withFileTypes: true });
    if (dirents.length === 0 && rel) listing?.emptyDirs.push(rel);
    for (const d of dirents) {
      const full = join(dir, d.name);
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isSymbolicLink()) {
        const target = readlinkSync(full);
        node.entries.push({ name: d.name, kind: "link", hash: sha1Hex(target) });
        listing?.links.push([r, target]);
      } else if (d.isDirectory()) {
        if (!ignore.has(d.name)) node.dirs.push([d.name, walk(full, r)]);
      } else if (d.isFile()) {
        const st = lstatSync(full);
        files++;
        bytes += st.size;
        const cached = options.computeHash || listing ? options.cache?.lookup(r, st) : undefined;
        const entry: HashTreeEntry = {
          name: d.name,
          kind: "blob",
          hash: options.computeHash ? cached ?? "" : String(st.size),
        };
        node.entries.push(entry);
        let listed: ListedFile | undefined;
        if (listing) {
          listed = { path: r, sha1: cached ?? "", mode: st.mode & 0o7777, size: st.size };
          listing.files.push(listed);
          sources!.set(r, full);
        }
        if ((options.computeHash || listing) && cached === undefined) {
          jobs.push({ path: full, size: st.size, entry: options.computeHash ? entry : undefined, listed, rel: r, st });
        }
      }
      // Sockets, FIFOs and devices are not data: skipped.
    }
    return node;
  };
  const startedAt = Date.now();
  const top = walk(root, "");

  let doneFiles = 0;
  let doneBytes = 0;
  const hashedBytes = jobs.reduce((n, j) => n + j.size, 0);
  const start = Date.now();
  const show = options.output ? throttledProgress(options.output) : undefined;
  const onDone = (job: HashJob) => {
    doneFiles++;
    doneBytes += job.size;
    show?.(() => {
      const rate = doneBytes / Math.max(0.001, (Date.now() - start) / 1000);
      const eta = rate > 0 ? (hashedBytes - doneBytes) / rate : 0;
      return `${options.label ?? "Hashing"}: ${doneFiles}/${jobs.length} files, ${formatBytes(doneBytes)}/${
        formatBytes(hashedBytes)
      }, ${formatBytes(rate)}/s, ETA ${Math.ceil(eta)}s`;
    });
  };
  const hashes = await hashFiles(jobs, { onDone });
  options.output?.progress(undefined);
  jobs.forEach((job, i) => {
    if (job.entry) job.entry.hash = hashes[i];
    if (job.listed) job.listed.sha1 = hashes[i];
    options.cache?.store(job.rel, job.st, hashes[i], startedAt);
  });

  const trees = new Map<string, string>();
  const finish = (node: DirNode): string => {
    const entries = [...node.entries];
    for (const [name, child] of node.dirs) entries.push({ name, kind: "tree", hash: finish(child) });
    const { content, hash } = hashTreeOf(entries);
    trees.set(hash, content);
    return hash;
  };
  const rootHash = finish(top);
  return { rootHash, trees, files, bytes, hashedFiles: jobs.length, hashedBytes, listing, sources };
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
