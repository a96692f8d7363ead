import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
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

/** A contender: waits for the start signal, takes the lock, records its hold, releases. */
const CONTENDER = `
import { appendFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { acquireWorkspaceLock } from ${
  JSON.stringify(new URL("../../../core/workspace/lock.ts", import.meta.url).href)
};
const [ws, go, holder, log] = Deno.args;
writeFileSync(log + "." + Deno.pid + ".ready", "");
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 1));
const lock = await acquireWorkspaceLock(ws, { waitMs: 60000 });
const start = performance.timeOrigin + performance.now();
let alone = true;
try {
  writeFileSync(holder, String(Deno.pid), { flag: "wx" });
} catch {
  alone = false;
}
await new Promise((r) => setTimeout(r, 3));
if (alone) rmSync(holder);
const end = performance.timeOrigin + performance.now();
lock.release();
appendFileSync(log, JSON.stringify({ pid: Deno.pid, start, end, alone }) + "\\n");
`;

async function deadPid(): Promise<number> {
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  return dead.pid;
}

Deno.test("many contenders over many rounds, with stale, empty and garbage locks: never two holders", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  mkdirSync(join(ws, ".git"), { recursive: true });
  const script = join(sb.dir, "contender.ts");
  writeFileSync(script, CONTENDER);
  const stale = { pid: await deadPid(), hostname: hostname(), startedAt: "2020-01-01T00:00:00Z", command: "dws x" };
  const leftovers = [JSON.stringify(stale), "", "{not json", JSON.stringify(stale), "\0\0\0", ""];
  const rounds = 10, contenders = 12;
  for (let round = 0; round < rounds; round++) {
    const dir = join(sb.dir, `round${round}`);
    mkdirSync(dir);
    const [go, holder, log] = ["go", "holder", "log"].map((f) => join(dir, f));
    writeFileSync(lockPath(ws), leftovers[round % leftovers.length]);
    const children = Array.from({ length: contenders }, () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "-A", script, ws, go, holder, log],
        stdout: "null",
        stderr: "piped",
      }).spawn());
    while (readdirSync(dir).filter((f) => f.endsWith(".ready")).length < contenders) {
      await new Promise((r) => setTimeout(r, 10));
    }
    writeFileSync(go, "");
    for (const c of children) {
      const out = await c.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    }
    const holds = readText(log).trim().split("\n").map((l) =>
      JSON.parse(l) as { start: number; end: number; alone: boolean }
    );
    assert.equal(holds.length, contenders);
    assert.ok(holds.every((h) => h.alone), `round ${round}: two holders at once`);
    holds.sort((a, b) => a.start - b.start);
    for (let i = 1; i < holds.length; i++) {
      assert.ok(holds[i].start >= holds[i - 1].end, `round ${round}: holds overlap`);
    }
    assert.ok(!existsSync(lockPath(ws)), "the last holder released the lock");
    assert.deepEqual(readdirSync(join(ws, ".git")), [], "no marker or temporary file is left");
  }
});

Deno.test("an empty or garbage lock file (a full disk, a crash) does not block later commands", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  for (const content of ["", '{"pid": ', "garbage\n"]) {
    writeFileSync(lockPath(ws), content);
    const r = await dwsOk(sb, ["--verbose", "config", "hostname", "h4"], { cwd: ws });
    assert.match(r.stderr, /Removing stale workspace lock that is empty or unreadable/);
    assert.ok(!existsSync(lockPath(ws)));
  }
});
