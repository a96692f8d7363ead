/**
 * `dws unprotect PATH...`: in protected link mode, data files are read-only
 * hard links to their objects; editing one in place would change the object
 * and so every snapshot that has it. Unprotecting replaces each file under
 * the paths by a writable copy of itself (the object stays as it is); the
 * next snapshot stores whatever the file then holds.
 *
 * @module
 */
import { chmodSync, copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { ConfigurationError } from "../base/errors.ts";
import { isInside } from "../base/paths.ts";
import { listDir, lstatFile } from "../hash/file_stat.ts";
import type { Workspace } from "../workspace/workspace.ts";

/** What `dws unprotect` did. */
export interface UnprotectResult {
  /** Files replaced by writable copies. */
  files: number;
  /** Files that were writable copies already. */
  unchanged: number;
}

let counter = 0;

/** The data folder (of a resource whose contents the object store keeps) holding `path`; fails if none. */
function dataFolderOf(ws: Workspace, path: string): string {
  if (!existsSync(path)) throw new ConfigurationError(`${path} does not exist`);
  const r = ws.resources.find((r) =>
    r.type.storesObjects === true && r.localPath !== undefined &&
    isInside(path, r.localPath)
  );
  if (!r) {
    throw new ConfigurationError(
      `${path} is not in a data folder of this workspace (a local-files or rclone resource's folder)`,
    );
  }
  return r.localPath!;
}

/** Regular files at or under `path`; links are not followed. */
function filesUnder(path: string): string[] {
  const st = lstatFile(path);
  if (st.isFile) return [path];
  if (!st.isDirectory) return [];
  return listDir(path).flatMap((e) => (e.isSymlink ? [] : filesUnder(join(path, e.name))));
}

/** Replace `file` by a writable copy of itself (atomically, in its folder). */
function unprotectFile(file: string, mode: number): void {
  const tmp = join(dirname(file), `.dws-unprotect-${process.pid}-${counter++}`);
  try {
    copyFileSync(file, tmp);
    chmodSync(tmp, (mode & 0o7777) | 0o200);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Make the files at or under `paths` (relative to `cwd`) writable copies.
 * Every path is checked before any file changes.
 *
 * @example
 * ```ts
 * const { files } = unprotectPaths(ws, ["data/train.csv"], { cwd: process.cwd() });
 * ```
 */
export function unprotectPaths(ws: Workspace, paths: readonly string[], options: { cwd: string }): UnprotectResult {
  const absolute = paths.map((p) => resolve(options.cwd, p));
  for (const p of absolute) dataFolderOf(ws, p);
  const result: UnprotectResult = { files: 0, unchanged: 0 };
  for (const file of new Set(absolute.flatMap(filesUnder))) {
    const st = lstatFile(file);
    if (st.nlink > 1 || (st.mode & 0o200) === 0) {
      unprotectFile(file, st.mode);
      result.files++;
    } else result.unchanged++;
  }
  return result;
}
