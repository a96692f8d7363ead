/**
 * `dws clone REPOSITORY [DIRECTORY]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import process from "node:process";
import { contextFor } from "../context.ts";

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
