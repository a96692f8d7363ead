/**
 * Reading many files on every core: a small pool of worker threads, each
 * reading files once in 1 MiB chunks with {@link readFileOnce} (hashing them,
 * and keeping their bytes when asked). The worker is inline code so it also
 * works from a single-file bundle, under Deno and Node.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { makeReadIo, READ_IO, readFileOnce, type ReadJob, type ReadResult } from "./file_read.ts";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const makeReadIo = ${makeReadIo.toString()};
const io = makeReadIo(typeof Deno === "object" ? Deno : undefined, require("node:fs"), require("node:crypto"));
const buf = new Uint8Array(1 << 20);
const readFileOnce = ${readFileOnce.toString()};
parentPort.on("message", ({ batch, jobs }) => {
  parentPort.postMessage({ batch, results: jobs.map((job) => readFileOnce(io, job, buf)) });
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

let sharedBuffer: Uint8Array | undefined;

/** Options of {@link readFiles}. */
export interface ReadFilesOptions {
  /** Called after each file (for progress). */
  onDone?: (job: ReadJob) => void;
  /** Worker threads (default: one per core). */
  threads?: number;
}

/**
 * Read each file once (see {@link readFileOnce}); results in job order.
 *
 * @example
 * ```ts
 * const [r] = await readFiles([{ path: "/data/a", size: 10, keep: "/store/tmp/1" }]);
 * r.hash;
 * ```
 */
export async function readFiles(jobs: readonly ReadJob[], options: ReadFilesOptions = {}): Promise<ReadResult[]> {
  const total = jobs.reduce((n, j) => n + j.size, 0);
  const threads = Math.min(options.threads ?? availableParallelism(), jobs.length);
  if (total < PARALLEL_MIN_BYTES || threads < 2) {
    const buf = sharedBuffer ??= new Uint8Array(1 << 20);
    return jobs.map((j) => {
      const r = readFileOnce(READ_IO, j, buf);
      options.onDone?.(j);
      return r;
    });
  }
  return await inWorkers(jobs, batchesOf(jobs), { ...options, threads });
}

/**
 * Batches of about 8 MB (or one large file) keep messaging cheap; largest
 * files go first so the workers stay evenly busy to the end.
 */
function batchesOf(jobs: readonly ReadJob[]): number[][] {
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
  return batches;
}

async function inWorkers(
  jobs: readonly ReadJob[],
  batches: number[][],
  options: ReadFilesOptions & { threads: number },
): Promise<ReadResult[]> {
  const results = new Array<ReadResult>(jobs.length);
  let next = 0;
  // Loaded only here: node:worker_threads costs ~15 ms at startup under Deno.
  const { Worker } = await import("node:worker_threads");
  const workers = Array.from({ length: options.threads }, () => new Worker(WORKER_SOURCE, { eval: true }));
  try {
    await Promise.all(workers.map((w) =>
      new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= batches.length) return resolve();
          const batch = next++;
          w.postMessage({ batch, jobs: batches[batch].map((i) => jobs[i]) });
        };
        w.on("message", (m: { batch: number; results: ReadResult[] }) => {
          batches[m.batch].forEach((id, k) => {
            results[id] = m.results[k];
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
  const results = await readFiles(jobs, options);
  return results.map((r, i) => {
    if (r.error !== undefined) throw new Error(`Cannot hash ${jobs[i].path}: ${r.error}`);
    return r.hash;
  });
}
