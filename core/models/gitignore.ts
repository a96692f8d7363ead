/**
 * `.gitignore` files: dws only ever appends entries it needs.
 *
 * @module
 */

const trimSlashes = (s: string) => s.replace(/^\/+|\/+$/g, "");

/**
 * True if `content` has `entry` as a line; with `ignoreSlashes`, leading and
 * trailing slashes do not matter (`/data/` matches `data`).
 *
 * @example
 * ```ts
 * hasGitignoreEntry("/scratch\n", "scratch/", { ignoreSlashes: true }); // true
 * ```
 */
export function hasGitignoreEntry(content: string, entry: string, options: { ignoreSlashes?: boolean } = {}): boolean {
  const norm = options.ignoreSlashes ? trimSlashes : (s: string) => s;
  const want = norm(entry.trim());
  return content.split(/\r?\n/).some((line) => norm(line.trim()) === want);
}

/**
 * `content` with `entry` appended as a line, unless already present.
 *
 * @example
 * ```ts
 * addGitignoreEntry("a\n", "b"); // "a\nb\n"
 * ```
 */
export function addGitignoreEntry(content: string, entry: string, options: { ignoreSlashes?: boolean } = {}): string {
  if (hasGitignoreEntry(content, entry, options)) return content;
  const sep = content === "" || content.endsWith("\n") ? "" : "\n";
  return `${content}${sep}${entry}\n`;
}
