/**
 * What the tfjs kit costs (`deno run -A bench/tfjs.ts [--backend wasm|cpu]
 * [--epochs 20] [--repeats 5]`): training (fit + evaluate) of the digits
 * model (Dense 128 relu, Dense 10 softmax; 1797 8x8 images, or
 * digits-shaped data) with and without the wrapper, with the data in an
 * api-resource (hashed) and a checkpoint per epoch; and the throughput of
 * hashing in-memory data (100 MB of float32 as a typed array and as a
 * tensor, and nested number arrays).
 *
 * Runs alternate (plain, wrapped) from the same initial weights; the
 * medians are compared. The target is an overhead under 3 % without
 * checkpoints, and hashing 100 MB of float32 in under 0.2 s.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { createContext } from "../core/base/context.ts";
import { initWorkspace } from "../core/commands/init.ts";
import { memoryOutput } from "../core/base/output.ts";
import { CheckpointConfig, wrapModel } from "../kits/tfjs.ts";
import { hashData } from "../kits/data_hash.ts";
import { addApiResource } from "../resources/api_resource.ts";

const { values: args } = parseArgs({
  options: {
    backend: { type: "string", default: "wasm" },
    epochs: { type: "string", default: "20" },
    repeats: { type: "string", default: "9" },
  },
});
if (!(await tf.setBackend(args.backend!))) throw new Error(`tfjs backend ${args.backend} did not start`);
await tf.ready();

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const digitsDir = join(root, "..", "shared", "datasets", "sklearn-digits-dataset");
function digits(): { images: Float32Array; labels: Float32Array } {
  if (existsSync(join(digitsDir, "data.csv.gz"))) {
    const rows = gunzipSync(readFileSync(join(digitsDir, "data.csv.gz"))).toString().trim().split("\n");
    return {
      images: Float32Array.from(rows.flatMap((r) => r.split(",").map((v) => Number(v) / 16))),
      labels: Float32Array.from(readFileSync(join(digitsDir, "target.csv"), "utf8").trim().split("\n").map(Number)),
    };
  }
  const images = new Float32Array(1797 * 64).map((_, i) => ((i * 7919) % 17) / 16);
  return { images, labels: new Float32Array(1797).map((_, i) => i % 10) };
}

const ws = mkdtempSync(join(tmpdir(), "dws-bench-tfjs-"));
const quiet = { output: memoryOutput() };
const workspace = await initWorkspace(createContext(quiet), ws, { createResources: ["results"], hostname: "bench" });
await addApiResource(workspace, { role: "source-data", name: "digits-api" });

const d = digits();
const n = d.labels.length;
const x = tf.tensor2d(d.images, [n, 64]);
const y = tf.tensor1d(d.labels);
const epochs = Number(args.epochs);
const layers = () => [
  tf.layers.dense({ units: 128, activation: "relu", inputShape: [64] }),
  tf.layers.dense({ units: 10, activation: "softmax" }),
];
const initial = tf.sequential({ layers: layers() }).getWeights().map((w) => w.clone());

async function train(kind: "plain" | "wrapped" | "checkpoints"): Promise<number> {
  let model = tf.sequential({ layers: layers() });
  model.setWeights(initial);
  if (kind !== "plain") {
    model = wrapModel(model, {
      workspaceDir: ws,
      inputResource: "digits-api",
      stepName: "bench",
      context: quiet,
      checkpointConfig: kind === "checkpoints" ? new CheckpointConfig({ modelName: "bench" }) : undefined,
    });
  }
  model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
  const t0 = performance.now();
  await model.fit(x, y, { epochs, batchSize: 32, verbose: 0 });
  const r = await model.evaluate(x, y) as tf.Scalar[];
  const ms = performance.now() - t0;
  tf.dispose(r);
  model.dispose();
  return ms;
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
await train("plain"); // warm-up (kernels, wasm)
await train("wrapped");
const times: Record<string, number[]> = { plain: [], wrapped: [], checkpoints: [] };
const kinds = ["plain", "wrapped", "checkpoints"] as const;
for (let i = 0; i < Number(args.repeats); i++) {
  // Rotate the order so that no kind always runs first (or after another).
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[(i + k) % kinds.length];
    times[kind].push(await train(kind));
  }
}
const plain = median(times.plain);
const plainMin = Math.min(...times.plain);
if (Deno.env.get("BENCH_DEBUG")) console.log(times);
console.log(
  `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, ${n} samples, ${epochs} epochs, batch 32, ` +
    `${args.repeats} runs each (alternating)`,
);
for (const kind of ["plain", "wrapped", "checkpoints"]) {
  const m = median(times[kind]);
  const least = Math.min(...times[kind]);
  const over = kind === "plain"
    ? ""
    : `  overhead ${(((m - plain) / plain) * 100).toFixed(1)} % (median), ${
      (((least - plainMin) / plainMin) * 100).toFixed(1)
    } % (fastest)`;
  console.log(
    `  fit+evaluate ${kind.padEnd(11)} median ${(m / 1000).toFixed(3)} s, fastest ${
      (least / 1000).toFixed(3)
    } s${over}`,
  );
}

// Hashing throughput.
const MB = 1024 * 1024;
const big = new Float32Array(100 * MB / 4).map((_, i) => i * 0.25);
const timeIt = (f: () => void) => {
  const t0 = performance.now();
  f();
  return (performance.now() - t0) / 1000;
};
const hash = (data: unknown) => () => {
  const h = createHash("sha1");
  hashData(h, data);
  h.digest("hex");
};
const typed = Math.min(...[0, 1, 2].map(() => timeIt(hash(big))));
const tensor = tf.tensor1d(big);
const tens = Math.min(...[0, 1, 2].map(() => timeIt(hash(tensor))));
tensor.dispose();
const rows = Array.from({ length: 20000 }, (_, i) => Array.from({ length: 64 }, (_, j) => i + j / 64)); // 10 MB as float64
const nested = Math.min(...[0, 1, 2].map(() => timeIt(hash(rows))));
console.log("hashing (SHA-1, best of 3)");
console.log(`  100 MB Float32Array        ${typed.toFixed(3)} s  ${(100 / typed).toFixed(0)} MB/s`);
console.log(
  `  100 MB float32 tensor      ${tens.toFixed(3)} s  ${
    (100 / tens).toFixed(0)
  } MB/s (dataSync copy on ${tf.getBackend()})`,
);
console.log(
  `  20000 x 64 number[][]      ${nested.toFixed(3)} s  ${(20000 * 64 * 8 / MB / nested).toFixed(0)} MB/s of float64`,
);
rmSync(ws, { recursive: true, force: true });
