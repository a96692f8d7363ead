/**
 * What every `dws add <type>` shares (spec §3.2): choosing the role and the
 * name, the export/imported rules, path conflict checks, the `.gitignore`
 * entry for data inside the workspace, and the final commit.
 *
 * @module
 */
import type { Context } from "../base/context.ts";
import { BatchModeError, ConfigurationError } from "../base/errors.ts";
import { addGitignoreEntry } from "../models/gitignore.ts";
import type { ResourceEntry } from "../models/resources_file.ts";
import { plainNameProblem } from "../base/paths.ts";
import { parseRole, type Role, ROLES } from "../base/names.ts";
import { isInside, relativePosix } from "../base/paths.ts";
import type { JsonObject } from "../base/json_value.ts";
import type { Resource } from "../workspace/resource.ts";
import { writeFileAtomic } from "../base/atomic_write.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { checkImportedLineage, importLineage } from "../lineage/imported.ts";

/** Options every `add` variant accepts. */
export interface AddOptions {
  /** Role name or short form; asked for when missing (interactive only). */
  role?: string;
  /** Resource name; suggested from the path when missing. */
  name?: string;
  /** Export lineage so other workspaces can import this resource. */
  export?: boolean;
  /** Import the lineage exported by another workspace (source data only). */
  imported?: boolean;
}

/**
 * The role for a new resource: given, implied by `--imported`, or asked.
 *
 * @example
 * ```ts
 * await chooseRole(ctx, { role: "s" }); // "source-data"
 * ```
 */
export async function chooseRole(
  ctx: Context,
  options: AddOptions & { allowed?: readonly Role[] },
): Promise<Role> {
  const allowed = options.allowed ?? ROLES;
  let role: Role;
  if (options.role !== undefined) role = parseRole(options.role);
  else if (options.imported) role = "source-data";
  else if (ctx.batch) throw new BatchModeError("role", { option: true });
  else {
    for (;;) {
      const answer = await ctx.prompter.ask(`Please enter a role for this resource, one of [${allowed.join("|")}]`);
      try {
        role = parseRole(answer);
        if (allowed.includes(role)) break;
      } catch { /* ask again */ }
      ctx.output.warn(`'${answer}' is not one of ${allowed.join(", ")}`);
    }
  }
  if (!allowed.includes(role)) {
    throw new ConfigurationError(`Role '${role}' is not allowed for this resource type; use ${allowed.join(" or ")}`);
  }
  return role;
}

/** Check the `--export`/`--imported` rules for `role`. */
export function checkExportImported(role: Role, options: AddOptions): void {
  if (options.export && options.imported) {
    throw new ConfigurationError((o) => `A resource cannot be both ${o("export")} and ${o("imported")}; pick one`);
  }
  if (options.export && (role === "source-data" || role === "code")) {
    throw new ConfigurationError((o) =>
      `${o("export")} is only for intermediate-data and results resources, not ${role}`
    );
  }
  if (options.imported && role !== "source-data") {
    throw new ConfigurationError((o) => `${o("imported")} resources must have the role source-data, not ${role}`);
  }
}

/**
 * A name for a resource that no other resource has: `base`, then
 * `base-role`, then `base-role-2`, `-3`, ...
 *
 * @example
 * ```ts
 * suggestResourceName(ws, "data", "source-data"); // "data" or "data-source-data"
 * ```
 */
export function suggestResourceName(ws: Workspace, options: { base: string; role: Role }): string {
  const taken = (n: string) => ws.findResource(n) !== undefined;
  if (!taken(options.base)) return options.base;
  const withRole = `${options.base}-${options.role}`;
  if (!taken(withRole)) return withRole;
  for (let i = 2;; i++) if (!taken(`${withRole}-${i}`)) return `${withRole}-${i}`;
}

/** A resource name names folders and files: a plain name without spaces or ':'. */
function isResourceName(name: string): boolean {
  return /^[^\s/:]+$/.test(name) && plainNameProblem(name) === undefined;
}

/** The name for a new resource: the given one (must be free), the suggestion, or asked. */
export async function chooseResourceName(
  ws: Workspace,
  options: { name?: string; suggestion: string },
): Promise<string> {
  const { ctx } = ws;
  if (options.name !== undefined) {
    if (!isResourceName(options.name)) {
      throw new ConfigurationError(
        `Invalid resource name '${options.name}': no spaces, '/' or ':', not '.' or '..', at most 200 bytes`,
      );
    }
    if (ws.findResource(options.name)) {
      throw new ConfigurationError((o) =>
        `A resource with the name '${options.name}' already exists in this workspace; pick another with ${o("name")}`
      );
    }
    return options.name;
  }
  if (ctx.batch) return options.suggestion;
  for (;;) {
    const name = await ctx.prompter.ask("Please enter a short, unique name for this resource", options.suggestion);
    if (name && !ws.findResource(name) && isResourceName(name)) return name;
    ctx.output.warn(`'${name}' is taken or not a valid name`);
  }
}

/**
 * Refuse a local path that is the workspace root, or contains or lies in
 * the folder of another resource.
 */
export function checkPathConflicts(ws: Workspace, path: string): void {
  if (isInside(ws.dir, path)) {
    throw new ConfigurationError(`${path} is the workspace itself or contains it; pick a folder inside or elsewhere`);
  }
  for (const r of ws.resources) {
    if (!r.localPath) continue;
    if (isInside(path, r.localPath) || isInside(r.localPath, path)) {
      throw new ConfigurationError(`${path} overlaps the folder of resource '${r.name}' (${r.localPath})`);
    }
  }
}

/** Options of {@link registerResource}. */
export interface RegisterOptions {
  /** Local folder that gets a root `.gitignore` entry when inside the workspace. */
  ignorePath?: string;
  /** Folder whose exported `lineage.json` is imported (`--imported`). */
  importLineageFrom?: string;
}

/**
 * Record a new resource in the workspace metadata, add the `.gitignore`
 * entry for its data, commit "add of NAME" and report success.
 */
export async function registerResource(
  ws: Workspace,
  resource: { entry: ResourceEntry; localParams: JsonObject },
  options: RegisterOptions = {},
): Promise<Resource> {
  if (options.importLineageFrom) checkImportedLineage(options.importLineageFrom, resource.entry.name);
  const added = await ws.addResource(resource.entry, resource.localParams);
  if (options.importLineageFrom) importLineage(ws.dir, resource.entry.name, options.importLineageFrom);
  if (options.ignorePath && isInside(options.ignorePath, ws.dir)) {
    const entry = `/${relativePosix(ws.dir, options.ignorePath)}/`;
    const current = ws.readFileOrEmpty(".gitignore");
    const next = addGitignoreEntry(current, entry, { ignoreSlashes: true });
    if (next !== current) writeFileAtomic(ws.path(".gitignore"), next);
  }
  await ws.save(`add of ${resource.entry.name}`);
  ws.ctx.output.info(`Successful added resource '${resource.entry.name}' to workspace.`);
  return added;
}
