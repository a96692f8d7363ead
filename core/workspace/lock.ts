/**
 * The workspace lock: two dws processes never write metadata at once. The
 * lock is a file in the workspace's git directory (never tracked, never
 * committed) holding the owner's pid, host, start time and command. A lock
 * whose process is gone is stale and taken over.
 *
 * @module
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ConfigurationError } from "../base/errors.ts";
import { gitDirOf } from "../git/git.ts";
import type { Output } from "../base/output.ts";

/** What a lock file records about its holder. */
export interface LockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Host the holder runs on. */
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  startedAt: string;
  /** The holder's command, shown to processes that wait. */
  command: string;
  /** The holder's process start time from /proc (Linux), to detect pid reuse. */
  processStart?: string;
}

/** A held workspace lock. */
export interface WorkspaceLock {
  /** The lock file. */
  readonly path: string;
  /** Give the lock up (only if this process still holds it). */
  release(): void;
}

/** Options of {@link acquireWorkspaceLock}. */
export interface LockOptions {
  /** How long to wait for another holder; default `DWS_LOCK_TIMEOUT` seconds or 10 s. */
  waitMs?: number;
  /** Shown to a process that finds the lock held. */
  command?: string;
  /** Where to mention the removal of a stale lock (verbose detail). */
  output?: Output;
}

/** The lock file of the workspace at `wsDir`. */
export function lockPath(wsDir: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws.lock");
}

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** True when the holder recorded in `info` is certainly gone. */
export function isStale(info: LockInfo): boolean {
  if (info.hostname !== hostname()) return false;
  if (!isAlive(info.pid)) return true;
  const start = processStart(info.pid);
  return info.processStart !== undefined && start !== undefined && start !== info.processStart;
}

function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockInfo;
  } catch {
    return undefined; // gone, or half written by a holder right now
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Take the workspace lock, waiting up to `waitMs` for another holder.
 *
 * @example
 * ```ts
 * const lock = await acquireWorkspaceLock("/ws");
 * try { ... } finally { lock.release(); }
 * ```
 */
export async function acquireWorkspaceLock(wsDir: string, options: LockOptions = {}): Promise<WorkspaceLock> {
  const path = lockPath(wsDir);
  const waitMs = options.waitMs ?? Number(process.env.DWS_LOCK_TIMEOUT ?? 10) * 1000;
  const mine: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: options.command ?? "dws",
    processStart: processStart(process.pid),
  };
  const text = JSON.stringify(mine);
  const deadline = Date.now() + waitMs;
  for (let delay = 20;; delay = Math.min(delay * 2, 250)) {
    try {
      writeFileSync(path, text, { flag: "wx" });
      return {
        path,
        release() {
          if (readLock(path)?.startedAt === mine.startedAt && readLock(path)?.pid === mine.pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
    }
    const holder = readLock(path);
    if (holder && isStale(holder)) {
      options.output?.debug(`Removing stale workspace lock of process ${holder.pid} (${holder.command})`);
      try {
        unlinkSync(path);
      } catch { /* another process removed it first */ }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder
        ? `process ${holder.pid} on ${holder.hostname} (${holder.command}, since ${holder.startedAt})`
        : "another process";
      throw new ConfigurationError(
        `The workspace is locked by ${who}. Wait for it to finish, or delete ${path} if that process is gone.`,
      );
    }
    await sleep(delay);
  }
}

/**
 * Run `fn` while holding the workspace lock.
 *
 * @example
 * ```ts
 * await withWorkspaceLock("/ws", async () => { ... });
 * ```
 */
export async function withWorkspaceLock<T>(
  wsDir: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireWorkspaceLock(wsDir, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
