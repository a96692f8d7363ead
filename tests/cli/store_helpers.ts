/**
 * Helpers of the object-store scenario tests: the store of a workspace, its
 * objects checked against their keys, the listing a snapshot recorded.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { metadata } from "./snapshot_helpers.ts";

/** The object store of a workspace made by `initWorkspace` (scratch/objects). */
export function storeDir(ws: string): string {
  return join(ws, "scratch", "objects");
}

/** Where object `key` lives. */
export function objectPath(ws: string, key: string): string {
  return join(storeDir(ws), key.slice(0, 2), key.slice(2));
}

/** SHA-1 hex of bytes or text. */
export function sha1(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

/** Every object key in the store. */
export function objectKeys(ws: string): string[] {
  const dir = storeDir(ws);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((a) => a.length === 2).flatMap((a) => readdirSync(join(dir, a)).map((b) => a + b));
}

/** Every object hashes to its key (all of them are read). */
export function assertEveryObjectMatchesItsKey(ws: string): void {
  const wrong = objectKeys(ws).filter((k) => sha1(readFileSync(objectPath(ws, k))) !== k);
  assert.deepEqual(wrong, [], `${wrong.length} object(s) stored under a key that does not match their content`);
}

/** The inodes of every object. */
export function objectInodes(ws: string): Set<number> {
  return new Set(objectKeys(ws).map((k) => statSync(objectPath(ws, k)).ino));
}

/** One file of a stored listing. */
export interface ListedFile {
  sha1: string;
  mode: number;
  size: number;
  path: string;
}

/** The files of the listing snapshot `hash` recorded for resource `name`. */
export function listedFiles(ws: string, hash: string, name = "data"): ListedFile[] {
  const md = metadata(ws, hash) as { dws_restore_hashes?: Record<string, string> };
  const key = md.dws_restore_hashes?.[name];
  assert.ok(key, `snapshot ${hash} has no listing for ${name}`);
  const text = readFileSync(objectPath(ws, key), "utf8");
  return text.split("\n").filter((l) => l.startsWith("F\t")).map((l) => {
    const [, sha1, mode, size, ...path] = l.split("\t");
    return { sha1, mode: parseInt(mode, 8), size: Number(size), path: path.join("\t") };
  });
}
