/**
 * File listings: the exact layout of a data folder at snapshot time (every
 * file's path, content SHA-1, mode and size; symbolic links; empty folders).
 * A listing is stored as an object itself; its key is the resource's restore
 * hash.
 *
 * @module
 */
import { corrupted } from "./json_shape.ts";

/** One file of a listing. */
export interface ListedFile {
  /** Path relative to the folder, `/`-separated. */
  path: string;
  /** SHA-1 of the content (the object key). */
  sha1: string;
  /** Permission bits. */
  mode: number;
  /** Size in bytes. */
  size: number;
}

/** The layout of a folder. */
export interface FileListing {
  /** Files, sorted by path. */
  files: ListedFile[];
  /** Symbolic links: path → target. */
  links: [string, string][];
  /** Folders with nothing in them. */
  emptyDirs: string[];
}

/**
 * Serialize a listing (stable: sorted, one entry per line).
 *
 * @example
 * ```ts
 * serializeFileListing({ files: [], links: [], emptyDirs: [] });
 * ```
 */
export function serializeFileListing(l: FileListing): string {
  const files = [...l.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const lines = ["dws-file-listing 1"];
  for (const f of files) lines.push(`F\t${f.sha1}\t${f.mode.toString(8)}\t${f.size}\t${f.path}`);
  for (const [p, t] of [...l.links].sort()) lines.push(`L\t${p}\t${t}`);
  for (const d of [...l.emptyDirs].sort()) lines.push(`D\t${d}`);
  return lines.join("\n") + "\n";
}

/** Parse a listing; `what` names it in errors. */
export function parseFileListing(text: string, what: string): FileListing {
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines[0] !== "dws-file-listing 1") throw corrupted(what, "not a dws file listing");
  const out: FileListing = { files: [], links: [], emptyDirs: [] };
  for (const line of lines.slice(1)) {
    const [kind, ...rest] = line.split("\t");
    if (kind === "F") {
      const [sha1, mode, size, ...path] = rest;
      out.files.push({ sha1, mode: parseInt(mode, 8), size: Number(size), path: path.join("\t") });
    } else if (kind === "L") out.links.push([rest[0], rest.slice(1).join("\t")]);
    else if (kind === "D") out.emptyDirs.push(rest.join("\t"));
    else throw corrupted(what, `unknown line '${line.slice(0, 40)}'`);
  }
  return out;
}
