/**
 * `dws push [--only NAMES | --skip NAMES | --only-workspace]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions } from "../context.ts";
import { selection, withSelection } from "../selection.ts";

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
