import assert from "node:assert/strict";
import type * as TF from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiParamError, ConfigurationError } from "../../core/base/errors.ts";
import { memoryOutput } from "../../core/base/output.ts";
import { addLineageToModelClass, CheckpointConfig, modelFileIO, modelLineage, wrapModel } from "../../kits/tfjs.ts";
import { DwsModelCheckpoint, latestCheckpoint } from "../../kits/tfjs_checkpoint.ts";
import { dwsOk, readJson, sandbox } from "../test_utils.ts";
import { kitWorkspace } from "./kit_helpers.ts";
import { hashData } from "../../kits/data_hash.ts";
import { denseLayers, digitsLike, tfjs } from "./tfjs_helpers.ts";

interface Results {
  step: string;
  start_time: string;
  parameters: Record<string, unknown>;
  metrics: Record<string, number>;
}

interface StepJson {
  step_name: string;
  start_time: string;
  input_resources: { resource_name: string; certificate: { cert_type: string; hashval?: string } }[];
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const sha1 = (...parts: ArrayBufferView[]) => {
  const h = createHash("sha1");
  for (const p of parts) h.update(bytes(p));
  return h.digest("hex");
};

async function apiWorkspace(sb: ReturnType<typeof sandbox>) {
  const k = await kitWorkspace(sb);
  await dwsOk(sb, ["--batch", "add", "api-resource", "--role", "source-data", "--name", "digits-api"], {
    cwd: k.ws,
  });
  return { ...k, hashFile: join(k.ws, ".dataworkspace/scratch/digits-api/hashval.txt") };
}

Deno.test("wrapModel(tf.sequential()): parameters, results.json = evaluate()'s metrics, api-resource hash, snapshot", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results, hashFile } = await apiWorkspace(sb);
  const train = digitsLike(200, 1);
  const test = digitsLike(60, 2);
  const out = memoryOutput();
  const model = wrapModel(tf.sequential({ layers: denseLayers(tf) }), {
    inputResource: "digits-api",
    workspaceDir: ws,
    stepName: "digits_tfjs",
    context: { output: out },
  });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const xTrain = tf.tensor2d(train.images, [200, 64]);
  const yTrain = tf.tensor1d(train.labels);
  const history = await model.fit(xTrain, yTrain, { epochs: 3, batchSize: 32, verbose: 0 });
  assert.equal(history.history.loss.length, 3);
  const afterFit = readFileSync(hashFile, "utf8").trim();
  assert.equal(afterFit, sha1(train.images, train.labels));

  const xTest = tf.tensor2d(test.images, [60, 64]);
  const yTest = tf.tensor1d(test.labels);
  const evaluated = model.evaluate(xTest, yTest) as TF.Scalar[];
  // Synchronous use works as with tfjs; awaiting waits for results.json.
  const values = evaluated.map((s) => s.dataSync()[0]);
  assert.equal(await evaluated, evaluated);
  const r = readJson(join(results, "results.json")) as Results;
  assert.equal(r.step, "digits_tfjs");
  assert.deepEqual(r.metrics, { loss: values[0], acc: values[1] });
  assert.deepEqual(r.parameters, {
    optimizer: "adam",
    loss_function: "sparseCategoricalCrossentropy",
    "fit.epochs": 3,
    "fit.batch_size": 32,
    "evaluate.batch_size": null,
    // The architecture, without addParam: a changed layer shows in the history.
    "model.layers": "Dense(16, relu) > Dense(10, softmax)",
    "model.param_count": 64 * 16 + 16 + 16 * 10 + 10,
  });
  // The recorded hash covers the training then the test data.
  const afterEvaluate = readFileSync(hashFile, "utf8").trim();
  assert.equal(afterEvaluate, sha1(train.images, train.labels, test.images, test.labels));
  assert.ok(out.lines.some((l) => l.message === "Wrote results to results:results.json"));
  const step = (readJson(join(ws, ".dataworkspace/current_lineage/results.json")) as { lineages: StepJson[] })
    .lineages[0];
  assert.equal(step.step_name, "digits_tfjs");
  assert.deepEqual(step.input_resources.map((i) => i.resource_name), ["digits-api"]);

  // The snapshot records the hash: the manifest's api-resource entry and the lineage certificate.
  await dwsOk(sb, ["--batch", "snapshot", "T1"], { cwd: ws });
  const [manifest] = readdirSync(join(ws, ".dataworkspace/snapshots"));
  const entries = readJson(join(ws, ".dataworkspace/snapshots", manifest)) as { name: string; hash: string }[];
  assert.equal(entries.find((e) => e.name === "digits-api")?.hash, afterEvaluate);
  const snapHash = manifest.slice("snapshot-".length, -".json".length);
  const lineage = readJson(join(ws, ".dataworkspace/snapshot_lineage", snapHash, "digits-api.json")) as {
    lineages: { certificate: { hashval: string } }[];
  };
  assert.deepEqual(lineage.lineages.map((l) => l.certificate.hashval), [afterEvaluate]);
  tf.dispose([xTrain, yTrain, xTest, yTest, ...evaluated]);
});

Deno.test("the hash of the same data is stable across runs; evaluate twice starts a new step", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results, hashFile } = await apiWorkspace(sb);
  const train = digitsLike(100, 3);
  const test = digitsLike(30, 4);
  const hashes: string[] = [];
  for (let run = 0; run < 2; run++) {
    const model = wrapModel(tf.sequential({ layers: denseLayers(tf, 8) }), {
      inputResource: "digits-api",
      workspaceDir: ws,
      stepName: "stable",
      context: { output: memoryOutput() },
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: tf.losses.softmaxCrossEntropy });
    const x = tf.tensor2d(train.images, [100, 64]);
    const y = tf.oneHot(tf.tensor1d(train.labels, "int32"), 10).toFloat();
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const xt = tf.tensor2d(test.images, [30, 64]);
    const yt = tf.oneHot(tf.tensor1d(test.labels, "int32"), 10).toFloat();
    const loss = await model.evaluate(xt, yt, { batchSize: 10 }) as TF.Scalar;
    hashes.push(readFileSync(hashFile, "utf8").trim());
    const r = readJson(join(results, "results.json")) as Results;
    assert.deepEqual(r.metrics, { loss: loss.dataSync()[0] });
    assert.deepEqual(r.parameters, {
      optimizer: "SGD",
      loss_function: "softmaxCrossEntropy",
      "fit.epochs": 1,
      "fit.batch_size": null,
      "evaluate.batch_size": 10,
      "model.layers": "Dense(8, relu) > Dense(10, softmax)",
      "model.param_count": 64 * 8 + 8 + 8 * 10 + 10,
    });
    if (run === 1) {
      // A second evaluate: a new step (new start time), the training input kept.
      await new Promise((res) => setTimeout(res, 5));
      await model.evaluate(xt, yt);
      const again = readJson(join(results, "results.json")) as Results;
      assert.ok(again.start_time > r.start_time, `${again.start_time} > ${r.start_time}`);
      assert.equal(again.parameters["evaluate.batch_size"], null);
      const step = (readJson(join(ws, ".dataworkspace/current_lineage/results.json")) as { lineages: StepJson[] })
        .lineages[0];
      assert.equal(step.start_time, again.start_time);
      assert.deepEqual(step.input_resources.map((i) => i.resource_name), ["digits-api"]);
    }
    tf.dispose([x, y, xt, yt]);
  }
  assert.equal(hashes[0], hashes[1]);
  assert.equal(
    hashes[0],
    sha1(
      train.images,
      new Float32Array(tf.oneHot(tf.tensor1d(train.labels, "int32"), 10).dataSync()),
      test.images,
      new Float32Array(tf.oneHot(tf.tensor1d(test.labels, "int32"), 10).dataSync()),
    ),
  );
});

Deno.test("addLineageToModelClass(tf.Sequential) with checkpoints: stale files removed, best copied and loadable", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results } = await kitWorkspace(sb);
  const out = memoryOutput();
  const Sequential = addLineageToModelClass(tf.Sequential, {
    workspaceDir: ws,
    stepName: "ckpt",
    checkpointConfig: new CheckpointConfig({ modelName: "digits", saveBestOnly: true }),
    context: { output: out },
  });
  assert.equal(Sequential.name, "Sequential");
  assert.equal(addLineageToModelClass(Sequential, { context: { output: out } }), Sequential);
  assert.ok(out.lines.some((l) => l.message === "dws>> Sequential or a superclass is already wrapped"));
  // Stale checkpoints of this model (and TensorFlow's `checkpoint` file) go; other models' stay.
  const scratch = join(ws, "scratch/checkpoints");
  mkdirSync(scratch, { recursive: true });
  for (const f of ["digits_7.json", "digits_7.weights.bin", "checkpoint", "other_1.json"]) {
    writeFileSync(join(scratch, f), "old");
  }
  const data = digitsLike(150, 5);
  const model = new Sequential({ layers: denseLayers(tf) });
  assert.ok(model instanceof tf.Sequential);
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const x = tf.tensor2d(data.images, [150, 64]);
  const y = tf.tensor1d(data.labels);
  const h = await model.fit(x, y, { epochs: 4, validationSplit: 0.2, verbose: 0 });
  assert.ok(
    out.lines.some((l) => l.message === "dws> Removed 3 old checkpoint files for model digits ahead of training"),
  );
  assert.ok(existsSync(join(scratch, "other_1.json")));
  const valLoss = h.history.val_loss as number[];
  const best = valLoss.indexOf(Math.min(...valLoss)) + 1;
  assert.ok(out.lines.some((l) => l.message === `dws> Copied checkpoint digits_${best} to resource results`));
  assert.equal(latestCheckpoint(results, "digits"), join(results, `digits_${best}.json`));
  assert.ok(existsSync(join(results, `digits_${best}.weights.bin`)));
  // Saved with save-best-only: the scratch folder has one checkpoint per improvement.
  const saved = readdirSync(scratch).filter((f) => /^digits_\d+\.json$/.test(f));
  assert.ok(saved.includes(`digits_${best}.json`) && saved.length <= 4, saved.join());
  const loaded = await tf.loadLayersModel(modelFileIO(join(results, `digits_${best}.json`)));
  assert.deepEqual(loaded.predict(x.slice(0, 3)).toString().length > 0, true);
  // The results step has no results.json yet: evaluate writes it (metrics of the final model).
  const [loss, acc] = await model.evaluate(x, y) as TF.Scalar[];
  const r = readJson(join(results, "results.json")) as Results;
  assert.deepEqual(r.metrics, { loss: loss.dataSync()[0], acc: acc.dataSync()[0] });
  assert.deepEqual(Object.keys(r.parameters), [
    "optimizer",
    "loss_function",
    "fit.epochs",
    "fit.batch_size",
    "evaluate.batch_size",
    "model.layers",
    "model.param_count",
  ]);
  tf.dispose([x, y, loss, acc]);
});

Deno.test("checkpoints of the latest epoch load back with the trained weights; a subclass as decorated class", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results } = await kitWorkspace(sb);
  const out = memoryOutput();
  @addLineageToModelClass
  class Digits extends tf.Sequential {}
  assert.equal(Digits.name, "Digits");
  const model = wrapModel(new Digits({ layers: denseLayers(tf, 8) }), { context: { output: out }, verbose: true });
  assert.equal(modelLineage(model)?.options.verbose, undefined, "a wrapped class's model is not wrapped again");
  // Options come with the class wrapper: a subclass of a wrapped class is already wrapped.
  const Checked = addLineageToModelClass(class extends tf.Sequential {}, {
    workspaceDir: ws,
    stepName: "latest",
    checkpointConfig: { modelName: "m", monitor: "loss", saveFreq: 2 },
    context: { output: out },
  });
  const m = new Checked({ layers: denseLayers(tf, 8) });
  m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const data = digitsLike(64, 6);
  const x = tf.tensor2d(data.images, [64, 64]).div(16);
  const y = tf.oneHot(tf.tensor1d(data.labels, "int32"), 10).toFloat();
  await m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
  assert.ok(out.lines.some((l) => l.message === "dws> Removed 0 old checkpoint files for model m ahead of training"));
  assert.ok(out.lines.some((l) => l.message === "dws> Copied checkpoint m_2 to resource results"));
  const loaded = await tf.loadLayersModel(modelFileIO(latestCheckpoint(results)!));
  const a = (m.predict(x) as TF.Tensor).dataSync();
  const b = (loaded.predict(x) as TF.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  tf.dispose([x, y]);
  void Digits;
});

Deno.test("fitDataset/evaluateDataset: datasets hashed as consumed (first pass), training unchanged", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results, hashFile } = await apiWorkspace(sb);
  const train = digitsLike(40, 7);
  const test = digitsLike(20, 8);
  const rows = (d: { images: Float32Array }) =>
    Array.from({ length: d.images.length / 64 }, (_, i) => Array.from(d.images.subarray(i * 64, i * 64 + 64)));
  const dataset = (d: { images: Float32Array; labels: Float32Array }) =>
    tf.data.zip({ xs: tf.data.array(rows(d)), ys: tf.data.array(Array.from(d.labels)) }).batch(10);
  const expected = createHash("sha1");
  await dataset(train).forEachAsync((e) => hashData(expected, e));
  const afterTrain = expected.copy().digest("hex");
  // A generator dataset for the test data.
  const testData = tf.data.generator(function* () {
    for (let i = 0; i < 20; i += 10) {
      yield {
        xs: tf.tensor2d(test.images.subarray(i * 64, (i + 10) * 64), [10, 64]),
        ys: tf.tensor1d(test.labels.subarray(i, i + 10)),
      };
    }
  });
  await testData.forEachAsync((e) => hashData(expected, e));

  const model = wrapModel(tf.sequential({ layers: denseLayers(tf, 8) }), {
    inputResource: "digits-api",
    workspaceDir: ws,
    stepName: "datasets",
    context: { output: memoryOutput() },
  });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["acc"] });
  const plain = tf.sequential({ layers: denseLayers(tf, 8) });
  plain.setWeights(model.getWeights());
  plain.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["acc"] });
  const h = await model.fitDataset(dataset(train), { epochs: 3, verbose: 0 });
  const hp = await plain.fitDataset(dataset(train), { epochs: 3, verbose: 0 });
  assert.deepEqual(h.history, hp.history);
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.dataSync())),
    plain.getWeights().map((w) => Array.from(w.dataSync())),
  );
  assert.equal(readFileSync(hashFile, "utf8").trim(), afterTrain);
  const [loss, acc] = await model.evaluateDataset(
    testData as TF.data.Dataset<{ xs: TF.Tensor; ys: TF.Tensor }>,
    {},
  ) as TF.Scalar[];
  assert.equal(readFileSync(hashFile, "utf8").trim(), expected.digest("hex"));
  const r = readJson(join(results, "results.json")) as Results;
  assert.deepEqual(r.metrics, { loss: loss.dataSync()[0], acc: acc.dataSync()[0] });
  assert.deepEqual(r.parameters, {
    optimizer: "adam",
    loss_function: "sparseCategoricalCrossentropy",
    "fitDataset.epochs": 3,
    "fitDataset.batches_per_epoch": null,
    "evaluateDataset.batches": null,
    "model.layers": "Dense(8, relu) > Dense(10, softmax)",
    "model.param_count": 64 * 8 + 8 + 8 * 10 + 10,
  });
});

Deno.test("evaluate() before the workspace is open records the same hash; a failed write rejects when awaited", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results, hashFile } = await apiWorkspace(sb);
  const test = digitsLike(20, 9);
  const model = wrapModel(tf.sequential({ layers: denseLayers(tf, 8) }), {
    inputResource: "digits-api",
    workspaceDir: ws,
    stepName: "early",
    context: { output: memoryOutput() },
  });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  const x = tf.tensor2d(test.images, [20, 64]);
  const y = tf.tensor1d(test.labels);
  const loss = model.evaluate(x, y) as TF.Scalar;
  const value = loss.dataSync()[0];
  tf.dispose([x, y]); // the data is gone before the hash is written: it was copied
  await modelLineage(model)!.settled();
  assert.equal(readFileSync(hashFile, "utf8").trim(), sha1(test.images, test.labels));
  assert.deepEqual((readJson(join(results, "results.json")) as Results).metrics, { loss: value });

  // No workspace: fit fails with dws' error; evaluate's awaited result rejects.
  const out = memoryOutput();
  const lost = wrapModel(tf.sequential({ layers: denseLayers(tf, 4) }), {
    workspaceDir: join(sb.dir, "nowhere"),
    stepName: "lost",
    context: { output: out },
  });
  lost.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const x2 = tf.zeros([2, 64]);
  const y2 = tf.zeros([2, 10]);
  await assert.rejects(lost.fit(x2, y2), ConfigurationError);
  await assert.rejects(async () => await (lost.evaluate(x2, y2) as TF.Scalar), ConfigurationError);
  tf.dispose([x2, y2]);
});

Deno.test("errors: not a model, bad checkpoint configurations", async () => {
  const tf = await tfjs();
  assert.throws(
    () => wrapModel({}),
    (e: Error) => e instanceof ApiParamError && /Expected a tfjs model/.test(e.message),
  );
  assert.throws(() => new CheckpointConfig({ modelName: "a/b" }), /simple file name/);
  assert.throws(() => new CheckpointConfig({ modelName: "m", mode: "best" as "min" }), /auto, min or max/);
  assert.throws(() => new CheckpointConfig({ modelName: "m", saveFreq: 0 }), /saveFreq/);
  const c = new CheckpointConfig({ modelName: "m" });
  assert.deepEqual({ ...c }, {
    modelName: "m",
    monitor: "val_loss",
    saveBestOnly: false,
    mode: "auto",
    saveFreq: "epoch",
  });
  await assert.rejects(tf.loadLayersModel(modelFileIO("/nonexistent/m.json")), /There is no model file at/);
});

Deno.test("checkpoints beside tfjs callbacks (EarlyStopping first), and DwsModelCheckpoint on its own", async () => {
  const tf = await tfjs();
  using sb = sandbox();
  const { ws, results } = await kitWorkspace(sb);
  const out = memoryOutput();
  const data = digitsLike(40, 10);
  const x = tf.tensor2d(data.images, [40, 64]).div(16);
  const y = tf.tensor1d(data.labels);
  const model = wrapModel(tf.sequential({ layers: denseLayers(tf, 8) }), {
    workspaceDir: ws,
    stepName: "early",
    checkpointConfig: { modelName: "early", monitor: "loss", saveBestOnly: true, mode: "min" },
    context: { output: out },
  });
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  const stopper = tf.callbacks.earlyStopping({ monitor: "loss", patience: 1 });
  const h = await model.fit(x, y, { epochs: 3, verbose: 0, callbacks: [stopper] });
  const losses = h.history.loss as number[];
  const best = losses.indexOf(Math.min(...losses)) + 1;
  assert.ok(out.lines.some((l) => l.message === `dws> Copied checkpoint early_${best} to resource results`));

  // On its own, with an unwrapped model: the plain hooks form, given the model to save.
  const plain = tf.sequential({ layers: denseLayers(tf, 8) });
  plain.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
  const solo = new DwsModelCheckpoint("solo", {
    model: plain,
    workspaceDir: ws,
    monitor: "val_loss",
    saveBestOnly: true,
    context: { output: out },
  });
  assert.equal(solo.mode, "min");
  await plain.fit(x, y, { epochs: 2, verbose: 0, callbacks: [solo.callbackArgs()] });
  // No validation data: nothing to judge, so nothing saved or copied (with a warning each).
  assert.ok(out.lines.some((l) => l.message === "dws> Can save best model only with val_loss available, skipping"));
  assert.ok(out.lines.some((l) => l.message.startsWith("dws> No checkpoint of model solo was saved")));
  await plain.fit(x, y, { epochs: 2, verbose: 0, validationData: [x, y], callbacks: [solo.callbackArgs()] });
  assert.ok(existsSync(join(results, "solo_1.json")) || existsSync(join(results, "solo_2.json")));
  assert.equal(new DwsModelCheckpoint("m", { monitor: "val_acc" }).mode, "max");
  tf.dispose([x, y]);
});
