/**
 * The workspace lock: two dws processes never write metadata at once. The
 * lock is a file in the workspace's git directory (never tracked, never
 * committed) holding the owner's pid, host, start time and command. A lock
 * whose process is gone, or that is empty or unreadable, is stale and taken
 * over; creating and taking over are atomic, so there is never more than one
 * holder.
 *
 * @module
 */
import {
  closeSync,
  fstatSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
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

/** What is at the lock path now: its bytes and inode, or nothing. */
interface LockFile {
  text: string;
  ino: number;
  /** The holder, or undefined when the file is empty or not a lock (a full disk, an old crash). */
  info?: LockInfo;
}

function readLockFile(path: string): LockFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    if (errorCode(e) === "ENOENT") return undefined;
    throw e;
  }
  try {
    const text = readFileSync(fd, "utf8");
    return { text, ino: fstatSync(fd).ino, info: parseLockInfo(text) };
  } finally {
    closeSync(fd);
  }
}

function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info?.pid === "number" && typeof info.hostname === "string" ? info : undefined;
  } catch {
    return undefined;
  }
}

const errorCode = (e: unknown) => (e as { code?: string }).code;

/**
 * Create the lock file with `text` only if there is none. The text is
 * written to a file of its own first and linked into place, so a lock file
 * is never seen empty or half written (a full disk fails here, leaving none).
 */
function tryCreateLock(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: "wx" });
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if (errorCode(e) === "EEXIST") return false;
    if (errorCode(e) !== "EPERM" && errorCode(e) !== "ENOTSUP") throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  // A file system without hard links: exclusive create (not atomic with the content).
  try {
    writeFileSync(path, text, { flag: "wx" });
    return true;
  } catch (e) {
    if (errorCode(e) === "EEXIST") return false;
    throw e;
  }
}

/** Seconds after which a takeover marker whose taker must have died is cleared. */
const MARKER_STALE_MS = 10_000;

/**
 * Remove the stale lock `seen` (true when done), atomically with respect to other takers and
 * new holders: the taker first hard-links the lock to `<lock>.takeover`
 * (only one can), then checks that the marker is still the stale file (not
 * a lock taken since) before removing it.
 */
function takeOverStaleLock(path: string, seen: LockFile): boolean {
  const marker = `${path}.takeover`;
  try {
    linkSync(path, marker);
  } catch (e) {
    if (errorCode(e) === "EEXIST") clearLeftoverMarker(path, marker);
    else if (errorCode(e) !== "ENOENT") throw e;
    return false;
  }
  const linked = readLockFile(marker);
  try {
    if (linked?.ino !== seen.ino || linked.text !== seen.text) return false;
    unlinkSync(path);
    return true;
  } finally {
    if (readLockFile(marker)?.ino === linked?.ino) rmSync(marker, { force: true });
  }
}

/** Remove a takeover marker left by a taker that finished or died. */
function clearLeftoverMarker(path: string, marker: string): void {
  try {
    const m = statSync(marker);
    const lock = statSync(path, { throwIfNoEntry: false });
    if (lock?.ino !== m.ino || Date.now() - m.ctimeMs > MARKER_STALE_MS) unlinkSync(marker);
  } catch (e) {
    if (errorCode(e) !== "ENOENT") throw e;
  }
}

/** True when the lock file `f` certainly has no live holder (none recorded, or gone). */
function isStaleFile(f: LockFile): boolean {
  return f.info === undefined || isStale(f.info);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lockInfo(command: string): LockInfo {
  return {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command,
    processStart: processStart(process.pid),
  };
}

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
  const text = JSON.stringify(lockInfo(options.command ?? "dws"));
  const deadline = Date.now() + waitMs;
  for (let delay = 20;; delay = Math.min(delay * 2, 250)) {
    if (tryCreateLock(path, text)) {
      return {
        path,
        release() {
          if (readLockFile(path)?.text === text) unlinkSync(path);
        },
      };
    }
    const held = readLockFile(path);
    if (!held) continue;
    if (isStaleFile(held)) {
      const who = held.info ? `of process ${held.info.pid} (${held.info.command})` : "that is empty or unreadable";
      options.output?.debug(`Removing stale workspace lock ${who}`);
      if (!takeOverStaleLock(path, held)) await sleep(5);
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(path, held.info!);
    await sleep(delay * (0.5 + Math.random()));
  }
}

function lockedError(path: string, holder: LockInfo): ConfigurationError {
  return new ConfigurationError(
    `The workspace is locked by process ${holder.pid} on ${holder.hostname} (${holder.command}, since ${holder.startedAt}). ` +
      `Wait for it to finish, or delete ${path} if that process is gone.`,
  );
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
