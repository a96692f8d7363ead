// Expected splits and scores were computed once with numpy 2.4 / scikit-learn 1.9.1 and are hard-coded.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GaussianNB } from "ml-naivebayes";
import { ApiParamError } from "../../core/base/errors.ts";
import { memoryOutput } from "../../core/base/output.ts";
import { loadDatasetFromResource } from "../../kits/dataset.ts";
import { SVC } from "../../kits/libsvm.ts";
import {
  gridSearch,
  kFold,
  parameterGrid,
  RandomState,
  stratifiedKFold,
  trainAndPredictWithCv,
  trainTestSplit,
} from "../../kits/model_selection.ts";
import { readJson, sandbox } from "../test_utils.ts";
import { copyDigits, ignoreWithoutDigits, kitWorkspace } from "./kit_helpers.ts";

Deno.test("RandomState reproduces numpy's legacy permutation", () => {
  assert.deepEqual(new RandomState(42).permutation(10), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  assert.deepEqual(new RandomState(0).permutation(7), [6, 2, 1, 3, 0, 5, 4]);
  assert.deepEqual(new RandomState(123456789).permutation(100000).slice(0, 5), [49990, 55988, 19888, 74059, 97457]);
  assert.throws(() => new RandomState(-1), /Seed must be an integer between 0 and 2\*\*32 - 1/);
});

Deno.test("trainTestSplit: without shuffle, seeded as scikit-learn, sizes as counts or fractions", () => {
  const idx = Array.from({ length: 10 }, (_, i) => i);
  const ordered = trainTestSplit(idx, idx.map((i) => i * 10), { testSize: 0.5, shuffle: false });
  assert.deepEqual(ordered, {
    xTrain: [0, 1, 2, 3, 4],
    xTest: [5, 6, 7, 8, 9],
    yTrain: [0, 10, 20, 30, 40],
    yTest: [50, 60, 70, 80, 90],
  });
  // 1797 digits, test_size=0.5: scikit-learn trains on 898 and tests on 899.
  const n = Array.from({ length: 1797 }, (_, i) => i);
  const half = trainTestSplit(n, n, { testSize: 0.5, shuffle: false });
  assert.deepEqual([half.xTrain.length, half.xTest.length, half.xTest[0]], [898, 899, 898]);
  const seeded = trainTestSplit(n, n, { testSize: 0.2, randomState: 42 });
  assert.deepEqual([seeded.xTrain.slice(0, 5), seeded.xTest.slice(0, 5)], [[1734, 855, 1642, 175, 925], [
    1245,
    220,
    1518,
    438,
    1270,
  ]]);
  assert.deepEqual([seeded.xTrain.length, seeded.xTest.length], [1437, 360]);
  const counts = trainTestSplit(idx, idx, { testSize: 3, trainSize: 5, randomState: 0 });
  assert.deepEqual([counts.xTrain, counts.xTest], [[9, 1, 6, 7, 3], [2, 8, 4]]);
  const train = trainTestSplit(idx, idx, { trainSize: 0.6, randomState: 1 });
  assert.deepEqual([train.xTrain, train.xTest], [[0, 3, 1, 7, 8, 5], [2, 9, 6, 4]]);
  const a = trainTestSplit(idx, idx, { randomState: 5 });
  assert.deepEqual(trainTestSplit(idx, idx, { randomState: 5 }), a);
  assert.deepEqual(a.xTrain, a.yTrain);
  assert.throws(() => trainTestSplit(idx, [1, 2]), /X has 10 samples but y has 2/);
  assert.throws(() => trainTestSplit(idx, idx, { testSize: 1.5 }), ApiParamError);
});

Deno.test("kFold, stratifiedKFold and parameterGrid follow scikit-learn", () => {
  assert.deepEqual(kFold(12, 5).map((f) => f.test), [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9], [10, 11]]);
  assert.deepEqual(kFold(4, 2)[0], { train: [2, 3], test: [0, 1] });
  const y = [0, 0, 1, 1, 1, 2, 2, 2, 2, 0, 1, 2, 1, 1];
  assert.deepEqual(stratifiedKFold(y, 3).map((f) => f.test), [[0, 2, 3, 5, 6], [1, 4, 7, 8, 10], [9, 11, 12, 13]]);
  assert.throws(() => stratifiedKFold([0, 1], 3), /Cannot have 3 folds with only 2 samples/);
  assert.deepEqual(parameterGrid({ gamma: [0.1, 0.01], C: [1, 10] }), [
    { C: 1, gamma: 0.1 },
    { C: 1, gamma: 0.01 },
    { C: 10, gamma: 0.1 },
    { C: 10, gamma: 0.01 },
  ]);
  assert.deepEqual(parameterGrid([{ a: [1] }, { b: ["x", "y"] }]), [{ a: 1 }, { b: "x" }, { b: "y" }]);
});

Deno.test("gridSearch takes classes and factories; the first best candidate wins", async () => {
  const X = Array.from({ length: 30 }, (_, i) => [3 * (i % 3) + ((i * 7) % 5) / 10, (i * 7) % 5]);
  const y = X.map((_, i) => i % 3);
  const r = await gridSearch(
    (p) => (p.bad ? { train() {}, predict: (x: unknown) => (x as unknown[]).map(() => 9) } : new GaussianNB(false, {})),
    { bad: [true, false, false] },
    { X, y },
    { folds: 3 },
  );
  assert.deepEqual(r.bestParams, { bad: false });
  assert.equal(r.results.length, 3);
  assert.equal(r.results[0].meanScore, 0);
  assert.equal(r.bestScore, 1);
  await assert.rejects(() => gridSearch(SVC, { gamma: [1] }, { X, y }, { scoring: "nope" }), /Unknown scoring 'nope'/);
});

Deno.test({
  name: "trainAndPredictWithCv on digits: scikit-learn's best parameters and accuracy, recorded as a results step",
  ignore: ignoreWithoutDigits(),
  fn: async () => {
    using sb = sandbox();
    const { ws, src, results } = await kitWorkspace(sb);
    copyDigits(join(src, "digits"));
    const ds = await loadDatasetFromResource("source-data", "digits", ws);
    const out = memoryOutput();
    const r = await trainAndPredictWithCv(SVC, { gamma: [0.01, 0.001], C: [1, 10] }, ds, results, {
      folds: 3,
      randomState: 42,
      modelName: "digits_svc",
      runDescription: "grid search",
      workspaceDir: ws,
      stepName: "cv_step",
      context: { output: out },
    });
    assert.deepEqual(r.bestParams, { C: 1, gamma: 0.001 });
    assert.equal(r.metrics.score(), 0.9888888888888889);
    const saved = readJson(join(results, "results.json")) as {
      step: string;
      parameters: Record<string, unknown>;
      run_description: string;
      metrics: { accuracy: number; classification_report: Record<string, unknown> };
    };
    assert.equal(saved.step, "cv_step");
    assert.deepEqual(saved.parameters, {
      classifier: "SVC",
      test_size: 0.2,
      cv_params: { gamma: [0.01, 0.001], C: [1, 10] },
      cv_scoring: "accuracy",
      random_state: 42,
      C: 1,
      gamma: 0.001,
    });
    assert.equal(saved.run_description, "grid search");
    assert.equal(saved.metrics.accuracy, 0.9888888888888889);
    assert.deepEqual(saved.metrics.classification_report["weighted avg"], {
      precision: 0.988966049382716,
      recall: 0.9888888888888889,
      "f1-score": 0.9888877210193165,
      support: 360,
    });
    assert.ok(existsSync(join(results, "digits_svc.json")));
    const lineage = readJson(join(ws, ".dataworkspace/current_lineage/results.json")) as {
      lineages: { step_name: string; input_resources: { resource_name: string; subpath: string }[] }[];
    };
    assert.deepEqual(lineage.lineages.map((l) => [l.step_name, l.input_resources[0].subpath]), [["cv_step", "digits"]]);
    assert.ok(out.lines.some((l) => l.message === 'Best params were: {"C":1,"gamma":0.001}'));
    assert.ok(out.lines.some((l) => l.message === "accuracy: 0.99"));
  },
});
