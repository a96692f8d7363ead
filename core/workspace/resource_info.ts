/**
 * What the library tells about a workspace's resources (1.6's
 * `dataworkspaces.api`): their names, roles and folders, and read access to
 * their files.
 *
 * @module
 */
import { NotSupportedError } from "../base/errors.ts";
import type { Role } from "../base/names.ts";
import type { FileAccess } from "./resource.ts";
import { type ApiOptions, openApiWorkspace } from "./workspace.ts";

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
  const ws = await openApiWorkspace(options);
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
  const ws = await openApiWorkspace(options);
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
  const ws = await openApiWorkspace(options);
  const r = ws.getResource(name);
  if (!r.files) {
    throw new NotSupportedError(
      r.recordDataHash
        ? `Resource '${name}' is an ${r.type.name}: its data comes from an API or memory, so it has no files to read`
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
