/**
 * `dws diff A B`: which resources differ between two snapshots (spec §6),
 * and, as DVC's `metrics diff` / `params diff` and MLflow's run comparison,
 * how their metrics and their results steps' parameters changed.
 *
 * @module
 */
import type { JsonValue } from "../base/json_value.ts";
import { pythonStr } from "../base/python_repr.ts";
import { snapshotParams, type ValueChange, valueChanges } from "../report/step_params.ts";
import { findSnapshot, readManifest } from "../snapshot/store.ts";

/** How two snapshots compare, by resource name. */
export interface SnapshotDiff {
  /** Hash of the first snapshot. */
  hashA: string;
  /** Hash of the second snapshot. */
  hashB: string;
  /** Tags of the first snapshot. */
  tagsA: string[];
  /** Tags of the second snapshot. */
  tagsB: string[];
  /** Resources with the same hash in both. */
  same: string[];
  /** Resources whose hash differs. */
  different: string[];
  /** Resources only in the second. */
  added: string[];
  /** Resources only in the first. */
  removed: string[];
  /** Metrics (results.json) that differ. */
  metricChanges: ValueChange[];
  /** Parameters of the results steps that differ. */
  paramChanges: ValueChange[];
  /** Either snapshot has metrics or step parameters (else the two lists are left out, as 1.6 prints). */
  hasExperiment: boolean;
}

/**
 * Compare snapshots `a` and `b` (tags or hashes) by their manifests.
 *
 * @example
 * ```ts
 * diffSnapshots("/ws", { a: "v1", b: "v2" }).different; // ["code"]
 * ```
 */
export function diffSnapshots(wsDir: string, snapshots: { a: string; b: string }): SnapshotDiff {
  const ma = findSnapshot(wsDir, snapshots.a);
  const mb = findSnapshot(wsDir, snapshots.b);
  const key = (e: { hash: string | null; content_hash?: unknown }) => `${e.hash}/${e.content_hash ?? ""}`;
  const ra = new Map(readManifest(wsDir, ma.hash).map((e) => [e.name, key(e)]));
  const rb = new Map(readManifest(wsDir, mb.hash).map((e) => [e.name, key(e)]));
  const names = (m: Map<string, unknown>) => [...m.keys()];
  const [pa, pb] = [snapshotParams(wsDir, ma.hash), snapshotParams(wsDir, mb.hash)];
  const [xa, xb] = [ma.metrics ?? {}, mb.metrics ?? {}];
  return {
    hashA: ma.hash,
    hashB: mb.hash,
    tagsA: ma.tags,
    tagsB: mb.tags,
    same: names(ra).filter((n) => rb.has(n) && rb.get(n) === ra.get(n)).sort(),
    different: names(ra).filter((n) => rb.has(n) && rb.get(n) !== ra.get(n)).sort(),
    added: names(rb).filter((n) => !ra.has(n)).sort(),
    removed: names(ra).filter((n) => !rb.has(n)).sort(),
    metricChanges: valueChanges(xa, xb),
    paramChanges: valueChanges(pa, pb),
    hasExperiment: [pa, pb, xa, xb].some((o) => Object.keys(o).length > 0),
  };
}

/** `0.91 -> 0.93 (+0.02)`; `(none)` for a missing value; a changed object or list is only said to change. */
export function changeText(c: ValueChange): string {
  const show = (v: JsonValue | undefined) => (v === undefined ? "(none)" : pythonStr(v));
  const nested = (v: JsonValue | undefined) => typeof v === "object" && v !== null;
  if (nested(c.before) || nested(c.after)) return `${c.name}: changed`;
  const delta = typeof c.before === "number" && typeof c.after === "number"
    ? ` (${c.after >= c.before ? "+" : ""}${Number((c.after - c.before).toPrecision(6))})`
    : "";
  return `${c.name}: ${show(c.before)} -> ${show(c.after)}${delta}`;
}

/** The lines `dws diff` prints, as 1.6 lays them out, then the metric and parameter changes. */
export function formatDiff(d: SnapshotDiff): string[] {
  const tags = (t: string[]) => (t.length ? `, tags ${t.join(", ")}` : "");
  const section = (title: string, names: string[]) =>
    names.length ? [`  ${title}:`, ...names.map((n) => `    ${n}`)] : [`  ${title}: None`];
  return [
    "Comparing:",
    `    Snapshot ${d.hashA}${tags(d.tagsA)} to`,
    `    Snapshot ${d.hashB}${tags(d.tagsB)}`,
    ...section("Resources with the same value", d.same),
    ...section("Resources with different values", d.different),
    ...section("Added resources", d.added),
    ...section("Removed resources", d.removed),
    ...(d.hasExperiment
      ? [
        ...section("Metric changes", d.metricChanges.map(changeText)),
        ...section("Parameter changes", d.paramChanges.map(changeText)),
      ]
      : []),
  ];
}
