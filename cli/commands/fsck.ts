/**
 * `dws fsck [--repair]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

/** The `fsck` command. */
export function fsckCommand(): Command {
  return new Command("fsck")
    .description(
      "Check the object store: every object matches its key, every snapshot's data is here or on the object " +
        "remote; each problem is shown with the snapshots it damages.",
    )
    .option("--repair", "move bad objects to bad/ in the store and fetch them again from the object remote")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (opts, cmd: Command) => {
      const { checkObjectStore, describeProblem, fsckFailure, summarizeCheck } = await import(
        "../../core/commands/fsck.ts"
      );
      const ctx = contextFor(cmd);
      const r = await withWorkspace(ctx, (ws) => checkObjectStore(ws, { repair: opts.repair }), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws fsck",
      });
      for (const p of r.problems) ctx.output.info(describeProblem(p));
      ctx.output.info(summarizeCheck(r));
      const failure = fsckFailure(r, { repair: opts.repair });
      if (failure) throw failure;
    });
}
