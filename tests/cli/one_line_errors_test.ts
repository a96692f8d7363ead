/**
 * Failures a user meets on a real machine end in one clear line with exit 1,
 * never a stack trace (issue 14.12): a full disk, names too long, a report
 * into a missing folder, huge results, git's leftover lock file.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, type Sandbox, sandbox } from "../test_utils.ts";
import { assertOneLine, expectFailure, git } from "./snapshot_helpers.ts";

/** Run `fn` with a small tmpfs mounted at `dir` (needs root; skipped without, unless CI requires it). */
async function withSmallDisk(dir: string, size: string, fn: () => Promise<void>): Promise<boolean> {
  mkdirSync(dir, { recursive: true });
  const mount = new Deno.Command("mount", { args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir] })
    .outputSync();
  if (!mount.success) {
    if (Deno.env.get("DWS_REQUIRE_TOOLS") === "1") throw new Error("cannot mount a tmpfs (CI runs as root)");
    console.warn("SKIPPED: cannot mount a tmpfs here (needs root)");
    return false;
  }
  try {
    await fn();
  } finally {
    new Deno.Command("umount", { args: ["-l", dir] }).outputSync();
  }
  return true;
}

function noStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `a stack trace was printed:\n${stderr}`);
}

Deno.test("a full disk during a snapshot: one line, nothing staged, later commands work", async () => {
  using sb = sandbox();
  const data = join(sb.dir, "data");
  mkdirSync(data);
  // Incompressible, larger than the disk the workspace is on.
  const big = new Uint8Array(6 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 65536) crypto.getRandomValues(big.subarray(i, i + 65536));
  writeFileSync(join(data, "big.bin"), big);
  await withSmallDisk(join(sb.dir, "small"), "3m", async () => {
    const ws = await initWorkspace(sb, "small/ws");
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
    const r = await dws(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r);
    noStackTrace(r.stderr);
    assert.match(r.stderr, /No space left on the device.*free some space, then run the command again/);
    assert.equal(await git(sb, ws, "status", "--porcelain"), "", "nothing staged or left behind in git");
    assert.deepEqual(readdirSync(join(ws, ".dataworkspace", "snapshot_metadata")), []);
    // The user frees space (the object store's half-written temporary file, if the store left one).
    rmSync(join(ws, "scratch", "objects", "tmp"), { recursive: true, force: true });
    await dwsOk(sb, ["report", "status"], { cwd: ws });
  });
});

Deno.test("a full disk never leaves an empty workspace lock behind", async () => {
  using sb = sandbox();
  await withSmallDisk(join(sb.dir, "small"), "2m", async () => {
    const ws = await initWorkspace(sb, "small/ws");
    // Fill the disk to the last byte.
    const filler = join(sb.dir, "small", "filler");
    try {
      writeFileSync(filler, new Uint8Array(4 * 1024 * 1024));
    } catch { /* full */ }
    const r = await dws(sb, ["config", "hostname", "other"], { cwd: ws });
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r);
    assert.match(r.stderr, /No space left on the device/);
    assert.deepEqual(readdirSync(join(ws, ".git")).filter((f) => f.startsWith("dws.lock")), []);
    rmSync(filler);
    await dwsOk(sb, ["config", "hostname", "other"], { cwd: ws });
  });
});

Deno.test("names too long for the file system are refused up front", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  writeFileSync(join(ws, "results", "out.txt"), "run 1\n");
  const tag = Array.from({ length: 5 }, (_, i) => `${i}${"a".repeat(59)}`).join(".");
  await expectFailure(sb, ws, ["--batch", "snapshot", tag], {
    stderr: /results folder of this snapshot cannot be made: .* longer than 200 bytes; use a shorter tag/,
  });
  const data = join(sb.dir, "data");
  mkdirSync(data);
  await expectFailure(sb, ws, [
    "--batch",
    "add",
    "local-files",
    "--role",
    "source-data",
    "--name",
    "n".repeat(300),
    data,
  ], {
    stderr: /Invalid resource name .* at most 200 bytes/,
  });
});

Deno.test("report html into a missing folder and report results of 200,000 metrics", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  await expectFailure(sb, ws, ["report", "html", join(sb.dir, "missing", "report.html")], {
    stderr: /The folder .*missing of the report does not exist: create it first/,
  });
  const metrics = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`m${i}`, i / 7]));
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics }));
  const r = await dwsOk(sb, ["report", "results"], { cwd: ws });
  assert.match(r.stdout, /\| m199999 \| 28571\.3 \|/);
});

Deno.test("git's leftover index.lock is named, with the fix", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  writeFileSync(join(ws, "results", "out.txt"), "run 1\n");
  writeFileSync(join(ws, ".git", "index.lock"), "");
  const lock = join(ws, ".git", "index.lock");
  const r = await dws(sb, ["--batch", "snapshot"], { cwd: ws });
  assert.equal(r.code, 1);
  assertOneLine(r);
  assert.ok(
    r.stderr.includes(
      `git's lock file ${lock} exists: another git process is running, or one crashed; if none is running, delete ${lock}`,
    ),
    r.stderr,
  );
});

Deno.test("a system error dws did not foresee is one line naming the path; --verbose adds the stack", async () => {
  using sb: Sandbox = sandbox();
  const ws = await initWorkspace(sb);
  // A folder where the report goes: the final rename fails with EISDIR deep in the atomic write.
  mkdirSync(join(ws, "out.html"));
  const before = readdirSync(ws).sort();
  const r = await dws(sb, ["report", "html", "out.html"], { cwd: ws });
  assert.equal(r.code, 1);
  assertOneLine(r);
  noStackTrace(r.stderr);
  assert.equal(
    r.stderr,
    `Error: ${join(ws, "out.html")} is a folder where a file was expected: move the folder away\n`,
  );
  assert.deepEqual(readdirSync(ws).sort(), before, "no temporary file is left");
  const verbose = await dws(sb, ["--verbose", "report", "html", "out.html"], { cwd: ws });
  assert.equal(verbose.code, 1);
  assert.match(verbose.stderr, /^\s+at /m, "--verbose shows the stack");
});
