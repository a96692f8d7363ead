/**
 * Colouring of metrics in a snapshot history, as the original's
 * `%dws_history` magic does (spec §9.4): against a baseline snapshot (green
 * when better, red when worse, bold within ±0.5 % of the baseline, grey
 * when missing), or as a 7-colour heatmap of each metric column by quantile
 * bins. Which way is better is {@link metricDirection}'s rule (the HTML
 * report uses it too); metrics of unknown direction are not coloured. The
 * notebook kit renders the styles as HTML, `dws report history` as ANSI
 * colours.
 *
 * @module
 */
import { UsageError } from "../base/errors.ts";
import type { JsonValue } from "../base/json_value.ts";
import { metricDirection, type MetricDirectionOptions } from "./metric_direction.ts";

/** Options of the history colouring. */
export interface HistoryStyleOptions extends MetricDirectionOptions {
  /** Colour each metric against this snapshot's (tag or hash). */
  baseline?: string;
  /** Colour each metric column as a heatmap. */
  heatmap?: boolean;
}

/** How one metric value compares with the baseline. */
export type BaselineVerdict = "better" | "worse" | "same" | "missing";

/** The style of one metric cell. */
export type CellStyle =
  | { kind: "baseline"; verdict: BaselineVerdict }
  | { kind: "heat"; bin: number; maximize: boolean };

/**
 * Heatmap colours from worst to best for a maximized metric (the
 * original's seaborn `diverging_palette(10, 150, s=50, l=50, n=7)`).
 */
export const MAXIMIZE_COLORMAP: readonly string[] = [
  "rgb(193,84,89)",
  "rgb(212,136,140)",
  "rgb(232,190,192)",
  "rgb(242,242,242)",
  "rgb(193,210,201)",
  "rgb(138,168,153)",
  "rgb(84,128,107)",
];

/** Heatmap colours for a minimized metric: the maximize map reversed. */
export const MINIMIZE_COLORMAP: readonly string[] = [...MAXIMIZE_COLORMAP].reverse();

/** Bin labels used for each number of quantile bins (the original's `_BINS_TO_LABELS`). */
const BINS_TO_LABELS: Record<number, number[]> = {
  1: [3],
  2: [2, 4],
  3: [2, 3, 4],
  4: [1, 2, 4, 5],
  5: [1, 2, 3, 4, 5],
  6: [0, 1, 2, 4, 5, 6],
  7: [0, 1, 2, 3, 4, 5, 6],
};

/**
 * Check that the options make sense together (a baseline and a heatmap exclude each other).
 *
 * @example
 * ```ts
 * checkStyleOptions({ baseline: "S1", heatmap: true }); // throws UsageError
 * ```
 */
export function checkStyleOptions(options: HistoryStyleOptions): void {
  if (options.baseline !== undefined && options.heatmap) {
    throw new UsageError((o) => `Cannot specify both ${o("baseline")} and ${o("heatmap")}`);
  }
}

/**
 * A value against the baseline: within ±0.5 % of it is `same`; otherwise
 * `better` or `worse` by the metric's direction; a missing value is
 * `missing`. (A missing baseline makes every present value `same`, as in
 * the original.)
 *
 * @example
 * ```ts
 * baselineVerdict(0.91, 0.9); // "better"
 * baselineVerdict(0.902, 0.9); // "same"
 * baselineVerdict(0.4, 0.5, { maximize: false }); // "better"
 * ```
 */
export function baselineVerdict(
  value: number | undefined,
  base: number | undefined,
  options: { maximize?: boolean } = {},
): BaselineVerdict {
  const maximize = options.maximize ?? true;
  if (value === undefined || Number.isNaN(value)) return "missing";
  const b = base ?? NaN;
  const round = Math.abs(b * 0.005);
  if (value > b + round) return maximize ? "better" : "worse";
  if (value < b - round) return maximize ? "worse" : "better";
  return "same";
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * The heatmap bin (0 worst .. 6 best for a maximized metric, before the
 * colour map is chosen; -1 when missing) of each value of a column, as the
 * original: at most 7 quantile bins (pandas `qcut` with duplicate edges
 * dropped), labelled so that the middle colour stays neutral.
 *
 * @example
 * ```ts
 * heatBins([1, 2, 3, undefined]); // [2, 3, 4, -1]
 * ```
 */
export function heatBins(values: readonly (number | undefined)[]): number[] {
  const present = values.filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const unique = new Set(present).size;
  const numBins = Math.min(unique, 7);
  const missing = (v: number | undefined) => v === undefined || Number.isNaN(v);
  if (numBins < 2) return values.map((v) => (missing(v) ? -1 : 3));
  if (numBins === 2) {
    const min = Math.min(...present);
    return values.map((v) => (missing(v) ? -1 : v === min ? 2 : 4));
  }
  const sorted = [...present].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 0; i <= numBins; i++) {
    const e = quantile(sorted, i / numBins);
    if (!edges.includes(e)) edges.push(e);
  }
  const labels = BINS_TO_LABELS[edges.length - 1];
  return values.map((v) => {
    if (missing(v)) return -1;
    // Right-closed intervals (edges[i-1], edges[i]], the first one including its lowest value.
    let i = edges.findIndex((e) => e >= v!);
    if (i <= 0) i = 1;
    return labels[i - 1];
  });
}

/**
 * A column's values as numbers when every present value is a number (pandas' numeric dtypes); else undefined.
 *
 * @example
 * ```ts
 * numericColumn([0.5, null]); // [0.5, undefined]
 * numericColumn([0.5, "x"]); // undefined
 * ```
 */
export function numericColumn(values: readonly (JsonValue | undefined)[]): (number | undefined)[] | undefined {
  const out: (number | undefined)[] = [];
  for (const v of values) {
    if (v === undefined || v === null) out.push(undefined);
    else if (typeof v === "number") out.push(v);
    else return undefined;
  }
  return out;
}

/** Options of {@link historyCellStyles}. */
export interface CellStyleOptions extends HistoryStyleOptions {
  /** The baseline snapshot's metrics (with `baseline`). */
  baselineMetrics?: Record<string, JsonValue> | null;
}

/**
 * The style of each cell of each metric column: `columns` maps a metric to
 * its values (one per row). Metrics with no direction, or not numeric, get
 * no styles.
 *
 * @example
 * ```ts
 * historyCellStyles({ accuracy: [0.9, 0.95] }, { heatmap: true }).get("accuracy");
 * ```
 */
export function historyCellStyles(
  columns: Record<string, readonly (JsonValue | undefined)[]>,
  options: CellStyleOptions = {},
): Map<string, CellStyle[]> {
  checkStyleOptions(options);
  const styles = new Map<string, CellStyle[]>();
  for (const [metric, raw] of Object.entries(columns)) {
    const values = numericColumn(raw);
    const maximize = metricDirection(metric, options);
    if (!values || maximize === undefined) continue;
    if (options.baseline !== undefined) {
      const b = options.baselineMetrics?.[metric];
      const base = typeof b === "number" ? b : undefined;
      styles.set(metric, values.map((v) => ({ kind: "baseline", verdict: baselineVerdict(v, base, { maximize }) })));
    } else if (options.heatmap) {
      styles.set(metric, heatBins(values).map((bin) => ({ kind: "heat", bin, maximize })));
    }
  }
  return styles;
}

/**
 * The CSS of a cell style (the original's pandas styling).
 *
 * @example
 * ```ts
 * cellCss({ kind: "baseline", verdict: "better" }); // "color: green"
 * ```
 */
export function cellCss(style: CellStyle): string {
  if (style.kind === "baseline") {
    return {
      better: "color: green",
      worse: "color: red",
      same: "color: black; font-weight: bold",
      missing: "color: grey",
    }[style.verdict];
  }
  const templ = (bg: string, fg: string) => `border: 1px solid darkgrey; background-color: ${bg}; color: ${fg}`;
  if (style.bin < 0) return templ("lightgrey", "black");
  const map = style.maximize ? MAXIMIZE_COLORMAP : MINIMIZE_COLORMAP;
  return templ(map[style.bin], style.bin < 2 || style.bin > 4 ? "white" : "black");
}

const rgb = (css: string) => css.replace(/^rgb\((.*)\)$/, "$1").replaceAll(",", ";");

/**
 * The ANSI escape codes (start, end) that show a cell style on a terminal.
 *
 * @example
 * ```ts
 * const [start, end] = cellAnsi({ kind: "baseline", verdict: "worse" });
 * console.log(`${start}0.61${end}`); // red
 * ```
 */
export function cellAnsi(style: CellStyle): [string, string] {
  const end = "\x1b[0m";
  if (style.kind === "baseline") {
    return [{ better: "\x1b[32m", worse: "\x1b[31m", same: "\x1b[1m", missing: "\x1b[90m" }[style.verdict], end];
  }
  if (style.bin < 0) return ["\x1b[48;2;211;211;211m\x1b[30m", end];
  const map = style.maximize ? MAXIMIZE_COLORMAP : MINIMIZE_COLORMAP;
  const fg = style.bin < 2 || style.bin > 4 ? "\x1b[97m" : "\x1b[30m";
  return [`\x1b[48;2;${rgb(map[style.bin])}m${fg}`, end];
}
