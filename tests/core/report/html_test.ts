/**
 * Tests of the pure parts of core/report/html.ts: metric series, number
 * formats, shading, baseline changes, axis ticks and the line chart.
 */
import assert from "node:assert/strict";
import type { SnapshotMetadata } from "../../../core/models/snapshot_metadata.ts";
import {
  baselineDelta,
  formatNumber,
  heatColour,
  lineChart,
  metricSeries,
  niceTicks,
} from "../../../core/report/html.ts";
import type { JsonObject } from "../../../core/base/json_value.ts";

const md = (tag: string, metrics: JsonObject | null): SnapshotMetadata => ({
  hash: tag.padEnd(40, "0"),
  tags: [tag],
  message: "",
  hostname: "h",
  timestamp: "2026-01-01T00:00:00.000000",
  relativeDestinationPath: "",
  restoreHashes: {},
  metrics,
});

Deno.test("metricSeries: numeric metrics only, most frequent first, gaps where a snapshot lacks one", () => {
  const s = metricSeries([
    md("a", { f1: 0.5, acc: 0.1, note: "x", cm: { a: 1 }, flag: true }),
    md("b", null),
    md("c", { acc: 0.3, loss: 2, nan: Number.NaN }),
  ]);
  assert.deepEqual(s.map((m) => [m.name, m.values, m.lowerIsBetter]), [
    ["acc", [0.1, undefined, 0.3], false],
    ["f1", [0.5, undefined, undefined], false],
    ["loss", [undefined, undefined, 2], true],
  ]);
});

Deno.test("formatNumber, heatColour, baselineDelta, niceTicks", () => {
  assert.deepEqual([3, 0.91, 0.123456, 1234.5678, 123456.78, 1e-7].map(formatNumber), [
    "3",
    "0.91",
    "0.1235",
    "1235",
    "123456.8",
    "1e-7",
  ]);
  assert.equal(heatColour(0), "hsl(211 70% 97%)");
  assert.equal(heatColour(1), "hsl(211 80% 72%)");
  assert.equal(heatColour(2), heatColour(1));
  assert.deepEqual(baselineDelta(0.91, 0.84, false), { text: "▲ +0.07", kind: "better" });
  assert.deepEqual(baselineDelta(0.3, 0.41, true), { text: "▼ −0.11", kind: "better" });
  assert.deepEqual(baselineDelta(0.45, 0.41, true), { text: "▲ +0.04", kind: "worse" });
  assert.deepEqual(baselineDelta(2, 2, true), { text: "±0", kind: "same" });
  assert.deepEqual(niceTicks(0.62, 0.93), [0.7, 0.8, 0.9]);
  assert.deepEqual(niceTicks(0.62, 0.93, 8), [0.65, 0.7, 0.75, 0.8, 0.85, 0.9]);
  assert.deepEqual(niceTicks(0, 100), [0, 25, 50, 75, 100]);
  assert.deepEqual(niceTicks(5, 5), [5]);
});

Deno.test("lineChart: a line through the snapshots that have the metric, baseline and selected point", () => {
  const snaps = [md("S1", { acc: 0.5 }), md("S2", {}), md("S3", { acc: 0.7 }), md("S4", { acc: 0.9 })];
  const [acc] = metricSeries(snaps);
  const svg = lineChart(acc, snaps, { baseline: 0, selected: 3 });
  assert.equal((svg.match(/<circle /g) ?? []).length, 3);
  assert.equal((svg.match(/class="dws-point dws-point-selected"/g) ?? []).length, 1);
  assert.match(svg, /<path class="dws-line" d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+"\/>/);
  assert.match(svg, /class="dws-baseline"/);
  for (const tag of ["S1", "S2", "S3", "S4"]) assert.ok(svg.includes(`>${tag}</text>`), tag);
  assert.ok(svg.includes("<title>S4 (S400000): acc = 0.9</title>"));
  // One value: a point, no line.
  const one = lineChart(metricSeries([md("A", { x: 1 })])[0], [md("A", { x: 1 })]);
  assert.equal((one.match(/<circle /g) ?? []).length, 1);
  assert.doesNotMatch(one, /dws-line/);
});
