/**
 * Metrics for predictors, computed with scikit-learn's formulas so the
 * numbers in results.json are the ones the original (spec §9.2) writes:
 * the same confusion counts, the same zero-division results (0.0), and
 * numpy's pairwise summation, so even the last bits agree.
 *
 * The three {@link Metrics} classes are what {@link ./predictor.ts}'s
 * `LineagePredictor` uses for `"binary_classification"`,
 * `"multiclass_classification"` and `"regression"`; the functions can be used
 * on their own.
 *
 * @example
 * ```ts
 * import { MulticlassClassificationMetrics } from "./metrics.ts";
 * const m = new MulticlassClassificationMetrics([0, 1, 2, 2], [0, 2, 2, 2]);
 * m.score(); // 0.75
 * m.printMetrics();
 * ```
 *
 * @module
 */
import { ApiParamError } from "../core/base/errors.ts";
import { pythonFloatRepr } from "../core/base/python_repr.ts";
import { type Label, type LabelsLike, toVector } from "./arrays.ts";

/**
 * Sum as numpy's `add.reduce` does for float64 (pairwise, blocks of 8
 * accumulators): results equal numpy's to the last bit.
 *
 * @example
 * ```ts
 * pairwiseSum([0.1, 0.2, 0.3]); // 0.6000000000000001
 * ```
 */
export function pairwiseSum(a: ArrayLike<number>): number {
  return pw(a, 0, a.length);
}

function pw(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = [
      a[start],
      a[start + 1],
      a[start + 2],
      a[start + 3],
      a[start + 4],
      a[start + 5],
      a[start + 6],
      a[start + 7],
    ];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pw(a, start, n2) + pw(a, start + n2, n - n2);
}

/** numpy's `average(a, weights)`. */
function average(a: readonly number[], weights?: readonly number[]): number {
  if (!weights) return pairwiseSum(a) / a.length;
  const scale = pairwiseSum(weights);
  if (scale === 0) throw new ApiParamError("Weights sum to zero, so the average is not defined");
  return pairwiseSum(a.map((x, i) => x * weights[i])) / scale;
}

/** Options with sample weights. */
export interface SampleWeightOptions {
  /** One weight per sample (default: all 1). */
  sampleWeight?: ArrayLike<number>;
}

interface Targets {
  t: Label[];
  p: Label[];
  w?: number[];
}

function targets(yTrue: LabelsLike, yPred: LabelsLike, sampleWeight?: ArrayLike<number>): Targets {
  const t = toVector(yTrue);
  const p = toVector(yPred);
  if (t.length !== p.length) {
    throw new ApiParamError(`The true values have ${t.length} samples but the predictions have ${p.length}`);
  }
  if (t.length === 0) throw new ApiParamError("Metrics need at least one sample");
  let w: number[] | undefined;
  if (sampleWeight !== undefined) {
    w = Array.from(sampleWeight, Number);
    if (w.length !== t.length) {
      throw new ApiParamError(`There are ${t.length} samples but ${w.length} sample weights`);
    }
  }
  return { t, p, w };
}

function compareLabels(a: Label, b: Label): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The sorted distinct labels of one or more label arrays (numbers or
 * strings, not both), as scikit-learn's `unique_labels`.
 */
export function uniqueLabels(...ys: readonly Label[][]): Label[] {
  const set = new Set<Label>();
  for (const y of ys) for (const v of y) set.add(v);
  const labels = [...set];
  const kinds = new Set(labels.map((l) => typeof l));
  if (kinds.size > 1) throw new ApiParamError("Mix of label input types (string and number)");
  return labels.sort(compareLabels);
}

function classificationType(t: Label[], p: Label[]): { type: "binary" | "multiclass"; labels: Label[] } {
  for (const v of [t, p]) {
    if (v.some((x) => typeof x === "number" && !Number.isInteger(x))) {
      throw new ApiParamError("Classification metrics need class labels, but the values are continuous");
    }
  }
  const labels = uniqueLabels(t, p);
  return { type: labels.length <= 2 ? "binary" : "multiclass", labels };
}

interface Counts {
  tp: number[];
  predSum: number[];
  trueSum: number[];
}

/** Per-label true positives and predicted/true sums, as `multilabel_confusion_matrix` computes them. */
function counts({ t, p, w }: Targets, labels: readonly Label[]): Counts {
  const index = new Map<Label, number>(labels.map((l, i) => [l, i]));
  const n = labels.length;
  const tp = new Array(n).fill(0);
  const predRaw = new Array(n).fill(0);
  const trueRaw = new Array(n).fill(0);
  for (let i = 0; i < t.length; i++) {
    const wi = w ? w[i] : 1;
    const ti = index.get(t[i]);
    const pi = index.get(p[i]);
    if (ti !== undefined) trueRaw[ti] += wi;
    if (pi !== undefined) predRaw[pi] += wi;
    if (ti !== undefined && t[i] === p[i]) tp[ti] += wi;
  }
  return {
    tp,
    predSum: tp.map((x, k) => x + (predRaw[k] - x)),
    trueSum: tp.map((x, k) => x + (trueRaw[k] - x)),
  };
}

/** Division where 0/0 (and x/0) is 0.0, as scikit-learn's default `zero_division`. */
function divide(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

interface Prf {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

function prf(c: Counts): Prf {
  return {
    precision: c.tp.map((x, k) => divide(x, c.predSum[k])),
    recall: c.tp.map((x, k) => divide(x, c.trueSum[k])),
    f1: c.tp.map((x, k) => divide(2 * x, 1 * c.trueSum[k] + c.predSum[k])),
    support: c.trueSum,
  };
}

/**
 * Fraction of correct predictions (scikit-learn `accuracy_score`).
 *
 * @example
 * ```ts
 * accuracyScore([0, 1, 1], [0, 1, 0]); // 0.6666666666666666
 * ```
 */
export function accuracyScore(yTrue: LabelsLike, yPred: LabelsLike, options: SampleWeightOptions = {}): number {
  const { t, p, w } = targets(yTrue, yPred, options.sampleWeight);
  const score = t.map((x, i) => (x === p[i] ? 1 : 0));
  if (!w) return score.reduce<number>((a, b) => a + b, 0) / t.length;
  return average(score, w);
}

/** Options of the binary metrics. */
export interface BinaryOptions extends SampleWeightOptions {
  /** The positive class (default 1). */
  posLabel?: Label;
}

function binaryCounts(yTrue: LabelsLike, yPred: LabelsLike, options: BinaryOptions): Counts {
  const tg = targets(yTrue, yPred, options.sampleWeight);
  const { type, labels } = classificationType(tg.t, tg.p);
  const pos = options.posLabel ?? 1;
  if (type !== "binary") {
    throw new ApiParamError(
      `The labels are multiclass (${labels.length} classes) but a binary metric was asked for; ` +
        `use multiclass_classification`,
    );
  }
  if (!labels.includes(pos) && labels.length >= 2) {
    throw new ApiParamError(`posLabel=${pos} is not a valid label; it should be one of ${labels.join(", ")}`);
  }
  return counts(tg, [pos]);
}

/**
 * Precision of the positive class (scikit-learn `precision_score`, binary).
 *
 * @example
 * ```ts
 * precisionScore([0, 1, 1], [1, 1, 1]); // 0.6666666666666666
 * ```
 */
export function precisionScore(yTrue: LabelsLike, yPred: LabelsLike, options: BinaryOptions = {}): number {
  return prf(binaryCounts(yTrue, yPred, options)).precision[0];
}

/**
 * Recall of the positive class (scikit-learn `recall_score`, binary).
 *
 * @example
 * ```ts
 * recallScore([0, 1, 1], [0, 1, 0]); // 0.5
 * ```
 */
export function recallScore(yTrue: LabelsLike, yPred: LabelsLike, options: BinaryOptions = {}): number {
  return prf(binaryCounts(yTrue, yPred, options)).recall[0];
}

/**
 * F1 score of the positive class (scikit-learn `f1_score`, binary).
 *
 * @example
 * ```ts
 * f1Score([0, 1, 1], [0, 1, 0]); // 0.6666666666666666
 * ```
 */
export function f1Score(yTrue: LabelsLike, yPred: LabelsLike, options: BinaryOptions = {}): number {
  return prf(binaryCounts(yTrue, yPred, options)).f1[0];
}

/**
 * Area under the ROC curve for two classes (scikit-learn `roc_auc_score`):
 * the larger label is the positive class; `yScore` are scores or predicted
 * labels. NaN when `yTrue` has one class (as scikit-learn 1.9).
 *
 * @example
 * ```ts
 * rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAucScore(yTrue: LabelsLike, yScore: LabelsLike, options: SampleWeightOptions = {}): number {
  const { t, p, w } = targets(yTrue, yScore, options.sampleWeight);
  const classes = uniqueLabels(t);
  if (classes.length > 2) {
    throw new ApiParamError(`roc_auc_score needs two classes in the true values, got ${classes.length}`);
  }
  if (classes.length !== 2) return NaN;
  const scores = p.map((s) => {
    if (typeof s !== "number") throw new ApiParamError("roc_auc_score needs numeric scores or labels");
    return s;
  });
  const y = t.map((v) => (v === classes[1] ? 1 : 0));
  // _binary_clf_curve: stable sort by score, reversed (descending; ties in reverse order).
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b).reverse();
  const ys = order.map((i) => y[i]);
  const ss = order.map((i) => scores[i]);
  const ws = order.map((i) => (w ? w[i] : 1));
  const thresholdIdx: number[] = [];
  for (let i = 0; i < ss.length - 1; i++) if (ss[i + 1] - ss[i] !== 0) thresholdIdx.push(i);
  thresholdIdx.push(ss.length - 1);
  const cumTp: number[] = [];
  const cumFp: number[] = [];
  let accTp = 0;
  let accFp = 0;
  for (let i = 0; i < ys.length; i++) {
    accTp += ys[i] * ws[i];
    accFp += (1 - ys[i]) * ws[i];
    cumTp.push(accTp);
    cumFp.push(accFp);
  }
  let tps = thresholdIdx.map((i) => cumTp[i]);
  let fps = w ? thresholdIdx.map((i) => cumFp[i]) : thresholdIdx.map((i, k) => 1 + i - tps[k]);
  // roc_curve(drop_intermediate=True): keep the corners only.
  if (fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]);
      const d2t = tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]);
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]);
    tps = keep.map((i) => tps[i]);
  }
  tps = [0, ...tps];
  fps = [0, ...fps];
  const fpr = fps.map((x) => x / fps[fps.length - 1]);
  const tpr = tps.map((x) => x / tps[tps.length - 1]);
  // auc(): trapezoids, numpy's pairwise sum.
  const dx = fpr.slice(1).map((x, i) => x - fpr[i]);
  let direction = 1;
  if (dx.some((d) => d < 0)) {
    if (dx.every((d) => d <= 0)) direction = -1;
    else throw new ApiParamError("x is neither increasing nor decreasing");
  }
  return direction * pairwiseSum(dx.map((d, i) => d * (tpr[i + 1] + tpr[i]) / 2.0));
}

/** One row of a classification report. */
export interface ClassificationReportRow {
  /** Precision (0 when nothing was predicted as the class). */
  precision: number;
  /** Recall (0 when the class never occurs). */
  recall: number;
  /** F1 score (0 when both are 0). */
  "f1-score": number;
  /** Number (or weight) of true samples. */
  support: number;
}

/**
 * scikit-learn's `classification_report(output_dict=True)`: one row per
 * label (keyed by the label as a string), then `"accuracy"`, `"macro avg"`
 * and `"weighted avg"`.
 */
export type ClassificationReport = Record<string, ClassificationReportRow | number>;

/**
 * Per-class precision, recall, F1 and support with their averages
 * (scikit-learn `classification_report(..., output_dict=True)`).
 *
 * @example
 * ```ts
 * const r = classificationReport([0, 1, 2], [0, 1, 1]);
 * r["macro avg"]; // { precision: 0.5, recall: 0.6666666666666666, "f1-score": 0.5555555555555555, support: 3 }
 * ```
 */
export function classificationReport(
  yTrue: LabelsLike,
  yPred: LabelsLike,
  options: SampleWeightOptions = {},
): ClassificationReport {
  return reportParts(yTrue, yPred, options).report;
}

function reportParts(yTrue: LabelsLike, yPred: LabelsLike, options: SampleWeightOptions) {
  const tg = targets(yTrue, yPred, options.sampleWeight);
  const { labels } = classificationType(tg.t, tg.p);
  const c = counts(tg, labels);
  const s = prf(c);
  const report: ClassificationReport = {};
  labels.forEach((l, k) => {
    report[String(l)] = { precision: s.precision[k], recall: s.recall[k], "f1-score": s.f1[k], support: s.support[k] };
  });
  const total = pairwiseSum(s.support);
  // micro average: its precision is the accuracy.
  report.accuracy = divide(pairwiseSum(c.tp), pairwiseSum(c.predSum));
  const macro: ClassificationReportRow = {
    precision: average(s.precision),
    recall: average(s.recall),
    "f1-score": average(s.f1),
    support: total,
  };
  const weighted: ClassificationReportRow = pairwiseSum(c.trueSum) === 0 ? { ...macro } : {
    precision: average(s.precision, c.trueSum),
    recall: average(s.recall, c.trueSum),
    "f1-score": average(s.f1, c.trueSum),
    support: total,
  };
  report["macro avg"] = macro;
  report["weighted avg"] = weighted;
  return { report, labels, weighted: tg.w !== undefined };
}

/**
 * The text form of the classification report (scikit-learn's default
 * output, two digits).
 *
 * @example
 * ```ts
 * console.log(formatClassificationReport([0, 1, 1], [0, 1, 0]));
 * ```
 */
export function formatClassificationReport(
  yTrue: LabelsLike,
  yPred: LabelsLike,
  options: SampleWeightOptions = {},
): string {
  const { report, labels, weighted } = reportParts(yTrue, yPred, options);
  const names = labels.map(String);
  const width = Math.max(...names.map((n) => n.length), "weighted avg".length, 2);
  const num = (x: number) => x.toFixed(2).padStart(9);
  const sup = (x: number) => (weighted ? pythonFloatRepr(x) : String(x)).padStart(9);
  const row = (name: string, r: ClassificationReportRow) =>
    `${name.padStart(width)}  ${num(r.precision)} ${num(r.recall)} ${num(r["f1-score"])} ${sup(r.support)}\n`;
  let out = `${"".padStart(width)}  ${
    ["precision", "recall", "f1-score", "support"].map((h) => h.padStart(9)).join(" ")
  }\n\n`;
  for (const n of names) out += row(n, report[n] as ClassificationReportRow);
  out += "\n";
  const macro = report["macro avg"] as ClassificationReportRow;
  out += `${"accuracy".padStart(width)}  ${"".padStart(9)} ${"".padStart(9)} ${num(report.accuracy as number)} ${
    sup(macro.support)
  }\n`;
  out += row("macro avg", macro);
  out += row("weighted avg", report["weighted avg"] as ClassificationReportRow);
  return out;
}

/**
 * Coefficient of determination (scikit-learn `r2_score`): 1.0 for a perfect
 * fit, 0.0 when the true values are constant and the fit is not perfect,
 * NaN with fewer than two samples.
 *
 * @example
 * ```ts
 * r2Score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.9486081370449679
 * ```
 */
export function r2Score(yTrue: LabelsLike, yPred: LabelsLike, options: SampleWeightOptions = {}): number {
  const { t, p, w } = numericTargets(yTrue, yPred, options.sampleWeight);
  if (t.length < 2) return NaN;
  const weight = (i: number) => (w ? w[i] : 1.0);
  const numerator = pairwiseSum(t.map((x, i) => weight(i) * ((x - p[i]) * (x - p[i]))));
  const mean = average(t, w);
  const denominator = pairwiseSum(t.map((x, i) => weight(i) * ((x - mean) * (x - mean))));
  if (numerator === 0) return 1.0;
  if (denominator === 0) return 0.0;
  return 1 - numerator / denominator;
}

/**
 * Mean squared error (scikit-learn `mean_squared_error`).
 *
 * @example
 * ```ts
 * meanSquaredError([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]); // 0.375
 * ```
 */
export function meanSquaredError(yTrue: LabelsLike, yPred: LabelsLike, options: SampleWeightOptions = {}): number {
  const { t, p, w } = numericTargets(yTrue, yPred, options.sampleWeight);
  return average(t.map((x, i) => (x - p[i]) * (x - p[i])), w);
}

function numericTargets(yTrue: LabelsLike, yPred: LabelsLike, sampleWeight?: ArrayLike<number>) {
  const { t, p, w } = targets(yTrue, yPred, sampleWeight);
  const num = (v: Label[]) =>
    v.map((x) => {
      if (typeof x !== "number") throw new ApiParamError(`Regression metrics need numbers, got '${x}'`);
      return x;
    });
  return { t: num(t), p: num(p), w };
}

// ---------------------------------------------------------------------------------------------
// Metrics classes

/** Where {@link Metrics.printMetrics} writes. */
export interface PrintOptions {
  /** Called with each line (default: `console.log`). */
  write?: (line: string) => void;
}

/**
 * Metrics of one evaluation: `toDict()` is what results.json's `metrics`
 * holds, `score()` what the predictor's `score()` returns.
 */
export abstract class Metrics {
  /** The true values. */
  readonly expected: Label[];
  /** The predictions. */
  readonly predicted: Label[];
  /** The sample weights, if any. */
  readonly sampleWeight?: number[];

  /** Compute the metrics of `predicted` against `expected`. */
  constructor(expected: LabelsLike, predicted: LabelsLike, sampleWeight?: ArrayLike<number>) {
    const tg = targets(expected, predicted, sampleWeight);
    this.expected = tg.t;
    this.predicted = tg.p;
    this.sampleWeight = tg.w;
  }

  /** The metrics as written to results.json. */
  abstract toDict(): Record<string, unknown>;
  /** The single number the predictor's `score()` returns. */
  abstract score(): number;
  /** Print the metrics as a small table. */
  abstract printMetrics(options?: PrintOptions): void;
}

/** A {@link Metrics} class (for `LineagePredictor`'s `metrics` argument). */
export type MetricsClass = new (
  expected: LabelsLike,
  predicted: LabelsLike,
  sampleWeight?: ArrayLike<number>,
) => Metrics;

const out = (options?: PrintOptions) => options?.write ?? ((line: string) => console.log(line));

/**
 * Accuracy, precision, recall, ROC AUC (of the predicted labels) and F1
 * for two classes (positive class 1). Score: accuracy.
 *
 * @example
 * ```ts
 * new BinaryClassificationMetrics([0, 1, 1, 0], [0, 1, 0, 0]).toDict();
 * ```
 */
export class BinaryClassificationMetrics extends Metrics {
  /** Fraction correct. */
  readonly accuracy: number;
  /** Precision of class 1. */
  readonly precision: number;
  /** Recall of class 1. */
  readonly recall: number;
  /** ROC AUC of the predicted labels. */
  readonly rocAuc: number;
  /** F1 of class 1. */
  readonly f1Score: number;

  /** Compute the metrics. */
  constructor(expected: LabelsLike, predicted: LabelsLike, sampleWeight?: ArrayLike<number>) {
    super(expected, predicted, sampleWeight);
    const o = { sampleWeight: this.sampleWeight };
    this.accuracy = accuracyScore(this.expected, this.predicted, o);
    this.precision = precisionScore(this.expected, this.predicted, o);
    this.recall = recallScore(this.expected, this.predicted, o);
    this.rocAuc = rocAucScore(this.expected, this.predicted, o);
    this.f1Score = f1Score(this.expected, this.predicted, o);
  }

  /** `accuracy`, `precision`, `recall`, `roc_auc_score`, `f1_score`. */
  toDict(): Record<string, number> {
    return {
      accuracy: this.accuracy,
      precision: this.precision,
      recall: this.recall,
      roc_auc_score: this.rocAuc,
      f1_score: this.f1Score,
    };
  }

  /** The accuracy. */
  score(): number {
    return this.accuracy;
  }

  /** One line per metric: `     accuracy: 0.75`. */
  printMetrics(options?: PrintOptions): void {
    const write = out(options);
    for (const [k, v] of Object.entries(this.toDict())) write(`${k.padStart(13)}: ${v.toFixed(2)}`);
  }
}

/**
 * Accuracy and scikit-learn's classification report (per class precision,
 * recall, f1-score and support, plus averages). Score: accuracy.
 *
 * @example
 * ```ts
 * new MulticlassClassificationMetrics([0, 1, 2], [0, 1, 1]).toDict().classification_report;
 * ```
 */
export class MulticlassClassificationMetrics extends Metrics {
  /** Fraction correct. */
  readonly accuracy: number;
  /** The report, as scikit-learn's `output_dict=True`. */
  readonly classificationReport: ClassificationReport;

  /** Compute the metrics. */
  constructor(expected: LabelsLike, predicted: LabelsLike, sampleWeight?: ArrayLike<number>) {
    super(expected, predicted, sampleWeight);
    const o = { sampleWeight: this.sampleWeight };
    this.accuracy = accuracyScore(this.expected, this.predicted, o);
    this.classificationReport = classificationReport(this.expected, this.predicted, o);
  }

  /** `accuracy` and `classification_report`. */
  toDict(): Record<string, unknown> {
    return { accuracy: this.accuracy, classification_report: this.classificationReport };
  }

  /** The accuracy. */
  score(): number {
    return this.accuracy;
  }

  /** The accuracy, then the text classification report. */
  printMetrics(options?: PrintOptions): void {
    const write = out(options);
    write(`accuracy: ${this.accuracy.toFixed(2)}`);
    write("classification report:");
    const text = formatClassificationReport(this.expected, this.predicted, { sampleWeight: this.sampleWeight });
    for (const line of text.replace(/\n$/, "").split("\n")) write(line);
  }
}

/**
 * R² and mean squared error. Score: R².
 *
 * @example
 * ```ts
 * new RegressionMetrics([1, 2, 3], [1.1, 1.9, 3.2]).score();
 * ```
 */
export class RegressionMetrics extends Metrics {
  /** Coefficient of determination. */
  readonly r2Score: number;
  /** Mean squared error. */
  readonly meanSquaredError: number;

  /** Compute the metrics. */
  constructor(expected: LabelsLike, predicted: LabelsLike, sampleWeight?: ArrayLike<number>) {
    super(expected, predicted, sampleWeight);
    const o = { sampleWeight: this.sampleWeight };
    this.r2Score = r2Score(this.expected, this.predicted, o);
    this.meanSquaredError = meanSquaredError(this.expected, this.predicted, o);
  }

  /** `r2_score` and `mean_squared_error`. */
  toDict(): Record<string, number> {
    return { r2_score: this.r2Score, mean_squared_error: this.meanSquaredError };
  }

  /** R². */
  score(): number {
    return this.r2Score;
  }

  /** Two lines: `r2_score: 0.97`, `mean_squared_error: 0.02`. */
  printMetrics(options?: PrintOptions): void {
    const write = out(options);
    write(`r2_score: ${this.r2Score.toFixed(2)}`);
    write(`mean_squared_error: ${this.meanSquaredError.toFixed(2)}`);
  }
}

/** The names `LineagePredictor` accepts for its metrics. */
export type MetricsName = "binary_classification" | "multiclass_classification" | "regression";

const METRICS: Record<MetricsName, MetricsClass> = {
  binary_classification: BinaryClassificationMetrics,
  multiclass_classification: MulticlassClassificationMetrics,
  regression: RegressionMetrics,
};

/**
 * The metrics class for a name, or the class itself; an unknown name is an
 * error naming the known ones.
 *
 * @example
 * ```ts
 * metricsClass("regression") === RegressionMetrics; // true
 * ```
 */
export function metricsClass(metrics: MetricsName | MetricsClass): MetricsClass {
  if (typeof metrics === "function") {
    if (metrics.prototype instanceof Metrics) return metrics;
    throw new ApiParamError(`${metrics.name || "The metrics class"} is not a subclass of Metrics`);
  }
  const cls = Object.hasOwn(METRICS, metrics) ? METRICS[metrics as MetricsName] : undefined;
  if (!cls) {
    throw new ApiParamError(
      `Unknown metrics '${metrics}'; use one of ${Object.keys(METRICS).join(", ")} or a Metrics subclass`,
    );
  }
  return cls;
}
