/**
 * `dws restore` through the real command line (spec §5, README §2): git,
 * git-subdirectory and local-files resources together, binary files,
 * `--only`/`--leave`/`--strict`, and snapshot lookup errors.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, gitRepoWithOrigin, initWorkspace, readText, type Sandbox, sandbox } from "../test_utils.ts";
import { expectFailure, git, head, logSubjects, MD_DIR, metadata, snapshotHash } from "./snapshot_helpers.ts";

function bytes(seed: number, length = 600): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * seed + (i >> 3)) & 0xff;
  b[10] = 0;
  b[11] = 0xff;
  return b;
}

const BIN1 = bytes(7);
const BIN2 = bytes(13);
const IMG1 = bytes(3, 300);
const IMG2 = bytes(5, 350);

/**
 * A workspace with a git resource `srcrepo` (outside, with a bare origin), the
 * `code` and `results` folders and a local-files resource `lf`; snapshots S1
 * and S2 with every resource changed in between.
 */
async function twoSnapshots(sb: Sandbox) {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const repo = await gitRepoWithOrigin(sb, "srcrepo");
  writeFileSync(join(repo, "data.bin"), BIN1);
  await git(sb, repo, "add", "data.bin");
  await git(sb, repo, "commit", "-q", "-m", "binary data");
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "d.csv"), "a,b\n");
  await dwsOk(sb, ["--batch", "add", "git", "--role", "source-data", repo], { cwd: ws });
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "intermediate-data", "--name", "lf", data], { cwd: ws });
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(ws, "code", "img.bin"), IMG1);
  const r1 = await dwsOk(sb, ["--batch", "snapshot", "-m", "first", "S1"], { cwd: ws });
  const h1 = snapshotHash(r1);
  const repoS1 = await head(sb, repo);

  // Change everything; the repository's changes are left uncommitted.
  writeFileSync(join(repo, "README.md"), "# changed\n");
  writeFileSync(join(repo, "data.bin"), BIN2);
  writeFileSync(join(repo, "new.txt"), "added since S1\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  writeFileSync(join(ws, "code", "img.bin"), IMG2);
  writeFileSync(join(ws, "code", "added.py"), "b = 1\n");
  writeFileSync(join(data, "more.csv"), "c,d\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "second", "S2"], { cwd: ws }));
  const repoS2 = await head(sb, repo);
  return { ws, repo, data, h1, h2, repoS1, repoS2 };
}

function assertS1Code(ws: string): void {
  assert.equal(readText(join(ws, "code", "a.py")), "a = 1\n");
  assert.deepEqual(new Uint8Array(readFileSync(join(ws, "code", "img.bin"))), IMG1);
  assert.ok(!existsSync(join(ws, "code", "added.py")), "code/added.py was added after S1");
}

function assertS2Code(ws: string): void {
  assert.equal(readText(join(ws, "code", "a.py")), "a = 2\n");
  assert.deepEqual(new Uint8Array(readFileSync(join(ws, "code", "img.bin"))), IMG2);
  assert.equal(readText(join(ws, "code", "added.py")), "b = 1\n");
}

function assertS1Repo(repo: string): void {
  assert.equal(readText(join(repo, "README.md")), "# srcrepo\n");
  assert.deepEqual(new Uint8Array(readFileSync(join(repo, "data.bin"))), BIN1);
  assert.ok(!existsSync(join(repo, "new.txt")), "new.txt was added after S1");
}

function assertS2Repo(repo: string): void {
  assert.equal(readText(join(repo, "README.md")), "# changed\n");
  assert.deepEqual(new Uint8Array(readFileSync(join(repo, "data.bin"))), BIN2);
  assert.equal(readText(join(repo, "new.txt")), "added since S1\n");
}

Deno.test("restore brings git and git-subdirectory resources back (binary files too), HEAD moves forward", async () => {
  using sb = sandbox();
  const { ws, repo, data, h1, h2, repoS1, repoS2 } = await twoSnapshots(sb);
  assert.notEqual(repoS1, repoS2);
  assert.equal((await logSubjects(sb, repo))[0], "autocommit ahead of snapshot");
  assert.equal(await git(sb, repo, "status", "--porcelain"), "");
  const md1 = metadata(ws, h1);
  const wsS1 = (md1.restore_hashes as Record<string, string>).code;
  const lfS1 = (md1.dws_restore_hashes as Record<string, string>).lf;
  assert.match(lfS1, /^[0-9a-f]{40}$/, "local-files get a restore hash: their file listing in the object store");
  // 1.6 reads null for a data folder (it cannot restore one); dws keeps the listing key where 1.6 ignores it.
  assert.deepEqual(md1.restore_hashes, { code: wsS1, results: wsS1, srcrepo: repoS1, lf: null });
  assert.deepEqual(md1.dws_restore_hashes, { lf: lfS1 });

  // An uncommitted change in the repository is committed before the restore.
  writeFileSync(join(repo, "README.md"), "# dirty\n");
  const r = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(
    r.stdout,
    [
      "Skipping the restore of the following result resources, which are left in their latest state: results",
      `Restoring snapshot ${h1} (S1)`,
      "  Resources to restore: code, srcrepo, lf",
      "  Resources to leave: results",
      "Restoring 'lf' removes 1 file(s): more.csv (added since); they are kept: 'dws restore --undo' brings them back.",
      "Restored lf: 0 file(s) written, 1 removed, 0 mode(s) fixed",
      `Restored 3 resource(s) to snapshot ${h1.slice(0, 7)}.`,
      "",
    ].join("\n"),
  );
  assert.equal(r.stderr, "");
  assertS1Repo(repo);
  assertS1Code(ws);
  assert.ok(!existsSync(join(data, "more.csv")), "local-files come back from the object store: more.csv is gone");
  assert.equal(readText(join(data, "d.csv")), "a,b\n");

  // HEAD moved forward: a revert commit on top of the history, nothing lost.
  const subjects = await logSubjects(sb, repo);
  assert.deepEqual(subjects.slice(0, 3), [
    `Revert to commit ${repoS1}`,
    "auto-commit ahead of restore",
    "autocommit ahead of snapshot",
  ]);
  assert.equal((await git(sb, repo, "rev-parse", "HEAD~2")).trim(), repoS2);
  assert.equal((await git(sb, repo, "symbolic-ref", "--short", "HEAD")).trim(), "master");
  assert.equal(await git(sb, repo, "status", "--porcelain"), "");
  assert.equal((await git(sb, repo, "diff", "HEAD", repoS1)).trim(), "", "the tree is S1's again");
  assert.equal((await logSubjects(sb, ws))[0], `Revert to commit ${wsS1}`);
  assert.equal((await git(sb, ws, "diff", "HEAD", wsS1, "--", "code")).trim(), "");
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");

  // Back to S2, by hash, leaving code at S1.
  const leave = await dwsOk(sb, ["--batch", "restore", "--leave", "code", h2], { cwd: ws });
  assert.match(leave.stdout, /^ {2}Resources to restore: srcrepo, lf\n {2}Resources to leave: code, results\n/m);
  assert.equal(readText(join(data, "more.csv")), "c,d\n", "S2's local files are back");
  assertS2Repo(repo);
  assertS1Code(ws);

  // Only code, to S2.
  const repoHead = await head(sb, repo);
  const only = await dwsOk(sb, ["--batch", "restore", "--only", "code", "S2"], { cwd: ws });
  assert.match(only.stdout, /^ {2}Resources to restore: code\n {2}Resources to leave: lf, results, srcrepo\n/m);
  assert.equal(only.stderr, "");
  assertS2Code(ws);
  assert.equal(await head(sb, repo), repoHead, "srcrepo was not touched");

  // Restoring the state the workspace is already in changes nothing.
  const wsHead = await head(sb, ws);
  await dwsOk(sb, ["--batch", "restore", "--only", "code", "S2"], { cwd: ws });
  assert.equal(await head(sb, ws), wsHead);
});

Deno.test("restore errors: --only/--leave names, strict mode, results, both options; nothing changes", async () => {
  using sb = sandbox();
  const { ws, repo, data } = await twoSnapshots(sb);
  // A resource added after the snapshots has nothing to restore.
  const late = join(sb.dir, "late");
  mkdirSync(late);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", late], { cwd: ws });
  const also = [repo, data];
  // Some uncommitted work that a failed restore must not commit or lose.
  writeFileSync(join(ws, "code", "a.py"), "a = 99\n");
  writeFileSync(join(repo, "README.md"), "# work in progress\n");

  await expectFailure(sb, ws, ["--batch", "restore", "--only", "late", "S1"], {
    stderr:
      /^Configuration error: Resources have been added to workspace since restore, and strict mode enabled\. Added resources: late$/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--only", "code,results", "S1"], {
    stderr:
      /^Configuration error: Restore set contains result resources, which cannot be restored\. The following are result resources: results$/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--strict", "S1"], {
    stderr: /^Configuration error: Restore set contains result resources, .*: results$/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--strict", "--leave", "results", "S1"], {
    stderr:
      /^Configuration error: Resources have been added to workspace since restore, and strict mode enabled\. Added resources: late$/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--only", "nope,code,other", "S1"], {
    stderr: /^Configuration error: Resource name\(s\) not found: nope, other\b/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--leave", "nope", "S1"], {
    stderr: /^Configuration error: Resource name\(s\) not found: nope\b/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--only", "code", "--leave", "srcrepo", "S1"], {
    code: 2,
    stderr: /--only.*--leave|--leave.*--only/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "S9"], {
    stderr: /^Configuration error: No snapshot with tag or hash 'S9'/,
    also,
  });
  await expectFailure(sb, ws, ["--batch", "restore", "0123456789abcdef0123456789abcdef01234567"], {
    stderr: /^Configuration error: No snapshot with tag or hash '0123456789abcdef0123456789abcdef01234567'/,
    also,
  });
  // Interactive: "n" aborts.
  const no = await expectFailure(sb, ws, ["restore", "--leave", "lf,late", "S1"], {
    stdin: "n\n",
    stderr: /^Not a positive response, exiting without doing anything$/,
    also,
  });
  assert.match(no.stdout, /Should I perform this restore\? \[Y\/n\]/);
});

Deno.test("snapshot lookup: an ambiguous hash prefix lists every candidate", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  // A second snapshot whose hash shares the first 8 digits.
  const twin = h.slice(0, 8) + (h[8] === "0" ? "1" : "0") + h.slice(9);
  const md = { ...metadata(ws, h), hash: twin, tags: ["TWIN"] };
  writeFileSync(join(ws, MD_DIR, `${twin}_md.json`), JSON.stringify(md, null, 2));
  await git(sb, ws, "add", MD_DIR);
  await git(sb, ws, "commit", "-q", "-m", "twin");
  const [a, b] = [h, twin].sort();
  for (const args of [["restore", h.slice(0, 7)], ["delete-snapshot", h.slice(0, 8)], ["diff", h.slice(0, 6), "S1"]]) {
    await expectFailure(sb, ws, ["--batch", ...args], {
      stderr: new RegExp(
        `^Configuration error: Hash prefix '${args[1]}' matches 2 snapshots: ${a}, ${b}; use more digits$`,
      ),
    });
  }
  // One more digit tells them apart; the full hash always works.
  const r = await dwsOk(sb, ["--batch", "restore", h.slice(0, 9)], { cwd: ws });
  assert.match(r.stdout, new RegExp(`Restoring snapshot ${h} \\(S1\\)`));
  await dwsOk(sb, ["--batch", "restore", h], { cwd: ws });
});
