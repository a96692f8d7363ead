/**
 * `dws publish`, `dws push`, `dws pull` and `dws clone`.
 *
 * @module
 */
import { Command } from "commander";
import process from "node:process";
import type { SyncSelection } from "../../core/workspace/selection.ts";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { commaList } from "../option_parsers.ts";

function selection(opts: { only?: string[]; skip?: string[]; onlyWorkspace?: boolean }): SyncSelection {
  return { only: opts.only, skip: opts.skip, onlyWorkspace: opts.onlyWorkspace };
}

function withSelection(cmd: Command): Command {
  return cmd
    .option("--only <names>", "only these resources (comma list)", commaList)
    .option("--skip <names>", "all resources but these (comma list)", commaList)
    .option("--only-workspace", "only the workspace repository, no resources")
    .option(...WORKSPACE_DIR_OPTION);
}

/** The `publish` command. */
export function publishCommand(): Command {
  return new Command("publish")
    .description("Set the workspace's origin remote (an empty git repository) and push to it.")
    .argument("<remote>", "URL of the remote repository")
    .option("--skip <names>", "resources not to push (comma list)", commaList)
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (remote: string, opts, cmd: Command) => {
      const { publishWorkspace } = await import("../../core/commands/push.ts");
      const ctx = contextFor(cmd);
      await withWorkspace(ctx, (ws) => publishWorkspace(ws, remote, { skip: opts.skip }), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws publish",
      });
    });
}

/** The `push` command. */
export function pushCommand(): Command {
  return withSelection(new Command("push"))
    .description("Push the workspace and its resources to their origins.")
    .action(async (opts, cmd: Command) => {
      const { pushWorkspace } = await import("../../core/commands/push.ts");
      const ctx = contextFor(cmd);
      const sel = selection(opts);
      await withWorkspace(ctx, (ws) => pushWorkspace(ws, sel), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws push",
      });
    });
}

/** The `pull` command. */
export function pullCommand(): Command {
  return withSelection(new Command("pull"))
    .description("Pull the workspace and its resources; clone resources added elsewhere.")
    .action(async (opts, cmd: Command) => {
      const { pullWorkspace } = await import("../../core/commands/pull.ts");
      const ctx = contextFor(cmd);
      const sel = selection(opts);
      await withWorkspace(ctx, (ws) => pullWorkspace(ws, sel), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws pull",
      });
    });
}

/** The `clone` command. */
export function cloneCommand(): Command {
  return new Command("clone")
    .description("Clone a workspace and all its resources from a git remote.")
    .argument("<repository>", "URL or path of the workspace's git repository")
    .argument("[directory]", "folder to clone into (default: the workspace's name)")
    .option("--hostname <name>", "name of this machine, used in snapshot folder names")
    .action(async (repository: string, directory: string | undefined, opts, cmd: Command) => {
      const { cloneWorkspace } = await import("../../core/commands/clone.ts");
      await cloneWorkspace(contextFor(cmd), repository, { directory, hostname: opts.hostname, cwd: process.cwd() });
    });
}
