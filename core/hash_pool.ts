/**
 * Hashing many files on every core: a small pool of worker threads, each
 * streaming files through SHA-1 in 1 MiB reads. The worker is inline code
 * so it also works from a single-file bundle, under Deno and Node.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { hashFileSync } from "./hashing.ts";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const buf = new Uint8Array(1 << 20);
parentPort.on("message", ({ id, path }) => {
  let fd;
  try {
    const hash = createHash("sha1");
    fd = openSync(path, "r");
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(n === buf.length ? buf : buf.subarray(0, n));
    }
    parentPort.postMessage({ id, hash: hash.digest("hex") });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

/** A file to hash. */
export interface HashJob {
  path: string;
  size: number;
}

/** Below this much data, starting workers costs more than it saves. */
const PARALLEL_MIN_BYTES = 64 << 20;

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
  // Largest first keeps the workers evenly busy to the end.
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b].size - jobs[a].size);
  const results = new Array<string>(jobs.length);
  let next = 0;
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SOURCE, { eval: true }));
  try {
    await Promise.all(workers.map((w) =>
      new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= order.length) return resolve();
          const id = order[next++];
          w.postMessage({ id, path: jobs[id].path });
        };
        w.on("message", (m: { id: number; hash?: string; error?: string }) => {
          if (m.error !== undefined) return reject(new Error(`Cannot hash ${jobs[m.id].path}: ${m.error}`));
          results[m.id] = m.hash!;
          options.onDone?.(jobs[m.id]);
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
