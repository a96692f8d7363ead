/**
 * Making results additive (spec §4.7): at snapshot time the files of a
 * results resource move (or, for exported resources, are copied) into the
 * snapshot's folder, made read-only. Folders made by earlier snapshots, a
 * top-level `.git` and the excluded root files stay where they are.
 *
 * @module
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";

/** Options of {@link planResultsMove}. */
export interface PlanOptions {
  /** Source of the regex matching snapshot folders (from `results.dir_template`). */
  templateRegex: string;
  /** Root-level file names that stay in place. */
  excludeFiles: readonly string[];
}

/**
 * The files of the results folder `root` that a snapshot moves, as paths
 * relative to `root`.
 *
 * @example
 * ```ts
 * planResultsMove("/ws/results", { templateRegex: "^snapshots/...$", excludeFiles: ["README.txt"] });
 * ```
 */
export function planResultsMove(root: string, options: PlanOptions): string[] {
  const re = new RegExp(options.templateRegex);
  const exclude = new Set(options.excludeFiles);
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if ((rel === "" && e.name === ".git") || re.test(r)) continue;
        walk(join(dir, e.name), r);
      } else if (!(rel === "" && exclude.has(e.name))) files.push(r);
    }
  };
  if (existsSync(root)) walk(root, "");
  return files;
}

/** One planned move, with what is needed to undo it. */
export interface ResultMove {
  from: string;
  to: string;
  mode: number;
}

/** The moves for `files` into `destRoot` (both relative to the resource root). */
export function resultMoves(root: string, files: readonly string[], destRoot: string): ResultMove[] {
  return files.map((f) => ({ from: f, to: `${destRoot}/${f}`, mode: lstatSync(join(root, f)).mode & 0o7777 }));
}

const readOnly = (mode: number) => mode & ~0o222;

/**
 * Carry out `moves` under `root` (rename, or copy when `copy`), making the
 * destinations read-only and removing folders left empty.
 */
export function applyResultMoves(root: string, moves: readonly ResultMove[], options: { copy: boolean }): void {
  const emptied = new Set<string>();
  for (const m of moves) {
    const from = join(root, m.from);
    const to = join(root, m.to);
    mkdirSync(dirname(to), { recursive: true });
    if (options.copy) copyFileSync(from, to);
    else {
      renameSync(from, to);
      emptied.add(dirname(m.from));
    }
    if (!lstatSync(to).isSymbolicLink()) chmodSync(to, readOnly(m.mode));
  }
  removeEmptyDirs(root, emptied);
}

function removeEmptyDirs(root: string, dirs: Set<string>): void {
  // Deepest first, then walk up to (not including) the root.
  const sorted = [...dirs].filter((d) => d !== ".").sort((a, b) => b.split("/").length - a.split("/").length);
  for (let d of sorted) {
    while (d && d !== ".") {
      const full = join(root, d);
      try {
        if (!statSync(full).isDirectory() || readdirSync(full).length > 0) break;
        rmdirSync(full);
      } catch {
        break;
      }
      d = dirname(d);
    }
  }
}

/**
 * Undo `moves` after an interrupted snapshot: files whose destination
 * exists and whose source does not go back, with their original mode.
 * Copies are removed. Returns how many files were put back.
 */
export function undoResultMoves(root: string, moves: readonly ResultMove[], options: { copy: boolean }): number {
  let undone = 0;
  const emptied = new Set<string>();
  for (const m of moves) {
    const from = join(root, m.from);
    const to = join(root, m.to);
    if (!existsSync(to)) continue;
    if (options.copy) {
      if (existsSync(from)) {
        chmodSync(to, 0o600);
        unlinkSync(to);
        emptied.add(dirname(m.to));
      }
      continue;
    }
    if (existsSync(from)) continue;
    mkdirSync(dirname(from), { recursive: true });
    renameSync(to, from);
    if (!lstatSync(from).isSymbolicLink()) chmodSync(from, m.mode);
    emptied.add(dirname(m.to));
    undone++;
  }
  removeEmptyDirs(root, emptied);
  return undone;
}
