/**
 * `dws publish REMOTE [--skip NAMES]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { commaList } from "../option_parsers.ts";

/** The `publish` command. */
export function publishCommand(): Command {
  return new Command("publish")
    .description("Set the workspace's origin remote (an empty git repository) and push to it.")
    .argument("<remote>", "URL of the remote repository")
    .option("--skip <names>", "resources not to push (comma list)", commaList)
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (remote: string, opts, cmd: Command) => {
      const { publishWorkspace } = await import("../../core/commands/publish.ts");
      const ctx = contextFor(cmd);
      await withWorkspace(ctx, (ws) => publishWorkspace(ws, remote, { skip: opts.skip }), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws publish",
      });
    });
}
