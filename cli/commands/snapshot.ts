/**
 * `dws snapshot [-m MSG] [TAG]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

/** The `snapshot` command. */
export function snapshotCommand(): Command {
  return new Command("snapshot")
    .description("Take a snapshot of the current state of the workspace and all its resources.")
    .argument("[tag]", "a tag for the snapshot (letters, digits, dashes and dots)")
    .option("-m, --message <message>", "a message describing the snapshot", "")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (tag: string | undefined, opts, cmd: Command) => {
      const { snapshotWorkspace } = await import("../../core/commands/snapshot.ts");
      const ctx = contextFor(cmd);
      await withWorkspace(ctx, (ws) => snapshotWorkspace(ws, { tag, message: opts.message }), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws snapshot",
      });
    });
}
