/**
 * Copying objects out of the store with their SHA-1 checked on the way
 * (one read of each object, no second pass), on every core: a small pool of
 * worker threads for large restores, the calling thread for small ones.
 *
 * @module
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import process from "node:process";

/** One object to copy out. */
export interface CopyJob {
  /** The object's file in the store. */
  src: string;
  /** The new file to write (must not exist). */
  dest: string;
  /** The object's key: the SHA-1 its content must have. */
  key: string;
  /** Size in bytes, as listed. */
  size: number;
  /** Mode of the new file. */
  mode: number;
}

type CopyFs = Pick<typeof fs, "openSync" | "readSync" | "writeSync" | "fchmodSync" | "closeSync" | "unlinkSync">;

/** How copying one object out went. */
export type CopyOutcome = "ok" | "corrupt" | "missing";

/**
 * Copy `job.src` to the new file `job.dest` while hashing it; `corrupt` (and
 * no `dest`) when the content does not have SHA-1 `job.key`, `missing` when
 * the store lacks the object. Self-contained (its dependencies are
 * arguments) because its source text is also what the worker threads run:
 * one implementation for both.
 */
export function copyVerified(
  nodeFs: CopyFs,
  sha1: typeof createHash,
  buf: Uint8Array,
  job: CopyJob & { chmod: boolean },
): CopyOutcome {
  let input;
  try {
    input = nodeFs.openSync(job.src, "r");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return "missing";
    throw e;
  }
  let ok = false;
  try {
    const output = nodeFs.openSync(job.dest, "wx", job.mode);
    try {
      const hash = sha1("sha1");
      // Reading stops at the listed size: an object with the right SHA-1 there has the right content.
      for (let total = 0; total < job.size;) {
        const n = nodeFs.readSync(input, buf, 0, Math.min(buf.length, job.size - total), null);
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        for (let off = 0; off < n;) off += nodeFs.writeSync(output, chunk, off);
        total += n;
      }
      ok = hash.digest("hex") === job.key;
      if (ok && job.chmod) nodeFs.fchmodSync(output, job.mode);
    } finally {
      nodeFs.closeSync(output);
    }
  } finally {
    nodeFs.closeSync(input);
  }
  if (!ok) nodeFs.unlinkSync(job.dest);
  return ok ? "ok" : "corrupt";
}

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const copyVerified = ${copyVerified.toString()};
const buf = new Uint8Array(1 << 20);
parentPort.on("message", ({ batch, jobs }) => {
  const outcomes = [];
  try {
    for (const job of jobs) outcomes.push(copyVerified(fs, createHash, buf, job));
  } catch (e) {
    return parentPort.postMessage({ batch, error: String(e && e.message || e) });
  }
  parentPort.postMessage({ batch, outcomes });
});
`;

/** Below this much data, starting workers costs more than it saves. */
const PARALLEL_MIN_BYTES = 64 << 20;
const BATCH_BYTES = 8 << 20;
const BATCH_FILES = 256;

/** Whether a file created with `mode` needs a chmod: the umask would take bits away. */
function chmodFlag(): (job: CopyJob) => CopyJob & { chmod: boolean } {
  const umask = process.umask();
  return (job) => ({ ...job, chmod: (job.mode & ~umask) !== job.mode || job.mode > 0o777 });
}

function batchesOf(jobs: readonly CopyJob[]): CopyJob[][] {
  const batches: CopyJob[][] = [];
  let current: CopyJob[] = [];
  let bytes = 0;
  for (const job of jobs) {
    current.push(job);
    bytes += job.size;
    if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) batches.push(current);
  return batches;
}

/** Run the batches on `threads` workers; `onBatch` after each. */
async function inWorkers(
  batches: CopyJob[][],
  threads: number,
  onBatch: (jobs: CopyJob[], outcomes: CopyOutcome[]) => void,
): Promise<void> {
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
          w.postMessage({ batch, jobs: batches[batch] });
        };
        w.on("message", (m: { batch: number; outcomes?: CopyOutcome[]; error?: string }) => {
          if (m.error !== undefined) return reject(new Error(`Cannot restore a file: ${m.error}`));
          onBatch(batches[m.batch], m.outcomes!);
          send();
        });
        w.on("error", reject);
        send();
      })
    ));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The objects that could not be copied out. */
export interface CopyProblems {
  /** Keys whose content did not match (their files were not written). */
  corrupt: string[];
  /** Keys the store lacks. */
  missing: string[];
}

/**
 * Copy every job's object out, checking its SHA-1; returns the objects
 * that could not be. `onDone` is called as files complete (for progress).
 *
 * @example
 * ```ts
 * const bad = await copyObjectsOut([{ src: store.path(k), dest: "/data/.tmp/0", key: k, size: 10, mode: 0o644 }]);
 * ```
 */
export async function copyObjectsOut(
  jobs: readonly CopyJob[],
  options: { onDone?: (files: number, bytes: number) => void; threads?: number } = {},
): Promise<CopyProblems> {
  const withChmod = chmodFlag();
  const total = jobs.reduce((n, j) => n + j.size, 0);
  const threads = Math.min(options.threads ?? availableParallelism(), jobs.length);
  const problems: CopyProblems = { corrupt: [], missing: [] };
  const done = (batch: CopyJob[], outcomes: CopyOutcome[]) => {
    outcomes.forEach((o, i) => o !== "ok" && problems[o].push(batch[i].key));
    options.onDone?.(batch.length, batch.reduce((n, j) => n + j.size, 0));
  };
  if (total < PARALLEL_MIN_BYTES || threads < 2) {
    const buf = new Uint8Array(1 << 20);
    for (const job of jobs) done([job], [copyVerified(fs, createHash, buf, withChmod(job))]);
    return problems;
  }
  await inWorkers(batchesOf(jobs.map(withChmod)), threads, done);
  return problems;
}
