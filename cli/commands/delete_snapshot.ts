/**
 * `dws delete-snapshot TAG-OR-HASH [--no-include-resources]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

/** The `delete-snapshot` command. */
export function deleteSnapshotCommand(): Command {
  return new Command("delete-snapshot")
    .description("Delete a snapshot (and, unless told otherwise, its results folders).")
    .argument("<tag-or-hash>", "the snapshot: a tag, a hash or a unique hash prefix")
    .option("--no-include-resources", "keep the snapshot's results folders in the resources")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (tagOrHash: string, opts, cmd: Command) => {
      const { deleteWorkspaceSnapshot } = await import("../../core/commands/delete_snapshot.ts");
      const ctx = contextFor(cmd);
      await withWorkspace(ctx, (ws) => deleteWorkspaceSnapshot(ws, tagOrHash, opts), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws delete-snapshot",
      });
    });
}
