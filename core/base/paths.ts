/**
 * Path relations used by validation (a real containment test, not the
 * string-prefix test of 1.6 that confused `/ws2` with `/ws`).
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";

/**
 * True if `child` is `parent` or lies below it.
 *
 * @example
 * ```ts
 * isInside("/ws/data", "/ws"); // true
 * isInside("/ws2", "/ws"); // false
 * ```
 */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** `child` relative to `parent` with `/` separators; `child` must be inside. */
export function relativePosix(parent: string, child: string): string {
  return relative(resolve(parent), resolve(child)).split("\\").join("/");
}

/**
 * Why `path`, a relative path read from metadata (a file listing, a
 * snapshot record, a manifest), is unsafe to join to its folder, or
 * undefined: it must be `/`-separated, relative, normalised (no `.`, `..`
 * or empty parts) and free of NUL and line breaks.
 *
 * @example
 * ```ts
 * relativePathProblem("a/b.csv"); // undefined
 * relativePathProblem("../x"); // "'../x' leaves its folder"
 * ```
 */
export function relativePathProblem(path: string): string | undefined {
  if (path === "") return "the path is empty";
  if (/[\0\n\r]/.test(path)) return `${JSON.stringify(path)} contains a NUL or line break`;
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.includes("\\")) {
    return `'${path}' is not a relative /-separated path`;
  }
  const parts = path.split("/");
  if (parts.includes("..")) return `'${path}' leaves its folder`;
  if (parts.some((p) => p === "" || p === ".")) return `'${path}' is not normalised`;
  return undefined;
}

/**
 * Why `name` cannot be one folder or file name (a workspace or resource
 * name used as a path part), or undefined.
 *
 * @example
 * ```ts
 * plainNameProblem("my-ws"); // undefined
 * plainNameProblem(".."); // "'..' is not a plain name"
 * ```
 */
export function plainNameProblem(name: string): string | undefined {
  if (/[\0\n\r]/.test(name)) return `${JSON.stringify(name)} contains a NUL or line break`;
  if (name === "" || name === "." || name === ".." || /[/\\]/.test(name)) return `'${name}' is not a plain name`;
  // File systems allow 255 bytes a name; leave room for the prefixes and suffixes dws adds.
  if (new TextEncoder().encode(name).length > 200) return `'${name.slice(0, 20)}…' is longer than 200 bytes`;
  return undefined;
}
