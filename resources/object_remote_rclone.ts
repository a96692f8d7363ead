/**
 * The rclone backend of object remotes (`object_store.remote` = `remote:path`):
 * any storage rclone reaches, with rclone's own configuration (`RCLONE_CONFIG`
 * or its default config file). A batch is one `rclone copy` with 8 parallel
 * transfers. Writes go to `incoming/<session>/` first and are then moved into
 * place (a rename on local and SFTP remotes, a server-side copy on object
 * stores), so no file is ever seen half-written, whatever the rclone backend.
 * The first push of a process removes the sessions and staging folders that
 * interrupted pushes left (their process gone, or older than a day).
 *
 * @module
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import process from "node:process";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { ConfigurationError, RCloneException, SubprocessError } from "../core/base/errors.ts";
import { TRANSFER_CONCURRENCY } from "../core/store/object_remote.ts";
import type { BackendOptions, RemoteBackend, RemoteFile } from "../core/workspace/remote_backend.ts";
import { runProgram } from "../core/base/subprocess.ts";
import { isStale } from "../core/workspace/lock.ts";

const MISSING_RCLONE = "rclone is not installed: install it (for example 'apt-get install rclone') and try again";

/** Run rclone for the remote `location`, its failures translated into one clear line. */
function rcloneRunner(location: string, options: BackendOptions) {
  return async (args: string[], allowFailure = false) => {
    try {
      return await runProgram(options.ctx, ["rclone", ...args], { cwd: options.tmpDir, allowFailure });
    } catch (e) {
      if (e instanceof SubprocessError) {
        const lines = e.stderr.split("\n").map((l) => l.trim()).filter((l) => l && !/NOTICE/.test(l));
        const detail = lines.findLast((l) => /ERROR|Failed|error/.test(l)) ?? lines.at(-1) ?? `exit code ${e.code}`;
        throw new RCloneException(
          `rclone ${args[0]} on object remote ${location} failed: ${detail}; check the remote with ` +
            `'rclone lsd' and the rclone config file (RCLONE_CONFIG)`,
        );
      }
      if (e instanceof ConfigurationError) throw new RCloneException(MISSING_RCLONE);
      throw e;
    }
  };
}

/**
 * A backend for the rclone location `remote:path`.
 *
 * @example
 * ```ts
 * const backend = rcloneBackend("team:datasets/ws1", { ctx, tmpDir: "/ws/scratch/objects/tmp" });
 * ```
 */
export function rcloneBackend(location: string, options: BackendOptions): RemoteBackend {
  const root = location.replace(/\/+$/, "");
  const at = (path: string) => (root.endsWith(":") || root.endsWith("/") ? root + path : `${root}/${path}`);

  const rclone = rcloneRunner(location, options);
  const transferFlags = ["--transfers", String(TRANSFER_CONCURRENCY), "--no-traverse"];
  let cleaned: Promise<void> | undefined;

  return {
    location,
    batch: { files: 5000, bytes: 512 * 1024 * 1024 },
    async list() {
      mkdirSync(options.tmpDir, { recursive: true });
      const r = await rclone(["lsf", "-R", "--files-only", root], true);
      if (r.code !== 0) {
        // Exit code 3: the root does not exist yet (nothing pushed).
        if (r.code === 3 || /directory not found/i.test(r.stderr)) return [];
        await rclone(["lsf", "-R", "--files-only", root]); // throws the translated error
      }
      return r.stdout.split("\n").filter((l) => l && !l.startsWith("incoming/"));
    },
    async put(files: readonly RemoteFile[], done: (file: RemoteFile) => void) {
      if (!files.length) return;
      cleaned ??= cleanAbandoned(options.tmpDir, {
        list: (dir) => rclone(["lsf", "--dirs-only", dir], true),
        at,
        rclone,
      });
      await cleaned;
      const session = newSession();
      const stage = join(options.tmpDir, `rclone-put-${session}`);
      try {
        for (const f of files) {
          const dest = join(stage, f.path);
          mkdirSync(dirname(dest), { recursive: true });
          if (f.data) writeFileSync(dest, f.data);
          else {
            try {
              linkSync(f.file!, dest);
            } catch {
              copyFileSync(f.file!, dest);
            }
          }
        }
        const incoming = at(`incoming/${session}`);
        await rclone(["copy", stage, incoming, ...transferFlags]);
        // One move per top folder: moving incoming/<session> onto the root itself would overlap.
        for (const top of new Set(files.map((f) => f.path.split("/")[0]))) {
          await rclone(["move", `${incoming}/${top}`, at(top), ...transferFlags, "--delete-empty-src-dirs"]);
        }
        await rclone(["rmdirs", incoming], true);
        for (const f of files) done(f);
      } finally {
        rmSync(stage, { recursive: true, force: true });
      }
    },
    async get(paths: readonly string[], dir: string, done: (path: string) => void) {
      if (!paths.length) return;
      mkdirSync(dir, { recursive: true });
      const list = join(dir, `.files-${randomUUID()}`);
      writeFileSync(list, paths.join("\n") + "\n");
      try {
        await rclone(["copy", root, dir, "--files-from-raw", list, ...transferFlags]);
      } finally {
        rmSync(list, { force: true });
      }
      // rclone skips names it cannot find; the caller notices what did not arrive.
      for (const p of paths) if (existsSync(join(dir, p))) done(p);
    },
  };
}

/** Sessions older than this are abandoned, whoever started them. */
const ABANDONED_AFTER_MS = 24 * 3600 * 1000;

/** A push session's name: start time (epoch seconds), host and pid tell whether it is abandoned. */
function newSession(): string {
  return `${Math.floor(Date.now() / 1000)}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** True when the session `name` certainly belongs to no running push. */
function isAbandoned(name: string): boolean {
  const m = /^(\d+)-(.+)-(\d+)-[0-9a-f]{8}$/.exec(name);
  // Names of older dws versions (a bare UUID) carry nothing to check: sessions that old are gone.
  if (!m) return true;
  if (Date.now() - Number(m[1]) * 1000 > ABANDONED_AFTER_MS) return true;
  return isStale({ pid: Number(m[3]), hostname: m[2], startedAt: "", command: "dws push" });
}

/** What {@link cleanAbandoned} needs of the backend. */
interface RcloneAccess {
  list(dir: string): Promise<{ code: number | null; stdout: string }>;
  at(path: string): string;
  rclone(args: string[], allowFailure?: boolean): Promise<unknown>;
}

/**
 * Remove what interrupted pushes left: their `incoming/<session>/` folders
 * on the remote and their staging folders in `tmpDir`, unless that push may
 * still be running.
 */
async function cleanAbandoned(tmpDir: string, remote: RcloneAccess): Promise<void> {
  if (existsSync(tmpDir)) {
    for (const name of readdirSync(tmpDir)) {
      const m = /^rclone-put-(.+)$/.exec(name);
      if (m && isAbandoned(m[1])) rmSync(join(tmpDir, name), { recursive: true, force: true });
    }
  }
  const r = await remote.list(remote.at("incoming"));
  if (r.code !== 0) return; // no incoming/ yet
  for (const dir of r.stdout.split("\n").filter((l) => l.endsWith("/"))) {
    if (isAbandoned(dir.slice(0, -1))) await remote.rclone(["purge", remote.at(`incoming/${dir.slice(0, -1)}`)], true);
  }
}
