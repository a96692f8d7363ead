/**
 * Restoring a data folder to a file listing from the object store: exact
 * bytes, modes, links and empty folders; files added since are removed.
 * Unchanged files are recognised by size and SHA-1 (stat cache) and left alone.
 *
 * @module
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  type Stats,
  symlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { hashFileSync } from "../base/hashing.ts";
import type { FileListing, ListedFile } from "../models/file_listing.ts";
import type { ObjectStore } from "./object_store.ts";
import type { StatCache } from "../hash/stat_cache.ts";
import { PROTECTED_MODE } from "../hash/folder_read.ts";

/** What a restore will do. */
export interface FolderRestorePlan {
  /** Files to write from the store. */
  write: ListedFile[];
  /** Files whose content is right but mode is not. */
  chmod: ListedFile[];
  /** Files, links and folders present now but not in the listing. */
  remove: string[];
  /** Links to (re)create. */
  links: [string, string][];
  /** Empty folders to create. */
  emptyDirs: string[];
}

function walk(root: string): { files: Map<string, Stats>; dirs: string[] } {
  const files = new Map<string, Stats>();
  const dirs: string[] = [];
  const go = (dir: string, rel: string) => {
    if (!existsSync(dir)) return;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      const full = join(dir, d.name);
      if (d.isDirectory() && !d.isSymbolicLink()) {
        dirs.push(r);
        go(full, r);
      } else files.set(r, lstatSync(full));
    }
  };
  go(root, "");
  return { files, dirs };
}

/**
 * Compare `root` with `listing`.
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
  const now = walk(root);
  const wanted = new Set([...listing.files.map((f) => f.path), ...listing.links.map(([p]) => p)]);
  const write: ListedFile[] = [];
  const chmod: ListedFile[] = [];
  for (const f of listing.files) {
    const st = now.files.get(f.path);
    if (!st || !st.isFile() || st.size !== f.size) {
      write.push(f);
      continue;
    }
    const sha = options.cache?.lookup(f.path, st) ?? hashFileSync(join(root, f.path));
    if (sha !== f.sha1) write.push(f);
    else if ((st.mode & 0o7777) !== f.mode) chmod.push(f);
  }
  const links = listing.links.filter(([p, target]) => {
    const st = now.files.get(p);
    return !st || !st.isSymbolicLink() || readlinkSync(join(root, p)) !== target;
  });
  const remove = [...now.files.keys()].filter((p) => !wanted.has(p));
  // Folders that hold nothing wanted go too.
  remove.push(...now.dirs.filter((d) => !wantedUnder(d, wanted, listing.emptyDirs)));
  return { write, chmod, remove, links, emptyDirs: listing.emptyDirs.filter((d) => !now.dirs.includes(d)) };
}

function wantedUnder(dir: string, wanted: Set<string>, emptyDirs: readonly string[]): boolean {
  const prefix = dir + "/";
  for (const p of wanted) if (p.startsWith(prefix)) return true;
  return emptyDirs.some((d) => d === dir || d.startsWith(prefix));
}

/** Carry out a plan; with `link` (protected link mode), read-only files become hard links to their objects. */
export function applyFolderRestore(
  root: string,
  plan: FolderRestorePlan,
  store: ObjectStore,
  options: { link?: boolean } = {},
): void {
  mkdirSync(root, { recursive: true });
  // Removals first: a file may give way to a folder of the same name.
  const removals = [...plan.remove].sort((a, b) => b.split("/").length - a.split("/").length);
  for (const p of removals) {
    const full = join(root, p);
    let st;
    try {
      st = lstatSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      try {
        rmdirSync(full);
      } catch {
        rmSync(full, { recursive: true, force: true });
      }
    } else rmSync(full, { force: true });
  }
  for (const f of plan.write) {
    const dest = join(root, f.path);
    if (existsSync(dest) && lstatSync(dest).isDirectory()) rmSync(dest, { recursive: true, force: true });
    if (options.link && f.mode === PROTECTED_MODE && store.linkOut(f.sha1, dest)) continue;
    store.copyOut(f.sha1, dest, f.mode);
  }
  for (const f of plan.chmod) chmodSync(join(root, f.path), f.mode);
  for (const [p, target] of plan.links) {
    const dest = join(root, p);
    rmSync(dest, { force: true });
    mkdirSync(dirname(dest), { recursive: true });
    symlinkSync(target, dest);
  }
  for (const d of plan.emptyDirs) mkdirSync(join(root, d), { recursive: true });
}
