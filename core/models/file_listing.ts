/**
 * File listings: the exact layout of a data folder at snapshot time (every
 * file's path, content SHA-1, mode and size; symbolic links; empty folders).
 * A listing is stored as an object itself; its key is the resource's restore
 * hash.
 *
 * A listing may come from someone else's object remote, so parsing is
 * strict: every path is relative, normalised and confined to its folder,
 * no path appears twice, and nothing lies beneath a file, a link or an
 * empty folder of the listing (a restore never writes through a link).
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import { relativePathProblem } from "../base/paths.ts";

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
 * Names that start with this are dws's restore temporaries: never recorded
 * by a snapshot, never accepted in a listing.
 */
export const RESTORE_TEMP_PREFIX = ".dws-restore-";

const HEADER = "dws-file-listing 1";
const SHA1_RE = /^[0-9a-f]{40}$/;
const MODE_RE = /^[0-7]{1,4}$/;
const SIZE_RE = /^(0|[1-9][0-9]{0,15})$/;
/** Longest name and path the file systems dws runs on accept (bytes). */
const NAME_MAX = 255;
const PATH_MAX = 4095;

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
  const lines = [HEADER];
  for (const f of files) lines.push(`F\t${f.sha1}\t${f.mode.toString(8)}\t${f.size}\t${f.path}`);
  for (const [p, t] of [...l.links].sort()) lines.push(`L\t${p}\t${t}`);
  for (const d of [...l.emptyDirs].sort()) lines.push(`D\t${d}`);
  return lines.join("\n") + "\n";
}

/**
 * Why `path` cannot be an entry of a listing, or undefined: it must be a
 * safe relative path ({@link relativePathProblem}), short enough for the
 * file system and not a name dws keeps for its temporaries.
 *
 * @example
 * ```ts
 * listedPathProblem("a/b.csv"); // undefined
 * listedPathProblem("a/../../b"); // "'a/../../b' leaves its folder"
 * ```
 */
export function listedPathProblem(path: string): string | undefined {
  if (plainlySafe(path)) return undefined;
  const problem = relativePathProblem(path);
  if (problem) return problem;
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  if (bytes(path) > PATH_MAX) return `a path of ${bytes(path)} bytes is too long`;
  const parts = path.split("/");
  const long = parts.find((p) => bytes(p) > NAME_MAX);
  if (long !== undefined) return `the name ${quote(long)} (${bytes(long)} bytes) is too long`;
  if (parts.some((p) => p.startsWith(RESTORE_TEMP_PREFIX))) return `'${path}' uses a name dws keeps for itself`;
  return undefined;
}

const PLAIN_CHARS = /^[A-Za-z0-9_.+=,@~%/-]+$/;
const DOT_PART = /(^|\/)\.\.?(\/|$)/;

/**
 * The common case, decided without encoding: short ASCII names of plain
 * characters, relative, normalised, none of them dws's. Whatever this
 * accepts {@link listedPathProblem}'s full checks accept too.
 */
function plainlySafe(path: string): boolean {
  return path.length <= NAME_MAX && PLAIN_CHARS.test(path) && path[0] !== "/" && !path.endsWith("/") &&
    !path.includes("//") && !DOT_PART.test(path) && !path.includes(RESTORE_TEMP_PREFIX);
}

/** A piece of untrusted text, short and on one line, for a message. */
function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? s.slice(0, 60) + "..." : s);
}

function parseLine(line: string, out: FileListing): string | undefined {
  const [kind, ...rest] = line.split("\t");
  if (kind === "F") {
    const [sha1, mode, size, ...path] = rest;
    if (path.length === 0) return `a file line has too few fields: ${quote(line)}`;
    if (!SHA1_RE.test(sha1)) return `${quote(sha1)} is not a SHA-1`;
    if (!MODE_RE.test(mode)) return `${quote(mode)} is not a file mode`;
    if (!SIZE_RE.test(size)) return `${quote(size)} is not a file size`;
    out.files.push({ sha1, mode: parseInt(mode, 8), size: Number(size), path: path.join("\t") });
  } else if (kind === "L") {
    if (rest.length < 2) return `a link line has too few fields: ${quote(line)}`;
    const target = rest.slice(1).join("\t");
    if (target === "" || target.includes("\0") || target.length > PATH_MAX) {
      return `the link ${quote(rest[0])} has an unusable target`;
    }
    out.links.push([rest[0], target]);
  } else if (kind === "D" && rest.length) out.emptyDirs.push(rest.join("\t"));
  else return `unknown line ${quote(line)}`;
  return undefined;
}

/** The first problem of the entries taken together: a bad path, a path twice, an entry beneath another. */
function entriesProblem(l: FileListing): string | undefined {
  const paths = [...l.files.map((f) => f.path), ...l.links.map(([p]) => p), ...l.emptyDirs];
  const seen = new Set<string>();
  for (const p of paths) {
    const problem = listedPathProblem(p);
    if (problem) return problem;
    if (seen.has(p)) return `'${p}' is listed twice`;
    seen.add(p);
  }
  for (const p of paths) {
    for (let i = p.indexOf("/"); i >= 0; i = p.indexOf("/", i + 1)) {
      const above = p.slice(0, i);
      if (seen.has(above)) return `'${p}' lies beneath '${above}', which is a file, a link or an empty folder`;
    }
  }
  return undefined;
}

/**
 * Parse a listing; `what` names it in errors. Anything but a well-formed,
 * complete listing with safe paths is a `ConfigurationError` naming the
 * first problem.
 *
 * @example
 * ```ts
 * parseFileListing("dws-file-listing 1\nD\tempty\n", "listing 1a2b3c4d").emptyDirs; // ["empty"]
 * ```
 */
export function parseFileListing(text: string, what: string): FileListing {
  const bad = (problem: string) =>
    new ConfigurationError(`${what} is not a valid file listing (${problem}); nothing was changed`);
  if (!text.endsWith("\n")) throw bad(text === "" ? "it is empty" : "it does not end with a line break: truncated?");
  const lines = text.slice(0, -1).split("\n");
  if (lines[0] !== HEADER) throw bad("no 'dws-file-listing 1' header");
  const out: FileListing = { files: [], links: [], emptyDirs: [] };
  for (const line of lines.slice(1)) {
    const problem = parseLine(line, out);
    if (problem) throw bad(problem);
  }
  const problem = entriesProblem(out);
  if (problem) throw bad(problem);
  return out;
}
