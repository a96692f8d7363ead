/**
 * The workspaces that use an object store. Several workspaces may share one
 * store (`object_store.directory`); each registers itself when it stores or
 * fetches objects, one small file per workspace under `workspaces/` in the
 * store (no shared file to update, so no lost update), so `dws gc` in one of
 * them keeps what the others need.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { sha1Hex } from "../base/hashing.ts";
import { ObjectStore } from "./object_store.ts";

const USERS_DIR = "workspaces";

/** The registration file of workspace `wsDir` in the store at `storeDir`. */
export function storeUserFile(storeDir: string, wsDir: string): string {
  return join(storeDir, USERS_DIR, sha1Hex(resolve(wsDir)).slice(0, 16));
}

/** Record that the workspace at `wsDir` keeps objects in the store at `storeDir`. */
export function registerStoreUser(storeDir: string, wsDir: string): void {
  const file = storeUserFile(storeDir, wsDir);
  if (existsSync(file)) return;
  mkdirSync(join(storeDir, USERS_DIR), { recursive: true });
  writeFileAtomic(file, resolve(wsDir) + "\n");
}

/** The workspaces (absolute paths) registered in the store at `storeDir`, with their files. */
export function storeUsers(storeDir: string): { wsDir: string; file: string }[] {
  const dir = join(storeDir, USERS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^[0-9a-f]{16}$/.test(f)).map((f) => ({
    wsDir: readFileSync(join(dir, f), "utf8").trim(),
    file: join(dir, f),
  }));
}

/**
 * The object store of a workspace, which is registered as one of its users.
 *
 * @example
 * ```ts
 * const store = openWorkspaceStore(ws);
 * ```
 */
export function openWorkspaceStore(ws: { dir: string; objectStoreDir(): string }): ObjectStore {
  const dir = ws.objectStoreDir();
  registerStoreUser(dir, ws.dir);
  return new ObjectStore(dir);
}
