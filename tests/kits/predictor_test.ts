import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix } from "ml-matrix";
import { RandomForestClassifier } from "ml-random-forest";
import KNN from "ml-knn";
import { GaussianNB } from "ml-naivebayes";
import LogisticRegression from "ml-logistic-regression";
import { ApiParamError, LineageError } from "../../core/base/errors.ts";
import { memoryOutput } from "../../core/base/output.ts";
import { loadDatasetFromResource } from "../../kits/dataset.ts";
import { SVC } from "../../kits/libsvm.ts";
import { trainTestSplit } from "../../kits/model_selection.ts";
import { LineagePredictor, loadModel, type Predictor, predictorFromFactory } from "../../kits/predictor.ts";
import { dwsOk, readJson, sandbox } from "../test_utils.ts";
import { copyDigits, ignoreWithoutDigits, kitWorkspace, writeIris } from "./kit_helpers.ts";

/** ml-naivebayes' constructor takes (reload, model) for loading; a new classifier passes neither. */
const naiveBayes = () => new GaussianNB(false, {});

interface Results {
  step: string;
  start_time: string;
  execution_time_seconds: number;
  parameters: Record<string, unknown>;
  run_description: string | null;
  metrics: Record<string, unknown>;
}

interface Cert {
  resource_name: string;
  subpath: string | null;
  certificate: { cert_type: string; version?: number; hashval?: string; is_output?: boolean };
}

interface StepJson {
  type: string;
  step_name: string;
  parameters: Record<string, unknown>;
  input_resources: Cert[];
  code_resources: Cert[];
  output_resources: Cert[];
}

function resultsStep(ws: string): StepJson {
  const f = readJson(join(ws, ".dataworkspace/current_lineage/results.json")) as { lineages: StepJson[] };
  assert.equal(f.lineages.length, 1);
  return f.lineages[0];
}

Deno.test("RF, KNN, naive Bayes and logistic regression wrapped: results.json, lineage, saved model", async () => {
  using sb = sandbox();
  const { ws, src, results } = await kitWorkspace(sb);
  writeIris(join(src, "iris"));
  const ds = await loadDatasetFromResource("source-data", "iris", ws);
  const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { testSize: 0.3, randomState: 42 });
  const out = memoryOutput();

  type Case = {
    name: string;
    predictor: Predictor;
    load: { load(json: never): { predict(X: never): unknown } };
    params: Record<string, unknown>;
    matrix?: boolean;
    min: number;
  };
  const cases: Case[] = [
    {
      name: "forest",
      predictor: new RandomForestClassifier({ nEstimators: 15, seed: 7 }),
      load: RandomForestClassifier,
      params: { nEstimators: 15, seed: 7, replacement: true, useSampleBagging: true, maxFeatures: 1 },
      min: 0.9,
    },
    {
      name: "knn",
      predictor: predictorFromFactory((X, y) => new KNN(X as number[][], y as number[], { k: 5 }), {
        params: { k: 5 },
      }),
      load: KNN,
      params: { k: 5 },
      min: 0.9,
    },
    { name: "bayes", predictor: naiveBayes(), load: GaussianNB as never, params: {}, min: 0.75 },
    {
      name: "logreg",
      predictor: new LogisticRegression({ numSteps: 400, learningRate: 5e-3 }),
      load: LogisticRegression,
      params: { numSteps: 400, learningRate: 5e-3 },
      matrix: true,
      min: 0.8,
    },
  ];
  for (const c of cases) {
    const model = new LineagePredictor(c.predictor, "multiclass_classification", ds.resource, {
      workspaceDir: ws,
      modelSaveFile: c.name,
      stepName: `train_${c.name}`,
      context: { output: out },
    });
    const X = c.matrix ? new Matrix(xTrain) : xTrain;
    const Xt = c.matrix ? new Matrix(xTest) : xTest;
    await model.fit(X, c.matrix ? Matrix.columnVector(yTrain) : yTrain);
    const saved = join(results, `${c.name}.json`);
    assert.ok(existsSync(saved), `${c.name}: model saved`);
    const accuracy = await model.score(Xt, yTest);
    assert.ok(accuracy >= c.min && accuracy <= 1, `${c.name}: accuracy ${accuracy}`);

    const r = readJson(join(results, "results.json")) as Results;
    assert.deepEqual(Object.keys(r), [
      "step",
      "start_time",
      "execution_time_seconds",
      "parameters",
      "run_description",
      "metrics",
    ]);
    assert.equal(r.step, `train_${c.name}`);
    assert.match(r.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.ok(r.execution_time_seconds >= 0);
    for (const [k, v] of Object.entries(c.params)) assert.equal(r.parameters[k], v, `${c.name}: parameter ${k}`);
    assert.equal(r.run_description, null);
    assert.deepEqual(Object.keys(r.metrics), ["accuracy", "classification_report"]);
    assert.equal(r.metrics.accuracy, accuracy);
    const report = r.metrics.classification_report as Record<string, unknown>;
    assert.deepEqual(Object.keys(report), ["0", "1", "2", "accuracy", "macro avg", "weighted avg"]);
    assert.equal((report["macro avg"] as { support: number }).support, yTest.length);

    const step = resultsStep(ws);
    assert.equal(step.type, "step");
    assert.equal(step.step_name, `train_${c.name}`);
    assert.deepEqual(step.parameters, r.parameters);
    assert.deepEqual(step.input_resources.map((i) => [i.resource_name, i.subpath, i.certificate.cert_type]), [[
      "source-data",
      "iris",
      "placeholder",
    ]]);
    assert.deepEqual(step.code_resources, []);
    assert.deepEqual(step.output_resources.map((o) => [o.resource_name, o.subpath, o.certificate.is_output]), [[
      "results",
      null,
      true,
    ]]);

    // The saved model reloads with its class's load() and predicts the same labels.
    const reloaded = loadModel(saved, c.load);
    assert.deepEqual(reloaded.predict(Xt as never), model.predict(Xt));
  }
  assert.ok(out.lines.some((l) => l.message === "Wrote results to results:results.json"));
});

Deno.test("api-resource input: the hash covers train then test data, is stable, and changes with one value", async () => {
  using sb = sandbox();
  const { ws } = await kitWorkspace(sb);
  await dwsOk(sb, ["--batch", "add", "api-resource", "--role", "source-data", "--name", "api-data"], { cwd: ws });
  const hashFile = join(ws, ".dataworkspace/scratch/api-data/hashval.txt");
  const X = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5, i / 4]);
  const y = X.map((r) => (r[0] + r[1] > 5 ? 1 : 0));
  const split = (x: number[][]) => trainTestSplit(x, y, { testSize: 0.25, shuffle: false });

  const run = async (data: number[][]) => {
    const s = split(data);
    const model = new LineagePredictor(naiveBayes(), "binary_classification", "api-data", {
      workspaceDir: ws,
      stepName: "api_step",
      context: { output: memoryOutput() },
    });
    await model.fit(s.xTrain, s.yTrain);
    const afterFit = readFileSync(hashFile, "utf8").trim();
    await model.score(s.xTest, s.yTest);
    return { afterFit, afterScore: readFileSync(hashFile, "utf8").trim(), s };
  };
  const first = await run(X);
  // Independently: SHA-1 of the float64 bytes (what numpy arrays of the same values hash to in the original).
  const h = createHash("sha1");
  for (const part of [first.s.xTrain.flat(), first.s.yTrain]) h.update(new Uint8Array(Float64Array.from(part).buffer));
  assert.equal(first.afterFit, h.copy().digest("hex"));
  for (const part of [first.s.xTest.flat(), first.s.yTest]) h.update(new Uint8Array(Float64Array.from(part).buffer));
  assert.equal(first.afterScore, h.digest("hex"));

  const second = await run(X);
  assert.deepEqual([second.afterFit, second.afterScore], [first.afterFit, first.afterScore]);
  const changed = X.map((r) => [...r]);
  changed[35][2] += 0.001; // a test row
  const third = await run(changed);
  assert.equal(third.afterFit, first.afterFit);
  assert.notEqual(third.afterScore, first.afterScore);

  const r = readJson(join(ws, "results/results.json")) as Results;
  assert.deepEqual(Object.keys(r.metrics), ["accuracy", "precision", "recall", "roc_auc_score", "f1_score"]);
  assert.deepEqual(resultsStep(ws).input_resources.map((i) => i.resource_name), ["api-data"]);
  // The snapshot records the api-resource's hash in place of the placeholder.
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const snapDir = join(ws, ".dataworkspace/snapshot_lineage");
  const [hashDir] = Deno.readDirSync(snapDir).toArray().map((e) => e.name);
  const lineage = readJson(join(snapDir, hashDir, "api-data.json")) as { lineages: Cert[] };
  assert.deepEqual(lineage.lineages.map((l) => l.certificate.hashval), [third.afterScore]);
});

Deno.test({
  name: "digits: RBF SVC (gamma=0.001, C=1) on the first half scores exactly scikit-learn's 0.9688542825361512",
  ignore: ignoreWithoutDigits(),
  fn: async () => {
    using sb = sandbox();
    const { ws, src, results } = await kitWorkspace(sb);
    copyDigits(join(src, "digits"));
    const ds = await loadDatasetFromResource("source-data", "digits", ws);
    const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { testSize: 0.5, shuffle: false });
    assert.equal(xTrain.length, 898);
    const out = memoryOutput();
    const svc = new LineagePredictor(new SVC({ gamma: 0.001, C: 1 }), "multiclass_classification", ds.resource, {
      workspaceDir: ws,
      modelSaveFile: "digits",
      stepName: "digits_svc",
      context: { output: out },
    });
    await svc.fit(xTrain, yTrain);
    assert.equal(await svc.score(xTest, yTest), 0.9688542825361512);
    const r = readJson(join(results, "results.json")) as Results;
    assert.deepEqual(r.parameters, {
      C: 1,
      cache_size: 200,
      coef0: 0,
      degree: 3,
      gamma: 0.001,
      kernel: "rbf",
      shrinking: true,
      tol: 0.001,
    });
    const macro = (r.metrics.classification_report as Record<string, Record<string, number>>)["macro avg"];
    assert.equal(macro.support, 899);
    const reloaded = loadModel(join(results, "digits.json"), SVC);
    assert.deepEqual(reloaded.predict(xTest), svc.predict(xTest));

    // Logistic regression (ml-logistic-regression, scaled features with a bias column) lands near 0.94.
    const scale = (rows: number[][]) => new Matrix(rows.map((row) => [1, ...row.map((v) => v / 16)]));
    const lr = new LineagePredictor(
      new LogisticRegression({ numSteps: 200, learningRate: 5e-3 }),
      "multiclass_classification",
      ds.resource,
      { workspaceDir: ws, stepName: "digits_logreg", context: { output: out } },
    );
    await lr.fit(scale(xTrain), Matrix.columnVector(yTrain));
    const acc = await lr.score(scale(xTest), yTest);
    assert.ok(acc > 0.9 && acc < 0.97, `logistic regression accuracy ${acc}`);
  },
});

Deno.test("scoring again starts a new step; predict passes through", async () => {
  using sb = sandbox();
  const { ws, src, results } = await kitWorkspace(sb);
  const { X, y } = writeIris(join(src, "iris"));
  const model = new LineagePredictor(naiveBayes(), "multiclass_classification", undefined, {
    workspaceDir: ws,
    stepName: "twice",
    runDescription: "two scores",
    context: { output: memoryOutput() },
  });
  await model.train(X, y);
  await model.score(X.slice(0, 50), y.slice(0, 50));
  const first = readJson(join(results, "results.json")) as Results;
  await new Promise((r) => setTimeout(r, 5));
  await model.score(X, y);
  const second = readJson(join(results, "results.json")) as Results;
  assert.notEqual(second.start_time, first.start_time);
  assert.equal(second.run_description, "two scores");
  assert.deepEqual(resultsStep(ws).input_resources.map((i) => [i.resource_name, i.subpath]), [["source-data", null]]);
  assert.deepEqual(model.predict(X.slice(0, 3)), [0, 0, 0]);
});

Deno.test("bad input gives one clear error line", async () => {
  using sb = sandbox();
  const { ws } = await kitWorkspace(sb);
  const oneLine = (re: RegExp, cls: new (...args: never[]) => Error = ApiParamError) => (e: Error) => {
    assert.ok(e instanceof cls, `${e.name}: ${e.message}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes("\n"), e.message);
    return true;
  };
  const model = new LineagePredictor(naiveBayes(), "multiclass_classification", "source-data", { workspaceDir: ws });
  await assert.rejects(
    () => model.fit([[1], [2], [3]], [0, 1]),
    oneLine(/^X has 3 samples but y has 2; they must have the same length$/),
  );
  assert.throws(
    () => new LineagePredictor({ train() {} } as unknown as Predictor, "regression"),
    oneLine(/^The predictor Object has no predict\(\) method$/),
  );
  assert.throws(
    () => new LineagePredictor({ predict() {} } as unknown as Predictor, "regression"),
    oneLine(/has no train\(\) or fit\(\) method/),
  );
  assert.throws(
    () => new LineagePredictor(naiveBayes(), "classification" as "regression"),
    oneLine(
      /^Unknown metrics 'classification'; use one of binary_classification, multiclass_classification, regression/,
    ),
  );
  assert.throws(
    () => new LineagePredictor(naiveBayes(), "regression", undefined, { modelSaveFile: "/tmp/model.json" }),
    oneLine(/relative to the results resource/),
  );
  const noSave = new LineagePredictor({ train() {}, predict: () => [0] }, "regression", undefined, {});
  assert.ok(noSave);
  assert.throws(
    () => new LineagePredictor({ train() {}, predict: () => [0] }, "regression", undefined, { modelSaveFile: "m" }),
    oneLine(/cannot be saved: it has no toJSON\(\) method/),
  );
  const unknownInput = new LineagePredictor(naiveBayes(), "regression", "nosuch", { workspaceDir: ws });
  await assert.rejects(
    () => unknownInput.fit([[1], [2]], [0, 1]),
    oneLine(/^Could not find a resource for 'nosuch' with role 'source-data'/, LineageError),
  );
});
