/**
 * The `dws` command tree.
 *
 * @module
 */
import { Command } from "commander";
import { addCommand } from "./commands/add.ts";
import { configCommand } from "./commands/config.ts";
import { deployCommand } from "./commands/deploy.ts";
import { gcCommand } from "./commands/gc.ts";
import { initCommand } from "./commands/init.ts";
import { lineageCommand } from "./commands/lineage.ts";
import { reportCommand, statusCommand } from "./commands/report.ts";
import { deleteSnapshotCommand, diffCommand, restoreCommand } from "./commands/restore.ts";
import { runCommand } from "./commands/run.ts";
import { snapshotCommand } from "./commands/snapshot.ts";
import { cloneCommand, publishCommand, pullCommand, pushCommand } from "./commands/sync.ts";
import { versionCommand } from "./commands/version.ts";

/** Build the `dws` program. */
export function dwsProgram(): Command {
  const program = new Command("dws")
    .description("dws: reproducible, shareable data-science workspaces (Data Workspaces for TypeScript).")
    .option("-b, --batch", "run in batch mode: never ask, use defaults or fail")
    .option("--verbose", "print the git and other commands run, and extra detail")
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false, helpWidth: 100 });
  for (
    const cmd of [
      initCommand(),
      addCommand(),
      snapshotCommand(),
      restoreCommand(),
      deleteSnapshotCommand(),
      diffCommand(),
      publishCommand(),
      pushCommand(),
      pullCommand(),
      cloneCommand(),
      runCommand(),
      gcCommand(),
      configCommand(),
      lineageCommand(),
      reportCommand(),
      statusCommand(),
      deployCommand(),
      versionCommand(),
    ]
  ) program.addCommand(cmd);
  return program;
}
