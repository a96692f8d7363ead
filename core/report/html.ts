/**
 * `dws report html`: one self-contained HTML page about a workspace — the
 * snapshot history with metric shading and changes from a baseline, a chart
 * per metric across snapshots, a snapshot's results and its lineage graph.
 * The page loads nothing: styles, SVG and the little script are inline.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError, DwsError } from "../base/errors.ts";
import { buildLineageGraph } from "../lineage/graph.ts";
import { graphResource, resourceRoles } from "./lineage_graph.ts";
import { lineageStoreAsOf } from "../lineage/scope.ts";
import {
  escapeXml,
  GRAPH_CSS,
  GRAPH_SCRIPT,
  MONO_FONT,
  PAGE_CSS,
  renderLineageSvg,
  ROLE_COLOURS,
  scriptJson,
} from "../draw/lineage_svg.ts";
import { isoTimestamp, type SnapshotMetadata } from "../models/snapshot_metadata.ts";
import { pythonStr } from "../base/python_repr.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { differingParams, snapshotParams } from "./step_params.ts";
import { lineageTableRows } from "./lineage_table.ts";
import { findResults, findResultsAt, type FoundResults, resultsSections } from "./results.ts";
import { findSnapshot, readAllSnapshotMetadata } from "../snapshot/store.ts";
import { DWS_VERSION } from "../base/version.ts";
import { openWorkspace, type Workspace } from "../workspace/workspace.ts";
import { metricDirection } from "./metric_direction.ts";

/** Options of {@link htmlReport}. */
export interface HtmlReportOptions {
  /** The snapshot whose results and lineage are shown; default: the newest (the current state when there is none). */
  tagOrHash?: string;
  /** The snapshot changes are measured from; default: the first (oldest) one. */
  baseline?: string;
  /** The results resource; default: every results resource for results, the first one for lineage. */
  resourceName?: string;
}

/** A numeric metric across snapshots (oldest first; undefined where a snapshot lacks it). */
export interface MetricSeries {
  /** Metric name. */
  name: string;
  /** One value per snapshot, oldest first. */
  values: (number | undefined)[];
  /** True when smaller values are better (loss, error, time, ...). */
  lowerIsBetter: boolean;
}

const byTime = (a: SnapshotMetadata, b: SnapshotMetadata) =>
  a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;

/**
 * The numeric metrics of the snapshots (oldest first), most frequent first
 * (ties: first seen).
 *
 * @example
 * ```ts
 * metricSeries(snapshots).map((m) => m.name); // ["accuracy", "loss"]
 * ```
 */
export function metricSeries(snapshots: readonly SnapshotMetadata[]): MetricSeries[] {
  const counts = new Map<string, number>();
  for (const s of snapshots) {
    for (const [k, v] of Object.entries(s.metrics ?? {})) {
      if (typeof v === "number" && Number.isFinite(v)) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  const order = [...counts.keys()];
  order.sort((a, b) => counts.get(b)! - counts.get(a)! || order.indexOf(a) - order.indexOf(b));
  return order.map((name) => ({
    name,
    values: snapshots.map((s) => {
      const v = s.metrics?.[name];
      return typeof v === "number" && Number.isFinite(v) ? v : undefined;
    }),
    lowerIsBetter: metricDirection(name) === false,
  }));
}

/** A number for people: integers as they are, others with 4 significant digits. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 1e4) return v.toFixed(1);
  return String(Number(v.toPrecision(4)));
}

/** Cell shade for a value at fraction `t` (0 lowest .. 1 highest) of its column. */
export function heatColour(t: number): string {
  const c = Math.max(0, Math.min(1, t));
  return `hsl(211 ${Math.round(70 + 10 * c)}% ${Math.round(97 - 25 * c)}%)`;
}

/** The change from the baseline as text and whether it is better, worse or the same. */
export function baselineDelta(
  value: number,
  base: number,
  lowerBetter: boolean,
): { text: string; kind: "better" | "worse" | "same" } {
  const d = value - base;
  if (Math.abs(d) < 1e-12 * Math.max(1, Math.abs(base))) return { text: "±0", kind: "same" };
  const text = `${d > 0 ? "▲ +" : "▼ −"}${formatNumber(Math.abs(d))}`;
  return { text, kind: (d < 0) === lowerBetter ? "better" : "worse" };
}

/** Tick values for an axis from `min` to `max` (about `count` of them, round numbers). */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function snapshotLabel(s: SnapshotMetadata): string {
  return s.tags[0] ?? s.hash.slice(0, 7);
}

/** Positions of snapshots in the history: the baseline and the one shown. */
type Marks = { baseline?: number; selected?: number };

/** Chart size and the margins around its plot area (left, right, top, bottom) that hold the axis labels. */
const CHART = { W: 360, H: 200, L: 52, R: 16, T: 14, B: 40 } as const;

/** Where the chart maps snapshot indexes and values, to a tenth of a unit. */
interface ChartScale {
  x: (i: number) => number;
  y: (v: number) => number;
}

/** The value range of a chart: a little wider than the values so that no point sits on the frame. */
function paddedRange(values: readonly number[]): [number, number] {
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

function chartScale(n: number, lo: number, hi: number): ChartScale {
  const { W, H, L, R, T, B } = CHART;
  const f = (v: number) => Math.round(v * 10) / 10;
  return {
    // A lone snapshot is centred rather than pinned to the left edge.
    x: (i) => f(L + (n <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1))),
    y: (v) => f(T + ((hi - v) * (H - T - B)) / (hi - lo)),
  };
}

/** Horizontal grid lines with their values. */
function valueTicksSvg(lo: number, hi: number, { y }: ChartScale): string[] {
  const { W, L, R } = CHART;
  return niceTicks(lo, hi).flatMap((t) => [
    `<line class="dws-grid" x1="${L}" x2="${W - R}" y1="${y(t)}" y2="${y(t)}"/>`,
    `<text class="dws-tick" x="${L - 6}" y="${y(t) + 3.5}" text-anchor="end">${escapeXml(formatNumber(t))}</text>`,
  ]);
}

/** Labels under the axis: at most about 7, always the newest snapshot's. */
function snapshotTicksSvg(snapshots: readonly SnapshotMetadata[], { x }: ChartScale): string[] {
  const { H, B } = CHART;
  const n = snapshots.length;
  const every = Math.max(1, Math.ceil(n / 7));
  return snapshots.flatMap((s, i) => {
    if (i % every !== 0 && i !== n - 1) return [];
    const label = [...snapshotLabel(s)].slice(0, 10).join("");
    return [`<text class="dws-tick" x="${x(i)}" y="${H - B + 16}" text-anchor="middle">${escapeXml(label)}</text>`];
  });
}

function baselineSvg(value: number, { y }: ChartScale): string[] {
  const { W, L, R } = CHART;
  return [
    `<line class="dws-baseline" x1="${L}" x2="${W - R}" y1="${y(value)}" y2="${y(value)}"/>`,
    `<text class="dws-baseline-label" x="${W - R}" y="${y(value) - 4}" text-anchor="end">baseline</text>`,
  ];
}

/** The line through the points present and the shaded area under it. */
function lineSvg(present: readonly { i: number; v: number }[], { x, y }: ChartScale): string[] {
  const { H, B } = CHART;
  const line = present.map((p, k) => `${k ? "L" : "M"}${x(p.i)},${y(p.v)}`).join(" ");
  const area = `${line} L${x(present[present.length - 1].i)},${H - B} L${x(present[0].i)},${H - B} Z`;
  return [`<path class="dws-area" d="${area}"/>`, `<path class="dws-line" d="${line}"/>`];
}

function pointSvg(
  p: { i: number; v: number },
  s: SnapshotMetadata,
  name: string,
  selected: boolean,
  { x, y }: ChartScale,
): string {
  const cls = selected ? "dws-point dws-point-selected" : "dws-point";
  return `<circle class="${cls}" cx="${x(p.i)}" cy="${y(p.v)}" r="${selected ? 5 : 3.5}">` +
    `<title>${escapeXml(`${snapshotLabel(s)} (${s.hash.slice(0, 7)}): ${name} = ${pythonStr(p.v)}`)}</title>` +
    `</circle>`;
}

/**
 * An inline SVG line chart of one metric across snapshots (oldest left).
 *
 * @example
 * ```ts
 * lineChart(series, snapshots, { baseline: 0, selected: 2 });
 * ```
 */
export function lineChart(
  series: MetricSeries,
  snapshots: readonly SnapshotMetadata[],
  marks: { baseline?: number; selected?: number } = {},
): string {
  const { W, H, L, R, B } = CHART;
  const present = series.values.flatMap((v, i) => (v === undefined ? [] : [{ i, v }]));
  const [lo, hi] = paddedRange(present.map((p) => p.v));
  const baseValue = marks.baseline !== undefined ? series.values[marks.baseline] : undefined;
  const scale = chartScale(snapshots.length, lo, hi);
  return [
    `<svg class="dws-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${
      escapeXml(`${series.name} across snapshots`)
    }">`,
    ...valueTicksSvg(lo, hi, scale),
    ...snapshotTicksSvg(snapshots, scale),
    `<line class="dws-axis" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/>`,
    ...(baseValue !== undefined ? baselineSvg(baseValue, scale) : []),
    ...(present.length > 1 ? lineSvg(present, scale) : []),
    ...present.map((p) => pointSvg(p, snapshots[p.i], series.name, p.i === marks.selected, scale)),
    `</svg>`,
  ].join("\n");
}

function section(id: string, title: string, body: string, note = ""): string {
  return `<section class="dws-card" id="${id}"><div class="dws-card-head"><h2>${escapeXml(title)}</h2>${
    note ? `<span class="dws-note">${note}</span>` : ""
  }</div>${body}</section>`;
}

/** The step parameters that differ between the snapshots: their names, and each snapshot's values. */
interface ParamColumns {
  names: string[];
  values: JsonObject[];
}

function paramColumns(wsDir: string, snapshots: readonly SnapshotMetadata[]): ParamColumns {
  const values = snapshots.map((s) => snapshotParams(wsDir, s.hash));
  return { names: differingParams(values), values };
}

function paramCells(params: ParamColumns, i: number): string[] {
  return params.names.map((n) => {
    const v = params.values[i][n];
    return v === undefined
      ? `<td class="dws-empty">–</td>`
      : `<td class="dws-param mono">${escapeXml(pythonStr(v))}</td>`;
  });
}

function historyTable(
  snapshots: readonly SnapshotMetadata[],
  series: readonly MetricSeries[],
  marks: Marks,
  params: ParamColumns,
): string {
  const head = ["Hash", "Tags", "Created", "Message", ...series.map((m) => m.name), ...params.names];
  const rows: string[] = [];
  for (let i = snapshots.length - 1; i >= 0; i--) {
    const s = snapshots[i];
    const cls = [i === marks.selected ? "dws-selected" : "", i === marks.baseline ? "dws-baseline-row" : ""].filter((
      c,
    ) => c).join(" ");
    const badges = (i === marks.baseline ? `<span class="dws-badge dws-badge-base">baseline</span>` : "") +
      (i === marks.selected ? `<span class="dws-badge dws-badge-shown">shown below</span>` : "");
    const cells = [
      `<td class="mono">${escapeXml(s.hash.slice(0, 7))}</td>`,
      `<td>${s.tags.map((t) => `<span class="dws-tag">${escapeXml(t)}</span>`).join(" ")}${badges}</td>`,
      `<td class="dws-nowrap">${escapeXml(s.timestamp.slice(0, 16).replace("T", " "))}</td>`,
      `<td class="dws-message">${escapeXml(s.message)}</td>`,
    ];
    for (const m of series) {
      const v = m.values[i];
      if (v === undefined) {
        cells.push(`<td class="dws-num dws-empty">–</td>`);
        continue;
      }
      const known = m.values.filter((x): x is number => x !== undefined);
      const lo = Math.min(...known), hi = Math.max(...known);
      const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      const base = marks.baseline !== undefined ? m.values[marks.baseline] : undefined;
      let delta = "";
      if (base !== undefined && i !== marks.baseline) {
        const d = baselineDelta(v, base, m.lowerIsBetter);
        delta = `<span class="dws-delta dws-${d.kind}">${escapeXml(d.text)}</span>`;
      }
      cells.push(
        `<td class="dws-num" style="background:${heatColour(t)}" title="${escapeXml(`${m.name} = ${pythonStr(v)}`)}">` +
          `<span class="dws-value">${escapeXml(formatNumber(v))}</span>${delta}</td>`,
      );
    }
    cells.push(...paramCells(params, i));
    rows.push(`<tr${cls ? ` class="${cls}"` : ""}>${cells.join("")}</tr>`);
  }
  const numeric = (i: number) => i >= 4 && i < 4 + series.length;
  return `<div class="dws-table-wrap"><table class="dws-table dws-history"><thead><tr>${
    head.map((h, i) => `<th${numeric(i) ? ' class="dws-num"' : ""}>${escapeXml(h)}</th>`).join("")
  }</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function valueHtml(v: JsonValue): string {
  if (typeof v === "number") return `<span class="dws-num-text">${escapeXml(pythonStr(v))}</span>`;
  if (v === null) return `<span class="dws-empty">None</span>`;
  return escapeXml(pythonStr(v));
}

function resultsHtml(found: FoundResults | undefined, what: string): string {
  if (!found) return `<p class="dws-muted">No results.json found for ${escapeXml(what)}.</p>`;
  const tables = resultsSections(found.results).map((s) =>
    `<div class="dws-results-table"><h3>${escapeXml(s.title)}</h3>${
      s.rows.length
        ? `<table class="dws-table dws-kv"><tbody>${
          s.rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${valueHtml(v)}</td></tr>`).join("")
        }</tbody></table>`
        : `<p class="dws-muted">(none)</p>`
    }</div>`
  );
  return `<p class="dws-muted">Results file at <code>${escapeXml(found.location)}</code></p>` +
    `<div class="dws-results-grid">${tables.join("")}</div>`;
}

function lineageHtml(ws: Workspace, chosen: SnapshotMetadata | undefined, resourceName?: string): string {
  let resource: string;
  try {
    resource = graphResource(ws, resourceName);
    const { store } = lineageStoreAsOf(ws.dir, chosen?.hash);
    const graph = buildLineageGraph(store, resource);
    const rows = lineageTableRows(store);
    const table = `<details class="dws-details"><summary>Lineage table (${rows.length} rows)</summary>` +
      `<div class="dws-table-wrap"><table class="dws-table"><thead><tr><th>Resource</th><th>Type</th><th>Details</th>` +
      `<th>Inputs</th></tr></thead><tbody>${
        rows.map((r) =>
          `<tr><td class="mono">${escapeXml(r.resource)}</td><td>${escapeXml(r.type)}</td><td>${
            escapeXml(r.details)
          }</td><td class="mono">${r.inputs === null ? "" : r.inputs.map(escapeXml).join("<br>")}</td></tr>`
        ).join("")
      }</tbody></table></div></details>`;
    const warnings = graph.warnings.length
      ? `<ul class="dws-warnings">${graph.warnings.map((w) => `<li>${escapeXml(w)}</li>`).join("")}</ul>`
      : "";
    return `<p class="dws-muted">How the data of <code>${escapeXml(resource)}</code> was made: ` +
      `${graph.nodes.length} versions, ${graph.steps.length} steps. Drag to pan, scroll to zoom, hover to follow links.</p>` +
      renderLineageSvg(graph, {
        width: 4000,
        height: 640,
        autoHeight: true,
        idPrefix: "report-lineage",
        roles: resourceRoles(ws),
      }) +
      warnings + table;
  } catch (e) {
    if (e instanceof DwsError) return `<p class="dws-muted">${escapeXml(e.message)}</p>`;
    throw e;
  }
}

const REPORT_CSS = `
main { max-width: 1320px; margin: 0 auto; }
.dws-summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px; margin-bottom: 18px; }
.dws-stat { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 12px 16px; }
.dws-stat .k { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
.dws-stat .v { font-size: 20px; font-weight: 650; margin-top: 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.dws-stat .s { font-size: 12.5px; color: #57606a; }
.dws-card { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 16px 20px 20px; margin-bottom: 18px; }
.dws-card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; flex-wrap: wrap; margin-bottom: 10px; }
.dws-card h2 { margin: 0; font-size: 17px; font-weight: 650; }
.dws-card h3 { margin: 0 0 6px; font-size: 13.5px; font-weight: 650; color: #24292f; }
.dws-note, .dws-muted { color: #57606a; font-size: 13px; }
.dws-muted { margin: 0 0 10px; }
.dws-table-wrap { overflow-x: auto; }
.dws-table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
.dws-table th, .dws-table td { padding: 7px 10px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
.dws-table thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: #57606a;
  border-bottom: 1.5px solid #d0d7de; background: #f6f8fa; position: sticky; top: 0; }
.dws-table .dws-num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.dws-history td.dws-num { min-width: 96px; }
.dws-history tbody tr:hover td { filter: brightness(0.97); }
.dws-value { display: block; font-weight: 600; }
.dws-delta { display: block; font-size: 11.5px; font-weight: 600; }
.dws-better { color: #1a7f37; } .dws-worse { color: #cf222e; } .dws-same { color: #6e7781; }
.dws-empty { color: #8c959f; }
.dws-param { font-size: 12.5px; white-space: nowrap; }
.dws-selected td:first-child { box-shadow: inset 3px 0 0 #0969da; }
.dws-baseline-row td { font-style: normal; }
.dws-tag { display: inline-block; padding: 0 7px; margin: 1px 2px 1px 0; border-radius: 10px; background: #ddf4ff;
  color: #0550ae; font-size: 12px; font-weight: 600; }
.dws-badge { display: inline-block; padding: 0 6px; margin-left: 4px; border-radius: 4px; font-size: 11px; font-weight: 600; }
.dws-badge-base { background: #fff1e5; color: #953800; border: 1px solid #ffd8b5; }
.dws-badge-shown { background: #eef1ff; color: #3e4bb8; border: 1px solid #c9d1ff; }
.dws-nowrap { white-space: nowrap; }
.dws-message { max-width: 340px; }
.dws-legend-line { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 12.5px; color: #57606a; margin: 10px 0 0; }
.dws-scale { display: inline-block; width: 90px; height: 10px; border-radius: 3px; vertical-align: middle;
  background: linear-gradient(90deg, ${heatColour(0)}, ${heatColour(1)}); border: 1px solid #d0d7de; }
.dws-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 14px; }
.dws-chart-card { border: 1px solid #eaeef2; border-radius: 8px; padding: 10px 12px 4px; }
.dws-chart-head { display: flex; justify-content: space-between; align-items: baseline; }
.dws-chart-head .name { font-weight: 650; }
.dws-chart-head .latest { font-size: 13px; color: #57606a; }
.dws-chart { width: 100%; max-width: 520px; height: auto; display: block; margin: 0 auto; }
.dws-grid { stroke: #eaeef2; stroke-width: 1; }
.dws-axis { stroke: #afb8c1; stroke-width: 1; }
.dws-tick { font: 10.5px ${MONO_FONT}; fill: #6e7781; }
.dws-line { fill: none; stroke: #0969da; stroke-width: 2; stroke-linejoin: round; }
.dws-area { fill: #0969da; opacity: .07; }
.dws-point { fill: #fff; stroke: #0969da; stroke-width: 2; }
.dws-point-selected { fill: #0969da; }
.dws-baseline { stroke: #bc4c00; stroke-width: 1.2; stroke-dasharray: 5 4; }
.dws-baseline-label { font-size: 10.5px; fill: #bc4c00; }
.dws-results-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
.dws-kv th { width: 1%; white-space: nowrap; font-weight: 600; color: #24292f; background: #fafbfc; }
.dws-kv td { word-break: break-word; }
.dws-details { margin-top: 14px; }
.dws-details summary { cursor: pointer; color: #0969da; font-size: 13.5px; }
.dws-warnings { color: #9a6700; font-size: 13px; }
footer { text-align: center; color: #8c959f; font-size: 12px; padding: 0 0 28px; }
`;

/** The snapshots (oldest first), the one shown and the baseline, and where these two are in the history. */
function reportScope(ws: Workspace, options: HtmlReportOptions): {
  snapshots: SnapshotMetadata[];
  chosen?: SnapshotMetadata;
  baseline?: SnapshotMetadata;
  marks: Marks;
} {
  const snapshots = readAllSnapshotMetadata(ws.dir).sort(byTime);
  const indexOf = (md: SnapshotMetadata) => snapshots.findIndex((s) => s.hash === md.hash);
  const chosen = options.tagOrHash !== undefined
    ? findSnapshot(ws.dir, options.tagOrHash)
    : snapshots[snapshots.length - 1];
  const baseline = options.baseline !== undefined ? findSnapshot(ws.dir, options.baseline) : snapshots[0];
  const marks = {
    selected: chosen ? indexOf(chosen) : undefined,
    baseline: baseline ? indexOf(baseline) : undefined,
  };
  return { snapshots, chosen, baseline, marks };
}

function stat(k: string, v: string, s: string): string {
  return `<div class="dws-stat"><div class="k">${escapeXml(k)}</div><div class="v">${
    escapeXml(v)
  }</div><div class="s">${escapeXml(s)}</div></div>`;
}

/** The boxes at the top: snapshot count, the snapshot shown, the baseline and the resources by role. */
function summaryHtml(
  ws: Workspace,
  snapshots: readonly SnapshotMetadata[],
  chosen: SnapshotMetadata | undefined,
  baseline: SnapshotMetadata | undefined,
): string {
  const latest = snapshots[snapshots.length - 1];
  const roleCounts = Object.keys(ROLE_COLOURS).map((r) => [r, ws.resources.filter((x) => x.role === r).length] as const)
    .filter(([, n]) => n > 0).map(([r, n]) => `${n} ${r}`);
  return `<div class="dws-summary">${
    [
      stat(
        "Snapshots",
        String(snapshots.length),
        latest ? `latest ${latest.timestamp.slice(0, 16).replace("T", " ")}` : "none yet",
      ),
      stat(
        "Shown below",
        chosen ? snapshotLabel(chosen) : "current state",
        chosen ? chosen.hash.slice(0, 12) : "not snapshotted",
      ),
      stat(
        "Baseline",
        baseline ? snapshotLabel(baseline) : "–",
        baseline ? baseline.hash.slice(0, 12) : "no snapshots",
      ),
      stat("Resources", String(ws.resources.length), roleCounts.join(", ")),
    ].join("")
  }</div>`;
}

/** The history table with a key to its shades and changes, or how to take a first snapshot. */
function historyBody(
  snapshots: readonly SnapshotMetadata[],
  series: readonly MetricSeries[],
  marks: Marks,
  scope: { baseline: SnapshotMetadata | undefined; params: ParamColumns },
): string {
  const { baseline } = scope;
  if (!snapshots.length) return `<p class="dws-muted">No snapshots yet: take one with <code>dws snapshot</code>.</p>`;
  const key = series.length
    ? `<div class="dws-legend-line"><span>Shade: value within its column, <span class="dws-scale"></span> low → high</span>` +
      `<span>▲/▼: change from the baseline${baseline ? ` (${escapeXml(snapshotLabel(baseline))})` : ""}, ` +
      `<span class="dws-better">green</span> better, <span class="dws-worse">red</span> worse ` +
      `(lower is better for loss-, error- and time-like names)</span></div>`
    : "";
  return historyTable(snapshots, series, marks, scope.params) + key;
}

/** A metric's chart under its name and latest value. */
function chartCard(m: MetricSeries, snapshots: readonly SnapshotMetadata[], marks: Marks): string {
  const last = [...m.values].reverse().find((v) => v !== undefined);
  return `<div class="dws-chart-card"><div class="dws-chart-head"><span class="name">${escapeXml(m.name)}</span>` +
    `<span class="latest">${last !== undefined ? `latest ${escapeXml(formatNumber(last))}` : ""}${
      m.lowerIsBetter ? " · lower is better" : ""
    }</span></div>${lineChart(m, snapshots, marks)}</div>`;
}

/** The section of metric charts; empty when there are no metrics. */
function trendsHtml(series: readonly MetricSeries[], snapshots: readonly SnapshotMetadata[], marks: Marks): string {
  if (!series.length) return "";
  const charts = series.map((m) => chartCard(m, snapshots, marks));
  return section("trends", "Metric trends", `<div class="dws-charts">${charts.join("\n")}</div>`, "oldest → newest");
}

function resourcesTable(ws: Workspace): string {
  return `<div class="dws-table-wrap"><table class="dws-table"><thead><tr><th>Resource</th><th>Role</th>` +
    `<th>Type</th></tr></thead><tbody>${
      ws.resources.map((r) =>
        `<tr><td class="mono">${escapeXml(r.name)}</td><td><span class="dws-swatch" style="background:${
          ROLE_COLOURS[r.role]?.fill ?? "#fff"
        };border-color:${ROLE_COLOURS[r.role]?.stroke ?? "#8c959f"}"></span> ${escapeXml(r.role)}</td><td>${
          escapeXml(r.type.name)
        }</td></tr>`
      ).join("")
    }</tbody></table></div>`;
}

/** What the page shows, as JSON for scripts that read the report. */
function reportData(
  ws: Workspace,
  snapshots: readonly SnapshotMetadata[],
  chosen: SnapshotMetadata | undefined,
  scope: { baseline: SnapshotMetadata | undefined; params: ParamColumns },
): JsonValue {
  const { baseline } = scope;
  return {
    workspace: ws.name,
    snapshots: snapshots.map((s, i) => ({
      hash: s.hash,
      tags: s.tags,
      timestamp: s.timestamp,
      message: s.message,
      metrics: s.metrics,
      parameters: scope.params.values[i],
    })),
    shown: chosen?.hash ?? null,
    baseline: baseline?.hash ?? null,
  };
}

/**
 * The HTML report of a workspace (a whole page).
 *
 * @example
 * ```ts
 * writeFileSync("report.html", await htmlReport(ws, { baseline: "S1" }));
 * ```
 */
export async function htmlReport(ws: Workspace, options: HtmlReportOptions = {}): Promise<string> {
  const { snapshots, chosen, baseline, marks } = reportScope(ws, options);
  const series = metricSeries(snapshots);
  const params = paramColumns(ws.dir, snapshots);
  const what = chosen ? `snapshot ${snapshotLabel(chosen)}` : "the current state";
  const results = chosen
    ? await findResults(ws, { tagOrHash: chosen.hash, resourceName: options.resourceName })
    : await findResultsAt(ws, "results.json", options.resourceName);
  const title = `Workspace ${ws.name}`;
  const generated = isoTimestamp(new Date()).slice(0, 16).replace("T", " ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)} · dws report</title>
<style>${PAGE_CSS}${GRAPH_CSS}${REPORT_CSS}</style>
</head>
<body>
<header class="dws-page-header"><h1>${escapeXml(title)}</h1><p>Data Workspaces report · generated ${
    escapeXml(generated)
  } · ${snapshots.length} snapshot${snapshots.length === 1 ? "" : "s"}</p></header>
<main>
${summaryHtml(ws, snapshots, chosen, baseline)}
${
    section(
      "history",
      "History of snapshots",
      historyBody(snapshots, series, marks, { baseline, params }),
      "newest first",
    )
  }
${trendsHtml(series, snapshots, marks)}
${section("results", `Results · ${what}`, resultsHtml(results, what))}
${section("lineage", `Lineage · ${what}`, lineageHtml(ws, chosen, options.resourceName))}
${section("resources", "Resources", resourcesTable(ws))}
</main>
<footer>dws ${escapeXml(DWS_VERSION)} · self-contained report: no network needed</footer>
<script type="application/json" id="dws-report-data">${
    scriptJson(reportData(ws, snapshots, chosen, { baseline, params }))
  }</script>
<script>${GRAPH_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Write the HTML report of a workspace to `outputFile` and say so.
 *
 * @example
 * ```ts
 * await writeHtmlReport(ws, "report.html", { tagOrHash: "S2" });
 * ```
 */
export async function writeHtmlReport(
  ws: Workspace,
  outputFile: string,
  options: HtmlReportOptions = {},
): Promise<void> {
  const path = resolve(process.cwd(), outputFile);
  if (!existsSync(dirname(path))) {
    throw new ConfigurationError(`The folder ${dirname(path)} of the report does not exist: create it first`);
  }
  const html = await htmlReport(ws, options);
  writeFileAtomic(path, html);
  ws.ctx.output.info(`Wrote HTML report to ${outputFile}`);
}

/**
 * Write the HTML report of the workspace (history, metric trends, results,
 * lineage) to `outputFile`.
 *
 * @example
 * ```ts
 * await makeHtmlReport("report.html", { workspaceDir: "/ws", baseline: "S1" });
 * ```
 */
export async function makeHtmlReport(
  outputFile: string,
  options: HtmlReportOptions & { workspaceDir?: string; context?: ContextOptions } = {},
): Promise<void> {
  const ws = await openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
  await writeHtmlReport(ws, outputFile, options);
}
