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
