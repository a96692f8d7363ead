/**
 * Hash-tree files of local-files and rclone resources (1.6
 * `resources/hashtree.py`): one file per directory, one line per entry,
 * `<hash>\t<blob|tree>\t<name>\n`, sorted by name; the directory's hash is
 * the plain SHA-1 of those bytes.
 *
 * @module
 */
import { sha1Hex } from "../base/hashing.ts";

/** The kind of a hash-tree entry. `link` records a symbolic link without following it. */
export type HashTreeKind = "blob" | "tree" | "link";

/** One entry of a directory. */
export interface HashTreeEntry {
  name: string;
  kind: HashTreeKind;
  /** Size as decimal text or content SHA-1 (blobs), tree hash (trees), SHA-1 of the target (links). */
  hash: string;
}

const byCodePoint = (a: HashTreeEntry, b: HashTreeEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The bytes of a tree file for `entries` (sorted here).
 *
 * @example
 * ```ts
 * serializeHashTree([{ name: "f1", kind: "blob", hash: "6" }]); // "6\tblob\tf1\n"
 * ```
 */
export function serializeHashTree(entries: readonly HashTreeEntry[]): string {
  return [...entries].sort(byCodePoint).map((e) => `${e.hash}\t${e.kind}\t${e.name}\n`).join("");
}

/** Parse a tree file. */
export function parseHashTree(text: string): HashTreeEntry[] {
  return text.split("\n").filter((l) => l !== "").map((line) => {
    const [hash, kind, ...rest] = line.split("\t");
    return { hash, kind: kind as HashTreeKind, name: rest.join("\t") };
  });
}

/**
 * A tree file's content and hash.
 *
 * @example
 * ```ts
 * hashTreeOf([]).hash; // "da39a3ee5e6b4b0d3255bfef95601890afd80709"
 * ```
 */
export function hashTreeOf(entries: readonly HashTreeEntry[]): { content: string; hash: string } {
  const content = serializeHashTree(entries);
  return { content, hash: sha1Hex(content) };
}
