/**
 * Shared helpers of the snapshot, restore, history, diff and
 * delete-snapshot scenario tests (and the library API tests).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CommandResult, dws, run, type Sandbox, treeSnapshot } from "../test_utils.ts";

/** Metadata folder and manifest folder of a workspace. */
export const MD_DIR = ".dataworkspace/snapshot_metadata";
export const MANIFEST_DIR = ".dataworkspace/snapshots";

/** Run git in `cwd` (sandbox identity) and return stdout; throws on failure. */
export async function git(sb: Sandbox, cwd: string, ...args: string[]): Promise<string> {
  return (await run(sb, ["git", ...args], { cwd })).stdout;
}

/** Commit subjects, newest first. */
export async function logSubjects(sb: Sandbox, repo: string): Promise<string[]> {
  return (await git(sb, repo, "log", "--format=%s")).trim().split("\n");
}

/** The HEAD commit of a repository. */
export async function head(sb: Sandbox, repo: string): Promise<string> {
  return (await git(sb, repo, "rev-parse", "HEAD")).trim();
}

/** Everything that must not change when a command fails (tree, log, status, HEAD of each folder). */
export async function state(sb: Sandbox, dirs: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const d of dirs) {
    const isRepo = existsSync(join(d, ".git"));
    out[d] = {
      tree: treeSnapshot(d),
      log: isRepo ? await git(sb, d, "log", "--format=%H %s", "--all") : "",
      status: isRepo ? await git(sb, d, "status", "--porcelain", "--untracked-files=all") : "",
      head: isRepo ? readFileSync(join(d, ".git", "HEAD"), "utf8") : "",
    };
  }
  return out;
}

/** stderr is exactly one line ending with a newline. */
export function assertOneLine(r: CommandResult): void {
  assert.ok(r.stderr.endsWith("\n"), `stderr should end with a newline: ${JSON.stringify(r.stderr)}`);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `stderr should be one line:\n${r.stderr}`);
}

/**
 * Run a dws command that must fail with `code` (default 1) and a one-line
 * stderr matching `stderr`, leaving the workspace (and `also`) exactly as it was.
 */
export async function expectFailure(
  sb: Sandbox,
  ws: string,
  args: string[],
  expected: { stderr: RegExp; code?: number; stdin?: string; also?: string[] },
): Promise<CommandResult> {
  const dirs = [ws, ...(expected.also ?? [])];
  const before = await state(sb, dirs);
  const r = await dws(sb, args, { cwd: ws, stdin: expected.stdin });
  assert.equal(r.code, expected.code ?? 1, `dws ${args.join(" ")}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assertOneLine(r);
  assert.match(r.stderr.trimEnd(), expected.stderr);
  assert.deepEqual(await state(sb, dirs), before, `dws ${args.join(" ")} changed the workspace`);
  return r;
}

/** The hash reported by a successful `dws snapshot`. */
export function snapshotHash(r: CommandResult): string {
  const m = /hash is ([0-9a-f]{40})\.\n$/.exec(r.stdout);
  assert.ok(m, `no hash in snapshot output:\n${r.stdout}`);
  return m[1];
}

/** The parsed metadata file of snapshot `hash`. */
export function metadata(ws: string, hash: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(ws, MD_DIR, `${hash}_md.json`), "utf8"));
}

/** The parsed manifest of snapshot `hash`. */
export function manifest(ws: string, hash: string): Record<string, unknown>[] {
  return JSON.parse(readFileSync(join(ws, MANIFEST_DIR, `snapshot-${hash}.json`), "utf8"));
}

/** Hashes of the snapshots with a metadata file. */
export function snapshotHashes(ws: string): string[] {
  const dir = join(ws, MD_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith("_md.json")).map((f) => f.slice(0, 40)).sort();
}

/** Every file under `dir` (relative paths, sorted), with its permission bits. */
export function filesWithModes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out[r] = statSync(join(d, e.name)).mode & 0o777;
    }
  };
  walk(dir, "");
  return out;
}

/** The folders under `dir` (relative paths, sorted). */
export function foldersUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      walk(join(d, e.name), r);
    }
  };
  walk(dir, "");
  return out.sort();
}
