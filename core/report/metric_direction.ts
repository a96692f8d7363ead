/**
 * Which way a metric is better: the one rule the terminal history
 * (`--baseline`, `--heatmap`), the notebook kit and the HTML report share.
 *
 * @module
 */

/** Metrics the caller names as better when larger or smaller (`--maximize-metrics`/`--minimize-metrics`). */
export interface MetricDirectionOptions {
  /** More metrics where larger is better. */
  maximizeMetrics?: readonly string[];
  /** More metrics where smaller is better. */
  minimizeMetrics?: readonly string[];
}

// Name patterns, tried in this order after the caller's lists: smaller-is-better names
// (losses, errors, time, cost) before larger-is-better ones (accuracy, precision, scores).
const LOWER = /loss|err|mse|mae|rmse|perplexity|latency|time|cost|distance|\bwer\b|\bcer\b/i;
const HIGHER = /acc|precision|recall|\bf1|auc|\br2\b|score|iou|\bmap\b/i;

/**
 * Whether larger values of `metric` are better (true), smaller (false), or
 * neither is known (undefined): the caller's lists first, then the name.
 *
 * @example
 * ```ts
 * metricDirection("val_loss"); // false
 * metricDirection("accuracy"); // true
 * metricDirection("epochs"); // undefined
 * metricDirection("epochs", { maximizeMetrics: ["epochs"] }); // true
 * ```
 */
export function metricDirection(metric: string, options: MetricDirectionOptions = {}): boolean | undefined {
  if (options.maximizeMetrics?.includes(metric)) return true;
  if (options.minimizeMetrics?.includes(metric)) return false;
  if (LOWER.test(metric)) return false;
  if (HIGHER.test(metric)) return true;
  return undefined;
}
