/**
 * `dws delete-snapshot` through the real command line (spec §6, §14.1,
 * §14.6, README §2).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, initWorkspace, readText, sandbox } from "../test_utils.ts";
import {
  expectFailure,
  filesWithModes,
  git,
  logSubjects,
  MANIFEST_DIR,
  MD_DIR,
  snapshotHash,
  snapshotHashes,
} from "./snapshot_helpers.ts";

const EMPTY_HISTORY = "History of snapshots\n| Hash | Tags | Created | Message |\n" +
  "|______|______|_________|_________|\n0 snapshots total\n";

async function tracked(sb: ReturnType<typeof sandbox>, ws: string, path: string): Promise<string[]> {
  return (await git(sb, ws, "ls-files", "--", path)).split("\n").filter((l) => l);
}

Deno.test("delete-snapshot removes manifest, metadata and results folder; --no-include-resources keeps it", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const res = join(ws, "results");
  writeFileSync(join(res, "out.txt"), "run 1\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "one", "S1"], { cwd: ws }));
  writeFileSync(join(res, "out.txt"), "run 2\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws }));
  assert.ok(existsSync(join(res, "snapshots/testhost-S1/out.txt")));

  const r = await dwsOk(sb, ["--batch", "delete-snapshot", "S1"], { cwd: ws });
  const name = `${h1.slice(0, 7)} (Tagged as: S1)`;
  assert.equal(r.stdout, `Successfully deleted snapshot ${name}.\n`);
  assert.equal(r.stderr, "");
  assert.deepEqual(snapshotHashes(ws), [h2]);
  assert.ok(!existsSync(join(ws, MANIFEST_DIR, `snapshot-${h1}.json`)));
  assert.deepEqual(await tracked(sb, ws, `${MANIFEST_DIR}/snapshot-${h1}.json`), []);
  assert.deepEqual(await tracked(sb, ws, `${MD_DIR}/${h1}_md.json`), []);
  assert.ok(!existsSync(join(res, "snapshots/testhost-S1")), "the snapshot's results folder is deleted");
  assert.deepEqual(await tracked(sb, ws, "results/snapshots/testhost-S1"), []);
  assert.equal(readText(join(res, "snapshots/testhost-S2/out.txt")), "run 2\n", "other snapshots keep theirs");
  const subjects = await logSubjects(sb, ws);
  assert.equal(subjects[0], `Deleted snapshot ${name}`);
  assert.ok(subjects.includes(`Deleted ${join(res, "snapshots/testhost-S1")}`), subjects.join("\n"));
  assert.equal(await git(sb, ws, "status", "--porcelain", "--untracked-files=all"), "");
  assert.match((await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout, /\| S2 +\|.*\n1 snapshots total\n$/);

  // The last snapshot, keeping its results folder.
  const r2 = await dwsOk(sb, ["--batch", "delete-snapshot", "--no-include-resources", h2.slice(0, 7)], { cwd: ws });
  assert.equal(r2.stdout, `Successfully deleted snapshot ${h2.slice(0, 7)} (Tagged as: S2).\n`);
  assert.equal(readText(join(res, "snapshots/testhost-S2/out.txt")), "run 2\n");
  assert.deepEqual(snapshotHashes(ws), []);
  assert.deepEqual(await tracked(sb, ws, MD_DIR), []);
  assert.equal(await git(sb, ws, "status", "--porcelain", "--untracked-files=all"), "");

  // With no snapshots left, history works and a new snapshot starts again.
  assert.equal((await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout, EMPTY_HISTORY);
  await expectFailure(sb, ws, ["--batch", "restore", "S2"], {
    stderr: /^Configuration error: No snapshot with tag or hash 'S2'/,
  });
  writeFileSync(join(ws, "code", "a.py"), "a = 3\n");
  const h3 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: ws }));
  assert.deepEqual(snapshotHashes(ws), [h3]);
  assert.match((await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout, /\| S3 +\|.*\n1 snapshots total\n$/);
});

Deno.test("delete-snapshot deletes the results folder of a local-files results resource", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code"]);
  const lres = join(sb.dir, "lres");
  mkdirSync(lres);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "results", "--name", "lres", lres], { cwd: ws });
  writeFileSync(join(lres, "out.txt"), "run 1\n");
  mkdirSync(join(lres, "plots"));
  writeFileSync(join(lres, "plots", "p.svg"), "<svg/>\n");
  writeFileSync(join(lres, "README.txt"), "stays\n");
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  assert.deepEqual(filesWithModes(lres), {
    "README.txt": 0o644,
    "snapshots/testhost-S1/out.txt": 0o444,
    "snapshots/testhost-S1/plots/p.svg": 0o444,
  });
  writeFileSync(join(lres, "out.txt"), "run 2\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws }));

  const r = await dwsOk(sb, ["--batch", "delete-snapshot", "S1"], { cwd: ws });
  assert.equal(r.stdout, `Successfully deleted snapshot ${h1.slice(0, 7)} (Tagged as: S1).\n`);
  assert.deepEqual(filesWithModes(lres), { "README.txt": 0o644, "snapshots/testhost-S2/out.txt": 0o444 });
  assert.deepEqual(snapshotHashes(ws), [h2]);
  assert.equal(await git(sb, ws, "status", "--porcelain", "--untracked-files=all"), "");
});

Deno.test("delete-snapshot: unknown snapshot and a 'no' answer change nothing; 'y' deletes", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(ws, "results", "out.txt"), "out\n");
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  writeFileSync(join(ws, "code", "a.py"), "uncommitted work\n");
  await expectFailure(sb, ws, ["--batch", "delete-snapshot", "S2"], {
    stderr: /^Configuration error: No snapshot with tag or hash 'S2'/,
  });
  const no = await expectFailure(sb, ws, ["delete-snapshot", "S1"], {
    stdin: "n\n",
    stderr: /^Not a positive response, exiting without doing anything$/,
  });
  assert.match(
    no.stdout,
    new RegExp(`Should I delete snapshot ${h1.slice(0, 7)} \\(Tagged as: S1\\)\\? This is not reversible\\.`),
  );
  const yes = await dwsOk(sb, ["delete-snapshot", "S1"], { cwd: ws, stdin: "y\n" });
  assert.match(yes.stdout, /Successfully deleted snapshot .* \(Tagged as: S1\)\.\n$/);
  assert.deepEqual(snapshotHashes(ws), []);
  assert.ok(!existsSync(join(ws, "results/snapshots/testhost-S1")));
});
