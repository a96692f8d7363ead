/**
 * Copying objects out of the store with their SHA-1 checked on the way:
 * one read of each object, no second pass. The copies run on the hashing
 * workers (core/hash/pool.ts), one per core, each reading, hashing and
 * writing a file in one go, as a snapshot stores files.
 *
 * @module
 */
import { existsSync, rmSync } from "node:fs";
import { ConfigurationError, systemErrorMessage } from "../base/errors.ts";
import type { ReadJob, ReadResult, StatTuple } from "../hash/file_read.ts";
import { readFiles } from "../hash/pool.ts";

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

/** How copying one object out went. */
export type CopyOutcome = "ok" | "corrupt" | "missing";

/** The objects that could not be copied out, and the stat of each file that was. */
export interface CopyProblems {
  /** Keys whose content did not match (their files were not written). */
  corrupt: string[];
  /** Keys the store lacks. */
  missing: string[];
  /** The stat of each file written, by its `dest`, as it is now (its mode set). */
  written: Map<string, StatTuple>;
}

/** What a finished copy means: the file is right (given its mode), or gone again. */
function outcomeOf(job: CopyJob, r: ReadResult): CopyOutcome {
  if (r.error !== undefined) {
    if (r.code === "ENOENT" && !existsSync(job.src)) return "missing";
    const system = systemErrorMessage({ code: r.code, path: job.dest });
    throw new ConfigurationError(system ?? `Cannot copy object ${job.key} to ${job.dest}: ${r.error}`);
  }
  if (r.hash !== job.key) {
    rmSync(job.dest, { force: true });
    return "corrupt";
  }
  return "ok";
}

/**
 * Copy every job's object out, checking its SHA-1; returns the objects
 * that could not be (their files are not left behind). `onDone` is called
 * as files complete (for progress).
 *
 * @example
 * ```ts
 * const { corrupt } = await copyObjectsOut([{ src: store.path(k), dest: "/data/.tmp/0", key: k, size: 10, mode: 0o644 }]);
 * ```
 */
export async function copyObjectsOut(
  jobs: readonly CopyJob[],
  options: { onDone?: (job: CopyJob) => void } = {},
): Promise<CopyProblems> {
  const reads: ReadJob[] = jobs.map((j) => ({ path: j.src, size: j.size, keep: j.dest, mode: j.mode }));
  const byRead = new Map(reads.map((r, i) => [r, jobs[i]]));
  const results = await readFiles(reads, { onDone: (r) => options.onDone?.(byRead.get(r)!) });
  const problems: CopyProblems = { corrupt: [], missing: [], written: new Map() };
  jobs.forEach((job, i) => {
    const outcome = outcomeOf(job, results[i]);
    if (outcome !== "ok") problems[outcome].push(job.key);
    else problems.written.set(job.dest, results[i].keptStat!);
  });
  return problems;
}

/**
 * Copy `job.src` to the new file `job.dest` while hashing it: `corrupt`
 * (and no `dest`) when the content does not have SHA-1 `job.key`,
 * `missing` when the store lacks the object.
 *
 * @example
 * ```ts
 * await copyVerified({ src: store.path(k), dest: "/data/.tmp/0", key: k, size: 10, mode: 0o644 }); // "ok"
 * ```
 */
export async function copyVerified(job: CopyJob): Promise<CopyOutcome> {
  const problems = await copyObjectsOut([job]);
  return problems.corrupt.length ? "corrupt" : problems.missing.length ? "missing" : "ok";
}
