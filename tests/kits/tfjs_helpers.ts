/**
 * Helpers of the tfjs kit tests: TensorFlow.js on the wasm backend (about
 * twice as fast as the cpu one here), digits-shaped data and tiny models.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

let ready: Promise<typeof tf> | undefined;

/** TensorFlow.js, on the wasm backend (fails when the backend cannot start). */
export function tfjs(): Promise<typeof tf> {
  ready ??= (async () => {
    if (!(await tf.setBackend("wasm"))) throw new Error("The tfjs wasm backend did not start");
    await tf.ready();
    return tf;
  })();
  return ready;
}

/** A deterministic random number generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` digits-shaped samples: 8x8 images (64 values 0..16) made from a noisy template per class, and labels 0..9. */
export function digitsLike(n: number, seed = 1): { images: Float32Array; labels: Float32Array } {
  const r = rng(seed);
  const templates = Array.from({ length: 10 }, (_, c) => {
    const t = rng(1000 + c);
    return Array.from({ length: 64 }, () => (t() < 0.35 ? 16 * t() : 0));
  });
  const images = new Float32Array(n * 64);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let p = 0; p < 64; p++) {
      images[i * 64 + p] = Math.round(Math.min(16, Math.max(0, templates[c][p] + (r() - 0.5) * 6)));
    }
  }
  return { images, labels };
}

/** The layers of the tests' model: Dense(units, relu) then Dense(10, softmax) on 64 inputs. */
export function denseLayers(t: typeof tf, units = 16): tf.layers.Layer[] {
  return [
    t.layers.dense({ units, activation: "relu", inputShape: [64] }),
    t.layers.dense({ units: 10, activation: "softmax" }),
  ];
}
