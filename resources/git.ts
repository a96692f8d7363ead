/**
 * The `git` resource: a separate git repository (code, data or results) with
 * its own remote, kept at a branch.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
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
import {
  branchExists,
  commitChanges,
  commitExists,
  commitPath,
  currentBranch,
  git,
  gitConfigGet,
  gitDirOf,
  gitSucceeds,
  headCommit,
  isDirty,
  isTracked,
  needsPull,
  switchBranch,
} from "../core/git/git.ts";
import { checkNoGitFat, cloneRepo, pullRepo, pushRepo } from "../core/git/sync.ts";
import { changedBetween, worktreeVersions } from "../core/git/worktree_version.ts";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import { addGitignoreEntry } from "../core/models/gitignore.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import {
  boolType,
  exportParam,
  importedParam,
  type ParamDef,
  relativePathType,
  stringType,
} from "../core/workspace/params.ts";
import { isInside, relativePosix } from "../core/base/paths.ts";
import { registerResourceType } from "../core/workspace/resource_registry.ts";
import type { Resource, ResourceType, SnapshotOps, SyncOps, WorkspaceHandle } from "../core/workspace/resource.ts";
import type { JsonObject } from "../core/base/json_value.ts";
import type { Workspace } from "../core/workspace/workspace.ts";
import { addGitSubdirectoryResource } from "./git_subdirectory.ts";

const PARAMS: readonly ParamDef[] = [
  exportParam(),
  {
    name: "remote_origin_url",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "URL of the repository's origin remote",
    type: stringType,
  },
  {
    name: "relative_local_path",
    scope: "global",
    defaultValue: null,
    optional: true,
    help: "Path of the repository relative to the workspace, when it is inside it",
    type: relativePathType,
  },
  {
    name: "branch",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "The branch of the repository that dws uses",
    type: stringType,
  },
  {
    name: "read_only",
    scope: "global",
    defaultValue: false,
    optional: false,
    help: "Never commit to or push this repository",
    type: boolType,
  },
  importedParam(),
  {
    name: "local_path",
    scope: "local",
    defaultValue: null,
    optional: false,
    help: "Path of the repository on this machine (relative to the workspace when inside it)",
    type: stringType,
  },
];

function localPathOf(ws: WorkspaceHandle, entry: ResourceEntry, localParams: JsonObject): string | undefined {
  const local = localParams.local_path;
  if (typeof local === "string") return isAbsolute(local) ? local : join(ws.dir, local);
  const rel = entry.relative_local_path;
  return typeof rel === "string" ? join(ws.dir, rel) : undefined;
}

/** The `git` resource type. */
export const gitType: ResourceType = {
  name: "git",
  hasLocalState: true,
  params: PARAMS,
  open(ws, entry, localParams): Resource {
    const localPath = localPathOf(ws, entry, localParams);
    return {
      name: entry.name,
      role: entry.role,
      type: gitType,
      params: entry,
      localParams,
      localPath,
      files: localPath ? localFileAccess(localPath, { ignore: [".git"] }) : undefined,
      snapshots: gitSnapshotOps(ws, entry, localPath),
      sync: gitSyncOps(ws, entry, localPath),
      currentVersions(subpaths) {
        if (!localPath || !gitDirOf(localPath)) return Promise.resolve(subpaths.map(() => null));
        return worktreeVersions(ws.ctx, localPath, subpaths.map((s) => s ?? ""));
      },
      changedFiles: (_subpath, from, to) =>
        localPath ? changedBetween(ws.ctx, localPath, { from, to }) : Promise.resolve(undefined),
      async commitFile(rel, message) {
        if (!localPath || entry.read_only === true || !gitDirOf(localPath)) return;
        await commitPath(ws.ctx, localPath, rel, message);
      },
    };
  },
  async cloneLocal(ws, entry) {
    return await cloneGitResource(ws, entry);
  },
};

function gitSyncOps(ws: WorkspaceHandle, entry: ResourceEntry, localPath: string | undefined): SyncOps {
  const { ctx } = ws;
  const { name } = entry;
  const branch = String(entry.branch);
  const readOnly = entry.read_only === true;
  const repo = (): string => {
    if (!localPath || !gitDirOf(localPath)) {
      throw new ConfigurationError(`Resource '${name}': ${localPath ?? "its folder"} is not a git repository here`);
    }
    return localPath;
  };
  const checkClean = async (verb: string) => {
    if (await isDirty(ctx, repo())) {
      throw new ConfigurationError(
        `Resource '${name}' has uncommitted changes in ${repo()}; commit them before ${verb}`,
      );
    }
  };
  return {
    async pushPrecheck() {
      if (readOnly) return;
      checkNoGitFat(repo(), `Resource '${name}'`);
      await checkClean("pushing");
      if (await needsPull(ctx, repo(), branch)) {
        throw new ConfigurationError(`Resource '${name}' requires a pull from the remote origin before pushing.`);
      }
    },
    async push() {
      if (readOnly) return void ctx.output.info(`Skipping push of resource ${name}, as it is read-only`);
      await pushRepo(ctx, repo(), { branch, what: `Resource '${name}'` });
    },
    async pullPrecheck() {
      checkNoGitFat(repo(), `Resource '${name}'`);
      await checkClean("pulling");
    },
    async pull() {
      await switchBranch(ctx, repo(), branch);
      await pullRepo(ctx, repo(), { branch, what: `Resource '${name}'` });
    },
  };
}

/** Clone a git resource next to (or inside) the workspace on this machine; returns its local params. */
async function cloneGitResource(ws: WorkspaceHandle, entry: ResourceEntry): Promise<JsonObject> {
  const { ctx } = ws;
  const url = String(entry.remote_origin_url);
  const rel = typeof entry.relative_local_path === "string" ? entry.relative_local_path : undefined;
  let path = join(ws.dir, rel ?? entry.name);
  if (!ctx.batch) {
    path = resolve(ws.dir, await ctx.prompter.ask(`Where should the repository of resource '${entry.name}' go?`, path));
  }
  if (existsSync(path)) {
    if (!gitDirOf(path)) throw new ConfigurationError(`${path} exists and is not a git repository`);
    const origin = await gitConfigGet(ctx, path, "remote.origin.url");
    if (origin !== url) {
      throw new ConfigurationError(
        `${path} exists but its origin is ${origin ?? "not set"}, not ${url}; move it away or pick another path`,
      );
    }
    await pullRepo(ctx, path, { branch: String(entry.branch), what: `Resource '${entry.name}'` });
  } else {
    await cloneRepo(ctx, url, { dest: path, cwd: ws.dir });
  }
  if (await branchExists(ctx, path, String(entry.branch))) await switchBranch(ctx, path, String(entry.branch));
  else if (await gitSucceeds(ctx, path, ["rev-parse", "--verify", "--quiet", `origin/${entry.branch}`])) {
    await git(ctx, path, ["checkout", "--quiet", "-b", String(entry.branch), `origin/${entry.branch}`]);
  }
  const inside = isInside(path, ws.dir);
  if (inside) {
    const relPath = relativePosix(ws.dir, path);
    const current = existsSync(join(ws.dir, ".gitignore")) ? readFileSync(join(ws.dir, ".gitignore"), "utf8") : "";
    const next = addGitignoreEntry(current, `/${relPath}/`, { ignoreSlashes: true });
    if (next !== current) writeFileAtomic(join(ws.dir, ".gitignore"), next);
    return { local_path: relPath };
  }
  return { local_path: path };
}

function gitSnapshotOps(ws: WorkspaceHandle, entry: ResourceEntry, localPath: string | undefined): SnapshotOps {
  const { ctx } = ws;
  const name = entry.name;
  const branch = String(entry.branch);
  const readOnly = entry.read_only === true;
  const repo = (): string => {
    if (!localPath || !gitDirOf(localPath)) {
      throw new ConfigurationError(
        `Resource '${name}': ${localPath ?? "its folder"} is not a git repository on this machine; ` +
          `clone it there, or set its path with 'dws config --resource ${name} local_path PATH'`,
      );
    }
    return localPath;
  };
  return {
    async snapshotPrecheck() {
      const r = repo();
      checkNoGitFat(r, `Resource '${name}'`);
      if (readOnly && await isDirty(ctx, r)) {
        throw new ConfigurationError(
          `Resource '${name}' is read-only but has uncommitted changes in ${r}; commit or discard them first`,
        );
      }
    },
    async currentHashes() {
      const r = repo();
      if ((!readOnly && await isDirty(ctx, r)) || (await currentBranch(ctx, r)) !== branch) return undefined;
      const head = await headCommit(ctx, r);
      return { compareHash: head, restoreHash: head };
    },
    async snapshot() {
      const r = repo();
      if (!readOnly) await commitChanges(ctx, r, "autocommit ahead of snapshot");
      await switchBranch(ctx, r, branch);
      const head = await headCommit(ctx, r);
      return { compareHash: head, restoreHash: head };
    },
    async commitResults(message) {
      await commitChanges(ctx, repo(), message);
    },
    async restorePrecheck(hash) {
      const r = repo();
      if (!(await commitExists(ctx, r, hash))) {
        throw new ConfigurationError(`Resource '${name}': commit ${hash} is not in ${r}; pull the repository first`);
      }
      if (readOnly && await isDirty(ctx, r)) {
        throw new ConfigurationError(`Resource '${name}' is read-only but has uncommitted changes in ${r}`);
      }
    },
    async restore(hash) {
      const r = repo();
      await commitChanges(ctx, r, "auto-commit ahead of restore");
      await switchBranch(ctx, r, branch);
      if (await gitSucceeds(ctx, r, ["diff", "--quiet", "HEAD", hash])) return;
      // read-tree brings back index and files of the old commit (binary files included),
      // removing files added since; HEAD then moves forward with a revert commit.
      await git(ctx, r, ["read-tree", "-u", "--reset", hash]);
      await git(ctx, r, ["commit", "--quiet", "-m", `Revert to commit ${hash}`]);
    },
    async deleteSnapshotFolder(rel) {
      const r = repo();
      if (!existsSync(join(r, rel))) return;
      await git(ctx, r, ["rm", "-r", "-f", "-q", "--", rel]);
      await git(ctx, r, ["commit", "--quiet", "-m", `Deleted ${join(r, rel)}`, "--", rel]);
    },
  };
}

registerResourceType(gitType);

/** Options of {@link addGitResource}. */
export interface AddGitOptions extends AddOptions {
  /** Branch to use; default: the repository's current branch. */
  branch?: string;
  /** Never commit to or push the repository. */
  readOnly?: boolean;
}

/**
 * Add a local git repository as a resource (`dws add git PATH`). A PATH
 * inside the workspace that is not a repository of its own becomes a
 * `git-subdirectory` resource.
 *
 * @example
 * ```ts
 * await addGitResource(ws, "/home/me/code-repo", { role: "code" });
 * ```
 */
export async function addGitResource(ws: Workspace, path: string, options: AddGitOptions): Promise<Resource> {
  const { ctx } = ws;
  if (/^(git@|https?:\/\/|ssh:\/\/|git:\/\/)/.test(path)) {
    throw new ConfigurationError(
      `'${path}' is a remote URL; dws add git takes a local clone: clone it first, then add its folder`,
    );
  }
  const abs = resolve(path);
  if (!gitDirOf(abs)) {
    if (isInside(abs, ws.dir) && abs !== ws.dir) return addGitSubdirectoryResource(ws, abs, options);
    if (!existsSync(abs)) throw new ConfigurationError(`${abs} does not exist`);
    throw new ConfigurationError(
      `${abs} is not a git repository; run 'git init' there, or add it with 'dws add local-files'`,
    );
  }
  checkNoGitFat(abs, "Repository");
  checkPathConflicts(ws, abs);
  const inside = isInside(abs, ws.dir);
  const rel = inside ? relativePosix(ws.dir, abs) : null;
  if (rel !== null && await isTracked(ctx, ws.dir, rel)) {
    throw new ConfigurationError(
      `${abs} is tracked by the workspace repository; remove it from the workspace with 'git rm -r --cached ${rel}' first`,
    );
  }
  const role = await chooseRole(ctx, options);
  checkExportImported(role, options);
  const readOnly = options.readOnly || options.imported || false;
  const origin = await gitConfigGet(ctx, abs, "remote.origin.url");
  if (!origin) {
    throw new ConfigurationError(
      `${abs} has no remote 'origin'; add one with 'git remote add origin URL' so the workspace can be shared`,
    );
  }
  const current = await currentBranch(ctx, abs);
  const branch = options.branch ?? current;
  if (branch !== current && !(await branchExists(ctx, abs, branch))) {
    throw new ConfigurationError(`Branch '${branch}' does not exist in ${abs}`);
  }
  const suggestion = suggestResourceName(ws, { base: basename(abs), role });
  const name = await chooseResourceName(ws, { name: options.name, suggestion });
  if (options.imported) checkImportedLineage(abs, name);
  if (branch !== current) {
    if (await isDirty(ctx, abs)) {
      ctx.output.warn(`WARNING: ${abs} has uncommitted changes, so it stays on branch '${current}' for now`);
    } else await git(ctx, abs, ["checkout", "--quiet", branch]);
  }
  const entry: ResourceEntry = {
    resource_type: "git",
    name,
    role,
    export: options.export ?? false,
    remote_origin_url: origin,
    relative_local_path: rel,
    branch,
    read_only: readOnly,
    imported: options.imported ?? false,
  };
  return registerResource(ws, { entry, localParams: { local_path: rel ?? abs } }, {
    ignorePath: abs,
    importLineageFrom: options.imported ? abs : undefined,
  });
}
