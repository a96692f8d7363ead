/**
 * `dws report stale` (and the stale part of `dws status`): the steps whose
 * inputs, code or parameters changed since they ran, with the reasons.
 *
 * @module
 */
import { type PipelineStep, reasonText, type StepStatus } from "../lineage/stale.ts";
import { formatRef } from "../models/lineage.ts";
import { formatTable } from "./table.ts";

/** What to do about a step without a command line. */
export const CANNOT_RERUN = "cannot be re-run automatically: no command line was recorded; run it yourself, " +
  "or record it with 'dws run' or LineageBuilder.asScriptStep()";

/** The outputs of a step as shown: its refs, and the snapshot its results went to. */
export function outputsText(entry: PipelineStep): string {
  const refs = entry.outputs.map(formatRef).join("\n");
  return entry.fromSnapshot ? `${refs}\n(results in ${entry.fromSnapshot})` : refs;
}

/** The reasons of a stale step, one per line (`forced` when it has none). */
export function reasonsText(s: StepStatus): string {
  const lines = s.reasons.length ? s.reasons.map(reasonText) : ["forced"];
  if (!s.entry.step.commandLine?.length) lines.push(CANNOT_RERUN);
  return lines.join("\n");
}

/**
 * The lines of the stale-steps report: a `Step | Writes | Why` table of
 * the stale steps, or that every step is up to date; nothing when the
 * lineage has no steps and `quietWhenEmpty` is set.
 *
 * @example
 * ```ts
 * console.log(staleReport(await pipelineStatus(ws)).join("\n"));
 * ```
 */
export function staleReport(statuses: readonly StepStatus[], options: { quietWhenEmpty?: boolean } = {}): string[] {
  if (statuses.length === 0) {
    return options.quietWhenEmpty
      ? []
      : ["No steps in the current lineage: record them with 'dws run' or the lineage API."];
  }
  const stale = statuses.filter((s) => s.reasons.length);
  const count = `${statuses.length} step${statuses.length === 1 ? "" : "s"}`;
  if (stale.length === 0) {
    return [
      statuses.length === 1 ? "The lineage's only step is up to date." : `All ${count} of the lineage are up to date.`,
    ];
  }
  return [
    ...formatTable(
      [{ header: "Step" }, { header: "Writes" }, { header: "Why" }],
      stale.map((s) => [s.entry.step.stepName, outputsText(s.entry), reasonsText(s)]),
      { title: `Stale steps (${stale.length} of ${count})` },
    ),
    "Run 'dws reproduce' to run them again ('dws reproduce --dry-run' shows the plan).",
  ];
}
