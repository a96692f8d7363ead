/**
 * `dws clone` (spec §7): clone a workspace from its git remote, set up this
 * machine's parameters and scratch folder, then bring every resource with
 * local state here. A failed clone removes what it created.
 *
 * @module
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import type { Context } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { git, gitConfigGet, gitSucceeds, switchBranch } from "../git/git.ts";
import { checkoutRemoteBranch, cloneRepo } from "../git/sync.ts";
import { writeLocalParams, writeResourceLocalParams } from "../workspace/metadata_store.ts";
import { readWorkspaceMetadata, type WorkspaceMetadata } from "../workspace/metadata_store.ts";
import { plainNameProblem, relativePathProblem } from "../base/paths.ts";
import { defaultHostname, findParam, validateParam, WORKSPACE_PARAMS } from "../workspace/params.ts";
import type { JsonObject } from "../base/json_value.ts";
import { fetchCurrentObjects } from "../store/object_sync.ts";
import { cloneMissingResources } from "./pull.ts";
import { DWS_DIR, isWorkspaceDir, Workspace } from "../workspace/workspace.ts";
import { withWorkspaceLock } from "../workspace/lock.ts";

/** Options of {@link cloneWorkspace}. */
export interface CloneOptions {
  /** Target folder; default: `<cwd>/<workspace name>`. */
  directory?: string;
  /** This machine's name in snapshot paths; asked for (interactive) or the short host name. */
  hostname?: string;
  /** Base for relative paths; default the process's cwd. */
  cwd?: string;
}

/** Where a clone goes, checked before anything is created. */
interface CloneTarget {
  cwd: string;
  /** The folder the clone is made in. */
  parent: string;
  /** The DIRECTORY given; else the clone goes to `<parent>/<workspace name>`. */
  target?: string;
  hostname: string;
}

async function checkClone(ctx: Context, repository: string, options: CloneOptions): Promise<CloneTarget> {
  const cwd = resolve(options.cwd ?? ".");
  let hostname = options.hostname;
  if (hostname === undefined && !ctx.batch) {
    hostname = await ctx.prompter.ask(
      "What name do you want to use for this machine in snapshot directory paths?",
      defaultHostname(),
    );
  }
  hostname = validateParam(findParam(WORKSPACE_PARAMS, "hostname"), hostname ?? defaultHostname()) as string;
  const target = options.directory !== undefined ? resolve(cwd, options.directory) : undefined;
  const parent = target ? dirname(target) : cwd;
  if (target && existsSync(target)) throw new ConfigurationError(`${target} already exists; pick another directory`);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new ConfigurationError(`Parent directory ${parent} does not exist`);
  }
  for (const key of ["user.name", "user.email"]) {
    if (!(await gitConfigGet(ctx, parent, key))) {
      throw new ConfigurationError(`git ${key} is not set; set it with 'git config --global ${key} VALUE'`);
    }
  }
  try {
    await git(ctx, parent, ["ls-remote", "--quiet", repository]);
  } catch {
    throw new ConfigurationError(`Unable to access remote repository ${repository}`);
  }
  return { cwd, parent, target, hostname };
}

/**
 * Clone the repository into a folder of our own and move it to its place;
 * `created` collects every folder made, so a failure removes only those.
 */
async function cloneRepository(
  ctx: Context,
  repository: string,
  where: CloneTarget,
  created: string[],
): Promise<{ dir: string; md: WorkspaceMetadata }> {
  const tmp = where.target ?? join(where.parent, `.dws-clone-${randomUUID().replace(/-/g, "")}`);
  created.push(tmp);
  await cloneRepo(ctx, repository, { dest: tmp, cwd: where.parent, what: "Workspace" });
  if (!isWorkspaceDir(tmp)) await checkoutWorkspaceBranch(ctx, tmp);
  if (!isWorkspaceDir(tmp)) {
    throw new ConfigurationError(`${repository} is not a data workspace (it has no ${DWS_DIR} folder)`);
  }
  const md = readWorkspaceMetadata(tmp);
  let dir = tmp;
  if (!where.target) {
    // The name comes from someone else's repository: it must stay one folder name inside `parent`.
    const problem = plainNameProblem(md.config.name);
    if (problem) {
      throw new ConfigurationError(`The workspace's name ${problem}; give a DIRECTORY to clone into`);
    }
    dir = join(where.parent, md.config.name);
    if (existsSync(dir)) throw new ConfigurationError(`${dir} already exists; give a DIRECTORY to clone into`);
    renameSync(tmp, dir);
    created.splice(created.indexOf(tmp), 1, dir);
  }
  const branch = md.config.globalParams.dws_git_branch;
  if (typeof branch === "string") await switchBranch(ctx, dir, branch);
  return { dir, md };
}

/** This machine's parameters and scratch folder for the cloned workspace. */
async function setUpLocalState(
  ctx: Context,
  clone: { dir: string; md: WorkspaceMetadata },
  where: CloneTarget,
  created: string[],
): Promise<void> {
  const { dir, md } = clone;
  const local: JsonObject = { hostname: where.hostname };
  const scratchRel = md.config.globalParams.scratch_directory;
  if (typeof scratchRel !== "string") {
    if (ctx.batch) {
      throw new ConfigurationError((o) =>
        "Scratch directory was not within workspaces and we are running in batch mode; " +
        `clone without ${o("batch")} to give a scratch folder`
      );
    }
    const answer = await ctx.prompter.ask(
      "This workspace keeps its scratch folder outside the workspace. Where should it be on this machine?",
      join(dirname(dir), `${basename(dir)}-scratch`),
    );
    const scratch = resolve(where.cwd, answer);
    if (!existsSync(scratch)) created.push(scratch);
    local.local_scratch_directory = scratch;
    mkdirSync(scratch, { recursive: true });
  } else {
    const problem = relativePathProblem(scratchRel);
    if (problem) throw new ConfigurationError(`The workspace's scratch_directory: ${problem}`);
    mkdirSync(join(dir, scratchRel), { recursive: true });
  }
  writeLocalParams(dir, local);
  writeResourceLocalParams(dir, {});
  for (const d of ["snapshot_metadata", "snapshots", "current_lineage"]) {
    mkdirSync(join(dir, DWS_DIR, d), { recursive: true });
  }
}

/** Bring every resource with local state here (the newest snapshot's data from the object remote). */
function cloneResources(ctx: Context, dir: string, name: string): Promise<Workspace> {
  return withWorkspaceLock(dir, async () => {
    const ws = await Workspace.open(dir, ctx);
    const names = ws.resources.filter((r) => r.type.hasLocalState).map((r) => r.name);
    if (names.length) ctx.output.info(`Will clone the following resources: ${names.join(", ")}`);
    else ctx.output.info("No resources with local state to clone.");
    // Missing data folders are created from the newest snapshots' data.
    await fetchCurrentObjects(ws, names);
    await cloneMissingResources(ws, names);
    const opened = await Workspace.open(dir, ctx);
    await opened.save("Clone");
    ctx.output.info(`Successfully completed clone of workspace ${name}.`);
    return opened;
  }, { output: ctx.output, command: "dws clone" });
}

/**
 * Clone the workspace at `repository`; returns it, opened. A failure removes
 * what the clone created, and nothing else.
 *
 * @example
 * ```ts
 * const ws = await cloneWorkspace(ctx, "git@github.com:me/ws.git", { directory: "ws" });
 * ```
 */
export async function cloneWorkspace(ctx: Context, repository: string, options: CloneOptions = {}): Promise<Workspace> {
  const where = await checkClone(ctx, repository, options);
  const created: string[] = [];
  try {
    const clone = await cloneRepository(ctx, repository, where, created);
    await setUpLocalState(ctx, clone, where, created);
    ctx.output.info(
      `Completed initial clone of workspace ${clone.md.config.name}, will check for resources to clone...`,
    );
    return await cloneResources(ctx, clone.dir, clone.md.config.name);
  } catch (e) {
    for (const dir of created.reverse()) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * When the remote's HEAD names no branch with the workspace (a bare remote
 * whose default branch was never pushed, e.g. a workspace on branch `dws`),
 * check out the first remote branch that holds `.dataworkspace/config.json`.
 */
async function checkoutWorkspaceBranch(ctx: Context, repo: string): Promise<void> {
  const refs = await git(ctx, repo, ["for-each-ref", "--format=%(refname:short)", "refs/remotes/origin"]);
  for (const ref of refs.split("\n").map((r) => r.trim()).filter((r) => r && r !== "origin/HEAD" && r !== "origin")) {
    if (await gitSucceeds(ctx, repo, ["cat-file", "-e", `${ref}:${DWS_DIR}/config.json`])) {
      await checkoutRemoteBranch(ctx, repo, ref.slice("origin/".length));
      return;
    }
  }
}
