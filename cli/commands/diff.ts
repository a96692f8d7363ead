/**
 * `dws diff SNAPSHOT-A SNAPSHOT-B`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { openWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { printLines } from "../print.ts";

/** The `diff` command. */
export function diffCommand(): Command {
  return new Command("diff")
    .description("Show which resources differ between two snapshots, and how their metrics and parameters changed.")
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
