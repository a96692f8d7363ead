/**
 * The undo record of the last restore: for each data folder it changed, the
 * key of the listing of the folder as it was (kept in the object store with
 * every file the restore overwrote or removed). It lives in the git
 * directory (never shared), stays until the next restore replaces it, and
 * `dws gc` keeps every object it needs.
 *
 * @module
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { gitDirOf } from "../git/git.ts";
import { referencedKeys } from "./listing.ts";
import { isObjectKey, type ObjectStore } from "./object_store.ts";

/** One folder a restore changed. */
export interface UndoFolder {
  /** The resource. */
  name: string;
  /** Its folder. */
  root: string;
  /** Key of the listing of the folder before the restore. */
  before: string;
  /** Key of the listing the restore brought. */
  after: string;
}

/** The undo record. */
export interface UndoRecord {
  /** When the restore ran (ISO time). */
  at: string;
  /** Which run wrote it (one restore command). */
  run: string;
  folders: UndoFolder[];
}

/** The undo record file of the workspace at `wsDir`. */
export function undoRecordPath(wsDir: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws", "restore_undo.json");
}

/**
 * The undo record, or undefined when there is none (or it is unreadable).
 *
 * @example
 * ```ts
 * readUndoRecord("/ws")?.folders.map((f) => f.name);
 * ```
 */
export function readUndoRecord(wsDir: string): UndoRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(undoRecordPath(wsDir), "utf8"));
    const ok = Array.isArray(r?.folders) &&
      r.folders.every((f: UndoFolder) =>
        typeof f?.name === "string" && typeof f.root === "string" && isObjectKey(String(f.before))
      );
    return ok ? r : undefined;
  } catch {
    return undefined;
  }
}

const runs = new WeakMap<object, string>();
let runCounter = 0;

/**
 * Record that the restore run `run` (any object standing for one command,
 * e.g. its context) is about to change `folder`: the first folder of a new
 * run replaces the record of the previous restore.
 *
 * @example
 * ```ts
 * recordUndo(ctx, "/ws", { name: "data", root: "/data", before: "1a2b...", after: "3c4d..." });
 * ```
 */
export function recordUndo(run: object, wsDir: string, folder: UndoFolder): void {
  let id = runs.get(run);
  if (!id) runs.set(run, id = `${Date.now()}-${runCounter++}`);
  const old = readUndoRecord(wsDir);
  const folders = old?.run === id ? old.folders.filter((f) => f.name !== folder.name) : [];
  const record: UndoRecord = {
    at: old?.run === id ? old.at : new Date().toISOString(),
    run: id,
    folders: [...folders, folder],
  };
  mkdirSync(dirname(undoRecordPath(wsDir)), { recursive: true });
  writeFileAtomic(undoRecordPath(wsDir), JSON.stringify(record, null, 2));
}

/**
 * The objects the undo record needs (its listings and their files), which
 * `dws gc` must keep.
 *
 * @example
 * ```ts
 * for (const k of keysKeptForUndo(store, ws.dir)) keep.add(k);
 * ```
 */
export function keysKeptForUndo(store: ObjectStore, wsDir: string): Set<string> {
  const record = readUndoRecord(wsDir);
  return referencedKeys(store, Object.fromEntries((record?.folders ?? []).map((f) => [f.name, f.before])));
}
