/**
 * `dws report status` and the deprecated `dws status`.
 *
 * @module
 */
import { Command } from "commander";
import { statusReport } from "../../core/report_status.ts";
import { openWorkspace } from "../../core/workspace.ts";
import { contextFor, globalOptions } from "../context.ts";
import { printLines } from "../print.ts";

async function printStatus(cmd: Command): Promise<void> {
  const ctx = contextFor(cmd);
  const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
  printLines(ctx, statusReport(ws));
}

/** The `report` command group. */
export function reportCommand(): Command {
  const report = new Command("report")
    .description("Reports about the workspace.")
    .option("--workspace-dir <dir>", "the workspace (default: found from the current directory)");
  report.addCommand(
    new Command("status")
      .description("Show the workspace's resources by role.")
      .option("--workspace-dir <dir>", "the workspace (default: found from the current directory)")
      .action((_opts, cmd: Command) => printStatus(cmd)),
  );
  return report;
}

/** The deprecated `status` command (use `dws report status`). */
export function statusCommand(): Command {
  return new Command("status")
    .description("Deprecated: use 'dws report status'.")
    .option("--workspace-dir <dir>", "the workspace (default: found from the current directory)")
    .action((_opts, cmd: Command) => printStatus(cmd));
}
