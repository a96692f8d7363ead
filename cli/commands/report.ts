/**
 * `dws report status` and the deprecated `dws status`.
 *
 * @module
 */
import process from "node:process";
import { Command } from "npm:commander@14.0.3";
import { openWorkspace, type Workspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { printLines } from "../print.ts";
import { snapshotArg } from "./lineage.ts";
import { commaList, wholeNumber } from "../option_parsers.ts";

async function printStatus(cmd: Command, history?: { limit?: number }): Promise<void> {
  const ctx = contextFor(cmd);
  const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
  const { statusReport } = await import("../../core/report/status.ts");
  printLines(ctx, statusReport(ws));
  const stale = await staleLines(ws, { quietWhenEmpty: true });
  if (stale.length) printLines(ctx, ["", ...stale]);
  if (history) {
    const { historyReport } = await import("../../core/report/history.ts");
    printLines(ctx, ["", "", ...historyReport(ws.dir, history)]);
  }
}

/** The `report` command group. */
export function reportCommand(): Command {
  const report = new Command("report")
    .description("Reports about the workspace.")
    .option(...WORKSPACE_DIR_OPTION);
  for (
    const sub of [
      reportStatusCommand(),
      reportHistoryCommand(),
      reportLineageCommand(),
      reportStaleCommand(),
      reportResultsCommand(),
      reportHtmlCommand(),
    ]
  ) report.addCommand(sub);
  return report;
}

/** `dws report status`. */
function reportStatusCommand(): Command {
  return new Command("status")
    .description("Show the workspace's resources by role, and the stale steps of its lineage.")
    .option(...WORKSPACE_DIR_OPTION)
    .action((_opts, cmd: Command) => printStatus(cmd));
}

/** `dws report history`. */
function reportHistoryCommand(): Command {
  return new Command("history")
    .description("Show the history of snapshots, newest first, with their metrics.")
    .option("--limit <n>", "show at most this many snapshots", wholeNumber(1))
    .option(
      "--baseline <tag-or-hash>",
      "colour metrics green (better), red (worse) or bold (within 0.5%) against this snapshot's",
      snapshotArg,
    )
    .option("--heatmap", "colour each metric column as a heatmap (7 quantile bins)")
    .option(
      "--maximize-metrics <names>",
      "comma-separated metrics where larger is better (besides accuracy)",
      commaList,
    )
    .option("--minimize-metrics <names>", "comma-separated metrics where smaller is better (besides loss)", commaList)
    .option("--color", "colour even when the output is not a terminal (default: on a terminal, unless NO_COLOR)")
    .option("--params", "add the step parameters that differ between the snapshots (from their lineage) as columns")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (opts, cmd: Command) => {
      const { historyReport } = await import("../../core/report/history.ts");
      const ctx = contextFor(cmd);
      const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
      const color = opts.color === true || (!process.env.NO_COLOR && process.stdout.isTTY === true);
      printLines(
        ctx,
        historyReport(ws.dir, {
          limit: opts.limit,
          baseline: opts.baseline,
          heatmap: opts.heatmap,
          maximizeMetrics: opts.maximizeMetrics,
          minimizeMetrics: opts.minimizeMetrics,
          color,
          params: opts.params,
        }),
      );
    });
}

/** `dws report lineage`. */
function reportLineageCommand(): Command {
  return new Command("lineage")
    .description("Show the lineage of every resource: the step, source data or code behind each.")
    .option("--snapshot <tag-or-hash>", "as of this snapshot (default: the current state)", snapshotArg)
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (opts, cmd: Command) => {
      const { lineageReport } = await import("../../core/report/lineage_table.ts");
      const ctx = contextFor(cmd);
      const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
      printLines(ctx, lineageReport(ws.dir, { tagOrHash: opts.snapshot }));
    });
}

/** The stale-steps report of the workspace. */
async function staleLines(ws: Workspace, options: { quietWhenEmpty?: boolean } = {}): Promise<string[]> {
  const { pipelineStatus } = await import("../../core/lineage/pipeline.ts");
  const { staleReport } = await import("../../core/report/stale.ts");
  return staleReport(await pipelineStatus(ws), options);
}

/** `dws report stale`. */
function reportStaleCommand(): Command {
  return new Command("stale")
    .description(
      "Show the steps whose inputs, code or parameters changed since they ran (and the steps after them), and why.",
    )
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (_opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
      printLines(ctx, await staleLines(ws));
    });
}

/** `dws report results`. */
function reportResultsCommand(): Command {
  return new Command("results")
    .description("Show a results.json: the current one, or a snapshot's.")
    .option("--snapshot <tag-or-hash>", "the results of this snapshot", snapshotArg)
    .option("--resource <name>", "look only in this resource (default: every results resource)")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (opts, cmd: Command) => {
      const { resultsReport } = await import("../../core/report/results.ts");
      const ctx = contextFor(cmd);
      const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
      printLines(ctx, await resultsReport(ws, { tagOrHash: opts.snapshot, resourceName: opts.resource }));
    });
}

/** `dws report html`. */
function reportHtmlCommand(): Command {
  return new Command("html")
    .description("Write a self-contained HTML report: history, metric trends, results and lineage.")
    .argument("<output>", "the HTML file to write")
    .option("--snapshot <tag-or-hash>", "whose results and lineage to show (default: the newest)", snapshotArg)
    .option("--baseline <tag-or-hash>", "measure changes from this snapshot (default: the oldest)", snapshotArg)
    .option("--resource <name>", "the results resource (default: all for results, the first for lineage)")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (output: string, opts, cmd: Command) => {
      const { writeHtmlReport } = await import("../../core/report/html.ts");
      const ctx = contextFor(cmd);
      const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
      await writeHtmlReport(ws, output, {
        tagOrHash: opts.snapshot,
        baseline: opts.baseline,
        resourceName: opts.resource,
      });
    });
}

/** The deprecated `status` command (use `dws report status`). */
export function statusCommand(): Command {
  return new Command("status")
    .description("Deprecated: use 'dws report status' and 'dws report history'.")
    .option("--history", "also show the history of snapshots")
    .option("--limit <n>", "with --history: show at most this many snapshots", wholeNumber(1))
    .option(...WORKSPACE_DIR_OPTION)
    .action((opts, cmd: Command) => {
      contextFor(cmd).output.warn(
        "Note: 'dws status' is deprecated; use 'dws report status' and 'dws report history'.",
      );
      return printStatus(cmd, opts.history ? { limit: opts.limit } : undefined);
    });
}
