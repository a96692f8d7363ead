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
import { fsckCommand } from "./commands/fsck.ts";
import { gcCommand } from "./commands/gc.ts";
import { initCommand } from "./commands/init.ts";
import { lineageCommand } from "./commands/lineage.ts";
import { publishCommand } from "./commands/publish.ts";
import { pullCommand } from "./commands/pull.ts";
import { pushCommand } from "./commands/push.ts";
import { reproduceCommand } from "./commands/reproduce.ts";
import { reportCommand, statusCommand } from "./commands/report.ts";
import { restoreCommand } from "./commands/restore.ts";
import { runCommand } from "./commands/run.ts";
import { snapshotCommand } from "./commands/snapshot.ts";
import { unprotectCommand } from "./commands/unprotect.ts";
import { versionCommand } from "./commands/version.ts";
import { rootCommand } from "./root.ts";

/** Build the `dws` program. */
export function dwsProgram(): Command {
  const program = rootCommand();
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
      reproduceCommand(),
      gcCommand(),
      fsckCommand(),
      unprotectCommand(),
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
