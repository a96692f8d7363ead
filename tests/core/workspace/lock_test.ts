import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "../../../core/base/errors.ts";
import { acquireWorkspaceLock, isStale, lockPath, withWorkspaceLock } from "../../../core/workspace/lock.ts";
import { dws, dwsOk, initWorkspace, readJson, readText, sandbox } from "../../test_utils.ts";

Deno.test("the lock lives in the git directory, never in tracked files", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  assert.equal(lockPath(ws), join(ws, ".git", "dws.lock"));
  await withWorkspaceLock(ws, () => {
    assert.ok(existsSync(lockPath(ws)));
    const info = readJson(lockPath(ws)) as { pid: number; hostname: string };
    assert.equal(info.pid, Deno.pid);
    assert.equal(info.hostname, hostname());
    return Promise.resolve();
  });
  assert.ok(!existsSync(lockPath(ws)));
});

Deno.test("a second holder waits briefly, then fails with a clear message", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const lock = await acquireWorkspaceLock(ws, { command: "dws snapshot" });
  try {
    await assert.rejects(
      () => acquireWorkspaceLock(ws, { waitMs: 150 }),
      (e: Error) => e instanceof ConfigurationError && /locked by process \d+ .*dws snapshot/.test(e.message),
    );
    const before = readText(join(ws, ".dataworkspace/local_params.json"));
    const r = await dws(sb, ["config", "hostname", "other"], { cwd: ws, env: { DWS_LOCK_TIMEOUT: "0.3" } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`locked by process ${Deno.pid} .*delete .*dws\\.lock if that process is gone`));
    assert.equal(readText(join(ws, ".dataworkspace/local_params.json")), before);
  } finally {
    lock.release();
  }
  await dwsOk(sb, ["config", "hostname", "other"], { cwd: ws });
  assert.deepEqual(readJson(join(ws, ".dataworkspace/local_params.json")), { hostname: "other" });
});

Deno.test("a stale lock left by a dead process is taken over", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  const info = { pid: dead.pid, hostname: hostname(), startedAt: new Date().toISOString(), command: "dws snapshot" };
  assert.ok(isStale(info));
  writeFileSync(lockPath(ws), JSON.stringify(info));
  const r = await dwsOk(sb, ["--verbose", "config", "hostname", "h3"], { cwd: ws });
  assert.match(r.stderr, new RegExp(`Removing stale workspace lock of process ${dead.pid}`));
  assert.ok(!existsSync(lockPath(ws)));
  // A live process on another host is never considered stale.
  assert.ok(!isStale({ ...info, hostname: "some-other-host" }));
  assert.ok(!isStale({ ...info, pid: Deno.pid }));
});

Deno.test("two concurrent dws processes both succeed; neither update is lost", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const dirs = ["d1", "d2", "d3"].map((d) => join(sb.dir, d));
  dirs.forEach((d) => mkdirSync(d));
  const results = await Promise.all(
    dirs.map((d) => dws(sb, ["--batch", "add", "local-files", "--role", "source-data", d], { cwd: ws })),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const names = (readJson(join(ws, ".dataworkspace/resources.json")) as { name: string }[]).map((r) => r.name).sort();
  assert.deepEqual(names, ["d1", "d2", "d3"]);
  assert.deepEqual(
    Object.keys(readJson(join(ws, ".dataworkspace/resource_local_params.json")) as object).sort(),
    ["d1", "d2", "d3"],
  );
});
