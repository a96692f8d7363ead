/**
 * The `file` resource (`dws add local-files`): a folder of data on this
 * machine, recorded by hash trees in `.dataworkspace/file/<role>/<name>/`.
 *
 * @module
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import {
  type AddOptions,
  checkExportImported,
  checkPathConflicts,
  chooseResourceName,
  chooseRole,
  registerResource,
  suggestResourceName,
} from "../core/commands/add.ts";
import { checkImportedLineage } from "../core/lineage/imported.ts";
import { ConfigurationError } from "../core/base/errors.ts";
import { localFileAccess } from "../core/workspace/file_access.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import { registerResourceType } from "../core/workspace/resource_registry.ts";
import { createFolderFromSnapshot, newestStoredListing } from "../core/store/object_sync.ts";
import type { Resource, ResourceType, WorkspaceHandle } from "../core/workspace/resource.ts";
import type { Workspace } from "../core/workspace/workspace.ts";
import { DATA_FOLDER_PARAMS, dataFolderPath, folderSnapshotOps, hashTreeDir } from "./folder_snapshot.ts";
import { folderVersionOps } from "./folder_version.ts";

/** The `file` (local files) resource type. */
export const localFilesType: ResourceType = {
  name: "file",
  hasLocalState: true,
  storesObjects: true,
  params: DATA_FOLDER_PARAMS,
  open(_ws, entry, localParams): Resource {
    const localPath = dataFolderPath(entry, localParams);
    return {
      name: entry.name,
      role: entry.role,
      type: localFilesType,
      params: entry,
      localParams,
      localPath,
      files: localPath ? localFileAccess(localPath) : undefined,
      snapshots: folderSnapshotOps(_ws, entry, localPath),
      ...folderVersionOps(_ws, entry, localPath),
    };
  },
  async cloneLocal(ws, entry) {
    return { local_path: await locateLocalFiles(ws, entry) };
  },
};

/**
 * Where a local-files resource lives on this machine after a clone: its
 * recorded path when that exists (null = use it), else a path the user gives.
 * A missing folder is created from the newest snapshot whose listing is in
 * the object store (fetched from the object remote by clone and pull): at
 * the recorded path in batch mode, where the user says otherwise.
 */
export async function locateLocalFiles(ws: WorkspaceHandle, entry: ResourceEntry): Promise<string | null> {
  const global = String(entry.global_local_path ?? entry.local_path ?? "");
  if (global && existsSync(global)) return null;
  const fromSnapshot = newestStoredListing(ws, entry.name) !== undefined;
  if (fromSnapshot && ws.ctx.batch && global) {
    await createFolderFromSnapshot(ws, entry.name, global);
    return null;
  }
  if (fromSnapshot && !ws.ctx.batch) {
    const answer = await ws.ctx.prompter.ask(
      `Where should the data of local files resource '${entry.name}' go on this machine? ` +
        `(a missing folder is created from the latest snapshot)`,
      global || undefined,
    );
    const path = resolve(answer || global);
    if (!existsSync(path)) await createFolderFromSnapshot(ws, entry.name, path);
    else if (!statSync(path).isDirectory()) throw new ConfigurationError(`${path} is not a directory`);
    return path === global ? null : path;
  }
  if (ws.ctx.batch) {
    throw new ConfigurationError(
      `Local files resource ${entry.name} is missing from ${global}; run without --batch to give its path, ` +
        `or create it there`,
    );
  }
  for (;;) {
    const answer = await ws.ctx.prompter.ask(
      `Where is the data of local files resource '${entry.name}' on this machine?`,
    );
    const path = resolve(answer);
    if (answer && existsSync(path) && statSync(path).isDirectory()) return path;
    ws.ctx.output.warn(`${path} is not an existing folder`);
  }
}

registerResourceType(localFilesType);

/** Options of {@link addLocalFilesResource}. */
export interface AddLocalFilesOptions extends AddOptions {
  /** Record SHA-1 of contents instead of sizes. */
  computeHash?: boolean;
}

/**
 * Add a local data folder as a resource (`dws add local-files PATH`).
 *
 * @example
 * ```ts
 * await addLocalFilesResource(ws, "/data/images", { role: "source-data", computeHash: true });
 * ```
 */
export async function addLocalFilesResource(
  ws: Workspace,
  path: string,
  options: AddLocalFilesOptions,
): Promise<Resource> {
  const abs = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new ConfigurationError(`${abs} does not exist; create the folder first`);
  }
  if (!isDir) throw new ConfigurationError(`${abs} is not a directory`);
  try {
    accessSync(abs, constants.R_OK | constants.X_OK);
  } catch {
    throw new ConfigurationError(`${abs} is not readable`);
  }
  checkPathConflicts(ws, abs);
  const role = await chooseRole(ws.ctx, options);
  checkExportImported(role, options);
  const suggestion = suggestResourceName(ws, { base: basename(abs), role });
  const name = await chooseResourceName(ws, { name: options.name, suggestion });
  if (options.imported) checkImportedLineage(abs, name);
  const hashDir = ws.path(hashTreeDir(role, name));
  mkdirSync(hashDir, { recursive: true });
  writeFileSync(join(hashDir, "dummy.txt"), "Placeholder to ensure directory is added to git\n");
  const entry: ResourceEntry = {
    resource_type: "file",
    name,
    role,
    global_local_path: abs,
    compute_hash: options.computeHash ?? false,
    export: options.export ?? false,
    imported: options.imported ?? false,
  };
  return registerResource(ws, { entry, localParams: { local_path: null } }, {
    ignorePath: abs,
    importLineageFrom: options.imported ? abs : undefined,
  });
}
