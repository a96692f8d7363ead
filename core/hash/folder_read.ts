/**
 * Reading the files of a folder walk once each, on every core: their SHA-1
 * and, for a folder whose contents are kept (the object store as a
 * {@link ContentSink}), their bytes, written to the store as they are hashed
 * or hard-linked into it in protected link mode. A file that changed while it
 * was read is read once more; if it is still changing the read fails with a
 * line naming it. So every kept content matches its key, and every recorded
 * hash is the content of one consistent version of its file.
 *
 * @module
 */
import { rmSync } from "node:fs";
import { ConfigurationError, systemErrorMessage } from "../base/errors.ts";
import { formatBytes, type Output, throttledProgress } from "../base/output.ts";
import type { ListedFile } from "../models/file_listing.ts";
import type { HashTreeEntry } from "../models/hash_tree.ts";
import { READ_IO, readFileOnce, type ReadJob, type ReadResult } from "./file_read.ts";
import { type FileStat, lstatFile } from "./file_stat.ts";
import { readFiles } from "./pool.ts";
import type { StatCache, StatLike } from "./stat_cache.ts";

/** The mode of a file kept by protected hard link: read-only for everyone. */
export const PROTECTED_MODE = 0o444;

/** True when a file of `mode` may be kept by protected hard link (it is `PROTECTED_MODE` once write bits go). */
export function linkableMode(mode: number): boolean {
  return (mode & 0o7777 & ~0o222) === PROTECTED_MODE;
}

/** Where the contents read in a walk are kept: the object store. */
export interface ContentSink {
  /** Keep files by protected hard link instead of copies. */
  readonly link: boolean;
  /** A new temporary file name on the store's file system. */
  tmpPath(): string;
  /** The content-addressed folder: content `key` is kept at `fanOutPath(dir, key)`. */
  readonly dir: string;
  /** Keep the temporary file `tmp` as content `key`, or remove it when `key` is kept already; true when kept now. */
  adopt(tmp: string, key: string): boolean;
  /** True when content `key` is kept. */
  has(key: string): boolean;
  /** Changes whenever kept contents are removed: what was kept at one epoch is still kept while it stays. */
  epoch(): string;
  /** The inode of content `key`, when kept. */
  inodeOf(key: string): number | undefined;
  /** Move content `key` aside: it no longer matches its key. */
  setAside(key: string): void;
}

/** One file of the walk whose content is read, or may have to be. */
export interface FileJob extends ReadJob {
  /** Path relative to the folder. */
  rel: string;
  /** Its `lstat` in the walk. */
  st: FileStat;
  /** The hash-tree entry to fill in. */
  entry: HashTreeEntry;
  /** The listing entry to fill in. */
  listed?: ListedFile;
  /** The hash the stat cache gave (files not read unless their content must be kept again). */
  cached?: string;
}

/** A kept content found changed in place: it was hard-linked to a file that was edited. */
export interface DamagedObject {
  /** The content's key. */
  key: string;
  /** The edited file, relative to the folder. */
  path: string;
  /** Another file still had the content: the object is kept again, no snapshot lost it. */
  recovered: boolean;
}

/** What reading the files did. */
export interface FolderRead {
  /** Files read. */
  files: number;
  /** Their bytes. */
  bytes: number;
  /** Contents newly kept. */
  stored: number;
  /** Their bytes. */
  storedBytes: number;
  /** Kept contents found changed in place (set aside). */
  damaged: DamagedObject[];
}

/** How to read: where contents go, the stat cache, progress. */
export interface ReadContext {
  /** Hash-tree entries hold content hashes (else sizes). */
  computeHash: boolean;
  /** Where contents are kept (none: hash only). */
  sink?: ContentSink;
  /** The stat cache to fill in. */
  cache?: StatCache;
  /** Where progress goes. */
  output?: Output;
  /** Label for progress lines. */
  label?: string;
  /** When the walk started (ms since epoch): younger files are not trusted from the cache later. */
  startedAt: number;
}

/**
 * Read the files the stat cache did not know (`misses`), plus those it knew
 * (`cached`) whose content must be kept again; fill in their hashes.
 *
 * @example
 * ```ts
 * const read = await readFolderFiles(walk.misses, walk.cached, { computeHash: true, startedAt: Date.now() });
 * ```
 */
export async function readFolderFiles(misses: FileJob[], cached: FileJob[], ctx: ReadContext): Promise<FolderRead> {
  const out: FolderRead = { files: 0, bytes: 0, stored: 0, storedBytes: 0, damaged: [] };
  const sink = ctx.sink;
  // While the store has removed nothing since the cache was saved, every cached content is still kept.
  const trusted = !sink || ctx.cache?.storeEpoch === sink.epoch();
  const jobs = trusted ? misses : [...misses, ...cached.filter((j) => !sink.has(j.cached!))];
  const suspects = await readAll(jobs, ctx, out);
  if (!sink) return out;
  const damaged = setAsideDamaged(sink, suspects, out);
  if (damaged.size) {
    await readAll(cached.filter((j) => damaged.has(j.cached!)), ctx, out);
    for (const d of out.damaged) d.recovered = sink.has(d.key);
  }
  if (ctx.cache) ctx.cache.storeEpoch = sink.epoch();
  return out;
}

/** A file whose content changed under an inode it shared with other links: maybe a kept content's. */
interface Suspect {
  key: string;
  ino: number;
  path: string;
}

/** Read `jobs` and record them; returns the files that changed under a shared inode. */
async function readAll(jobs: FileJob[], ctx: ReadContext, out: FolderRead): Promise<Suspect[]> {
  if (!jobs.length) return [];
  const sink = ctx.sink;
  if (sink) {
    for (const job of jobs) {
      job.keep = sink.tmpPath();
      job.store = sink.dir;
      job.protect = sink.link && linkableMode(job.st.mode) ? PROTECTED_MODE : undefined;
    }
  }
  const suspects: Suspect[] = [];
  try {
    const results = await readWithProgress(jobs, ctx);
    jobs.forEach((job, i) => {
      const r = consistent(results[i]) ? results[i] : readAgain(job, results[i], ctx);
      const suspect = record(job, r, ctx, out);
      if (suspect) suspects.push(suspect);
    });
  } catch (e) {
    // Kept files already moved into the store are gone from here; the others must not linger.
    for (const job of jobs) if (job.keep) rmSync(job.keep, { force: true });
    throw e;
  }
  return suspects;
}

async function readWithProgress(jobs: readonly FileJob[], ctx: ReadContext): Promise<ReadResult[]> {
  let doneFiles = 0;
  let doneBytes = 0;
  const totalBytes = jobs.reduce((n, j) => n + j.size, 0);
  const start = Date.now();
  const show = ctx.output ? throttledProgress(ctx.output) : undefined;
  const onDone = (job: ReadJob) => {
    doneFiles++;
    doneBytes += job.size;
    show?.(() => {
      const rate = doneBytes / Math.max(0.001, (Date.now() - start) / 1000);
      const eta = rate > 0 ? (totalBytes - doneBytes) / rate : 0;
      return `${ctx.label ?? "Hashing"}: ${doneFiles}/${jobs.length} files, ${formatBytes(doneBytes)}/${
        formatBytes(totalBytes)
      }, ${formatBytes(rate)}/s, ETA ${Math.ceil(eta)}s`;
    });
  };
  const results = await readFiles(jobs, { onDone });
  ctx.output?.progress(undefined);
  return results;
}

/** The read saw one version of the file: the one the walk listed (`expect`), unchanged to the last byte. */
function consistent(r: ReadResult): boolean {
  return r.error === undefined && r.stable;
}

/** The file changed while it was read: drop what was kept, read it once more, fail if it changes again. */
function readAgain(job: FileJob, first: ReadResult, ctx: ReadContext): ReadResult {
  if (first.error !== undefined && first.code !== "ENOENT") {
    // A full disk is the store's (the copy being written), any other failure the file's.
    const full = first.code === "ENOSPC" || first.code === "EDQUOT";
    const system = systemErrorMessage({ code: first.code, path: full ? job.keep ?? job.path : job.path });
    throw new ConfigurationError(system ?? `Cannot read ${job.path}: ${first.error}`);
  }
  if (job.keep) rmSync(job.keep, { force: true });
  const changing = new ConfigurationError(
    `File ${job.path} kept changing while the snapshot read it; snapshot again once nothing writes to it`,
  );
  try {
    job.st = lstatFile(job.path);
  } catch {
    throw changing;
  }
  job.size = job.st.size;
  job.expect = [job.st.size, job.st.mtimeMs, job.st.ino];
  if (ctx.sink) job.keep = ctx.sink.tmpPath();
  if (job.protect !== undefined && !linkableMode(job.st.mode)) job.protect = undefined;
  const r = readFileOnce(READ_IO, job, new Uint8Array(1 << 20));
  if (consistent(r)) return r;
  if (job.keep) rmSync(job.keep, { force: true });
  throw changing;
}

/** Fill in the hashes of a file read, keep its content, remember it in the stat cache. */
function record(job: FileJob, r: ReadResult, ctx: ReadContext, out: FolderRead): Suspect | undefined {
  const [size, mtimeMs, ino, ctimeMs, mode] = r.stat;
  out.files++;
  out.bytes += size;
  if (r.kept === "new" || (job.keep && !r.kept && ctx.sink!.adopt(job.keep, r.hash))) {
    out.stored++;
    out.storedBytes += size;
  }
  job.entry.hash = ctx.computeHash ? r.hash : String(size);
  if (job.listed) Object.assign(job.listed, { sha1: r.hash, mode: mode & 0o7777, size });
  // Linking and renaming changed the file's ctime: its cache entry needs the stat after them.
  const st: StatLike | undefined = r.linked && !r.kept
    ? unchangedSince(job.path, size, mtimeMs)
    : { size, mtimeMs, ino, ctimeMs };
  if (st) ctx.cache?.store(job.rel, st, r.hash, ctx.startedAt);
  const previous = ctx.cache?.previous(job.rel, job.st.ino);
  if (previous !== undefined && previous !== r.hash && job.st.nlink > 1) {
    return { key: previous, ino: job.st.ino, path: job.rel };
  }
  return undefined;
}

function unchangedSince(path: string, size: number, mtimeMs: number): StatLike | undefined {
  try {
    const now = lstatFile(path);
    return now.size === size && now.mtimeMs === mtimeMs ? now : undefined;
  } catch {
    return undefined;
  }
}

/** Kept contents that share their inode with a file edited since: set aside; returns their keys. */
function setAsideDamaged(sink: ContentSink, suspects: readonly Suspect[], out: FolderRead): Set<string> {
  const keys = new Set<string>();
  for (const s of suspects) {
    if (keys.has(s.key) || sink.inodeOf(s.key) !== s.ino) continue;
    sink.setAside(s.key);
    keys.add(s.key);
    out.damaged.push({ key: s.key, path: s.path, recovered: false });
  }
  return keys;
}
