/**
 * {@link FileAccess} over a folder on this machine, shared by the resource
 * types whose data is a local folder.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import { PathError } from "../base/errors.ts";
import type { FileAccess } from "./resource.ts";

function safeRelative(path: string): string {
  const n = normalize(path === "" ? "." : path);
  if (n.startsWith("..") || n.startsWith("/")) throw new PathError(`Path '${path}' is outside the resource`);
  return n;
}

// Synchronous calls: these are small metadata reads, and node:fs/promises is slow to load.
function kind(full: string): "file" | "dir" | undefined {
  try {
    const s = statSync(full);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

/** Run `fn` now; its result or exception becomes a settled promise. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

/**
 * File access rooted at `root`; paths are relative to it, `""` is the root.
 * `ignore` names top-level entries hidden from listings (e.g. `.git`).
 *
 * @example
 * ```ts
 * const fs = localFileAccess("/ws/data");
 * await fs.ls(""); // ["a.csv", "sub"]
 * ```
 */
export function localFileAccess(root: string, options: { ignore?: readonly string[] } = {}): FileAccess {
  const ignore = new Set(options.ignore ?? []);
  const full = (p: string) => join(root, safeRelative(p));
  return {
    ls: (path) =>
      settle(() => {
        const rel = safeRelative(path);
        const k = kind(full(path));
        if (!k) throw new PathError(`Path '${path}' does not exist in this resource`);
        if (k === "file") return [path];
        const names = readdirSync(full(path)).filter((n) => rel !== "." || !ignore.has(n)).sort();
        return names.map((n) => rel === "." ? n : `${rel}/${n}`);
      }),
    readFile: (path) =>
      settle(() => {
        if (kind(full(path)) !== "file") throw new PathError(`'${path}' is not a file in this resource`);
        return new Uint8Array(readFileSync(full(path)));
      }),
    exists: (path) => settle(() => kind(full(path)) !== undefined),
    isFile: (path) => settle(() => kind(full(path)) === "file"),
    isDir: (path) => settle(() => kind(full(path)) === "dir"),
  };
}
