/**
 * Reading many files on every core: a small pool of worker threads, each
 * reading files once in 1 MiB chunks with {@link readFileOnce} (hashing them,
 * and keeping their bytes when asked). The worker is inline code so it also
 * works from a single-file bundle: a web worker under Deno, a worker thread
 * under Node.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import {
  fanOutPath,
  makeReadIo,
  moveToKey,
  READ_IO,
  readFileOnce,
  type ReadJob,
  type ReadResult,
  withMode,
} from "./file_read.ts";

/** The functions a reading thread runs, declared under their names here (a bundler may rename them). */
const READER_FUNCTIONS = [makeReadIo, fanOutPath, moveToKey, withMode, readFileOnce]
  .map((f) => `const ${f.name} = ${f.toString()};`)
  .join("\n");

/**
 * Under Deno a web worker (a module): it starts in a third of the time of a
 * `node:worker_threads` one, which matters at every snapshot and restore.
 */
const DENO_READER = `
import * as nodeCrypto from "node:crypto";
${READER_FUNCTIONS}
const io = ${makeReadIo.name}(Deno, undefined, nodeCrypto);
const buf = new Uint8Array(1 << 20);
self.onmessage = ({ data: { batch, jobs } }) => {
  self.postMessage({ batch, results: jobs.map((job) => ${readFileOnce.name}(io, job, buf)) });
};
`;

/** Under Node, a worker thread. */
const NODE_READER = `
const { parentPort } = require("node:worker_threads");
${READER_FUNCTIONS}
const io = ${makeReadIo.name}(undefined, require("node:fs"), require("node:crypto"));
const buf = new Uint8Array(1 << 20);
parentPort.on("message", ({ batch, jobs }) => {
  parentPort.postMessage({ batch, results: jobs.map((job) => ${readFileOnce.name}(io, job, buf)) });
});
`;

/** A batch of jobs for a reading thread, and what it sends back. */
interface BatchIn {
  batch: number;
  jobs: ReadJob[];
}
interface BatchOut {
  batch: number;
  results: ReadResult[];
}

/** A reading thread, whichever the runtime has. */
interface Reader {
  send(message: BatchIn): void;
  listen(onMessage: (m: BatchOut) => void, onError: (e: unknown) => void): void;
  stop(): Promise<void>;
}

/** Start `n` reading threads. */
async function startReaders(n: number): Promise<Reader[]> {
  const deno = (globalThis as { Deno?: unknown }).Deno;
  if (deno && typeof Worker === "function") {
    const url = URL.createObjectURL(new Blob([DENO_READER], { type: "text/javascript" }));
    return Array.from({ length: n }, () => {
      const w = new Worker(url, { type: "module" });
      return {
        send: (m) => w.postMessage(m),
        listen(onMessage, onError) {
          w.onmessage = (e: MessageEvent<BatchOut>) => onMessage(e.data);
          w.onerror = (e) => {
            e.preventDefault();
            onError(new Error(e.message));
          };
        },
        stop: () => Promise.resolve(w.terminate()),
      };
    });
  }
  // Loaded only here: node:worker_threads costs ~15 ms at startup under Deno.
  const { Worker: NodeWorker } = await import("node:worker_threads");
  return Array.from({ length: n }, () => {
    const w = new NodeWorker(NODE_READER, { eval: true });
    return {
      send: (m) => w.postMessage(m),
      listen(onMessage, onError) {
        w.on("message", onMessage);
        w.on("error", onError);
      },
      stop: async () => void await w.terminate(),
    };
  });
}

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
  onDone?: (job: ReadJob, index: number) => void;
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
    return jobs.map((j, i) => {
      const r = readFileOnce(READ_IO, j, buf);
      options.onDone?.(j, i);
      return r;
    });
  }
  return await inWorkers(jobs, batchesOf(jobs.map((j) => j.size)), { ...options, threads });
}

/**
 * Batches of about 8 MB (or one large file) keep messaging cheap; largest
 * files go first so the workers stay evenly busy to the end.
 */
function batchesOf(sizes: readonly number[]): number[][] {
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
  const batches: number[][] = [];
  let current: number[] = [];
  let currentBytes = 0;
  for (const i of order) {
    current.push(i);
    currentBytes += sizes[i];
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
  const readers = await startReaders(options.threads);
  try {
    await Promise.all(readers.map((r) =>
      new Promise<void>((resolve, reject) => {
        const send = () => {
          if (next >= batches.length) return resolve();
          const batch = next++;
          r.send({ batch, jobs: batches[batch].map((i) => jobs[i]) });
        };
        r.listen((m) => {
          batches[m.batch].forEach((id, k) => {
            results[id] = m.results[k];
            options.onDone?.(jobs[id], id);
          });
          send();
        }, reject);
        send();
      })
    ));
  } finally {
    await Promise.all(readers.map((r) => r.stop()));
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
