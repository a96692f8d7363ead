/**
 * Hashing many files on every core: a small pool of worker threads, each
 * streaming files through SHA-1 in 1 MiB reads. The worker is inline code
 * so it also works from a single-file bundle, under Deno and Node.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { hashFileSync } from "../base/hashing.ts";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const buf = new Uint8Array(1 << 20);
function hashOne(path) {
  const fd = openSync(path, "r");
  try {
    const hash = createHash("sha1");
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
    }
    return hash.digest("hex");
  } finally {
    closeSync(fd);
  }
}
parentPort.on("message", ({ batch, paths }) => {
  const hashes = [];
  for (const path of paths) {
    try {
      hashes.push(hashOne(path));
    } catch (e) {
      return parentPort.postMessage({ batch, error: path + ": " + String(e && e.message || e) });
    }
  }
  parentPort.postMessage({ batch, hashes });
});
`;

/** A file to hash. */
export interface HashJob {
  path: string;
  size: number;
}

/** Below this much data, starting workers costs more than it saves. */
const PARALLEL_MIN_BYTES = 64 << 20;
const BATCH_BYTES = 8 << 20;
const BATCH_FILES = 256;

/**
 * SHA-1 of each file, in job order. `onDone` is called after each file (for progress).
 *
 * @example
 * ```ts
 * const hashes = await hashFiles([{ path: "/data/a", size: 10 }]);
 * ```
 */
export async function hashFiles(
  jobs: readonly HashJob[],
  options: { onDone?: (job: HashJob) => void; threads?: number } = {},
): Promise<string[]> {
  const total = jobs.reduce((n, j) => n + j.size, 0);
  const threads = Math.min(options.threads ?? availableParallelism(), jobs.length);
  if (total < PARALLEL_MIN_BYTES || threads < 2) {
    return jobs.map((j) => {
      const h = hashFileSync(j.path);
      options.onDone?.(j);
      return h;
    });
  }
  // Batches of about 8 MB (or one large file) keep messaging cheap; largest files go first
  // so the workers stay evenly busy to the end.
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b].size - jobs[a].size);
  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  for (const i of order) {
    current.push(i);
    currentBytes += jobs[i].size;
    if (currentBytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
  }
  if (current.length) batches.push(current);
  const results = new Array<string>(jobs.length);
  let next = 0;
  // Loaded only here: node:worker_threads costs ~15 ms at startup under Deno.
  const { Worker } = await import("node:worker_threads");
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true }));
  try {
    await Promise.all(workers.map((w) =>
      new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= batches.length) return resolve();
          const batch = next++;
          w.postMessage({ batch, paths: batches[batch].map((i) => jobs[i].path) });
        };
        w.on("message", (m: { batch: number; hashes?: string[]; error?: string }) => {
          if (m.error !== undefined) return reject(new Error(`Cannot hash ${m.error}`));
          batches[m.batch].forEach((id, k) => {
            results[id] = m.hashes![k];
            options.onDone?.(jobs[id]);
          });
          send();
        });
        w.on("error", reject);
        send();
      })
    ));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
