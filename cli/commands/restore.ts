/**
 * `dws restore`, `dws delete-snapshot` and `dws diff`.
 *
 * @module
 */
import { Command } from "commander";
import { openWorkspace, withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { printLines } from "../print.ts";
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

/** The `diff` command. */
export function diffCommand(): Command {
  return new Command("diff")
    .description("Show which resources differ between two snapshots.")
    .argument("<snapshot-a>", "tag or hash of the first snapshot")
    .argument("<snapshot-b>", "tag or hash of the second snapshot")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (a: string, b: string, _opts, cmd: Command) => {
      const { diffSnapshots, formatDiff } = await import("../../core/commands/diff.ts");
      const ctx = contextFor(cmd);
      const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
      printLines(ctx, formatDiff(diffSnapshots(ws.dir, { a, b })));
    });
}
