/**
 * Restoring a data folder to a file listing from the object store: exact
 * bytes, modes, links and empty folders; files added since are removed.
 * Unchanged files are recognised by size and SHA-1 (stat cache) and left
 * alone. Nothing is lost: before the folder changes, every file the
 * restore overwrites or removes is kept in the object store with a listing
 * of the folder as it was (restore_undo.ts); every new file is first
 * copied out into a staging folder with its SHA-1 checked, so a bad object
 * stops the restore before any change; a journal lets the next command
 * finish a restore that was killed.
 *
 * @module
 */
import { mkdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { type FileStat, listDir, lstatFile } from "../hash/file_stat.ts";
import { join } from "node:path";
import process from "node:process";
import { ConfigurationError } from "../base/errors.ts";
import { faultPoint } from "../base/fault.ts";
import { hashFileSync } from "../base/hashing.ts";
import { formatBytes, type Output, throttledProgress } from "../base/output.ts";
import { type StatCache, trustedFrom } from "../hash/stat_cache.ts";
import {
  type FileListing,
  type ListedFile,
  RESTORE_TEMP_PREFIX,
  serializeFileListing,
} from "../models/file_listing.ts";
import { applyFolderChanges, type FolderChanges, RealFolders, undoStaging } from "../snapshot/folder_changes.ts";
import { endRestoreJournal, writeRestoreJournal } from "../snapshot/restore_journal.ts";
import { type CopyJob, copyObjectsOut } from "./copy_out.ts";
import type { StatTuple } from "../hash/file_read.ts";
import { CORRUPT_OBJECT_FIX, type ObjectStore } from "./object_store.ts";
import { PROTECTED_MODE } from "../hash/folder_read.ts";

/** The folder as a restore finds it. */
export interface FolderNow {
  /** Regular files (and other non-folders that are not links) by path. */
  files: Map<string, FileStat>;
  /** Links: path → target. */
  links: Map<string, string>;
  /** Every folder. */
  dirs: string[];
  /** Folders with nothing in them. */
  emptyDirs: string[];
  /** dws's own temporaries left by an interrupted restore (removed, never kept), with their kind. */
  debris: [path: string, kind: "dir" | "file"][];
}

/** What a restore will do. */
export interface FolderRestorePlan {
  /** Files to write from the store. */
  write: ListedFile[];
  /** Files whose content is right but mode is not. */
  chmod: ListedFile[];
  /** Paths present now but not in the listing, deepest first, with their kind. */
  remove: [path: string, kind: "dir" | "file"][];
  /** Links to (re)create. */
  links: [string, string][];
  /** Empty folders to create. */
  emptyDirs: string[];
  /** The folder as it is now. */
  now: FolderNow;
  /** Content SHA-1 of the files of `now` that were hashed or found in the stat cache. */
  known: Map<string, string>;
  /** The files of `now` whose content was read to find its SHA-1 (not in the stat cache). */
  hashed: string[];
}

function walkNow(root: string): FolderNow {
  const now: FolderNow = { files: new Map(), links: new Map(), dirs: [], emptyDirs: [], debris: [] };
  const go = (dir: string, rel: string) => {
    const entries = listDir(dir);
    if (entries.length === 0 && rel) now.emptyDirs.push(rel);
    for (const d of entries) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      const full = join(dir, d.name);
      if (d.name.startsWith(RESTORE_TEMP_PREFIX)) now.debris.push([r, d.isDirectory ? "dir" : "file"]);
      else if (d.isSymlink) now.links.set(r, readlinkSync(full));
      else if (d.isDirectory) {
        now.dirs.push(r);
        go(full, r);
      } else now.files.set(r, lstatFile(full));
    }
  };
  // The folder itself may be a link (the user's choice of where data lives): followed; links inside never are.
  try {
    if (statSync(root).isDirectory()) go(root, "");
  } catch { /* a folder that does not exist yet is empty */ }
  return now;
}

/** Every folder the listing needs: the parents of its entries and its empty folders. */
function neededFolders(listing: FileListing): Set<string> {
  const out = new Set<string>(listing.emptyDirs);
  for (const p of [...listing.files.map((f) => f.path), ...listing.links.map(([l]) => l), ...listing.emptyDirs]) {
    for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) out.add(p.slice(0, i));
  }
  return out;
}

/** Paths of `now` the listing does not want, deepest first. */
function removals(now: FolderNow, listing: FileListing): [string, "dir" | "file"][] {
  const wanted = new Set([...listing.files.map((f) => f.path), ...listing.links.map(([p]) => p)]);
  const folders = neededFolders(listing);
  const remove: [string, "dir" | "file"][] = [];
  for (const p of [...now.files.keys(), ...now.links.keys()]) if (!wanted.has(p)) remove.push([p, "file"]);
  for (const d of now.dirs) if (!folders.has(d)) remove.push([d, "dir"]);
  remove.push(...now.debris);
  const depth = (p: string) => p.split("/").length;
  return remove.sort((a, b) => depth(b[0]) - depth(a[0]));
}

/**
 * Compare `root` with `listing` (reading only files whose size matches and
 * whose SHA-1 the stat cache does not know).
 *
 * @example
 * ```ts
 * const plan = planFolderRestore("/data/images", listing);
 * plan.write.length; // files to bring back
 * ```
 */
export function planFolderRestore(
  root: string,
  listing: FileListing,
  options: { cache?: StatCache } = {},
): FolderRestorePlan {
  const now = walkNow(root);
  const known = new Map<string, string>();
  const hashed: string[] = [];
  const write: ListedFile[] = [];
  const chmod: ListedFile[] = [];
  for (const f of listing.files) {
    const st = now.files.get(f.path);
    if (!st || !st.isFile || st.size !== f.size) {
      write.push(f);
      continue;
    }
    let sha = options.cache?.lookup(f.path, st);
    if (sha === undefined) {
      sha = hashFileSync(join(root, f.path));
      hashed.push(f.path);
    }
    known.set(f.path, sha);
    if (sha !== f.sha1) write.push(f);
    else if ((st.mode & 0o7777) !== f.mode) chmod.push(f);
  }
  const links = listing.links.filter(([p, target]) => now.links.get(p) !== target);
  const dirs = new Set(now.dirs);
  const emptyDirs = listing.emptyDirs.filter((d) => !dirs.has(d));
  return { write, chmod, remove: removals(now, listing), links, emptyDirs, now, known, hashed };
}

/** The present content a restore overwrites or removes (dws's own temporaries aside). */
export interface RestoreOverview {
  /** Files and links replaced by the snapshot's version. */
  overwritten: string[];
  /** Files and links removed (added since the snapshot). */
  removed: string[];
}

/**
 * What `plan` overwrites and removes of the folder's present content.
 *
 * @example
 * ```ts
 * const { overwritten, removed } = restoreOverview(plan);
 * ```
 */
export function restoreOverview(plan: FolderRestorePlan): RestoreOverview {
  const { now } = plan;
  const present = (p: string) => now.files.has(p) || now.links.has(p);
  const debris = new Set(now.debris.map(([p]) => p));
  return {
    overwritten: [...plan.write.map((f) => f.path), ...plan.links.map(([p]) => p)].filter(present).sort(),
    removed: plan.remove.filter(([p, kind]) => kind === "file" && !debris.has(p)).map(([p]) => p).sort(),
  };
}

/** A count and the first few names: `5 file(s): a.csv, b.csv, c.csv and 2 more`. */
function countAndNames(paths: readonly string[], first = 3): string {
  const more = paths.length > first ? ` and ${paths.length - first} more` : "";
  return `${paths.length} file(s): ${paths.slice(0, first).join(", ")}${more}`;
}

/**
 * The overview in words, e.g. `overwrites 2 file(s): a.csv, b.csv (changed
 * since the snapshot) and removes 1 file(s): new.csv (added since)`.
 *
 * @example
 * ```ts
 * overviewText({ overwritten: ["a.csv"], removed: [] }); // "overwrites 1 file(s): a.csv (changed since the snapshot)"
 * ```
 */
export function overviewText(overview: RestoreOverview): string {
  const parts = [];
  if (overview.overwritten.length) {
    parts.push(`overwrites ${countAndNames(overview.overwritten)} (changed since the snapshot)`);
  }
  if (overview.removed.length) parts.push(`removes ${countAndNames(overview.removed)} (added since)`);
  return parts.join(" and ");
}

/** Below this size a file is kept in one read (hash and store from memory). */
const SMALL_FILE = 8 << 20;

/** Put the file `full` into the store; returns its key. */
function keepFile(store: ObjectStore, full: string, size: number): string {
  if (size < SMALL_FILE) return store.putBytes(readFileSync(full));
  const key = hashFileSync(full);
  store.putFile(full, { key });
  return key;
}

/**
 * Keep the folder as it is before `plan` changes it: every file not already
 * in the store goes in (files the snapshot also has are not read again),
 * then a listing of the whole folder; returns that listing's key.
 */
export function keepFolderState(
  root: string,
  plan: FolderRestorePlan,
  options: { store: ObjectStore; cache?: StatCache; output?: Output },
): string {
  const { store } = options;
  const files: ListedFile[] = [];
  const show = options.output ? throttledProgress(options.output) : undefined;
  let kept = 0;
  for (const [rel, st] of plan.now.files) {
    if (!st.isFile) continue;
    let sha = plan.known.get(rel) ?? options.cache?.lookup(rel, st);
    if (sha === undefined || !store.has(sha)) {
      sha = keepFile(store, join(root, rel), st.size);
      show?.(() => `Keeping the present files: ${++kept}`);
    }
    files.push({ path: rel, sha1: sha, mode: st.mode & 0o7777, size: st.size });
  }
  options.output?.progress(undefined);
  const links = [...plan.now.links];
  return store.putBytes(serializeFileListing({ files, links, emptyDirs: plan.now.emptyDirs }));
}

/** Options of {@link restoreFolderTo}. */
export interface RestoreFolderOptions {
  /** The object store holding the listing's objects (and where the present content is kept). */
  store: ObjectStore;
  /** The workspace: its git directory holds the restore journal. */
  wsDir: string;
  /** The resource, for messages. */
  resource: string;
  /** The folder's stat cache. */
  cache?: StatCache;
  /** Where progress goes. */
  output?: Output;
  /** Asked before anything changes when present content will be overwritten or removed; throws to stop. */
  confirm?: (overview: RestoreOverview) => Promise<void>;
  /** Told the key of the listing of the folder as it was, once it is kept and before anything changes. */
  kept?: (beforeKey: string) => void;
  /** Protected link mode: read-only files become hard links to their (read-only) objects, not copies. */
  link?: boolean;
}

/** What a restore did. */
export interface FolderRestoreResult {
  /** Files written from the store. */
  written: number;
  /** Present content overwritten and removed. */
  overview: RestoreOverview;
  /** Modes fixed. */
  chmod: number;
  /** Whether anything changed. */
  changed: boolean;
}

let stagingCounter = 0;

/** The ancestors of `path`, parents first (`a`, `a/b` for `a/b/c`). */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) out.push(path.slice(0, i));
  return out;
}

/**
 * The changes of `plan`. A new file goes straight to its place when nothing
 * is there and no file or link stands on the way (every folder above it is
 * a folder now or will be made); otherwise it is staged and moved later.
 */
function changesOf(plan: FolderRestorePlan, root: string): FolderChanges {
  const { now } = plan;
  const dirs = new Set(now.dirs);
  const blocked = (p: string) => now.files.has(p) || now.links.has(p);
  const direct: string[] = [];
  const place: string[] = [];
  const newDirs = new Set<string>();
  for (const { path } of plan.write) {
    const above = ancestors(path);
    if (blocked(path) || dirs.has(path) || above.some(blocked)) place.push(path);
    else {
      direct.push(path);
      for (const d of above) if (!dirs.has(d)) newDirs.add(d);
    }
  }
  return {
    root,
    staging: join(root, `${RESTORE_TEMP_PREFIX}${process.pid}-${stagingCounter++}`),
    direct,
    newDirs: [...newDirs].sort((a, b) => a.split("/").length - b.split("/").length),
    remove: plan.remove,
    place,
    chmod: plan.chmod.map((f) => [f.path, f.mode]),
    links: plan.links,
    emptyDirs: plan.emptyDirs,
  };
}

/** The copy jobs of `changes`: direct files to their place (folders made first), the others to the staging folder. */
function copyJobs(listing: Map<string, ListedFile>, changes: FolderChanges, store: ObjectStore): CopyJob[] {
  // Folders made once each; every folder on the way checked (lstat) once, never a link.
  const folders = new RealFolders(changes.root);
  for (const d of changes.newDirs) folders.ensure(d);
  for (const p of changes.direct) folders.ensureParent(p);
  if (changes.place.length) mkdirSync(changes.staging, { recursive: true });
  const job = (path: string, dest: string) => {
    const f = listing.get(path)!;
    return { src: store.path(f.sha1), dest, key: f.sha1, size: f.size, mode: f.mode };
  };
  return [
    ...changes.direct.map((p) => job(p, join(changes.root, p))),
    ...changes.place.map((p, i) => job(p, join(changes.staging, String(i)))),
  ];
}

/**
 * Copy every new file out, checking SHA-1s (in link mode, protected files
 * are linked to their objects instead); a bad or missing object stops here
 * and what was written is taken back: nothing changed. Returns the stat of
 * every file copied, by destination.
 */
async function stage(
  plan: FolderRestorePlan,
  changes: FolderChanges,
  options: RestoreFolderOptions,
): Promise<Map<string, StatTuple>> {
  if (!plan.write.length) return new Map();
  const { store } = options;
  const show = options.output ? throttledProgress(options.output) : undefined;
  const totalBytes = plan.write.reduce((n, f) => n + f.size, 0);
  let files = 0;
  let bytes = 0;
  const onDone = (job: { size: number }) => {
    files++;
    bytes += job.size;
    show?.(() =>
      `Restoring ${options.resource}: ${files}/${plan.write.length} files, ${formatBytes(bytes)}/${
        formatBytes(totalBytes)
      }`
    );
  };
  const jobs = copyJobs(new Map(plan.write.map((f) => [f.path, f])), changes, store).filter((j) => {
    // In link mode a protected file is its object: linked, not copied (fsck checks objects).
    if (!options.link || j.mode !== PROTECTED_MODE || !store.linkOut(j.key, j.dest)) return true;
    onDone(j);
    return false;
  });
  const problems = await copyObjectsOut(jobs, { onDone });
  options.output?.progress(undefined);
  // Links are looked at later: a stat right after each link costs more than all of them after.
  if (!problems.corrupt.length && !problems.missing.length) return problems.written;
  undoStaging(changes);
  endRestoreJournal(options.wsDir);
  if (problems.corrupt.length) store.refuseCorrupt([...new Set(problems.corrupt)], CORRUPT_OBJECT_FIX);
  throw new ConfigurationError(
    `${new Set(problems.missing).size} object(s) of the snapshot of '${options.resource}' are not in the object ` +
      `store (${store.dir}); nothing was changed; run 'dws pull' to fetch them`,
  );
}

/**
 * Teach the stat cache every file the folder now has (written, re-moded or
 * hashed by this restore): the next snapshot or restore reads none of them
 * again. `made` has the stat of files made in place (others are looked at);
 * `startedAt` is when the folder was first looked at.
 */
async function updateCache(
  root: string,
  plan: FolderRestorePlan,
  options: { cache: StatCache; startedAt: number; made?: Map<string, StatTuple> },
): Promise<void> {
  const { cache, made } = options;
  const now = Date.now();
  const touched = [...plan.write, ...plan.chmod];
  const late: ListedFile[] = [];
  for (const f of touched) {
    const full = join(root, f.path);
    const m = made?.get(full);
    const st = m ? { size: m[0], mtimeMs: m[1], ino: m[2], ctimeMs: m[3] } : lstatFile(full);
    if (trustedFrom(st) > now) late.push(f);
    else cache.store(f.path, st, f.sha1, now);
  }
  await rereadLate(root, late, cache);
  const unchanged = new Set(plan.hashed);
  for (const f of touched) unchanged.delete(f.path);
  for (const p of unchanged) cache.store(p, plan.now.files.get(p)!, plan.known.get(p)!, options.startedAt);
  cache.save();
}

/**
 * Files written in the last few milliseconds could still be edited unseen
 * (a stat cannot tell): read once the clock has moved on, so even they are
 * known to the next snapshot.
 */
async function rereadLate(root: string, late: readonly ListedFile[], cache: StatCache): Promise<void> {
  if (!late.length) return;
  const until = late.reduce((t, f) => Math.max(t, trustedFrom(lstatFile(join(root, f.path)))), 0);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now() + 1)));
  const startedAt = Date.now();
  for (const f of late) {
    const full = join(root, f.path);
    const st = lstatFile(full);
    const sha = hashFileSync(full);
    if (sha === f.sha1) cache.store(f.path, st, sha, startedAt);
  }
}

/**
 * Make the folder `root` equal to `listing`, keeping what it overwrites or
 * removes (see the module doc).
 *
 * @example
 * ```ts
 * await restoreFolderTo("/data/images", listing, { store, wsDir: "/ws", resource: "images" });
 * ```
 */
export async function restoreFolderTo(
  root: string,
  listing: FileListing,
  options: RestoreFolderOptions,
): Promise<FolderRestoreResult> {
  const startedAt = Date.now();
  const plan = planFolderRestore(root, listing, { cache: options.cache });
  const overview = restoreOverview(plan);
  const result = { written: plan.write.length, overview, chmod: plan.chmod.length, changed: false };
  const changes = changesOf(plan, root);
  if (!plan.write.length && !plan.remove.length && !plan.chmod.length && !plan.links.length && !plan.emptyDirs.length) {
    if (options.cache) await updateCache(root, plan, { cache: options.cache, startedAt });
    return result;
  }
  if (overview.overwritten.length || overview.removed.length) await options.confirm?.(overview);
  mkdirSync(root, { recursive: true });
  writeRestoreJournal(options.wsDir, { resource: options.resource, phase: "staging", changes });
  // By where each copy was made: a staged file, moved since (a new ctime), is not found under its own path.
  const made = await stage(plan, changes, options);
  faultPoint("restore-staged");
  // Not evaluated when nobody asks to keep the present state (a folder created by clone).
  options.kept?.(keepFolderState(root, plan, options));
  writeRestoreJournal(options.wsDir, { resource: options.resource, phase: "applying", changes });
  applyFolderChanges(changes);
  endRestoreJournal(options.wsDir);
  if (options.cache) await updateCache(root, plan, { cache: options.cache, startedAt, made });
  return { ...result, changed: true };
}
