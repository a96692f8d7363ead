/**
 * `dws init`: turn a folder into a workspace (spec §1.3), writing the same
 * files, ignore entries and commits as Data Workspaces 1.6.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import type { Context } from "../base/context.ts";
import { ConfigurationError, NotSupportedError } from "../base/errors.ts";
import { commitPaths, currentBranch, git, gitConfigGet, isGitRepo } from "../git/git.ts";
import { ensureGitLfs, trackWithLfs, usesGitLfs } from "../git/lfs.ts";
import { withWorkspaceLock } from "../workspace/lock.ts";
import {
  writeLocalParams,
  writeResourceLocalParams,
  writeResources,
  writeWorkspaceConfig,
} from "../workspace/metadata_store.ts";
import { addGitignoreEntry } from "../models/gitignore.ts";
import { type Role } from "../base/names.ts";
import { defaultHostname, findParam, validateParam, WORKSPACE_PARAMS } from "../workspace/params.ts";
import { isInside, relativePosix } from "../base/paths.ts";
import type { JsonObject } from "../base/json_value.ts";
import { resourceTypeWith } from "../workspace/resource_registry.ts";
import { createRoleDirectory } from "../workspace/role_directory.ts";
import { DWS_DIR, Workspace } from "../workspace/workspace.ts";

/** The `dws-version` written into new workspaces: the 1.6 on-disk format. */
export const DWS_FORMAT_VERSION = "1.6.0";

/** Options of {@link initWorkspace}. */
export interface InitOptions {
  /** Workspace name; default: the folder's name. */
  name?: string;
  /** Name of this machine in snapshot paths; asked for (interactive) or the short host name. */
  hostname?: string;
  /** Roles to create git-subdirectory resources for. */
  createResources?: readonly Role[];
  /** Scratch folder (default `<ws>/scratch`); relative paths are taken from `cwd`. */
  scratchDirectory?: string;
  /** Patterns for `git lfs track`. */
  gitLfsAttributes?: readonly string[];
  /** git-fat remote: not supported (use git-lfs). */
  gitFatRemote?: string;
  /** Base for relative paths; default the process's cwd. */
  cwd?: string;
}

async function checkGitIdentity(ctx: Context, dir: string): Promise<void> {
  for (const [key, question] of [["user.name", "your full name"], ["user.email", "your email address"]]) {
    if (await gitConfigGet(ctx, dir, key)) continue;
    if (ctx.batch) {
      throw new ConfigurationError(
        `git ${key} is not set; set it with 'git config --global ${key} VALUE' and run dws init again`,
      );
    }
    const value = await ctx.prompter.ask(`git ${key} is not set. Please enter ${question} for git commits`);
    if (!value) throw new ConfigurationError(`git ${key} is required`);
    await git(ctx, dir, ["config", "--global", key, value]);
  }
}

async function chooseHostname(ctx: Context, given?: string): Promise<string> {
  const def = findParam(WORKSPACE_PARAMS, "hostname");
  if (given !== undefined) return validateParam(def, given) as string;
  if (ctx.batch) return defaultHostname();
  for (;;) {
    const h = await ctx.prompter.ask(
      "What name do you want to use for this machine in snapshot directory paths?",
      defaultHostname(),
    );
    try {
      return validateParam(def, h) as string;
    } catch (e) {
      ctx.output.warn((e as Error).message);
    }
  }
}

function ensureGitignore(wsDir: string, rel: string, entries: readonly string[]): void {
  const path = join(wsDir, rel);
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const after = entries.reduce((c, e) => addGitignoreEntry(c, e), before);
  if (after !== before) writeFileAtomic(path, after);
}

/** Folders of installed dependencies and caches, and what in a folder's top level shows they are (or will be) there. */
const DEPENDENCY_FOLDERS: readonly { entry: string; when: (names: ReadonlySet<string>, dir: string) => boolean }[] = [
  { entry: "node_modules/", when: (n) => n.has("node_modules") || n.has("package.json") },
  { entry: ".venv/", when: (n) => n.has(".venv") },
  { entry: "venv/", when: (_, dir) => existsSync(join(dir, "venv", "pyvenv.cfg")) },
  {
    entry: "__pycache__/",
    when: (n) =>
      ["__pycache__", "pyproject.toml", "requirements.txt", "setup.py"].some((f) => n.has(f)) ||
      [...n].some((f) => f.endsWith(".py")),
  },
  ...[".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox"].map((f) => ({
    entry: `${f}/`,
    when: (n: ReadonlySet<string>) => n.has(f),
  })),
];

/** The `.gitignore` entries for the dependency and cache folders `dir` has (or, with a package.json, will have). */
function dependencyIgnores(dir: string): string[] {
  const names = new Set(readdirSync(dir));
  return DEPENDENCY_FOLDERS.filter((d) => d.when(names, dir)).map((d) => d.entry);
}

/**
 * Create a workspace in `dir`. Only what dws writes is committed; folders
 * of installed dependencies and caches (node_modules/, .venv/,
 * __pycache__/, ...) are written into `.gitignore` first.
 *
 * @example
 * ```ts
 * const ws = await initWorkspace(createContext(), "/tmp/ws", { createResources: ["code", "results"] });
 * ```
 */
export async function initWorkspace(ctx: Context, dir: string, options: InitOptions = {}): Promise<Workspace> {
  const wsDir = resolve(options.cwd ?? ".", dir);
  if (options.gitFatRemote !== undefined) {
    if (options.gitLfsAttributes?.length) {
      throw new ConfigurationError("Cannot use both git-fat and git-lfs in one workspace; pick git-lfs");
    }
    throw new NotSupportedError((o) =>
      `git-fat is not supported (it needs Python 2); use ${o("gitLfsAttributes")} instead`
    );
  }
  if (!existsSync(wsDir) || !statSync(wsDir).isDirectory()) {
    throw new ConfigurationError(`Directory ${wsDir} does not exist; create it first`);
  }
  if (existsSync(join(wsDir, DWS_DIR))) {
    throw new ConfigurationError(
      `Found a ${DWS_DIR} folder in ${wsDir}. Has this workspace already been initialized?`,
    );
  }
  const name = options.name ?? basename(wsDir);
  const hostname = await chooseHostname(ctx, options.hostname);
  const scratch = resolve(options.cwd ?? ".", options.scratchDirectory ?? join(wsDir, "scratch"));
  if (scratch === wsDir) throw new ConfigurationError("The scratch directory cannot be the workspace itself");
  const scratchRel = isInside(scratch, wsDir) ? relativePosix(wsDir, scratch) : undefined;
  if (scratchRel && (scratchRel.split("/")[0] === DWS_DIR || scratchRel.split("/")[0] === ".git")) {
    throw new ConfigurationError(`The scratch directory cannot be inside ${scratchRel.split("/")[0]}`);
  }
  if (options.gitLfsAttributes?.length || usesGitLfs(wsDir)) await ensureGitLfs(ctx);
  await checkGitIdentity(ctx, wsDir);

  try {
    mkdirSync(join(wsDir, DWS_DIR));
  } catch (e) {
    if ((e as { code?: string }).code === "EEXIST") {
      throw new ConfigurationError(
        `Found a ${DWS_DIR} folder in ${wsDir}. Has this workspace already been initialized?`,
      );
    }
    throw e;
  }
  const createdGit = !isGitRepo(wsDir);
  const hadGitignore = existsSync(join(wsDir, ".gitignore"));
  try {
    if (createdGit) await git(ctx, wsDir, ["init", "--quiet"]);
    else ctx.output.info(`${wsDir} is already a git repository, will just add to it`);
    return await initialize(ctx, wsDir, { ...options, name, hostname, scratch, scratchRel });
  } catch (e) {
    // Leave the folder as it was: a half-made workspace would block the next `dws init`.
    rmSync(join(wsDir, DWS_DIR), { recursive: true, force: true });
    if (createdGit) rmSync(join(wsDir, ".git"), { recursive: true, force: true });
    if (!hadGitignore) rmSync(join(wsDir, ".gitignore"), { force: true });
    throw e;
  }
}

/** Say that the folder's own files were left uncommitted (1.6 committed them all, node_modules included). */
async function reportUncommitted(ctx: Context, wsDir: string): Promise<void> {
  const others = (await git(ctx, wsDir, ["ls-files", "--others", "--exclude-standard", "-z"])).split("\0")
    .filter(Boolean);
  if (others.length === 0) return;
  ctx.output.info(
    `dws init committed only its own files; ${others.length} other file${others.length === 1 ? " is" : "s are"} ` +
      "left uncommitted (see git status; the next dws add commits them)",
  );
}

async function initialize(
  ctx: Context,
  wsDir: string,
  options: InitOptions & { name: string; hostname: string; scratch: string; scratchRel?: string },
): Promise<Workspace> {
  const { name, hostname, scratch, scratchRel } = options;
  return await withWorkspaceLock(wsDir, async () => {
    for (const sub of ["snapshots", "snapshot_metadata", "current_lineage"]) {
      mkdirSync(join(wsDir, DWS_DIR, sub), { recursive: true });
    }
    writeResources(wsDir, []);
    const localParams: JsonObject = { hostname };
    if (!scratchRel) localParams.local_scratch_directory = scratch;
    writeLocalParams(wsDir, localParams);
    writeResourceLocalParams(wsDir, {});
    ensureGitignore(wsDir, `${DWS_DIR}/.gitignore`, [
      "local_params.json",
      "resource_local_params.json",
      "current_lineage/",
    ]);
    const dependencies = dependencyIgnores(wsDir);
    ensureGitignore(wsDir, ".gitignore", [
      ...(scratchRel ? [`/${scratchRel}`] : []),
      ".ipynb_checkpoints/",
      ".~*",
      ...dependencies,
    ]);
    if (dependencies.length) {
      ctx.output.info(
        `Added ${
          dependencies.join(", ")
        } to .gitignore: installed dependencies and caches stay out of the workspace's git`,
      );
    }
    await commitPaths(ctx, wsDir, [`${DWS_DIR}/resources.json`, `${DWS_DIR}/.gitignore`, ".gitignore"], "dws init");

    const globalParams: JsonObject = {};
    for (const def of WORKSPACE_PARAMS) {
      if (def.scope === "global" && def.defaultValue !== null) globalParams[def.name] = def.defaultValue;
    }
    if (scratchRel) globalParams.scratch_directory = scratchRel;
    globalParams.dws_git_branch = await currentBranch(ctx, wsDir);
    writeWorkspaceConfig(wsDir, { name, dwsVersion: DWS_FORMAT_VERSION, globalParams });
    await commitPaths(ctx, wsDir, [`${DWS_DIR}/config.json`], "dws init (config.json)");
    mkdirSync(scratch, { recursive: true });

    if (options.gitLfsAttributes?.length) {
      await trackWithLfs(ctx, wsDir, options.gitLfsAttributes);
      await commitPaths(ctx, wsDir, [".gitattributes"], "added git-lfs attributes");
    }

    const ws = await Workspace.open(wsDir, ctx);
    const roles = options.createResources ?? [];
    if (roles.length) {
      ctx.output.info(`Will now create sub-directory resources for ${roles.join(", ")}`);
      const type = await resourceTypeWith("workspaceFolders");
      for (const role of roles) {
        const path = join(wsDir, role);
        if (ws.findResource(role)) throw new ConfigurationError(`A resource named '${role}' already exists`);
        if (createRoleDirectory(path, role)) {
          await commitPaths(ctx, wsDir, [role], `Add ${role} to repo for storing results`);
        }
        const created = type.entryForPath!(ws, { path, name: role, role });
        await ws.addResource(created.entry, created.localParams);
      }
      ctx.output.info("Finished initializing resources:");
      for (const role of roles) ctx.output.info(`  ${role}: ./${role}`);
    }
    await commitPaths(ctx, wsDir, [DWS_DIR], "workspace initialization");
    await reportUncommitted(ctx, wsDir);
    ctx.output.info(`Workspace ${name} initialized successfully.`);
    return ws;
  }, { output: ctx.output, command: "dws init" });
}
