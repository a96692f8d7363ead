/**
 * `dws restore TAG-OR-HASH [--only NAMES | --leave NAMES] [--strict]`, and
 * `dws restore --undo`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { UsageError } from "../../core/base/errors.ts";
import { withWorkspace, type Workspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { commaList } from "../option_parsers.ts";

/** The `restore` command. */
export function restoreCommand(): Command {
  return new Command("restore")
    .description(
      "Restore the workspace's resources to an earlier snapshot (results are left as they are). Files of data " +
        "folders that the restore overwrites or removes are kept first: 'dws restore --undo' brings them back. " +
        "It asks before overwriting or removing (default yes); with --batch it goes on and says what it kept.",
    )
    .argument("[tag-or-hash]", "the snapshot: a tag, a hash or a unique hash prefix")
    .option("--only <names>", "restore only these resources (comma list; implies --strict)", commaList)
    .option("--leave <names>", "restore everything but these resources (comma list)", commaList)
    .option("--strict", "fail instead of skipping resources that cannot be restored")
    .option("--undo", "bring the data folders the last restore changed back to their state before it")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (tagOrHash: string | undefined, opts, cmd: Command) => {
      if ((tagOrHash === undefined) === (opts.undo !== true)) {
        throw new UsageError((o) => `Give either a snapshot (tag or hash) or ${o("undo")}`);
      }
      const { restoreWorkspace, undoLastRestore } = await import("../../core/commands/restore.ts");
      const ctx = contextFor(cmd);
      const run = (ws: Workspace) =>
        tagOrHash === undefined ? undoLastRestore(ws) : restoreWorkspace(ws, tagOrHash, opts);
      await withWorkspace(ctx, run, {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws restore",
      });
    });
}
