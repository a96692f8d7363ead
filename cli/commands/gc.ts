/**
 * `dws gc [--keep-last N] [--dry-run]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { formatBytes } from "../../core/base/output.ts";
import { wholeNumber } from "../option_parsers.ts";

/** The `gc` command. */
export function gcCommand(): Command {
  return new Command("gc")
    .description("Remove objects of the object store that no snapshot needs.")
    .option("--keep-last <n>", "keep only the newest N snapshots' objects (older ones go once pushed)", wholeNumber(0))
    .option("--dry-run", "report what would be removed, remove nothing")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (opts, cmd: Command) => {
      const { collectGarbage } = await import("../../core/commands/gc.ts");
      const { openObjectRemote } = await import("../../core/store/object_sync.ts");
      const ctx = contextFor(cmd);
      const r = await withWorkspace(ctx, async (ws) => {
        // With --keep-last, older snapshots' objects may go once the object remote holds them.
        const remote = opts.keepLast === undefined ? undefined : await openObjectRemote(ws);
        return collectGarbage(ws, { ...opts, pushed: await remote?.list() });
      }, {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws gc",
      });
      const verb = opts.dryRun ? "Would remove" : "Removed";
      ctx.output.info(
        `${verb} ${r.removed} object(s), ${formatBytes(r.bytes)}; kept ${r.kept}` +
          (r.keptUnpushed ? ` (+${r.keptUnpushed} of older snapshots, not pushed yet)` : ""),
      );
    });
}
