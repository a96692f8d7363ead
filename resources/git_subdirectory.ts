/**
 * The `git-subdirectory` resource: a folder of the workspace's own git
 * repository (what `dws init --create-resources` makes).
 *
 * @module
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import {
  type AddOptions,
  checkExportImported,
  chooseResourceName,
  chooseRole,
  registerResource,
  suggestResourceName,
} from "../core/commands/add.ts";
import { ConfigurationError } from "../core/base/errors.ts";
import { localFileAccess } from "../core/workspace/file_access.ts";
import {
  commitExists,
  commitPath,
  git,
  gitDirOf,
  gitSucceeds,
  headCommit,
  isDirty,
  treeHashAt,
} from "../core/git/git.ts";
import { changedBetween, worktreeVersions } from "../core/git/worktree_version.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import { absolutePathType, exportParam, type ParamDef, relativePathType } from "../core/workspace/params.ts";
import { isInside, relativePosix } from "../core/base/paths.ts";
import { registerResourceType } from "../core/workspace/resource_registry.ts";
import type {
  NewResource,
  Resource,
  ResourceType,
  SnapshotOps,
  SyncOps,
  WorkspaceHandle,
} from "../core/workspace/resource.ts";
import { createRoleDirectory } from "../core/workspace/role_directory.ts";
import type { JsonObject } from "../core/base/json_value.ts";
import type { Workspace } from "../core/workspace/workspace.ts";

const PARAMS: readonly ParamDef[] = [
  exportParam(),
  {
    name: "relative_path",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "Path of the folder relative to the workspace",
    type: relativePathType,
  },
  {
    name: "local_path",
    scope: "local",
    defaultValue: null,
    optional: true,
    help: "Absolute path of the folder on this machine",
    type: absolutePathType,
  },
];

/** The `git-subdirectory` resource type. */
export const gitSubdirectoryType: ResourceType = {
  name: "git-subdirectory",
  hasLocalState: true,
  params: PARAMS,
  open(ws: WorkspaceHandle, entry: ResourceEntry, localParams: JsonObject): Resource {
    const localPath = join(ws.dir, String(entry.relative_path));
    const rel = String(entry.relative_path);
    return {
      name: entry.name,
      role: entry.role,
      type: gitSubdirectoryType,
      params: entry,
      localParams,
      localPath,
      files: localFileAccess(localPath),
      snapshots: subdirectorySnapshotOps(ws, entry),
      currentVersions: (subpaths) => worktreeVersions(ws.ctx, ws.dir, subpaths.map((s) => (s ? `${rel}/${s}` : rel))),
      changedFiles: (_subpath, from, to) => changedBetween(ws.ctx, ws.dir, { from, to }),
      // The folder travels with the workspace repository itself.
      sync: NO_SYNC,
    };
  },
  cloneLocal(ws, entry) {
    const path = join(ws.dir, String(entry.relative_path));
    mkdirSync(path, { recursive: true });
    return Promise.resolve({ local_path: path });
  },
  entryForPath(ws, request): NewResource {
    return subdirectoryEntry(ws, { ...request, export: false });
  },
};

registerResourceType(gitSubdirectoryType);

const NO_SYNC: SyncOps = {
  pushPrecheck: () => Promise.resolve(),
  push: () => Promise.resolve(),
  pullPrecheck: () => Promise.resolve(),
  pull: () => Promise.resolve(),
};

function subdirectorySnapshotOps(ws: WorkspaceHandle, entry: ResourceEntry): SnapshotOps {
  const { ctx, dir } = ws;
  const rel = String(entry.relative_path);
  const isResults = entry.role === "results";
  const hashes = async () => {
    const head = await headCommit(ctx, dir);
    return { compareHash: await treeHashAt(ctx, dir, "HEAD", rel), restoreHash: head };
  };
  return {
    snapshotPrecheck() {
      if (!existsSync(join(dir, rel))) {
        throw new ConfigurationError(`Resource '${entry.name}': folder ${join(dir, rel)} is missing`);
      }
      return Promise.resolve();
    },
    async currentHashes() {
      if (!isResults && await isDirty(ctx, dir, rel)) return undefined;
      return await hashes();
    },
    async snapshot() {
      // Results were committed when they moved; their excluded files go in with the snapshot commit.
      if (!isResults) await commitPath(ctx, dir, rel, "autocommit ahead of snapshot");
      return await hashes();
    },
    async commitResults(message) {
      await commitPath(ctx, dir, rel, message);
    },
    async restorePrecheck(hash) {
      if (!(await commitExists(ctx, dir, hash))) {
        throw new ConfigurationError(`Resource '${entry.name}': commit ${hash} is not in the workspace repository`);
      }
    },
    async restore(hash) {
      await commitPath(ctx, dir, rel, "auto-commit ahead of restore");
      if (await gitSucceeds(ctx, dir, ["diff", "--quiet", "HEAD", hash, "--", rel])) return;
      await git(ctx, dir, ["rm", "-r", "-q", "--ignore-unmatch", "--", rel]);
      if (await gitSucceeds(ctx, dir, ["cat-file", "-e", `${hash}:${rel}`])) {
        await git(ctx, dir, ["checkout", hash, "--", rel]);
      }
      await commitPath(ctx, dir, rel, `Revert to commit ${hash}`);
    },
    async deleteSnapshotFolder(dest) {
      const target = `${rel}/${dest}`;
      if (!existsSync(join(dir, target))) return;
      await git(ctx, dir, ["rm", "-r", "-f", "-q", "--", target]);
      await git(ctx, dir, ["commit", "--quiet", "-m", `Deleted ${join(dir, target)}`, "--", target]);
    },
  };
}

function subdirectoryEntry(
  ws: WorkspaceHandle,
  r: { path: string; name: string; role: ResourceEntry["role"]; export: boolean },
): NewResource {
  return {
    entry: {
      resource_type: "git-subdirectory",
      name: r.name,
      role: r.role,
      export: r.export,
      relative_path: relativePosix(ws.dir, r.path),
    },
    localParams: { local_path: r.path },
  };
}

/** Options of {@link addGitSubdirectoryResource}. */
export interface AddGitSubdirectoryOptions extends AddOptions {
  /** Must equal the workspace branch when given. */
  branch?: string;
  /** Refused: a folder of the workspace cannot be read-only. */
  readOnly?: boolean;
}

/**
 * Add a folder of the workspace repository as a resource (`dws add git PATH`
 * with a PATH inside the workspace that is not a repository of its own).
 * A missing folder is created, after confirmation when interactive.
 *
 * @example
 * ```ts
 * await addGitSubdirectoryResource(ws, "/ws/data", { role: "source-data" });
 * ```
 */
export async function addGitSubdirectoryResource(
  ws: Workspace,
  path: string,
  options: AddGitSubdirectoryOptions,
): Promise<Resource> {
  const { ctx } = ws;
  if (!isInside(path, ws.dir) || path === ws.dir) {
    throw new ConfigurationError(`${path} must be a folder inside the workspace ${ws.dir}`);
  }
  const rel = relativePosix(ws.dir, path);
  if (rel.split("/")[0] === ".dataworkspace" || rel.split("/")[0] === ".git") {
    throw new ConfigurationError(`${path} is part of the workspace's own metadata; pick another folder`);
  }
  if (options.readOnly) {
    throw new ConfigurationError("--read-only is not supported for a subdirectory of the workspace");
  }
  if (options.imported) throw new ConfigurationError("--imported is not supported for a subdirectory of the workspace");
  const branch = await ws.branch();
  if (options.branch !== undefined && options.branch !== branch) {
    throw new ConfigurationError(
      `A subdirectory resource is on the workspace's branch '${branch}', not '${options.branch}'; drop --branch`,
    );
  }
  const role = await chooseRole(ctx, options);
  checkExportImported(role, options);
  const suggestion = suggestResourceName(ws, { base: basename(path), role });
  const name = await chooseResourceName(ws, { name: options.name, suggestion });
  for (const r of ws.resources) {
    if (r.localPath && (isInside(path, r.localPath) || isInside(r.localPath, path))) {
      throw new ConfigurationError(`${path} overlaps the folder of resource '${r.name}' (${r.localPath})`);
    }
  }
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new ConfigurationError(`${path} is not a directory`);
    if (gitDirOf(path)) throw new ConfigurationError(`${path} is a git repository of its own`);
  } else {
    if (ctx.batch) {
      throw new ConfigurationError(`Subdirectory ${path} does not exist; create it first or run without --batch`);
    }
    if (!(await ctx.prompter.confirm(`${path} does not exist. Should I create it?`, true))) {
      throw new ConfigurationError(`Subdirectory ${path} does not exist`);
    }
    createRoleDirectory(path, role);
  }
  return registerResource(ws, subdirectoryEntry(ws, { path, name, role, export: options.export ?? false }));
}
