/**
 * `dws reproduce [RESOURCE...]`: run the stale steps again.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { wholeNumber } from "../option_parsers.ts";

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The `reproduce` command. */
export function reproduceCommand(): Command {
  return new Command("reproduce")
    .description(
      "Run the stale steps again (those whose inputs, code or parameters changed, and the steps after them), " +
        "in dependency order, from the command lines the lineage recorded, recording fresh lineage. " +
        "It runs the commands the lineage holds: check a workspace from others with --dry-run first.",
    )
    .argument("[resource...]", "bring these resources up to date (default: every step of the lineage)")
    .option("--step <name>", "bring this step up to date, with the steps before it (repeatable)", collect, [])
    .option("--dry-run", "print the plan: which steps would run, how, and why")
    .option("--force", "run the chosen steps even when they are up to date")
    .option("--jobs <n>", "run up to N independent steps at once (default: 1)", wholeNumber(1))
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (resources: string[], opts, cmd: Command) => {
      const { reproduce } = await import("../../core/commands/reproduce.ts");
      await reproduce({
        resources,
        stepNames: opts.step,
        dryRun: opts.dryRun,
        force: opts.force,
        jobs: opts.jobs,
        workspaceDir: globalOptions(cmd).workspaceDir,
        context: contextFor(cmd),
      });
    });
}
