/**
 * The `api-resource` type: data that comes from an API or is made in memory
 * (e.g. a DataFrame handed to a model). Its version is the hash a kit writes
 * to `.dataworkspace/scratch/<name>/hashval.txt` while the data is used.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type AddOptions, chooseResourceName, chooseRole, registerResource } from "../core/commands/add.ts";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import { ConfigurationError } from "../core/base/errors.ts";
import { addGitignoreEntry } from "../core/models/gitignore.ts";
import { registerResourceType } from "../core/workspace/resource_registry.ts";
import type { Resource, ResourceType, SnapshotOps, WorkspaceHandle } from "../core/workspace/resource.ts";
import type { Workspace } from "../core/workspace/workspace.ts";

/** The scratch folder of an api-resource, relative to the workspace. */
export function apiScratchDir(name: string): string {
  return `.dataworkspace/scratch/${name}`;
}

/** Where the hash of an api-resource's current data is kept. */
export function apiHashFile(wsDir: string, name: string): string {
  return join(wsDir, apiScratchDir(name), "hashval.txt");
}

/**
 * Record the hash of the data an api-resource currently stands for (kits
 * call this as they consume the data); `comment` goes to `comment.txt`,
 * which is removed when there is none.
 *
 * @example
 * ```ts
 * writeApiResourceHash("/ws", "source-data-api", "3f7a...");
 * ```
 */
export function writeApiResourceHash(wsDir: string, name: string, hash: string, comment?: string): void {
  const dir = join(wsDir, apiScratchDir(name));
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(apiHashFile(wsDir, name), hash + "\n");
  const commentFile = join(dir, "comment.txt");
  if (comment !== undefined) writeFileAtomic(commentFile, comment + "\n");
  else rmSync(commentFile, { force: true });
}

/** The recorded hash, or undefined when none was written. */
export function readApiResourceHash(wsDir: string, name: string): string | undefined {
  const file = apiHashFile(wsDir, name);
  return existsSync(file) ? readFileSync(file, "utf8").trimEnd() || undefined : undefined;
}

function snapshotOps(ws: WorkspaceHandle, name: string): SnapshotOps {
  const hashes = () => {
    const h = readApiResourceHash(ws.dir, name);
    if (h === undefined) ws.ctx.output.warn(`WARNING: no hash available for resource ${name}`);
    return Promise.resolve({ compareHash: h ?? null, restoreHash: null });
  };
  const cannot = () => Promise.reject(new ConfigurationError(`Resource '${name}' (api-resource) cannot be restored`));
  return {
    snapshotPrecheck: () => Promise.resolve(),
    currentHashes: hashes,
    snapshot: hashes,
    restorePrecheck: cannot,
    restore: cannot,
    deleteSnapshotFolder: () => Promise.resolve(),
  };
}

/** The `api-resource` type. */
export const apiResourceType: ResourceType = {
  name: "api-resource",
  hasLocalState: true,
  params: [],
  open(ws, entry, localParams): Resource {
    return {
      name: entry.name,
      role: entry.role,
      type: apiResourceType,
      params: entry,
      localParams,
      snapshots: snapshotOps(ws, entry.name),
      recordDataHash: (hash, comment) => writeApiResourceHash(ws.dir, entry.name, hash, comment),
      // The data is whatever the kit last hashed: its hash is the version (null before any).
      currentVersions: (subpaths) =>
        Promise.resolve(subpaths.map(() => readApiResourceHash(ws.dir, entry.name) ?? null)),
    };
  },
  cloneLocal(ws, entry) {
    mkdirSync(join(ws.dir, apiScratchDir(entry.name)), { recursive: true });
    return Promise.resolve({});
  },
};

registerResourceType(apiResourceType);

/**
 * Add an api-resource (`dws add api-resource`): source or intermediate data
 * whose version kits record as a hash.
 *
 * @example
 * ```ts
 * await addApiResource(ws, { role: "source-data" });
 * ```
 */
export async function addApiResource(ws: Workspace, options: AddOptions): Promise<Resource> {
  if (options.export || options.imported) {
    throw new ConfigurationError("--export and --imported are not supported for an api-resource");
  }
  const role = await chooseRole(ws.ctx, { ...options, allowed: ["source-data", "intermediate-data"] });
  const name = await chooseResourceName(ws, { name: options.name, suggestion: `${role}-api` });
  mkdirSync(join(ws.dir, apiScratchDir(name)), { recursive: true });
  const ignore = ws.path(".dataworkspace/.gitignore");
  const current = ws.readFileOrEmpty(".dataworkspace/.gitignore");
  const next = addGitignoreEntry(current, `/scratch/${name}/`, { ignoreSlashes: true });
  if (next !== current) writeFileAtomic(ignore, next);
  return registerResource(ws, { entry: { resource_type: "api-resource", name, role }, localParams: {} });
}
