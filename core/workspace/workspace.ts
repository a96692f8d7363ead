/**
 * An open workspace: its metadata, its resources and the operations that
 * change them. Commands that write take the workspace lock first
 * ({@link withWorkspace}).
 *
 * @module
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { type Context, type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { refuseInlineCredentials } from "../base/credentials.ts";
import { commitChanges, currentBranch } from "../git/git.ts";
import { type LockOptions, withWorkspaceLock } from "./lock.ts";
import {
  readWorkspaceMetadata,
  writeLocalParams,
  writeResourceLocalParams,
  writeResources,
  writeWorkspaceConfig,
} from "./metadata_store.ts";
import { RESOURCE_LOCAL_PARAMS_FILE, type ResourceEntry, RESOURCES_FILE } from "../models/resources_file.ts";
import type { WorkspaceConfig } from "../models/workspace_config.ts";
import {
  checkStoredParams,
  findParam,
  type LinkMode,
  type ParamDef,
  paramDefault,
  validateParam,
  WORKSPACE_PARAMS,
} from "./params.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { getResourceType } from "./resource_registry.ts";
import type { Resource, WorkspaceHandle } from "./resource.ts";
import { journalPath, recoverInterruptedSnapshot } from "../snapshot/journal.ts";
import { recoverInterruptedRestore, restoreJournalPath } from "../snapshot/restore_journal.ts";

/** The metadata folder's name. */
export const DWS_DIR = ".dataworkspace";

/** True if `dir` holds a `.dataworkspace` folder. */
export function isWorkspaceDir(dir: string): boolean {
  try {
    return statSync(join(dir, DWS_DIR)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The nearest enclosing directory (from `start` upwards) with a writable
 * `.dataworkspace` folder, or undefined.
 *
 * @example
 * ```ts
 * findWorkspaceDir("/ws/code/sub"); // "/ws"
 * ```
 */
export function findWorkspaceDir(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (isWorkspaceDir(dir)) {
      try {
        accessSync(join(dir, DWS_DIR), constants.W_OK);
        return dir;
      } catch { /* not writable: keep looking */ }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The workspace directory for a command: `explicit` (`--workspace-dir`) when
 * given, else found by walking up from `cwd`.
 */
export function resolveWorkspaceDir(explicit?: string, cwd: string = process.cwd()): string {
  if (explicit !== undefined) {
    const dir = resolve(cwd, explicit);
    if (!isWorkspaceDir(dir)) {
      throw new ConfigurationError(
        `${dir} is not a data workspace (it has no ${DWS_DIR} folder). Did you run 'dws init'?`,
      );
    }
    return dir;
  }
  const found = findWorkspaceDir(cwd);
  if (!found) {
    throw new ConfigurationError((o) =>
      `Did not find a data workspace enclosing the directory ${resolve(cwd)}. ` +
      `Run 'dws init' to create one, or pass ${o("workspaceDir")}.`
    );
  }
  return found;
}

/** An open workspace. */
export class Workspace implements WorkspaceHandle {
  readonly dir: string;
  /** How to talk to the user. */
  readonly ctx: Context;
  #config: WorkspaceConfig;
  #localParams: JsonObject;
  #entries: ResourceEntry[];
  #resourceLocalParams: Record<string, JsonObject>;
  #resources: Resource[] = [];
  #branch?: string;

  private constructor(dir: string, ctx: Context, md: ReturnType<typeof readWorkspaceMetadata>) {
    this.dir = dir;
    this.ctx = ctx;
    this.#config = md.config;
    this.#localParams = md.localParams;
    this.#entries = md.resources;
    this.#resourceLocalParams = md.resourceLocalParams;
  }

  /**
   * Open the workspace at `dir` (which must contain `.dataworkspace`).
   *
   * @example
   * ```ts
   * const ws = await Workspace.open("/ws", createContext());
   * ws.resources.map((r) => r.name);
   * ```
   */
  static async open(dir: string, ctx: Context): Promise<Workspace> {
    const abs = resolve(dir);
    if (!isWorkspaceDir(abs)) {
      throw new ConfigurationError(`${abs} is not a data workspace (it has no ${DWS_DIR} folder)`);
    }
    const ws = new Workspace(abs, ctx, readWorkspaceMetadata(abs));
    for (const entry of ws.#entries) ws.#resources.push(await ws.#openResource(entry));
    return ws;
  }

  async #openResource(entry: ResourceEntry): Promise<Resource> {
    const type = await getResourceType(entry.resource_type);
    checkStoredParams(type.params, { scope: "global", values: entry, fileName: RESOURCES_FILE });
    const local = this.#resourceLocalParams[entry.name] ?? {};
    checkStoredParams(type.params, { scope: "local", values: local, fileName: RESOURCE_LOCAL_PARAMS_FILE });
    return type.open(this, entry, this.#resourceLocalParams[entry.name] ?? {});
  }

  /** The workspace's name from `config.json`. */
  get name(): string {
    return this.#config.name;
  }

  /** The `dws-version` that created the workspace. */
  get dwsVersion(): string {
    return this.#config.dwsVersion;
  }

  /** The resources in workspace order. */
  get resources(): readonly Resource[] {
    return this.#resources;
  }

  /** The resource called `name`, or undefined. */
  findResource(name: string): Resource | undefined {
    return this.#resources.find((r) => r.name === name);
  }

  /** The resource called `name`; throws a clear error when there is none. */
  getResource(name: string): Resource {
    const r = this.findResource(name);
    if (!r) {
      const known = this.#resources.map((x) => x.name).join(", ") || "none";
      throw new ConfigurationError(
        `A resource by the name '${name}' does not exist in this workspace (resources: ${known})`,
      );
    }
    return r;
  }

  /** The stored value of a workspace parameter, undefined when unset. */
  storedParam(def: ParamDef): JsonValue | undefined {
    return def.scope === "global" ? this.#config.globalParams[def.name] : this.#localParams[def.name];
  }

  /**
   * A workspace parameter's value: the stored one, else its default.
   *
   * @example
   * ```ts
   * ws.getParam("results.dir_template"); // "snapshots/{HOSTNAME}-{TAG}"
   * ```
   */
  getParam(name: string): JsonValue {
    const def = findParam(WORKSPACE_PARAMS, name);
    return this.storedParam(def) ?? paramDefault(def);
  }

  /** Validate and store a workspace parameter (written at once). */
  setParam(name: string, value: JsonValue): ParamDef {
    const def = findParam(WORKSPACE_PARAMS, name);
    validateParam(def, value);
    if (def.scope === "global") {
      refuseInlineCredentials({ [name]: value }, "the workspace");
      this.#config = { ...this.#config, globalParams: { ...this.#config.globalParams, [name]: value } };
      writeWorkspaceConfig(this.dir, this.#config);
    } else {
      this.#localParams = { ...this.#localParams, [name]: value };
      writeLocalParams(this.dir, this.#localParams);
    }
    return def;
  }

  /** This machine's name in snapshot paths. */
  hostname(): string {
    return this.getParam("hostname") as string;
  }

  /** Absolute path of the scratch folder. */
  scratchDir(): string {
    const local = this.getParam("local_scratch_directory");
    if (typeof local === "string") return local;
    const rel = this.getParam("scratch_directory");
    return join(this.dir, typeof rel === "string" ? rel : "scratch");
  }

  /** Absolute path of the object store (snapshot contents of data folders). */
  objectStoreDir(): string {
    const dir = this.getParam("object_store.directory");
    return typeof dir === "string" ? dir : join(this.scratchDir(), "objects");
  }

  /** How data folders keep their contents in the object store (`object_store.link`). */
  objectStoreLink(): LinkMode {
    return this.getParam("object_store.link") === "hardlink" ? "hardlink" : "copy";
  }

  /** The workspace repository's branch. */
  async branch(): Promise<string> {
    const stored = this.getParam("dws_git_branch");
    if (typeof stored === "string") return stored;
    this.#branch ??= await currentBranch(this.ctx, this.dir);
    return this.#branch;
  }

  /**
   * Add a resource: appended to `resources.json`, its local parameters to
   * `resource_local_params.json`. The caller validates and commits.
   */
  async addResource(entry: ResourceEntry, localParams: JsonObject): Promise<Resource> {
    if (this.findResource(entry.name)) {
      throw new ConfigurationError(`A resource with the name '${entry.name}' already exists in this workspace`);
    }
    refuseInlineCredentials(entry, `resource '${entry.name}'`);
    const resource = await this.#openResource(entry);
    this.#entries = [...this.#entries, entry];
    this.#resourceLocalParams = { ...this.#resourceLocalParams, [entry.name]: localParams };
    this.#resources = [...this.#resources, resource];
    writeResources(this.dir, this.#entries);
    writeResourceLocalParams(this.dir, this.#resourceLocalParams);
    return resource;
  }

  /** True if this machine has local parameters for resource `name` (false: it still needs cloning). */
  hasLocalParams(name: string): boolean {
    return name in this.#resourceLocalParams;
  }

  /** Replace a resource's local parameters (written at once) and reopen it. */
  async setResourceLocalParams(name: string, params: JsonObject): Promise<Resource> {
    const index = this.#entries.findIndex((e) => e.name === name);
    if (index < 0) this.getResource(name);
    this.#resourceLocalParams = { ...this.#resourceLocalParams, [name]: params };
    writeResourceLocalParams(this.dir, this.#resourceLocalParams);
    this.#resources[index] = await this.#openResource(this.#entries[index]);
    return this.#resources[index];
  }

  /** Store a resource parameter (global in `resources.json`, local in `resource_local_params.json`). */
  async setResourceParam(name: string, def: ParamDef, value: JsonValue): Promise<void> {
    const index = this.#entries.findIndex((e) => e.name === name);
    if (index < 0) this.getResource(name);
    if (def.scope === "global") {
      refuseInlineCredentials({ [def.name]: value }, `resource '${name}'`);
      const entry = { ...this.#entries[index], [def.name]: value } as ResourceEntry;
      this.#entries = this.#entries.map((e, i) => i === index ? entry : e);
      writeResources(this.dir, this.#entries);
    } else {
      const local = { ...this.#resourceLocalParams[name], [def.name]: value };
      this.#resourceLocalParams = { ...this.#resourceLocalParams, [name]: local };
      writeResourceLocalParams(this.dir, this.#resourceLocalParams);
    }
    this.#resources[index] = await this.#openResource(this.#entries[index]);
  }

  /** Commit every change in the workspace repository, if any. */
  save(message: string): Promise<boolean> {
    return commitChanges(this.ctx, this.dir, message);
  }

  /** Absolute path of `p` taken relative to the workspace. */
  path(p: string): string {
    return isAbsolute(p) ? p : join(this.dir, p);
  }

  /** The contents of a file in the workspace, or "" when it is missing. */
  readFileOrEmpty(rel: string): string {
    const p = this.path(rel);
    return existsSync(p) ? readFileSync(p, "utf8") : "";
  }
}

/** Options of {@link withWorkspace}. */
export interface WithWorkspaceOptions extends LockOptions {
  /** `--workspace-dir`; found from the current directory when absent. */
  workspaceDir?: string;
}

/**
 * Lock the workspace, open it and run `fn`; for every operation that writes.
 *
 * @example
 * ```ts
 * await withWorkspace(ctx, async (ws) => ws.setParam("hostname", "h2"), { workspaceDir: "/ws" });
 * ```
 */
export function withWorkspace<T>(
  ctx: Context,
  fn: (ws: Workspace) => Promise<T>,
  options: WithWorkspaceOptions = {},
): Promise<T> {
  const dir = resolveWorkspaceDir(options.workspaceDir);
  return withWorkspaceLock(dir, async () => {
    await recoverInterruptedSnapshot(ctx, dir);
    recoverInterruptedRestore(dir, ctx.output);
    return await fn(await Workspace.open(dir, ctx));
  }, { output: ctx.output, ...options });
}

/** Open the workspace without locking; for commands that only read. */
export function openWorkspace(ctx: Context, options: { workspaceDir?: string } = {}): Promise<Workspace> {
  const dir = resolveWorkspaceDir(options.workspaceDir);
  if (existsSync(journalPath(dir))) {
    ctx.output.warn(
      "An interrupted snapshot was found; the next dws command that changes the workspace (e.g. dws snapshot) repairs it.",
    );
  }
  if (existsSync(restoreJournalPath(dir))) {
    ctx.output.warn(
      "An interrupted restore was found; the next dws command that changes the workspace (e.g. dws restore) finishes it.",
    );
  }
  return Workspace.open(dir, ctx);
}

/** Where the workspace is and how to talk to the caller: the options of every library API call. */
export interface ApiOptions {
  /** The workspace; default: found from the current directory. */
  workspaceDir?: string;
  /** Output, verbosity, ...; batch mode unless set otherwise. */
  context?: ContextOptions;
}

/**
 * {@link withWorkspace} for a library API call: a context from
 * `options.context`, the lock naming `command`.
 *
 * @example
 * ```ts
 * await withApiWorkspace({ workspaceDir: "/ws" }, "takeSnapshot()", (ws) => snapshotWorkspace(ws));
 * ```
 */
export function withApiWorkspace<T>(
  options: ApiOptions,
  command: string,
  fn: (ws: Workspace) => Promise<T>,
): Promise<T> {
  return withWorkspace(createContext(options.context), fn, { workspaceDir: options.workspaceDir, command });
}

/** {@link openWorkspace} for a library API call that only reads. */
export function openApiWorkspace(options: ApiOptions): Promise<Workspace> {
  return openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
}
