/**
 * Snapshot history: the API's `getSnapshotHistory` and the
 * `dws report history` table (spec §6, §16).
 *
 * @module
 */
import { cellAnsi, historyCellStyles, type HistoryStyleOptions } from "./history_style.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { findSnapshot, readAllSnapshotMetadata } from "../snapshot/store.ts";
import { formatTable } from "./table.ts";
import { differingParams, snapshotParams } from "./step_params.ts";
import { type ApiOptions, resolveWorkspaceDir } from "../workspace/workspace.ts";

/** One snapshot in the history. */
export interface HistoryEntry {
  /** 1 for the oldest snapshot (numbered down from the count when reversed). */
  snapshotNumber: number;
  /** Full snapshot hash. */
  hash: string;
  /** Tags of the snapshot. */
  tags: string[];
  /** When it was taken (local time, isoformat). */
  timestamp: string;
  /** The snapshot's message. */
  message: string;
  /** Metrics from results.json, if any. */
  metrics: JsonObject | null;
}

const byTime = (a: SnapshotMetadata, b: SnapshotMetadata) =>
  a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;

/**
 * The snapshots oldest first (or newest first with `reverse`), at most `maxCount`.
 *
 * @example
 * ```ts
 * snapshotHistory("/ws", { reverse: true, maxCount: 5 }).map((s) => s.tags);
 * ```
 */
export function snapshotHistory(
  wsDir: string,
  options: { reverse?: boolean; maxCount?: number } = {},
): HistoryEntry[] {
  const all = readAllSnapshotMetadata(wsDir).sort(byTime);
  const count = all.length;
  let entries = all.map((m, i) => ({
    snapshotNumber: i + 1,
    hash: m.hash,
    tags: m.tags,
    timestamp: m.timestamp,
    message: m.message,
    metrics: m.metrics,
  }));
  if (options.reverse) entries = entries.reverse().map((e, i) => ({ ...e, snapshotNumber: count - i }));
  return options.maxCount !== undefined ? entries.slice(0, options.maxCount) : entries;
}

/** The two most frequent metric names (ties: first seen, newest first). */
function metricColumns(snapshots: readonly SnapshotMetadata[]): string[] {
  const counts = new Map<string, number>();
  for (const s of snapshots) for (const k of Object.keys(s.metrics ?? {})) counts.set(k, (counts.get(k) ?? 0) + 1);
  const order = [...counts.keys()];
  return order.sort((a, b) => counts.get(b)! - counts.get(a)! || order.indexOf(a) - order.indexOf(b)).slice(0, 2);
}

/** Options of {@link historyReport}. */
export interface HistoryReportOptions extends HistoryStyleOptions {
  /** Show at most this many snapshots. */
  limit?: number;
  /** Colour metrics (with `baseline` or `heatmap`) with ANSI escape codes. */
  color?: boolean;
  /** Add a column for each step parameter that differs between the snapshots shown (from their lineage). */
  params?: boolean;
}

/**
 * The lines of `dws report history`: newest first, at most `limit`. With
 * `color` and a `baseline` or `heatmap`, metric cells are coloured as the
 * notebook's history (see history_style.ts); with `params`, the step
 * parameters that differ between the snapshots follow the metrics.
 *
 * @example
 * ```ts
 * console.log(historyReport("/ws", { limit: 10, baseline: "S1", color: true }).join("\n"));
 * ```
 */
export function historyReport(wsDir: string, options: HistoryReportOptions = {}): string[] {
  const all = readAllSnapshotMetadata(wsDir).sort(byTime).reverse();
  const shown = options.limit !== undefined ? all.slice(0, options.limit) : all;
  const metrics = metricColumns(shown);
  const baseline = options.baseline !== undefined ? findSnapshot(wsDir, options.baseline) : undefined;
  const styles = historyCellStyles(
    Object.fromEntries(metrics.map((m) => [m, shown.map((s) => s.metrics?.[m])])),
    { ...options, baselineMetrics: baseline?.metrics },
  );
  const stepParams = options.params ? shown.map((s) => snapshotParams(wsDir, s.hash)) : [];
  const params = differingParams(stepParams);
  const rows: (JsonValue | undefined)[][] = shown.map((s, i) => [
    s.hash.slice(0, 7),
    s.tags.join(", "),
    s.timestamp.slice(0, 19),
    ...metrics.map((m) => s.metrics?.[m]),
    ...params.map((p) => stepParams[i][p]),
    s.message,
  ]);
  const lines = formatTable(
    [
      { header: "Hash", width: 8 },
      { header: "Tags", width: 20 },
      { header: "Created", width: 19 },
      ...[...metrics, ...params].map((m) => ({ header: m, width: 25, truncate: true })),
      { header: "Message", width: 30 },
    ],
    rows,
    {
      title: "History of snapshots",
      nullValue: "",
      cellStyle: (row, column) => {
        const style = options.color ? styles.get(metrics[column - 3])?.[row] : undefined;
        if (!style) return undefined;
        const [start, end] = cellAnsi(style);
        return (text) => start + text + end;
      },
    },
  );
  lines.push(
    options.limit !== undefined && shown.length === options.limit
      ? `Showing first ${options.limit} snapshots`
      : `${all.length} snapshots total`,
  );
  return lines;
}

/**
 * The snapshots, oldest first (newest first with `reverse`), at most `maxCount`.
 *
 * @example
 * ```ts
 * const last = getSnapshotHistory({ workspaceDir: "/ws", reverse: true, maxCount: 1 })[0];
 * ```
 */
export function getSnapshotHistory(
  options: ApiOptions & { reverse?: boolean; maxCount?: number } = {},
): HistoryEntry[] {
  return snapshotHistory(resolveWorkspaceDir(options.workspaceDir), options);
}
