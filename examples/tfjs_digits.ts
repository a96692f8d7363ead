/**
 * Training a TensorFlow.js model with lineage: the 8x8 digits (scikit-learn's
 * digits dataset from `--data`, by default the project's shared datasets
 * folder; digits-shaped generated data when it is not there), a Dense(128,
 * relu) + Dense(10, softmax) network, and the two dws lines: the wrapper and
 * a checkpoint configuration.
 *
 * ```sh
 * deno run -A examples/tfjs_digits.ts                       # in a new temporary workspace
 * deno run -A examples/tfjs_digits.ts --workspace-dir ~/ws   # a workspace with api-resource "digits-api" and results
 * ```
 *
 * From Node, the same script imports `dws/kits/tfjs` instead of `../kits/tfjs.ts`.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import "npm:@tensorflow/tfjs-backend-wasm@4.22.0"; // optional: a faster backend than "cpu" without tfjs-node
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { initWorkspace } from "../core/commands/init.ts";
import { createContext } from "../core/base/context.ts";
import { memoryOutput } from "../core/base/output.ts";
import { addApiResource } from "../resources/api_resource.ts";
import { CheckpointConfig, wrapModel } from "../kits/tfjs.ts";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: join(here, "..", "..", "shared", "datasets", "sklearn-digits-dataset") },
    "workspace-dir": { type: "string" },
    epochs: { type: "string", default: "10" },
    backend: { type: "string", default: "wasm" },
  },
});

/** The digits as flat float32 images (n x 64) and labels. */
function loadDigits(dir: string): { images: Float32Array; labels: Float32Array; source: string } {
  const dataFile = join(dir, "data.csv.gz");
  if (existsSync(dataFile) && existsSync(join(dir, "target.csv"))) {
    const rows = gunzipSync(readFileSync(dataFile)).toString("utf8").trim().split("\n");
    const labels = readFileSync(join(dir, "target.csv"), "utf8").trim().split("\n").map(Number);
    return {
      images: Float32Array.from(rows.flatMap((r) => r.split(",").map(Number))),
      labels: Float32Array.from(labels),
      source: dir,
    };
  }
  // Digits-shaped data: a noisy 8x8 template per class, values 0..16.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const templates = Array.from(
    { length: 10 },
    () => Array.from({ length: 64 }, () => (random() < 0.35 ? 16 * random() : 0)),
  );
  const n = 1797;
  const images = new Float32Array(n * 64);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    for (let p = 0; p < 64; p++) {
      images[i * 64 + p] = Math.round(Math.min(16, Math.max(0, templates[i % 10][p] + (random() - 0.5) * 8)));
    }
  }
  return { images, labels, source: "generated digits-shaped data" };
}

/** A workspace to run in: the given one, or a new temporary one with the resources this example uses. */
async function workspace(): Promise<string> {
  if (args["workspace-dir"]) return resolve(args["workspace-dir"]);
  const dir = mkdtempSync(join(tmpdir(), "dws-tfjs-example-"));
  const ws = await initWorkspace(createContext({ output: memoryOutput() }), dir, {
    createResources: ["results"],
    hostname: "example",
  });
  await addApiResource(ws, { role: "source-data", name: "digits-api" });
  return dir;
}

if (args.backend !== "cpu" && !(await tf.setBackend(args.backend!))) {
  throw new Error(`The tfjs backend ${args.backend} did not start`);
}
const wsDir = await workspace();
const digits = loadDigits(args.data!);
const n = digits.labels.length;
const nTest = Math.round(n * 0.25);
console.log(`Digits: ${n} images from ${digits.source}; workspace ${wsDir}; tfjs backend ${tf.getBackend()}`);

const x = tf.tensor2d(digits.images, [n, 64]).div(16);
const y = tf.tensor1d(digits.labels);
const [xTrain, xTest] = tf.split(x, [n - nTest, nTest]);
const [yTrain, yTest] = tf.split(y, [n - nTest, nTest]);

// The dws lines: wrap the model (lineage, api-resource hash, results.json) and checkpoint the best epoch.
const model = wrapModel(
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: "relu", inputShape: [64] }),
      tf.layers.dense({ units: 10, activation: "softmax" }),
    ],
  }),
  {
    workspaceDir: wsDir,
    inputResource: "digits-api",
    checkpointConfig: new CheckpointConfig({ modelName: "digits", monitor: "val_acc", saveBestOnly: true }),
  },
);

model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
const started = performance.now();
await model.fit(xTrain, yTrain, { epochs: Number(args.epochs), batchSize: 32, validationSplit: 0.1, verbose: 0 });
const [loss, acc] = await model.evaluate(xTest, yTest) as tf.Scalar[];
console.log(
  `Trained in ${((performance.now() - started) / 1000).toFixed(1)} s: test loss ${loss.dataSync()[0].toFixed(4)}, ` +
    `accuracy ${acc.dataSync()[0].toFixed(4)}`,
);
console.log(readFileSync(join(wsDir, "results", "results.json"), "utf8"));
