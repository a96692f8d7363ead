/**
 * The `dws` command tree.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { addCommand } from "./commands/add.ts";
import { cloneCommand } from "./commands/clone.ts";
import { configCommand } from "./commands/config.ts";
import { deleteSnapshotCommand } from "./commands/delete_snapshot.ts";
import { deployCommand } from "./commands/deploy.ts";
import { diffCommand } from "./commands/diff.ts";
import { gcCommand } from "./commands/gc.ts";
import { initCommand } from "./commands/init.ts";
import { lineageCommand } from "./commands/lineage.ts";
import { publishCommand } from "./commands/publish.ts";
import { pullCommand } from "./commands/pull.ts";
import { pushCommand } from "./commands/push.ts";
import { reportCommand, statusCommand } from "./commands/report.ts";
import { restoreCommand } from "./commands/restore.ts";
import { runCommand } from "./commands/run.ts";
import { snapshotCommand } from "./commands/snapshot.ts";
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
