/**
 * `dws pull [--only NAMES | --skip NAMES | --only-workspace]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions } from "../context.ts";
import { selection, withSelection } from "../selection.ts";

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
