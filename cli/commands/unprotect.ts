/**
 * `dws unprotect PATH...`.
 *
 * @module
 */
import process from "node:process";
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

/** The `unprotect` command. */
export function unprotectCommand(): Command {
  return new Command("unprotect")
    .description(
      "Make data files editable: replace the read-only hard links of protected link mode (object_store.link " +
        "hardlink) under each PATH by writable copies.",
    )
    .argument("<path...>", "files or folders inside data folders (local-files or rclone resources)")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (paths: string[], _opts, cmd: Command) => {
      const { unprotectPaths } = await import("../../core/commands/unprotect.ts");
      const ctx = contextFor(cmd);
      const r = await withWorkspace(ctx, (ws) => Promise.resolve(unprotectPaths(ws, paths, { cwd: process.cwd() })), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws unprotect",
      });
      ctx.output.info(
        r.files
          ? `Unprotected ${r.files} file(s): they are writable copies now` +
            (r.unchanged ? ` (${r.unchanged} already were)` : "")
          : `Nothing to unprotect: ${r.unchanged} file(s), all writable copies already`,
      );
    });
}
