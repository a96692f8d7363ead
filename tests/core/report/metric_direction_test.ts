/** Tests of core/report/metric_direction.ts: one rule for the terminal history and the HTML report. */
import assert from "node:assert/strict";
import { metricDirection } from "../../../core/report/metric_direction.ts";
import { historyCellStyles } from "../../../core/report/history_style.ts";
import { metricSeries } from "../../../core/report/html.ts";
import type { SnapshotMetadata } from "../../../core/models/snapshot_metadata.ts";

Deno.test("metricDirection: smaller is better for losses, errors and time; larger for accuracy and scores", () => {
  for (const n of ["loss", "val_loss", "error_rate", "RMSE", "mae", "mse", "train_time", "latency_ms", "wer"]) {
    assert.equal(metricDirection(n), false, n);
  }
  for (const n of ["accuracy", "acc", "val_acc", "precision", "recall", "f1", "f1_score", "auc", "r2"]) {
    assert.equal(metricDirection(n), true, n);
  }
  for (const n of ["epochs", "total", "n"]) assert.equal(metricDirection(n), undefined, n);
});

Deno.test("metricDirection: the caller's lists come first", () => {
  assert.equal(metricDirection("epochs", { maximizeMetrics: ["epochs"] }), true);
  assert.equal(metricDirection("accuracy", { minimizeMetrics: ["accuracy"] }), false);
});

Deno.test("history colouring and the HTML report agree on every metric's direction", () => {
  const snapshots = [0.5, 0.3].map((v, i) => ({
    hash: `${i}`.repeat(40),
    timestamp: `2026-01-0${i + 1}T00:00:00`,
    metrics: { mae: v, accuracy: 1 - v, loss: v, f1: 1 - v },
  })) as unknown as SnapshotMetadata[];
  const series = metricSeries(snapshots);
  const columns = Object.fromEntries(series.map((m) => [m.name, m.values]));
  const styles = historyCellStyles(columns, { heatmap: true });
  for (const m of series) {
    const style = styles.get(m.name)?.[0];
    assert.ok(style && style.kind === "heat", m.name);
    assert.equal(style.maximize, !m.lowerIsBetter, m.name);
  }
});
