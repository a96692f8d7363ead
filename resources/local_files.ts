/**
 * The `file` resource (`dws add local-files`): a folder of data on this
 * machine, recorded by hash trees in `.dataworkspace/file/<role>/<name>/`.
 *
 * @module
 */
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
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
import { ConfigurationError, UserAbort } from "../core/base/errors.ts";
import { localFileAccess } from "../core/workspace/file_access.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import type { JsonObject } from "../core/base/json_value.ts";
import {
  absolutePathType,
  boolType,
  exportParam,
  importedParam,
  type ParamDef,
  stringType,
} from "../core/workspace/params.ts";
import { registerResourceType } from "../core/workspace/resource_registry.ts";
import { gitAdd, gitDirOf } from "../core/git/git.ts";
import { applyFolderRestore, planFolderRestore } from "../core/store/folder_restore.ts";
import { computeHashTree, type HashTree, writeHashTreeFiles } from "../core/hash/folder_hash.ts";
import { sha1Hex } from "../core/base/hashing.ts";
import { serializeFileListing } from "../core/models/file_listing.ts";
import { readListing } from "../core/store/listing.ts";
import { ObjectStore } from "../core/store/object_store.ts";
import { createFolderFromSnapshot, newestStoredListing } from "../core/store/object_sync.ts";
import type { Resource, ResourceType, SnapshotOps, WorkspaceHandle } from "../core/workspace/resource.ts";
import { StatCache } from "../core/hash/stat_cache.ts";
import type { Workspace } from "../core/workspace/workspace.ts";
import { formatBytes, throttledProgress } from "../core/base/output.ts";

const PARAMS: readonly ParamDef[] = [
  {
    name: "global_local_path",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "Path of the data folder where the resource was added",
    type: stringType,
  },
  {
    name: "compute_hash",
    scope: "global",
    defaultValue: false,
    optional: false,
    help: "Hash file contents (SHA-1) at snapshot time instead of recording sizes",
    type: boolType,
  },
  exportParam({ allowMissing: true }),
  importedParam({ allowMissing: true }),
  {
    name: "local_path",
    scope: "local",
    defaultValue: null,
    optional: true,
    help: "Path of the data folder on this machine, when it differs from global_local_path",
    type: absolutePathType,
  },
];

/**
 * The folder of a data-folder resource on this machine: the local override,
 * else the recorded path (metadata older than 1.6 stored it as `local_path`).
 */
export function dataFolderPath(entry: ResourceEntry, localParams: JsonObject): string | undefined {
  const own = localParams.local_path;
  const global = entry.global_local_path ?? entry.local_path;
  return typeof own === "string" ? own : typeof global === "string" ? global : undefined;
}

/** The `file` (local files) resource type. */
export const localFilesType: ResourceType = {
  name: "file",
  hasLocalState: true,
  storesObjects: true,
  params: PARAMS,
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
      snapshots: hashTreeSnapshotOps(_ws, entry, localPath),
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
    createFolderFromSnapshot(ws, entry.name, global);
    return null;
  }
  if (fromSnapshot && !ws.ctx.batch) {
    const answer = await ws.ctx.prompter.ask(
      `Where should the data of local files resource '${entry.name}' go on this machine? ` +
        `(a missing folder is created from the latest snapshot)`,
      global || undefined,
    );
    const path = resolve(answer || global);
    if (!existsSync(path)) createFolderFromSnapshot(ws, entry.name, path);
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

/** The stat cache file of a resource, in the git directory (never tracked). */
export function statCachePath(wsDir: string, name: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws", "stat_cache", `${name}.json`);
}

/**
 * Snapshot operations over a folder recorded by hash trees (local-files and
 * rclone resources): the compare hash is the root tree hash, there is no
 * restore hash.
 *
 * @example
 * ```ts
 * const ops = hashTreeSnapshotOps(ws, entry, "/data/images");
 * const { compareHash } = await ops.snapshot();
 * ```
 */
export function hashTreeSnapshotOps(
  ws: WorkspaceHandle,
  entry: ResourceEntry,
  localPath: string | undefined,
): SnapshotOps {
  const { ctx } = ws;
  const computeHash = entry.compute_hash === true;
  const folder = (): string => {
    if (!localPath || !existsSync(localPath)) {
      throw new ConfigurationError(
        `Resource '${entry.name}': folder ${localPath ?? "(none)"} does not exist on this machine; ` +
          `set its path with 'dws config --resource ${entry.name} local_path PATH'`,
      );
    }
    return localPath;
  };
  // Data folders keep their content in the object store so restore can bring it back
  // (results only move into snapshot folders and are never restored).
  const useStore = entry.role !== "results";
  const store = () => new ObjectStore(ws.objectStoreDir());
  // The tree computed by currentHashes() is reused by snapshot() in the same run.
  let computed: Awaited<ReturnType<typeof computeHashTree>> | undefined;
  const tree = async () => {
    if (computed) return computed;
    const cache = computeHash || useStore ? StatCache.load(statCachePath(ws.dir, entry.name)) : undefined;
    const t = await computeHashTree(folder(), {
      computeHash,
      cache,
      output: ctx.output,
      label: `Hashing ${entry.name}`,
      listing: useStore,
    });
    cache?.save();
    return computed = t;
  };
  const listingKey = (t: HashTree) => (t.listing ? sha1Hex(serializeFileListing(t.listing)) : null);
  const listingOf = (key: string) => {
    const s = store();
    const listing = readListing(s, key);
    if (listing) return listing;
    throw new ConfigurationError(
      `Resource '${entry.name}': the snapshot's file listing ${key.slice(0, 8)} is not in the object store ` +
        `(${s.dir}); run 'dws pull' to fetch it`,
    );
  };
  return {
    snapshotPrecheck: () => Promise.resolve(void folder()),
    async currentHashes() {
      const t = await tree();
      const key = listingKey(t);
      // Contents not stored yet: a real snapshot must run to store them.
      if (key !== null && !store().has(key)) return undefined;
      return { compareHash: t.rootHash, restoreHash: key, contentHash: computeHash ? undefined : key ?? undefined };
    },
    async snapshot() {
      const t = await tree();
      const rel = hashTreeDir(entry.role, entry.name);
      const dir = join(ws.dir, rel);
      mkdirSync(dir, { recursive: true });
      if (writeHashTreeFiles(dir, t.trees).length) await gitAdd(ctx, ws.dir, [rel]);
      let restoreHash: string | null = null;
      if (t.listing) {
        const s = store();
        let stored = 0;
        let storedBytes = 0;
        const show = throttledProgress(ctx.output);
        for (const f of t.listing.files) {
          if (s.putFile(t.sources!.get(f.path)!, { key: f.sha1 }) !== "present") {
            stored++;
            storedBytes += f.size;
          }
          show(() => `Storing ${entry.name}: ${stored} new objects, ${formatBytes(storedBytes)}`);
        }
        ctx.output.progress(undefined);
        restoreHash = s.putBytes(serializeFileListing(t.listing));
        ctx.output.debug(`${entry.name}: stored ${stored} new objects (${storedBytes} bytes) in ${s.dir}`);
      }
      ctx.output.debug(
        `${entry.name}: ${t.files} files, ${t.bytes} bytes; read ${t.hashedFiles} files (${t.hashedBytes} bytes)`,
      );
      return { compareHash: t.rootHash, restoreHash, contentHash: computeHash ? undefined : restoreHash ?? undefined };
    },
    restorePrecheck(hash) {
      const listing = listingOf(hash);
      const s = store();
      const missing = listing.files.filter((f) => !s.has(f.sha1));
      if (missing.length) {
        throw new ConfigurationError(
          `Resource '${entry.name}': ${missing.length} file(s) of the snapshot are not in the object store ` +
            `(${s.dir}); run 'dws pull' to fetch them`,
        );
      }
      return Promise.resolve();
    },
    async restore(hash) {
      const root = localPath ?? folder();
      const cache = StatCache.load(statCachePath(ws.dir, entry.name));
      const plan = planFolderRestore(root, listingOf(hash), { cache });
      const extra = plan.remove.length;
      if (extra && !ctx.batch) {
        const ok = await ctx.prompter.confirm(
          `Restoring '${entry.name}' removes ${extra} file(s) or folder(s) added since the snapshot. Continue?`,
          false,
        );
        if (!ok) throw new UserAbort();
      }
      applyFolderRestore(root, plan, store());
      ctx.output.info(
        `Restored ${entry.name}: ${plan.write.length} file(s) written, ${extra} removed, ${plan.chmod.length} mode(s) fixed`,
      );
    },
    deleteSnapshotFolder(dest) {
      const target = join(folder(), dest);
      rmSync(target, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

registerResourceType(localFilesType);

/** The folder holding a file resource's hash trees, relative to the workspace. */
export function hashTreeDir(role: string, name: string): string {
  return `.dataworkspace/file/${role}/${name}`;
}

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
