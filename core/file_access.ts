/**
 * {@link FileAccess} over a folder on this machine, shared by the resource
 * types whose data is a local folder.
 *
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import { PathError } from "./errors.ts";
import type { FileAccess } from "./resource.ts";

function safeRelative(path: string): string {
  const n = normalize(path === "" ? "." : path);
  if (n.startsWith("..") || n.startsWith("/")) throw new PathError(`Path '${path}' is outside the resource`);
  return n;
}

async function kind(full: string): Promise<"file" | "dir" | undefined> {
  try {
    const s = await stat(full);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
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
    async ls(path) {
      const rel = safeRelative(path);
      const k = await kind(full(path));
      if (!k) throw new PathError(`Path '${path}' does not exist in this resource`);
      if (k === "file") return [path];
      const names = (await readdir(full(path))).filter((n) => rel !== "." || !ignore.has(n)).sort();
      return names.map((n) => rel === "." ? n : `${rel}/${n}`);
    },
    async readFile(path) {
      if ((await kind(full(path))) !== "file") throw new PathError(`'${path}' is not a file in this resource`);
      return new Uint8Array(await readFile(full(path)));
    },
    async exists(path) {
      return (await kind(full(path))) !== undefined;
    },
    async isFile(path) {
      return (await kind(full(path))) === "file";
    },
    async isDir(path) {
      return (await kind(full(path))) === "dir";
    },
  };
}
