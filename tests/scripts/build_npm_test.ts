import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readJson, ROOT, run, type Sandbox, sandbox } from "../test_utils.ts";

/** The ml.js kit (dws/kits) from Node, with predictors installed beside it; returns the kit's workspace. */
async function mlKitStory(sb: Sandbox, proj: string): Promise<string> {
  await run(sb, [
    "npm",
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "ml-random-forest@2.1.0",
    "libsvm-js@0.2.1",
  ], {
    cwd: proj,
  });
  const kws = join(sb.dir, "kit-ws");
  writeFileSync(
    join(proj, "train_kit.mjs"),
    `
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createContext, initWorkspace, memoryOutput } from "dws";
import { LineagePredictor, loadDatasetFromResource, SVC, trainTestSplit } from "dws/kits";
import { RandomForestClassifier } from "ml-random-forest";
const ws = ${JSON.stringify(kws)};
mkdirSync(ws);
await initWorkspace(createContext({ output: memoryOutput() }), ws, { createResources: ["source-data", "results"], hostname: "node-host" });
const dir = join(ws, "source-data", "blobs");
mkdirSync(dir);
const X = Array.from({ length: 40 }, (_, i) => [(i % 2) * 3 + (i % 5) / 10, (i % 2) * 2 + (i % 7) / 10]);
writeFileSync(join(dir, "data.csv"), X.map((r) => r.join(",")).join("\\n") + "\\n");
writeFileSync(join(dir, "target.csv"), X.map((_, i) => i % 2).join("\\n") + "\\n");
const ds = await loadDatasetFromResource("source-data", "blobs", ws);
const s = trainTestSplit(ds.data, ds.target, { testSize: 0.25, randomState: 0 });
const forest = new LineagePredictor(new RandomForestClassifier({ nEstimators: 10, seed: 1, noOOB: true }), "binary_classification",
  ds.resource, { workspaceDir: ws, modelSaveFile: "forest" });
await forest.fit(s.xTrain, s.yTrain);
const forestAccuracy = await forest.score(s.xTest, s.yTest);
const svc = new LineagePredictor(new SVC({ gamma: 0.5 }), "binary_classification", ds.resource, { workspaceDir: ws });
await svc.fit(s.xTrain, s.yTrain);
console.log(JSON.stringify({ forestAccuracy, svcAccuracy: await svc.score(s.xTest, s.yTest) }));
`,
  );
  const kit = await run(sb, ["node", "train_kit.mjs"], { cwd: proj });
  assert.match(kit.stdout, /^Wrote results to results:results.json$/m);
  const scores = JSON.parse(kit.stdout.trim().split("\n").pop()!);
  assert.deepEqual(scores, { forestAccuracy: 1, svcAccuracy: 1 });
  const results = readJson(join(kws, "results/results.json")) as { step: string; metrics: Record<string, number> };
  assert.equal(results.step, "train_kit");
  assert.deepEqual(Object.keys(results.metrics), ["accuracy", "precision", "recall", "roc_auc_score", "f1_score"]);
  assert.ok(existsSync(join(kws, "results/forest.json")));
  const lineage = readJson(join(kws, ".dataworkspace/current_lineage/results.json")) as {
    lineages: { step_name: string }[];
  };
  assert.deepEqual(lineage.lineages.map((l) => l.step_name), ["train_kit"]);

  return kws;
}

/** Under Node the reading threads are worker threads: they hash, keep and move contents to their keys as under Deno. */
async function nodeReaders(sb: Sandbox, proj: string): Promise<void> {
  const data = join(sb.dir, "pool-data");
  mkdirSync(join(data, "tmp"), { recursive: true });
  writeFileSync(
    join(proj, "pool.mjs"),
    `
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { readFiles } from "./node_modules/dws/esm/core/hash/pool.js";
const data = ${JSON.stringify(data)};
const jobs = [];
for (let i = 0; i < 24; i++) {
  const path = data + "/f" + i;
  writeFileSync(path, new Uint8Array(3 << 20).fill(i % 12));
  jobs.push({ path, size: 3 << 20, keep: data + "/tmp/" + i, store: data + "/objects" });
}
const results = await readFiles(jobs, { threads: 2 });
const ok = results.every((r, i) => r.hash === createHash("sha1").update(readFileSync(jobs[i].path)).digest("hex") &&
  existsSync(data + "/objects/" + r.hash.slice(0, 2) + "/" + r.hash.slice(2)) && !existsSync(jobs[i].keep));
console.log(JSON.stringify({ ok, kept: results.map((r) => r.kept) }));
`,
  );
  const out = await run(sb, ["node", "pool.mjs"], { cwd: proj });
  const { ok, kept } = JSON.parse(out.stdout.trim().split("\n").pop()!);
  assert.ok(ok, out.stdout);
  // 12 distinct contents: each stored once, its twin found present.
  assert.equal(kept.filter((k: string) => k === "new").length, 12);
  assert.equal(kept.filter((k: string) => k === "present").length, 12);
}

/** The tfjs kit (dws/kits/tfjs) from Node, with @tensorflow/tfjs (not tfjs-node) from the npm registry. */
async function tfjsStory(sb: Sandbox, proj: string, kws: string): Promise<void> {
  await run(sb, ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", "@tensorflow/tfjs@4.22.0"], {
    cwd: proj,
  });
  await run(sb, [join(proj, "node_modules/.bin/dws"), "--batch", "add", "api-resource", "--role", "source-data"], {
    cwd: kws,
  });
  writeFileSync(
    join(proj, "train_tfjs.mjs"),
    `
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CheckpointConfig, latestCheckpoint, modelFileIO, wrapModel } from "dws/kits/tfjs";
const ws = ${JSON.stringify(kws)};
const model = wrapModel(tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], activation: "softmax" })] }), {
  workspaceDir: ws, inputResource: "source-data-api", checkpointConfig: new CheckpointConfig({ modelName: "m", monitor: "loss" }) });
model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
const x = tf.tensor2d([[0, 1, 2], [1, 0, 1], [2, 2, 0], [0, 0, 1]]);
const y = tf.tensor1d([0, 1, 2, 3]);
await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
const [loss, acc] = await model.evaluate(x, y);
const loaded = await tf.loadLayersModel(modelFileIO(latestCheckpoint(join(ws, "results"), "m")));
console.log(JSON.stringify({ loss: loss.dataSync()[0], acc: acc.dataSync()[0], shape: loaded.predict(x).shape }));
`,
  );
  const tfjs = await run(sb, ["node", "train_tfjs.mjs"], { cwd: proj });
  assert.match(tfjs.stdout, /^dws> Copied checkpoint m_2 to resource results$/m);
  const evaluated = JSON.parse(tfjs.stdout.trim().split("\n").pop()!);
  assert.deepEqual(evaluated.shape, [4, 4]);
  const tfResults = readJson(join(kws, "results/results.json")) as { step: string; metrics: Record<string, number> };
  assert.equal(tfResults.step, "train_tfjs");
  assert.deepEqual(tfResults.metrics, { loss: evaluated.loss, acc: evaluated.acc });
  assert.ok(existsSync(join(kws, ".dataworkspace/scratch/source-data-api/hashval.txt")));
}

Deno.test("the npm package installs into a fresh Node project and its API, bin and ML kit work", async () => {
  using sb = sandbox();
  await run(sb, [Deno.execPath(), "run", "-A", join(ROOT, "scripts/build_npm.ts")], { cwd: ROOT });
  const packed = await run(sb, ["npm", "pack", "--silent", "--pack-destination", sb.dir], { cwd: join(ROOT, "npm") });
  const tarball = join(sb.dir, packed.stdout.trim().split("\n").pop()!);
  assert.ok(existsSync(tarball), tarball);

  const proj = join(sb.dir, "node-project");
  mkdirSync(proj);
  writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "p", version: "1.0.0", type: "module" }));
  await run(sb, ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: proj });
  const installed = join(proj, "node_modules/dws");
  assert.deepEqual((readJson(join(installed, "package.json")) as { engines: unknown }).engines, { node: ">=20" });
  // The sources' versioned npm: specifiers are bare package names in the package (Node resolves those).
  const runJs = readFileSync(join(installed, "esm/cli/run_dws.js"), "utf8");
  assert.match(runJs, /from "commander"/);
  assert.doesNotMatch(runJs, /"npm:/);
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  writeFileSync(
    join(proj, "use.mjs"),
    `
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as dws from "dws";
const ws = ${JSON.stringify(ws)};
const ctx = dws.createContext({ output: dws.memoryOutput() });
await dws.initWorkspace(ctx, ws, { createResources: ["source-data", "code", "results"], hostname: "node-host" });
writeFileSync(join(ws, "source-data", "d.csv"), "a\\n1\\n");
await new dws.LineageBuilder().withStepName("train").withParameters({ k: 3 })
  .withWorkspaceDirectory(ws).withContext({ output: dws.memoryOutput() })
  .withInputPath(join(ws, "source-data", "d.csv"))
  .asResultsStep(join(ws, "results"), "from node")
  .run(async (lineage) => { await lineage.writeResults({ accuracy: 0.75 }); });
const hash = await dws.takeSnapshot({ workspaceDir: ws, tag: "N1", context: { output: dws.memoryOutput() } });
const history = dws.getSnapshotHistory({ workspaceDir: ws });
console.log(JSON.stringify({ hash, history, status: dws.statusReport(await dws.openWorkspace(ctx, { workspaceDir: ws })) }));
`,
  );
  const out = await run(sb, ["node", "use.mjs"], { cwd: proj });
  const result = JSON.parse(out.stdout.trim().split("\n").pop()!);
  assert.match(result.hash, /^[0-9a-f]{40}$/);
  assert.deepEqual(result.history.map((h: { tags: string[] }) => h.tags), [["N1"]]);
  assert.equal(result.history[0].metrics.accuracy, 0.75);
  assert.match(result.status.join("\n"), /source-data +\| source-data +\| git-subdirectory/);
  const md = readJson(join(ws, ".dataworkspace/snapshot_metadata", `${result.hash}_md.json`)) as { tags: string[] };
  assert.deepEqual(md.tags, ["N1"]);
  assert.ok(readdirSync(join(ws, "results/snapshots")).length === 1);

  const bin = await run(sb, [join(proj, "node_modules/.bin/dws"), "report", "history"], { cwd: ws });
  assert.match(bin.stdout, /\| N1 +\|/);
  await nodeReaders(sb, proj);

  await tfjsStory(sb, proj, await mlKitStory(sb, proj));
});
