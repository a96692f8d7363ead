/**
 * `dws restore TAG-OR-HASH [--only NAMES | --leave NAMES] [--strict]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { commaList } from "../option_parsers.ts";

/** The `restore` command. */
export function restoreCommand(): Command {
  return new Command("restore")
    .description("Restore the workspace's resources to an earlier snapshot (results are left as they are).")
    .argument("<tag-or-hash>", "the snapshot: a tag, a hash or a unique hash prefix")
    .option("--only <names>", "restore only these resources (comma list; implies --strict)", commaList)
    .option("--leave <names>", "restore everything but these resources (comma list)", commaList)
    .option("--strict", "fail instead of skipping resources that cannot be restored")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (tagOrHash: string, opts, cmd: Command) => {
      const { restoreWorkspace } = await import("../../core/commands/restore.ts");
      const ctx = contextFor(cmd);
      await withWorkspace(ctx, (ws) => restoreWorkspace(ws, tagOrHash, opts), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws restore",
      });
    });
}
