/**
 * The `rclone` resource (`dws add rclone REMOTE LOCAL_PATH`): a local copy
 * of data kept on any storage rclone reaches (S3, Google Drive, SFTP, ...).
 * Snapshots record hash trees exactly as local-files resources do; push and
 * pull copy (or sync) between the folder and the remote, in the direction
 * its `master` parameter names.
 *
 * @module
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import process from "node:process";
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
import type { Context } from "../core/base/context.ts";
import { refuseInlineCredentials } from "../core/base/credentials.ts";
import { ConfigurationError, RCloneException, SubprocessError } from "../core/base/errors.ts";
import { localFileAccess } from "../core/workspace/file_access.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import { createFolderFromSnapshot } from "../core/store/object_sync.ts";
import { boolType, enumType, type ParamDef, type ParamType, stringType } from "../core/workspace/params.ts";
import type { JsonObject } from "../core/base/json_value.ts";
import { registerResourceType } from "../core/workspace/resource_registry.ts";
import type { Resource, ResourceType, SyncOps, WorkspaceHandle } from "../core/workspace/resource.ts";
import { runProgram } from "../core/base/subprocess.ts";
import type { Workspace } from "../core/workspace/workspace.ts";
import { DATA_FOLDER_PARAMS, dataFolderPath, folderSnapshotOps, hashTreeDir } from "./folder_snapshot.ts";
import { folderVersionOps } from "./folder_version.ts";

/** Which side is authoritative: push only with `local`, pull only with `remote`. */
export type RcloneMaster = "none" | "remote" | "local";
/** `copy` never deletes; `sync` makes the destination identical to the source. */
export type RcloneSyncMode = "copy" | "sync";

/** A `remote:path` location. */
const remoteOriginType: ParamType = {
  name: "remote:path",
  parse: (t) => t,
  problem: (v) =>
    typeof v === "string" && v.includes(":") ? undefined : `'${v}' is not an rclone location of the form remote:path`,
};

const FILE_GLOBAL_PARAMS = DATA_FOLDER_PARAMS.filter((p) => p.scope === "global");
const FILE_LOCAL_PARAMS = DATA_FOLDER_PARAMS.filter((p) => p.scope === "local");

const PARAMS: readonly ParamDef[] = [
  // global_local_path, compute_hash, export, imported
  ...FILE_GLOBAL_PARAMS,
  {
    name: "remote_origin",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "The rclone location of the data, as remote:path",
    type: remoteOriginType,
  },
  {
    name: "config",
    scope: "global",
    defaultValue: null,
    optional: true,
    help: "rclone config file (default: rclone's own, RCLONE_CONFIG or ~/.config/rclone/rclone.conf)",
    type: stringType,
  },
  {
    name: "master",
    scope: "global",
    defaultValue: "none",
    optional: false,
    help: "Authoritative side: remote (pull copies remote to local), local (push copies local to remote), none",
    type: enumType(["none", "remote", "local"]),
  },
  {
    name: "sync_mode",
    scope: "global",
    defaultValue: "copy",
    optional: false,
    help: "copy (never delete) or sync (make the destination identical, deleting extra files)",
    type: enumType(["sync", "copy"]),
  },
  {
    name: "size_only",
    scope: "global",
    defaultValue: false,
    optional: false,
    allowMissing: true,
    help: "Compare files by size only when transferring (rclone --size-only)",
    type: boolType,
  },
  // local_path
  ...FILE_LOCAL_PARAMS,
];

const MISSING_RCLONE = "rclone is not installed: install it (for example 'apt-get install rclone') and try again";

/** How to call rclone for one resource. */
interface RcloneSettings {
  /** The config file (`--config`), or null for rclone's default. */
  config: string | null;
  /** Pass `--size-only` to transfers. */
  sizeOnly: boolean;
  /** Folder to run rclone in (must exist). */
  cwd: string;
}

/** Run `rclone <args>` (with `--config` when set); a missing binary is a one-line error. */
async function rclone(ctx: Context, args: readonly string[], settings: RcloneSettings) {
  const argv = ["rclone", ...args, ...(settings.config ? ["--config", settings.config] : [])];
  try {
    const result = await runProgram(ctx, argv, { cwd: settings.cwd });
    if (ctx.verbose && result.stderr.trim()) ctx.output.debug(result.stderr.trimEnd());
    return result;
  } catch (e) {
    if (e instanceof SubprocessError) {
      const lines = e.stderr.split("\n").map((l) => l.trim()).filter((l) => l);
      const detail = lines.findLast((l) => /ERROR|Failed|error/.test(l)) ?? lines.at(-1) ?? `exit code ${e.code}`;
      throw new RCloneException(
        `rclone ${args[0]} failed: ${detail}; check the remote with 'rclone lsd' and the rclone config file`,
      );
    }
    // runProgram reports a program missing from the PATH as a ConfigurationError (cwd always exists here).
    if (e instanceof ConfigurationError) throw new RCloneException(MISSING_RCLONE);
    throw e;
  }
}

/**
 * The remotes rclone knows (`rclone listremotes`), without the trailing `:`.
 *
 * @example
 * ```ts
 * await listRemotes(ctx, { config: "/home/me/rclone.conf" }); // ["localremote", "s3"]
 * ```
 */
export async function listRemotes(
  ctx: Context,
  options: { config?: string | null; cwd?: string } = {},
): Promise<string[]> {
  const { stdout } = await rclone(ctx, ["listremotes"], {
    config: options.config ?? null,
    sizeOnly: false,
    cwd: options.cwd ?? process.cwd(),
  });
  return stdout.split("\n").map((l) => l.trim()).filter((l) => l).map((l) => l.replace(/:$/, ""));
}

/** Fail unless rclone knows the remote named in `remoteOrigin`. */
async function checkRemoteKnown(ctx: Context, remoteOrigin: string, settings: RcloneSettings): Promise<void> {
  const problem = remoteOriginType.problem(remoteOrigin);
  if (problem) throw new ConfigurationError(`${problem}; give it as remote:path`);
  if (settings.config !== null && !existsSync(settings.config)) {
    throw new ConfigurationError(
      `rclone config file ${settings.config} does not exist; give an existing --config file`,
    );
  }
  const name = remoteOrigin.slice(0, remoteOrigin.indexOf(":"));
  const known = await listRemotes(ctx, { config: settings.config, cwd: settings.cwd });
  if (!known.includes(name)) {
    throw new ConfigurationError(
      `Remote '${name}' is not known to rclone${settings.config ? ` (config ${settings.config})` : ""}; ` +
        `known remotes: ${known.join(", ") || "none"}. Add it with 'rclone config'`,
    );
  }
}

/** `rclone copy|sync SRC DEST` with `--size-only` when set and `--verbose`. */
async function transfer(
  ctx: Context,
  mode: RcloneSyncMode,
  route: { from: string; to: string },
  settings: RcloneSettings,
): Promise<void> {
  await rclone(ctx, [mode, route.from, route.to, ...(settings.sizeOnly ? ["--size-only"] : []), "--verbose"], settings);
}

function settingsOf(ws: WorkspaceHandle, entry: ResourceEntry): RcloneSettings {
  return {
    config: typeof entry.config === "string" ? entry.config : null,
    sizeOnly: entry.size_only === true,
    cwd: ws.dir,
  };
}

const masterOf = (entry: ResourceEntry): RcloneMaster =>
  entry.master === "remote" || entry.master === "local" ? entry.master : "none";
const syncModeOf = (entry: ResourceEntry): RcloneSyncMode => entry.sync_mode === "sync" ? "sync" : "copy";

/**
 * The first copy of the data when the resource is added or cloned:
 * master=remote always copies (or syncs) from the remote; master=none copies
 * only into a missing folder; master=local only makes a missing folder.
 */
async function initialCopy(ws: WorkspaceHandle, entry: ResourceEntry, localPath: string): Promise<void> {
  const { ctx } = ws;
  const master = masterOf(entry);
  const existed = existsSync(localPath);
  if (existed && !statSync(localPath).isDirectory()) {
    throw new ConfigurationError(`${localPath} exists and is not a directory; pick a folder for the rclone data`);
  }
  const remote = String(entry.remote_origin);
  if (master === "remote") {
    mkdirSync(localPath, { recursive: true });
    await transfer(ctx, syncModeOf(entry), { from: remote, to: localPath }, settingsOf(ws, entry));
  } else if (master === "none" && !existed) {
    mkdirSync(localPath, { recursive: true });
    await transfer(ctx, "copy", { from: remote, to: localPath }, settingsOf(ws, entry));
  } else if (master === "local" && !existed) {
    mkdirSync(localPath, { recursive: true });
  }
}

function rcloneSyncOps(ws: WorkspaceHandle, entry: ResourceEntry, localPath: string | undefined): SyncOps {
  const { ctx } = ws;
  const master = masterOf(entry);
  const remote = String(entry.remote_origin);
  const folder = (): string => {
    if (!localPath || !existsSync(localPath)) {
      throw new ConfigurationError(
        `Resource '${entry.name}': folder ${localPath ?? "(none)"} does not exist on this machine; ` +
          `set its path with 'dws config --resource ${entry.name} local_path PATH'`,
      );
    }
    return localPath;
  };
  return {
    async pushPrecheck() {
      if (master !== "local") return;
      folder();
      await checkRemoteKnown(ctx, remote, settingsOf(ws, entry));
    },
    async push() {
      if (master !== "local") {
        return void ctx.output.info(`Skiping push of resource ${entry.name}, master is ${master}`);
      }
      await transfer(ctx, syncModeOf(entry), { from: folder(), to: remote }, settingsOf(ws, entry));
    },
    async pullPrecheck() {
      if (master !== "remote") return;
      await checkRemoteKnown(ctx, remote, settingsOf(ws, entry));
    },
    async pull() {
      if (master !== "remote") {
        return void ctx.output.info(`Skipping pull of resource ${entry.name}, master is ${master}`);
      }
      const dest = localPath ?? folder();
      mkdirSync(dest, { recursive: true });
      await transfer(ctx, syncModeOf(entry), { from: remote, to: dest }, settingsOf(ws, entry));
    },
  };
}

/**
 * Where an rclone resource's data goes on this machine after a clone:
 * its recorded folder (null = use it), else (interactive) a folder the user
 * names; a missing folder is created and filled from the remote per master.
 */
async function cloneRcloneResource(ws: WorkspaceHandle, entry: ResourceEntry): Promise<JsonObject> {
  const global = String(entry.global_local_path ?? entry.local_path ?? "");
  let path = global;
  if (!existsSync(global) && !ws.ctx.batch) {
    const answer = await ws.ctx.prompter.ask(
      `Where should the data of rclone resource '${entry.name}' go on this machine?`,
      global,
    );
    path = resolve(answer || global);
  }
  if (!path) throw new ConfigurationError(`Resource '${entry.name}' has no global_local_path in resources.json`);
  await checkRemoteIfNeeded(ws, entry, path);
  // This machine is the authority (master=local) but has no copy: the newest snapshot's data, when here.
  if (masterOf(entry) === "local" && !existsSync(path)) await createFolderFromSnapshot(ws, entry.name, path);
  await initialCopy(ws, entry, path);
  return { local_path: path === global ? null : path };
}

/** Before an initial copy that will call rclone, make sure the remote is known here. */
async function checkRemoteIfNeeded(ws: WorkspaceHandle, entry: ResourceEntry, path: string): Promise<void> {
  const master = masterOf(entry);
  if (master === "remote" || (master === "none" && !existsSync(path))) {
    await checkRemoteKnown(ws.ctx, String(entry.remote_origin), settingsOf(ws, entry));
  }
}

/** The `rclone` resource type. */
export const rcloneType: ResourceType = {
  name: "rclone",
  hasLocalState: true,
  storesObjects: true,
  params: PARAMS,
  open(ws, entry, localParams): Resource {
    const localPath = dataFolderPath(entry, localParams);
    return {
      name: entry.name,
      role: entry.role,
      type: rcloneType,
      params: entry,
      localParams,
      localPath,
      files: localPath ? localFileAccess(localPath) : undefined,
      snapshots: folderSnapshotOps(ws, entry, localPath),
      ...folderVersionOps(ws, entry, localPath),
      sync: rcloneSyncOps(ws, entry, localPath),
    };
  },
  cloneLocal: cloneRcloneResource,
};

registerResourceType(rcloneType);

/** Options of {@link addRcloneResource}. */
export interface AddRcloneOptions extends AddOptions {
  /** rclone config file; default: rclone's own. */
  config?: string;
  /** Record SHA-1 of contents instead of sizes. */
  computeHash?: boolean;
  /** Authoritative side (default `none`). */
  master?: RcloneMaster;
  /** `copy` (default) or `sync` for transfers. */
  syncMode?: RcloneSyncMode;
  /** Compare by size only when transferring. */
  sizeOnly?: boolean;
  /** Base for a relative local path and config file; default the process's cwd. */
  cwd?: string;
}

/**
 * Add data reached through rclone as a resource (`dws add rclone REMOTE
 * LOCAL_PATH`): checks the remote is known to rclone, makes the first local
 * copy as `master` says, and records it like a local-files resource.
 *
 * @example
 * ```ts
 * await addRcloneResource(ws, { remote: "s3:bucket/images", localPath: "/data/images" }, {
 *   role: "source-data",
 *   master: "remote",
 * });
 * ```
 */
export async function addRcloneResource(
  ws: Workspace,
  location: { remote: string; localPath: string },
  options: AddRcloneOptions = {},
): Promise<Resource> {
  const { ctx } = ws;
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, location.localPath);
  const master = options.master ?? "none";
  const syncMode = options.syncMode ?? "copy";
  if (!["none", "remote", "local"].includes(master)) {
    throw new ConfigurationError(`--master must be none, remote or local, not '${master}'`);
  }
  if (!["copy", "sync"].includes(syncMode)) {
    throw new ConfigurationError(`--sync-mode must be copy or sync, not '${syncMode}'`);
  }
  if (existsSync(abs) && !statSync(abs).isDirectory()) {
    throw new ConfigurationError(`${abs} is not a directory; give a folder for the rclone data`);
  }
  checkPathConflicts(ws, abs);
  const config = options.config !== undefined ? resolve(cwd, options.config) : null;
  const settings: RcloneSettings = { config, sizeOnly: options.sizeOnly ?? false, cwd: ws.dir };
  const role = await chooseRole(ctx, options);
  checkExportImported(role, options);
  const suggestion = suggestResourceName(ws, { base: basename(abs), role });
  const name = await chooseResourceName(ws, { name: options.name, suggestion });
  const entry: ResourceEntry = {
    resource_type: "rclone",
    name,
    role,
    global_local_path: abs,
    compute_hash: options.computeHash ?? false,
    export: options.export ?? false,
    imported: options.imported ?? false,
    remote_origin: location.remote,
    config,
    master,
    sync_mode: syncMode,
    size_only: settings.sizeOnly,
  };
  refuseInlineCredentials(entry, `resource '${name}'`);
  await checkRemoteKnown(ctx, location.remote, settings);
  await initialCopy(ws, entry, abs);
  if (options.imported) checkImportedLineage(abs, name);
  const hashDir = ws.path(hashTreeDir(role, name));
  mkdirSync(hashDir, { recursive: true });
  writeFileSync(join(hashDir, "dummy.txt"), "Placeholder to ensure directory is added to git\n");
  return registerResource(ws, { entry, localParams: { local_path: null } }, {
    ignorePath: abs,
    importLineageFrom: options.imported ? abs : undefined,
  });
}
