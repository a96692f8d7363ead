/**
 * The programmatic API in the shape of Data Workspaces 1.6's
 * `dataworkspaces.api`: each call finds the workspace (or takes
 * `workspaceDir`), locks it when it writes, and runs in batch mode.
 *
 * @module
 */
import { type ContextOptions, createContext } from "../base/context.ts";
import { deleteWorkspaceSnapshot } from "../commands/delete_snapshot.ts";
import { getSnapshotHistory as historyOf, type HistoryEntry } from "../report/history.ts";
import { NotSupportedError } from "../base/errors.ts";
import type { Role } from "../base/names.ts";
import type { FileAccess } from "./resource.ts";
import { restoreWorkspace } from "../commands/restore.ts";
import { snapshotWorkspace } from "../commands/snapshot.ts";
import { openWorkspace, resolveWorkspaceDir, withWorkspace } from "./workspace.ts";

/** Where the workspace is and how to talk to the caller. */
export interface ApiOptions {
  /** The workspace; default: found from the current directory. */
  workspaceDir?: string;
  /** Output, verbosity, ...; batch mode unless set otherwise. */
  context?: ContextOptions;
}

/**
 * Take a snapshot; returns its hash.
 *
 * @example
 * ```ts
 * const hash = await takeSnapshot({ workspaceDir: "/ws", tag: "v1", message: "baseline" });
 * ```
 */
export async function takeSnapshot(options: ApiOptions & { tag?: string; message?: string } = {}): Promise<string> {
  const ctx = createContext(options.context);
  const r = await withWorkspace(ctx, (ws) => snapshotWorkspace(ws, options), {
    workspaceDir: options.workspaceDir,
    command: "takeSnapshot()",
  });
  return r.hash;
}

/**
 * Restore the snapshot `tagOrHash`; returns the number of resources restored.
 *
 * @example
 * ```ts
 * await restore("v1", { workspaceDir: "/ws", only: ["code"] });
 * ```
 */
export function restore(
  tagOrHash: string,
  options: ApiOptions & { only?: string[]; leave?: string[]; strict?: boolean } = {},
): Promise<number> {
  const ctx = createContext(options.context);
  return withWorkspace(ctx, (ws) => restoreWorkspace(ws, tagOrHash, options), {
    workspaceDir: options.workspaceDir,
    command: "restore()",
  });
}

/**
 * Delete the snapshot `tagOrHash` (and its results folders unless
 * `includeResources` is false); returns its hash.
 *
 * @example
 * ```ts
 * await deleteSnapshot("v1", { workspaceDir: "/ws" });
 * ```
 */
export function deleteSnapshot(
  tagOrHash: string,
  options: ApiOptions & { includeResources?: boolean } = {},
): Promise<string> {
  const ctx = createContext(options.context);
  return withWorkspace(ctx, (ws) => deleteWorkspaceSnapshot(ws, tagOrHash, options), {
    workspaceDir: options.workspaceDir,
    command: "deleteSnapshot()",
  });
}

/**
 * The snapshots, oldest first (newest first with `reverse`), at most `maxCount`.
 *
 * @example
 * ```ts
 * const last = getSnapshotHistory({ workspaceDir: "/ws", reverse: true, maxCount: 1 })[0];
 * ```
 */
export function getSnapshotHistory(
  options: ApiOptions & { reverse?: boolean; maxCount?: number } = {},
): HistoryEntry[] {
  return historyOf(resolveWorkspaceDir(options.workspaceDir), options);
}

export type { HistoryEntry };

/** One resource as {@link getResourceInfo} reports it. */
export interface ResourceInfo {
  /** Unique name in the workspace. */
  name: string;
  /** Its role. */
  role: Role;
  /** Its `resource_type` (`git`, `file`, `s3`, ...). */
  resourceType: string;
  /** Absolute folder on this machine, or null for resources without one (S3, api-resource). */
  localPath: string | null;
}

/**
 * The workspace's resources in workspace order.
 *
 * @example
 * ```ts
 * for (const r of await getResourceInfo({ workspaceDir: "/ws" })) console.log(r.name, r.localPath);
 * ```
 */
export async function getResourceInfo(options: ApiOptions = {}): Promise<ResourceInfo[]> {
  const ws = await openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
  return ws.resources.map((r) => ({
    name: r.name,
    role: r.role,
    resourceType: r.type.name,
    localPath: r.localPath ?? null,
  }));
}

/**
 * The local folder of resource `name`, or null when it has none (S3,
 * api-resource); an unknown name is an error.
 *
 * @example
 * ```ts
 * await getLocalPathForResource("code", { workspaceDir: "/ws" }); // "/ws/code"
 * ```
 */
export async function getLocalPathForResource(name: string, options: ApiOptions = {}): Promise<string | null> {
  const ws = await openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
  return ws.getResource(name).localPath ?? null;
}

/**
 * Read access to a resource's files by paths relative to its root (`""` is
 * the root): {@link FileAccess} plus `open`/`readText`. `ls` of a folder
 * gives full relative paths, `ls` of a file gives `[file]`, a missing path
 * is a `PathError`. An S3 resource pinned to a snapshot reads the object
 * versions of that snapshot.
 */
export interface ResourceFileSystem extends FileAccess {
  /** The resource's name. */
  readonly resourceName: string;
  /** The resource's type. */
  readonly resourceType: string;
  /** A file's content: bytes by default (`"rb"`), text with mode `"r"` (UTF-8). */
  open(path: string, mode?: "rb"): Promise<Uint8Array>;
  /** A file's content as UTF-8 text. */
  open(path: string, mode: "r"): Promise<string>;
  /** A file's content as UTF-8 text. */
  readText(path: string): Promise<string>;
}

/**
 * File access to resource `name` (local-files, git, git-subdirectory,
 * rclone, s3). Resources without files (api-resource) are refused with
 * `NotSupportedError`.
 *
 * @example
 * ```ts
 * const fs = await getFilesystemForResource("source-data", { workspaceDir: "/ws" });
 * for (const p of await fs.ls("")) if (await fs.isFile(p)) console.log(p, (await fs.open(p)).length);
 * ```
 */
export async function getFilesystemForResource(name: string, options: ApiOptions = {}): Promise<ResourceFileSystem> {
  const ws = await openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
  const r = ws.getResource(name);
  if (!r.files) {
    throw new NotSupportedError(
      r.type.name === "api-resource"
        ? `Resource '${name}' is an api-resource: its data comes from an API or memory, so it has no files to read`
        : `Resource '${name}' (${r.type.name}) has no files on this machine`,
    );
  }
  const files: FileAccess = r.files;
  const readText = async (path: string) => new TextDecoder().decode(await files.readFile(path));
  function open(path: string, mode?: "rb"): Promise<Uint8Array>;
  function open(path: string, mode: "r"): Promise<string>;
  function open(path: string, mode: "r" | "rb" = "rb"): Promise<Uint8Array | string> {
    return mode === "r" ? readText(path) : files.readFile(path);
  }
  return {
    resourceName: r.name,
    resourceType: r.type.name,
    ls: (path) => files.ls(path),
    readFile: (path) => files.readFile(path),
    exists: (path) => files.exists(path),
    isFile: (path) => files.isFile(path),
    isDir: (path) => files.isDir(path),
    ...(files.writeFile ? { writeFile: files.writeFile.bind(files) } : {}),
    ...(files.remove ? { remove: files.remove.bind(files) } : {}),
    open,
    readText,
  };
}
