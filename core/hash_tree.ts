/**
 * Computing and storing the hash tree of a folder (local-files and rclone
 * resources). Unchanged files are never re-read (stat cache), changed ones
 * are hashed on every core; the result is byte-identical to 1.6's trees.
 *
 * @module
 */
import { chmodSync, existsSync, lstatSync, readdirSync, readlinkSync, type Stats, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashFiles, type HashJob } from "./hash_pool.ts";
import { sha1Hex } from "./hashing.ts";
import { type HashTreeEntry, hashTreeOf } from "./models/hash_tree.ts";
import type { Output } from "./output.ts";
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
}

interface DirNode {
  entries: HashTreeEntry[];
  dirs: [string, DirNode][];
  /** Files whose content hash is still to be computed. */
  pending: { entry: HashTreeEntry; rel: string; st: Stats }[];
}

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
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
  const jobs: (HashJob & { entry: HashTreeEntry; rel: string; st: Stats })[] = [];
  let files = 0;
  let bytes = 0;
  const walk = (dir: string, rel: string): DirNode => {
    const node: DirNode = { entries: [], dirs: [], pending: [] };
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, d.name);
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isSymbolicLink()) {
        node.entries.push({ name: d.name, kind: "link", hash: sha1Hex(readlinkSync(full)) });
      } else if (d.isDirectory()) {
        if (!ignore.has(d.name)) node.dirs.push([d.name, walk(full, r)]);
      } else if (d.isFile()) {
        const st = lstatSync(full);
        files++;
        bytes += st.size;
        if (!options.computeHash) {
          node.entries.push({ name: d.name, kind: "blob", hash: String(st.size) });
          continue;
        }
        const cached = options.cache?.lookup(r, st);
        const entry: HashTreeEntry = { name: d.name, kind: "blob", hash: cached ?? "" };
        node.entries.push(entry);
        if (cached === undefined) jobs.push({ path: full, size: st.size, entry, rel: r, st });
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
  let lastShown = 0;
  const onDone = (job: HashJob) => {
    doneFiles++;
    doneBytes += job.size;
    const now = Date.now();
    if (!options.output || now - lastShown < 200) return;
    lastShown = now;
    const rate = doneBytes / Math.max(0.001, (now - start) / 1000);
    const eta = rate > 0 ? (hashedBytes - doneBytes) / rate : 0;
    options.output.progress(
      `${options.label ?? "Hashing"}: ${doneFiles}/${jobs.length} files, ${formatBytes(doneBytes)}/${
        formatBytes(hashedBytes)
      }, ${formatBytes(rate)}/s, ETA ${Math.ceil(eta)}s`,
    );
  };
  const hashes = await hashFiles(jobs, { onDone });
  options.output?.progress(undefined);
  jobs.forEach((job, i) => {
    job.entry.hash = hashes[i];
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
  return { rootHash, trees, files, bytes, hashedFiles: jobs.length, hashedBytes };
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
