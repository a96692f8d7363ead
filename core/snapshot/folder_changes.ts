/**
 * The changes a restore makes to a data folder once every new file is
 * copied out and verified: new files where nothing was are written in
 * place, the others into a staging folder inside the data folder. Then:
 * removals, staged files moved into place, modes, links and empty folders.
 * Applying is idempotent, so an interrupted restore is finished by applying
 * the same changes again (see restore_journal.ts); a restore stopped before
 * applying is undone by removing what staging wrote. Nothing is ever
 * written through a link: each folder on the way must be a real folder
 * (lstat).
 *
 * @module
 */
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  symlinkSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../base/errors.ts";
import { faultPoint } from "../base/fault.ts";

/** What a restore changes in one folder. */
export interface FolderChanges {
  /** The data folder. */
  root: string;
  /** The staging folder inside it holding new files that replace something, named by their index in `place`. */
  staging: string;
  /** New files written in place while staging (nothing was at their path). */
  direct: string[];
  /** Folders made for them, parents first. */
  newDirs: string[];
  /** Paths to remove, deepest first: `dir` for folders (removed with all they hold), `file` otherwise. */
  remove: [path: string, kind: "dir" | "file"][];
  /** Staged files to move into place (the staged file `String(i)` goes to `place[i]`). */
  place: string[];
  /** Files whose mode changes. */
  chmod: [path: string, mode: number][];
  /** Links to (re)create: path → target. */
  links: [path: string, target: string][];
  /** Empty folders to create. */
  emptyDirs: string[];
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Makes folders below a root, checking that none on the way is a link or a
 * file; each folder checked once.
 *
 * @example
 * ```ts
 * new RealFolders("/data").ensure("a/b"); // throws if /data/a is a link
 * ```
 */
export class RealFolders {
  readonly #root: string;
  readonly #known = new Set<string>([""]);

  /** Folders below `root`. */
  constructor(root: string) {
    this.#root = root;
  }

  /** Make sure `rel` (relative to the root) is a real folder, creating what is missing. */
  ensure(rel: string): void {
    if (this.#known.has(rel)) return;
    const slash = rel.lastIndexOf("/");
    this.ensure(slash < 0 ? "" : rel.slice(0, slash));
    const full = join(this.#root, rel);
    const st = lstatOrUndefined(full);
    if (!st) mkdirSync(full);
    else if (!st.isDirectory()) {
      throw new ConfigurationError(
        `Cannot restore into ${full}: it is ${st.isSymbolicLink() ? "a link" : "a file"}, not a folder; ` +
          `nothing is written through it`,
      );
    }
    this.#known.add(rel);
  }

  /** Make sure the folder holding `rel` is real. */
  ensureParent(rel: string): void {
    const slash = rel.lastIndexOf("/");
    this.ensure(slash < 0 ? "" : rel.slice(0, slash));
  }
}

/** Move a staged file into place (a copy when the staging folder is on another file system). */
function moveInto(staged: string, dest: string): void {
  try {
    renameSync(staged, dest);
  } catch (e) {
    if ((e as { code?: string }).code !== "EXDEV") throw e;
    copyFileSync(staged, dest);
    unlinkSync(staged);
  }
}

function removeAll(root: string, remove: FolderChanges["remove"]): void {
  for (const [rel, kind] of remove) {
    const full = join(root, rel);
    const st = lstatOrUndefined(full);
    // Gone already, or (applied before) what the restore put in its place.
    if (!st || st.isDirectory() !== (kind === "dir")) continue;
    if (kind === "dir") rmSync(full, { recursive: true, force: true });
    else unlinkSync(full);
  }
}

/**
 * Apply `changes`; applying them again after an interruption finishes the job.
 *
 * @example
 * ```ts
 * applyFolderChanges({ root, staging, remove: [["old.csv", "file"]], place: ["a.csv"], chmod: [], links: [], emptyDirs: [] });
 * ```
 */
export function applyFolderChanges(changes: FolderChanges): void {
  const { root } = changes;
  const folders = new RealFolders(root);
  removeAll(root, changes.remove);
  faultPoint("restore-apply");
  changes.place.forEach((rel, i) => {
    const staged = join(changes.staging, String(i));
    if (!lstatOrUndefined(staged)) return; // moved already
    folders.ensureParent(rel);
    moveInto(staged, join(root, rel));
  });
  for (const [rel, mode] of changes.chmod) {
    folders.ensureParent(rel);
    const st = lstatSync(join(root, rel));
    if (st.isFile() && (st.mode & 0o7777) !== mode) chmodSync(join(root, rel), mode);
  }
  for (const [rel, target] of changes.links) {
    folders.ensureParent(rel);
    const full = join(root, rel);
    const st = lstatOrUndefined(full);
    if (st?.isSymbolicLink()) unlinkSync(full);
    else if (st) rmSync(full, { recursive: true, force: true });
    symlinkSync(target, full);
  }
  for (const d of changes.emptyDirs) folders.ensure(d);
  rmSync(changes.staging, { recursive: true, force: true });
}

/**
 * Take back what staging wrote (a restore stopped before applying): the
 * files written in place, the folders made for them (when empty) and the
 * staging folder. The data folder is as it was.
 *
 * @example
 * ```ts
 * undoStaging(changes);
 * ```
 */
export function undoStaging(changes: FolderChanges): void {
  for (const rel of changes.direct) rmSync(join(changes.root, rel), { force: true });
  for (const rel of [...changes.newDirs].reverse()) {
    try {
      rmdirSync(join(changes.root, rel));
    } catch { /* not made, or not empty: left alone */ }
  }
  rmSync(changes.staging, { recursive: true, force: true });
}
