// Expected numbers were computed once with scikit-learn 1.9.1 / numpy 2.4 and are hard-coded:
// the tests compare to the last bit (assert.equal), zero-division cases included.
import assert from "node:assert/strict";
import {
  accuracyScore,
  BinaryClassificationMetrics,
  classificationReport,
  formatClassificationReport,
  meanSquaredError,
  Metrics,
  metricsClass,
  MulticlassClassificationMetrics,
  pairwiseSum,
  r2Score,
  RegressionMetrics,
  rocAucScore,
} from "../../kits/metrics.ts";
import { ApiParamError } from "../../core/base/errors.ts";

type Binary = { acc: number; prec: number; rec: number; auc: number; f1: number };

const BINARY: Record<string, { t: number[]; p: number[]; w?: number[]; want: Binary }> = {
  basic: {
    t: [0, 1, 1, 0, 1, 0, 1, 1],
    p: [0, 1, 0, 0, 1, 1, 1, 0],
    want: { acc: 0.625, prec: 0.75, rec: 0.6, auc: 0.6333333333333334, f1: 0.6666666666666666 },
  },
  "no predicted positives (precision 0/0)": {
    t: [0, 1, 1, 0],
    p: [0, 0, 0, 0],
    want: { acc: 0.5, prec: 0, rec: 0, auc: 0.5, f1: 0 },
  },
  "one class in the truth (recall 0/0, AUC undefined)": {
    t: [0, 0, 0, 0],
    p: [0, 1, 0, 0],
    want: { acc: 0.75, prec: 0, rec: 0, auc: NaN, f1: 0 },
  },
  "all correct": { t: [1, 0, 1], p: [1, 0, 1], want: { acc: 1, prec: 1, rec: 1, auc: 1, f1: 1 } },
  weighted: {
    t: [0, 1, 1, 0, 1, 0, 1, 1],
    p: [0, 1, 0, 0, 1, 1, 1, 0],
    w: [0.5, 2, 1, 1, 0.25, 3, 1, 0.1],
    want: {
      acc: 0.536723163841808,
      prec: 0.52,
      rec: 0.7471264367816093,
      auc: 0.5402298850574714,
      f1: 0.6132075471698113,
    },
  },
};

for (const [name, c] of Object.entries(BINARY)) {
  Deno.test(`binary metrics equal scikit-learn: ${name}`, () => {
    const m = new BinaryClassificationMetrics(c.t, c.p, c.w);
    assert.deepEqual(m.toDict(), {
      accuracy: c.want.acc,
      precision: c.want.prec,
      recall: c.want.rec,
      roc_auc_score: c.want.auc,
      f1_score: c.want.f1,
    });
    assert.equal(m.score(), c.want.acc);
  });
}

Deno.test("roc_auc_score of scores, with and without weights, equals scikit-learn", () => {
  const yt = Array.from({ length: 40 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
  const ys = Array.from({ length: 40 }, (_, i) => ((i * 13) % 17) / 17);
  assert.equal(rocAucScore(yt, ys), 0.532967032967033);
  const w = Array.from({ length: 40 }, (_, i) => (i % 5) + 0.5);
  assert.equal(rocAucScore(yt, ys, { sampleWeight: w }), 0.6230769230769231);
});

const MC_T = Array.from({ length: 200 }, (_, i) => (i * 7) % 10);
const MC_P = Array.from({ length: 200 }, (_, i) => (i % 3 ? (i * 7) % 10 : (i * 11) % 10));

Deno.test("classification report of 10 classes equals scikit-learn's, averages to the last bit", () => {
  const r = classificationReport(MC_T, MC_P);
  assert.deepEqual(Object.keys(r), [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "accuracy",
    "macro avg",
    "weighted avg",
  ]);
  assert.deepEqual(r["1"], {
    precision: 0.6842105263157895,
    recall: 0.65,
    "f1-score": 0.6666666666666666,
    support: 20,
  });
  assert.deepEqual(r["8"], { precision: 0.6666666666666666, recall: 0.7, "f1-score": 0.6829268292682927, support: 20 });
  assert.equal(r.accuracy, 0.735);
  // numpy's pairwise sum makes the macro recall 0.7350000000000001 but the weighted one 0.735.
  assert.deepEqual(r["macro avg"], {
    precision: 0.7351754385964913,
    recall: 0.7350000000000001,
    "f1-score": 0.7349186991869918,
    support: 200,
  });
  assert.deepEqual(r["weighted avg"], {
    precision: 0.7351754385964913,
    recall: 0.735,
    "f1-score": 0.7349186991869918,
    support: 200,
  });
  const m = new MulticlassClassificationMetrics(MC_T, MC_P);
  assert.equal(m.score(), 0.735);
  assert.deepEqual(m.toDict(), { accuracy: 0.735, classification_report: r });
});

Deno.test("the text report and printMetrics match scikit-learn's classification_report", () => {
  const expected = "              precision    recall  f1-score   support\n\n" +
    "           0       1.00      1.00      1.00        20\n" +
    "           1       0.68      0.65      0.67        20\n" +
    "           2       0.65      0.65      0.65        20\n" +
    "           3       0.65      0.65      0.65        20\n" +
    "           4       0.68      0.65      0.67        20\n" +
    "           5       1.00      1.00      1.00        20\n" +
    "           6       0.65      0.65      0.65        20\n" +
    "           7       0.70      0.70      0.70        20\n" +
    "           8       0.67      0.70      0.68        20\n" +
    "           9       0.67      0.70      0.68        20\n\n" +
    "    accuracy                           0.73       200\n" +
    "   macro avg       0.74      0.74      0.73       200\n" +
    "weighted avg       0.74      0.73      0.73       200\n";
  assert.equal(formatClassificationReport(MC_T, MC_P), expected);
  const lines: string[] = [];
  new MulticlassClassificationMetrics(MC_T, MC_P).printMetrics({ write: (l) => lines.push(l) });
  assert.deepEqual(lines.slice(0, 3), ["accuracy: 0.73", "classification report:", expected.split("\n")[0]]);
  const bin: string[] = [];
  new BinaryClassificationMetrics([0, 1, 1, 0], [0, 1, 0, 0]).printMetrics({ write: (l) => bin.push(l) });
  assert.deepEqual(bin, [
    "     accuracy: 0.75",
    "    precision: 1.00",
    "       recall: 0.50",
    "roc_auc_score: 0.75",
    "     f1_score: 0.67",
  ]);
});

Deno.test("classes only predicted or only true get 0.0, as scikit-learn's zero_division", () => {
  const t = [0, 1, 2, 2, 1, 0, 3];
  const p = [0, 2, 2, 2, 1, 0, 4];
  assert.deepEqual(classificationReport(t, p), {
    "0": { precision: 1, recall: 1, "f1-score": 1, support: 2 },
    "1": { precision: 1, recall: 0.5, "f1-score": 0.6666666666666666, support: 2 },
    "2": { precision: 0.6666666666666666, recall: 1, "f1-score": 0.8, support: 2 },
    "3": { precision: 0, recall: 0, "f1-score": 0, support: 1 },
    "4": { precision: 0, recall: 0, "f1-score": 0, support: 0 },
    accuracy: 0.7142857142857143,
    "macro avg": { precision: 0.5333333333333333, recall: 0.5, "f1-score": 0.49333333333333335, support: 7 },
    "weighted avg": {
      precision: 0.7619047619047619,
      recall: 0.7142857142857143,
      "f1-score": 0.7047619047619048,
      support: 7,
    },
  });
  const w = [1, 2, 0.5, 1, 1, 3, 0.25];
  assert.equal(accuracyScore(t, p, { sampleWeight: w }), 0.7428571428571429);
  assert.deepEqual(classificationReport(t, p, { sampleWeight: w }), {
    "0": { precision: 1, recall: 1, "f1-score": 1, support: 4 },
    "1": { precision: 1, recall: 0.3333333333333333, "f1-score": 0.5, support: 3 },
    "2": { precision: 0.42857142857142855, recall: 1, "f1-score": 0.6, support: 1.5 },
    "3": { precision: 0, recall: 0, "f1-score": 0, support: 0.25 },
    "4": { precision: 0, recall: 0, "f1-score": 0, support: 0 },
    accuracy: 0.7428571428571429,
    "macro avg": {
      precision: 0.48571428571428565,
      recall: 0.4666666666666666,
      "f1-score": 0.42000000000000004,
      support: 8.75,
    },
    "weighted avg": {
      precision: 0.873469387755102,
      recall: 0.7428571428571429,
      "f1-score": 0.7314285714285714,
      support: 8.75,
    },
  });
});

Deno.test("string labels are sorted as scikit-learn sorts them", () => {
  const r = classificationReport(["cat", "dog", "cat", "bird", "dog"], ["cat", "cat", "cat", "bird", "dog"]);
  assert.deepEqual(Object.keys(r), ["bird", "cat", "dog", "accuracy", "macro avg", "weighted avg"]);
  assert.deepEqual(r["macro avg"], {
    precision: 0.8888888888888888,
    recall: 0.8333333333333334,
    "f1-score": 0.8222222222222223,
    support: 5,
  });
  assert.deepEqual(r["weighted avg"], {
    precision: 0.8666666666666666,
    recall: 0.8,
    "f1-score": 0.7866666666666667,
    support: 5,
  });
});

Deno.test("regression metrics equal scikit-learn's (1000 values, weights, constant targets)", () => {
  const t = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 101) / 7);
  const p = t.map((x, i) => x + (((i * 13) % 17) - 8) / 9);
  const w = Array.from({ length: 1000 }, (_, i) => (((i * 5) % 7) + 1) / 3);
  assert.equal(r2Score(t, p), 0.9829199764196613);
  assert.equal(meanSquaredError(t, p), 0.2967901234567902);
  assert.equal(r2Score(t, p, { sampleWeight: w }), 0.9828997013458676);
  assert.equal(meanSquaredError(t, p, { sampleWeight: w }), 0.29675297225076447);
  assert.equal(r2Score([2, 2, 2], [2, 2, 2]), 1);
  assert.equal(r2Score([2, 2, 2], [2, 2, 3]), 0);
  assert.ok(Number.isNaN(r2Score([1], [2])));
  const m = new RegressionMetrics([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);
  assert.deepEqual(m.toDict(), { r2_score: 0.9486081370449679, mean_squared_error: 0.375 });
  assert.equal(m.score(), 0.9486081370449679);
  const lines: string[] = [];
  m.printMetrics({ write: (l) => lines.push(l) });
  assert.deepEqual(lines, ["r2_score: 0.95", "mean_squared_error: 0.38"]);
});

Deno.test("pairwiseSum is numpy's sum", () => {
  assert.equal(pairwiseSum(Array.from({ length: 299 }, (_, i) => 0.1 * (i + 1))), 4485.0);
  assert.equal(pairwiseSum([]), 0);
});

Deno.test("metrics accept one-column matrices and typed arrays", () => {
  const column = { rows: 3, columns: 1, getRow: (i: number) => [[1], [0], [1]][i] };
  assert.equal(accuracyScore(column, new Float64Array([1, 1, 1])), 2 / 3);
});

Deno.test("bad metrics input: unknown name, multiclass labels for a binary metric, length mismatch", () => {
  assert.throws(
    () => metricsClass("clustering" as "regression"),
    (e: Error) =>
      e instanceof ApiParamError &&
      e.message ===
        "Unknown metrics 'clustering'; use one of binary_classification, multiclass_classification, regression or a Metrics subclass",
  );
  assert.throws(() => new BinaryClassificationMetrics([0, 1, 2], [0, 1, 2]), /multiclass \(3 classes\)/);
  assert.throws(() => accuracyScore([0, 1], [0]), /true values have 2 samples but the predictions have 1/);
  assert.throws(() => classificationReport([0, "a"], [0, "a"]), /Mix of label input types/);
  class Custom extends Metrics {
    toDict() {
      return { n: this.expected.length };
    }
    score() {
      return 1;
    }
    printMetrics() {}
  }
  assert.equal(metricsClass(Custom), Custom);
  assert.throws(() => metricsClass(Date as never), /not a subclass of Metrics/);
});
