/**
 * The library API (`takeSnapshot`, `getSnapshotHistory`, `restore`,
 * `deleteSnapshot`) called in-process from `mod.ts` (spec §16).
 *
 * The API runs git as this process does, so each test points git at the
 * sandbox's configuration (identity, default branch) through
 * `GIT_CONFIG_GLOBAL`/`GIT_CONFIG_NOSYSTEM` for its duration. HOME is left
 * alone: other test files running at the same time derive their Deno cache
 * from it. Workspaces are set up with the real command line.
 */
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ConfigurationError,
  deleteSnapshot,
  getSnapshotHistory,
  type MemoryOutput,
  memoryOutput,
  restore,
  takeSnapshot,
} from "../../../mod.ts";
import { dwsOk, initWorkspace, readText, type Sandbox, sandbox } from "../../test_utils.ts";
import { git, logSubjects, metadata, snapshotHashes } from "../../cli/snapshot_helpers.ts";

const GIT_VARS = ["GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"] as const;

/** Run `fn` with git configured from the sandbox, restoring the environment afterwards. */
async function withSandboxGit<T>(sb: Sandbox, fn: () => Promise<T>): Promise<T> {
  const saved = GIT_VARS.map((k) => [k, Deno.env.get(k)] as const);
  for (const k of GIT_VARS) Deno.env.set(k, sb.env[k]);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}

async function workspace(sb: Sandbox): Promise<string> {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "train.py"), "V1\n");
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.5 } }));
  return ws;
}

Deno.test("api: takeSnapshot and getSnapshotHistory (numbers, order, maxCount, metrics)", async () => {
  using sb = sandbox();
  const ws = await workspace(sb);
  const out: MemoryOutput = memoryOutput();
  const context = { output: out };
  await withSandboxGit(sb, async () => {
    const h1 = await takeSnapshot({ workspaceDir: ws, tag: "V1", message: "first", context });
    assert.match(h1, /^[0-9a-f]{40}$/);
    assert.deepEqual(out.lines.filter((l) => l.level === "info").map((l) => l.message), [
      "[snapshot] Taking snapshot of resource code",
      "[snapshot] Taking snapshot of resource results",
      "[shapshot] all resources snapshotted successfully.",
      `Have successfully taken snapshot of workspace, tagged with 'V1', hash is ${h1}.`,
    ]);
    assert.equal(readText(join(ws, "results/snapshots/testhost-V1/results.json")), '{"metrics":{"accuracy":0.5}}');

    writeFileSync(join(ws, "code", "train.py"), "V2\n");
    writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.75 } }));
    const h2 = await takeSnapshot({ workspaceDir: ws, tag: "V2", message: "second", context });
    writeFileSync(join(ws, "code", "train.py"), "V3\n");
    const h3 = await takeSnapshot({ workspaceDir: ws, context });
    assert.deepEqual(snapshotHashes(ws), [h1, h2, h3].sort());
    assert.equal(await git(sb, ws, "log", "-1", "--format=%an <%ae>"), "Test User <test@example.com>\n");
    assert.equal(await git(sb, ws, "status", "--porcelain"), "");

    const all = getSnapshotHistory({ workspaceDir: ws });
    assert.deepEqual(all.map((e) => e.snapshotNumber), [1, 2, 3]);
    assert.deepEqual(all.map((e) => e.hash), [h1, h2, h3]);
    assert.deepEqual(all.map((e) => e.tags), [["V1"], ["V2"], []]);
    assert.deepEqual(all.map((e) => e.message), ["first", "second", ""]);
    assert.deepEqual(all.map((e) => e.metrics), [{ accuracy: 0.5 }, { accuracy: 0.75 }, null]);
    assert.deepEqual(all.map((e) => e.timestamp), [h1, h2, h3].map((h) => metadata(ws, h).timestamp));

    const rev = getSnapshotHistory({ workspaceDir: ws, reverse: true });
    assert.deepEqual(rev.map((e) => [e.snapshotNumber, e.hash]), [[3, h3], [2, h2], [1, h1]]);
    const last2 = getSnapshotHistory({ workspaceDir: ws, reverse: true, maxCount: 2 });
    assert.deepEqual(last2.map((e) => [e.snapshotNumber, e.hash]), [[3, h3], [2, h2]]);
    const first = getSnapshotHistory({ workspaceDir: ws, maxCount: 1 });
    assert.deepEqual(first.map((e) => [e.snapshotNumber, e.hash]), [[1, h1]]);

    // Errors are typed and leave the workspace alone.
    const head = await git(sb, ws, "rev-parse", "HEAD");
    await assert.rejects(takeSnapshot({ workspaceDir: ws, tag: "bad_tag", context }), ConfigurationError);
    await assert.rejects(
      takeSnapshot({ workspaceDir: ws, tag: "V1", context }),
      (e: Error) => e instanceof ConfigurationError && /Tag 'V1' already exists for snapshot/.test(e.message),
    );
    await assert.rejects(
      takeSnapshot({ workspaceDir: ws, context }),
      (e: Error) => e instanceof ConfigurationError && /No differences from previous snapshot/.test(e.message),
    );
    assert.equal(await git(sb, ws, "rev-parse", "HEAD"), head);
    assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  });
});

Deno.test("api: getSnapshotHistory of a workspace without snapshots", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  assert.deepEqual(getSnapshotHistory({ workspaceDir: ws }), []);
  assert.deepEqual(getSnapshotHistory({ workspaceDir: ws, reverse: true, maxCount: 3 }), []);
});

Deno.test("api: restore and deleteSnapshot", async () => {
  using sb = sandbox();
  const ws = await workspace(sb);
  const out = memoryOutput();
  const context = { output: out };
  await withSandboxGit(sb, async () => {
    const h1 = await takeSnapshot({ workspaceDir: ws, tag: "V1", context });
    writeFileSync(join(ws, "code", "train.py"), "V2\n");
    writeFileSync(join(ws, "results", "results.json"), "{}");
    const h2 = await takeSnapshot({ workspaceDir: ws, tag: "V2", context });

    out.lines.length = 0;
    assert.equal(await restore("V1", { workspaceDir: ws, context }), 1);
    assert.equal(readText(join(ws, "code", "train.py")), "V1\n");
    assert.ok(
      out.lines.some((l) =>
        l.message ===
          "Skipping the restore of the following result resources, which are left in their latest state: results"
      ),
    );
    assert.equal(await restore(h2.slice(0, 8), { workspaceDir: ws, only: ["code"], context }), 1);
    assert.equal(readText(join(ws, "code", "train.py")), "V2\n");
    assert.equal(await restore("V1", { workspaceDir: ws, leave: ["code"], context }), 0);
    assert.equal(readText(join(ws, "code", "train.py")), "V2\n");
    await assert.rejects(restore("V1", { workspaceDir: ws, only: ["results"], context }), ConfigurationError);
    await assert.rejects(
      restore("V1", { workspaceDir: ws, only: ["nope"], context }),
      (e: Error) => e instanceof ConfigurationError && /Resource name\(s\) not found: nope/.test(e.message),
    );
    await assert.rejects(restore("V9", { workspaceDir: ws, context }), ConfigurationError);
    assert.equal(await git(sb, ws, "status", "--porcelain"), "");

    assert.equal(await deleteSnapshot("V1", { workspaceDir: ws, context }), h1);
    assert.ok(!existsSync(join(ws, "results/snapshots/testhost-V1")));
    assert.equal(await deleteSnapshot("V2", { workspaceDir: ws, includeResources: false, context }), h2);
    assert.ok(existsSync(join(ws, "results/snapshots/testhost-V2/results.json")));
    assert.deepEqual(getSnapshotHistory({ workspaceDir: ws }), []);
    assert.equal((await logSubjects(sb, ws))[0], `Deleted snapshot ${h2.slice(0, 7)} (Tagged as: V2)`);
    await assert.rejects(deleteSnapshot("V1", { workspaceDir: ws, context }), ConfigurationError);
    assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  });
  // The command line sees what the API did.
  const h = await dwsOk(sb, ["report", "history"], { cwd: ws });
  assert.match(h.stdout, /0 snapshots total\n$/);
});
