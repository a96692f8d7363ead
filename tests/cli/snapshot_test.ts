/**
 * `dws snapshot` through the real command line (spec §0, §4, README §2):
 * golden hashes, hash trees, results moves, tags, unchanged workspaces,
 * prechecks and recovery after an interrupted snapshot.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  dws,
  dwsOk,
  gitRepoWithOrigin,
  initWorkspace,
  readJson,
  readText,
  sandbox,
  treeSnapshot,
} from "../test_utils.ts";
import {
  expectFailure,
  filesWithModes,
  foldersUnder,
  git,
  head,
  logSubjects,
  manifest,
  MANIFEST_DIR,
  MD_DIR,
  metadata,
  snapshotHash,
  snapshotHashes,
  state,
} from "./snapshot_helpers.ts";

const GOLDEN = "9a4e7dd1f31b7edf607443043d7c06f2eaa0c66d";
const GOLDEN_MANIFEST = `[
  {
    "resource_type": "git-subdirectory",
    "name": "code",
    "role": "code",
    "export": false,
    "relative_path": "code",
    "hash": "dd5d25bc085034482914d944729ad843efb7aa45"
  },
  {
    "resource_type": "git-subdirectory",
    "name": "results",
    "role": "results",
    "export": false,
    "relative_path": "results",
    "hash": "ae07c1a2b945141aa39c1647a749c94e57d98b51"
  }
]`;
const MD_KEYS = [
  "hash",
  "tags",
  "message",
  "hostname",
  "timestamp",
  "relative_destination_path",
  "restore_hashes",
  "metrics",
];
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/;
const EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

function snapshotLines(resources: string[], tail: string): string {
  return [
    ...resources.map((r) => `[snapshot] Taking snapshot of resource ${r}`),
    "[shapshot] all resources snapshotted successfully.",
    tail,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// golden values

Deno.test("snapshot golden: hash 9a4e7dd..., manifest bytes, metadata, output; restore by short hash", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  await dwsOk(sb, ["--batch", "init", "--create-resources=code,results"], { cwd: ws });
  const host = (readJson(join(ws, ".dataworkspace/local_params.json")) as { hostname: string }).hostname;
  writeFileSync(join(ws, "code", "test.py"), "print('this is a test')\n");

  const r = await dwsOk(sb, ["--batch", "snapshot", "-m", "msg", "TAG1"], { cwd: ws });
  assert.equal(
    r.stdout,
    snapshotLines(
      ["code", "results"],
      `Have successfully taken snapshot of workspace, tagged with 'TAG1', hash is ${GOLDEN}.`,
    ),
  );
  assert.equal(r.stderr, "");

  const manifestFile = join(ws, MANIFEST_DIR, `snapshot-${GOLDEN}.json`);
  assert.equal(readText(manifestFile), GOLDEN_MANIFEST);
  assert.equal((await git(sb, ws, "hash-object", manifestFile)).trim(), GOLDEN);

  const mdFile = join(ws, MD_DIR, `${GOLDEN}_md.json`);
  const md = metadata(ws, GOLDEN);
  assert.deepEqual(Object.keys(md), MD_KEYS);
  assert.equal(readText(mdFile), JSON.stringify(md, null, 2), "metadata is written as Python's json.dump(indent=2)");
  const restoreHead = (await git(sb, ws, "rev-parse", "HEAD~1")).trim();
  assert.deepEqual({ ...md, timestamp: "T" }, {
    hash: GOLDEN,
    tags: ["TAG1"],
    message: "msg",
    hostname: host,
    timestamp: "T",
    relative_destination_path: `snapshots/${host}-TAG1`,
    restore_hashes: { code: restoreHead, results: restoreHead },
    metrics: null,
  });
  assert.match(md.timestamp as string, TIMESTAMP);

  const subjects = await logSubjects(sb, ws);
  assert.deepEqual(subjects.slice(0, 2), [`Completed snapshot ${GOLDEN}`, "autocommit ahead of snapshot"]);
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  const tracked = (await git(sb, ws, "ls-files")).split("\n");
  assert.ok(tracked.includes(`${MANIFEST_DIR}/snapshot-${GOLDEN}.json`));
  assert.ok(tracked.includes(`${MD_DIR}/${GOLDEN}_md.json`));
  assert.ok(tracked.includes("code/test.py"));

  // Restore by the short hash the original's tests hard-code.
  writeFileSync(join(ws, "code", "test.py"), "print('changed')\n");
  writeFileSync(join(ws, "code", "extra.py"), "x = 1\n");
  const rr = await dwsOk(sb, ["--batch", "restore", "9a4e7dd"], { cwd: ws });
  assert.equal(readText(join(ws, "code", "test.py")), "print('this is a test')\n");
  assert.ok(!existsSync(join(ws, "code", "extra.py")), "a file added after the snapshot is removed");
  assert.match(rr.stdout, new RegExp(`^Restoring snapshot ${GOLDEN} \\(TAG1\\)$`, "m"));
  assert.match(rr.stdout, /^ {2}Resources to restore: code$/m);
  assert.match(rr.stdout, /^ {2}Resources to leave: results$/m);
  assert.match(
    rr.stdout,
    /^Skipping the restore of the following result resources, which are left in their latest state: results$/m,
  );
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  const subjects2 = await logSubjects(sb, ws);
  assert.equal(subjects2[0], `Revert to commit ${restoreHead}`);
  assert.equal(subjects2[1], "auto-commit ahead of restore");
});

// ---------------------------------------------------------------------------------------------
// hash trees of local-files resources

Deno.test("snapshot of local-files: size and content hash trees as 1.6, tree files committed", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(join(data, "sub"), { recursive: true });
  mkdirSync(join(data, "empty"));
  writeFileSync(join(data, "f1"), "hello\n");
  writeFileSync(join(data, "sub", "f2"), "world\n");
  const hashed = join(sb.dir, "hashed");
  mkdirSync(hashed);
  writeFileSync(join(hashed, "f1"), "hello\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", hashed], { cwd: ws });

  const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  const root = "1643c31747c55015fa6fc841f66d27a2111dfd27";
  const sub = "09f2a7367b2275574a49e8ef925a7e9be905e794";
  const sha = "e74786f4013429a5285e6fbc899091626179e8e8";
  const entries = manifest(ws, h);
  assert.deepEqual(entries.map((e) => [e.name, e.hash]), [["data", root], ["hashed", sha]]);

  const sizeDir = join(ws, ".dataworkspace/file/source-data/data");
  assert.deepEqual(filesWithModes(sizeDir), {
    "dummy.txt": 0o644,
    [root]: 0o755,
    [sub]: 0o755,
    [EMPTY_SHA1]: 0o755,
  });
  assert.equal(readText(join(sizeDir, root)), `${EMPTY_SHA1}\ttree\tempty\n6\tblob\tf1\n${sub}\ttree\tsub\n`);
  assert.equal(readText(join(sizeDir, sub)), "6\tblob\tf2\n");
  assert.equal(readText(join(sizeDir, EMPTY_SHA1)), "");
  const shaDir = join(ws, ".dataworkspace/file/source-data/hashed");
  assert.equal(readText(join(shaDir, sha)), "f572d396fae9206628714fb2ce00f72e94f2258f\tblob\tf1\n");

  const tracked = (await git(sb, ws, "ls-files", ".dataworkspace/file")).trim().split("\n").sort();
  assert.deepEqual(
    tracked,
    [
      `.dataworkspace/file/source-data/data/${EMPTY_SHA1}`,
      `.dataworkspace/file/source-data/data/${root}`,
      `.dataworkspace/file/source-data/data/${sub}`,
      ".dataworkspace/file/source-data/data/dummy.txt",
      `.dataworkspace/file/source-data/hashed/${sha}`,
      ".dataworkspace/file/source-data/hashed/dummy.txt",
    ].sort(),
  );
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  // The restore hashes are the file listings kept in the object store (not part of 1.6): under a key 1.6
  // ignores, while 1.6's restore_hashes keep the null it expects for data folders.
  assert.deepEqual(metadata(ws, h).restore_hashes, { data: null, hashed: null });
  const restoreHashes = metadata(ws, h).dws_restore_hashes as Record<string, string>;
  assert.deepEqual(Object.keys(restoreHashes), ["data", "hashed"]);
  for (const v of Object.values(restoreHashes)) assert.match(v, /^[0-9a-f]{40}$/);

  // A changed file changes the content hash even with the same size.
  writeFileSync(join(hashed, "f1"), "HELLO\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws }));
  const e2 = manifest(ws, h2);
  assert.equal(e2[0].hash, root, "size tree unchanged");
  assert.notEqual(e2[1].hash, sha);
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("snapshot of local-files: symlinks are recorded as links and never followed", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  const outside = join(sb.dir, "outside");
  mkdirSync(data);
  mkdirSync(join(outside, "deep"), { recursive: true });
  writeFileSync(join(outside, "deep", "secret.txt"), "not data\n");
  writeFileSync(join(data, "f1"), "hello\n");
  symlinkSync("f1", join(data, "to-file"));
  symlinkSync(outside, join(data, "to-dir"));
  symlinkSync("missing-target", join(data, "dangling"));
  symlinkSync(".", join(data, "loop"));
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  const rootHash = manifest(ws, h)[0].hash as string;
  const dir = join(ws, ".dataworkspace/file/source-data/data");
  const sha1 = async (s: string) => {
    const d = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(s)));
    return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
  };
  const expected = [
    `${await sha1("missing-target")}\tlink\tdangling\n`,
    "6\tblob\tf1\n",
    `${await sha1(".")}\tlink\tloop\n`,
    `${await sha1(outside)}\tlink\tto-dir\n`,
    `${await sha1("f1")}\tlink\tto-file\n`,
  ].join("");
  assert.equal(readText(join(dir, rootHash)), expected);
  assert.equal(rootHash, await sha1(expected));
  // Only the root tree was written: nothing behind the links was walked.
  assert.deepEqual(readdirSync(dir).sort(), [rootHash, "dummy.txt"].sort());
});

// ---------------------------------------------------------------------------------------------
// results

Deno.test("snapshot moves results into snapshots/<host>-<tag>, read-only; README stays; metrics recorded", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const res = join(ws, "results");
  writeFileSync(join(res, "results.json"), JSON.stringify({ metrics: { accuracy: 0.91, loss: 0.3 } }));
  writeFileSync(join(res, "out.txt"), "out 1\n");
  chmodSync(join(res, "out.txt"), 0o755);
  await git(sb, ws, "add", "results");
  await git(sb, ws, "commit", "-q", "-m", "results of run 1");
  mkdirSync(join(res, "sub", "deep"), { recursive: true });
  writeFileSync(join(res, "sub", "deep", "d.txt"), "untracked\n");
  mkdirSync(join(res, "sub", "other"));
  writeFileSync(join(res, "sub", "other", "o.txt"), "o\n");

  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "run 1", "S1"], { cwd: ws }));
  const s1 = "snapshots/testhost-S1";
  assert.deepEqual(filesWithModes(res), {
    "README.txt": 0o644,
    [`${s1}/results.json`]: 0o444,
    [`${s1}/out.txt`]: 0o555,
    [`${s1}/sub/deep/d.txt`]: 0o444,
    [`${s1}/sub/other/o.txt`]: 0o444,
  });
  assert.deepEqual(foldersUnder(res), [
    "snapshots",
    s1,
    `${s1}/sub`,
    `${s1}/sub/deep`,
    `${s1}/sub/other`,
  ], "emptied folders are removed");
  assert.equal(readText(join(res, s1, "out.txt")), "out 1\n");
  const md1 = metadata(ws, h1);
  assert.equal(md1.relative_destination_path, s1);
  assert.deepEqual(md1.metrics, { accuracy: 0.91, loss: 0.3 });
  assert.ok((await logSubjects(sb, ws)).includes(`Move current results to ${s1}`));
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  const tracked = (await git(sb, ws, "ls-files", "results")).trim().split("\n").sort();
  assert.deepEqual(tracked, [
    "results/README.txt",
    `results/${s1}/out.txt`,
    `results/${s1}/results.json`,
    `results/${s1}/sub/deep/d.txt`,
    `results/${s1}/sub/other/o.txt`,
  ]);

  // Second run, untagged: numbered folder; the first snapshot's folder is not moved again.
  writeFileSync(join(res, "results.json"), JSON.stringify({ metrics: { accuracy: 0.95, loss: 0.2 } }));
  writeFileSync(join(res, "out.txt"), "out 2\n");
  const r2 = await dwsOk(sb, ["--batch", "snapshot", "-m", "run 2"], { cwd: ws });
  assert.match(r2.stdout, /Have successfully taken snapshot of workspace, hash is [0-9a-f]{40}\.\n$/);
  const h2 = snapshotHash(r2);
  const s2 = "snapshots/testhost-002";
  assert.deepEqual(
    Object.keys(filesWithModes(res)).sort(),
    [
      "README.txt",
      `${s2}/out.txt`,
      `${s2}/results.json`,
      `${s1}/out.txt`,
      `${s1}/results.json`,
      `${s1}/sub/deep/d.txt`,
      `${s1}/sub/other/o.txt`,
    ].sort(),
  );
  assert.equal(readText(join(res, s2, "out.txt")), "out 2\n");
  assert.equal(readText(join(res, s1, "out.txt")), "out 1\n");
  assert.equal(metadata(ws, h2).relative_destination_path, s2);
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");

  const hist = await dwsOk(sb, ["report", "history"], { cwd: ws });
  const lines = hist.stdout.split("\n");
  assert.match(lines[1], /^\| Hash +\| Tags +\| Created +\| accuracy \| loss \| Message +\|$/);
  assert.match(
    lines[3],
    new RegExp(`^\\| ${h2.slice(0, 7)} \\| +\\| [0-9T:-]{19} \\| +0\\.95 \\| +0\\.2 \\| run 2 +\\|$`),
  );
  assert.match(
    lines[4],
    new RegExp(`^\\| ${h1.slice(0, 7)} \\| S1 +\\| [0-9T:-]{19} \\| +0\\.91 \\| +0\\.3 \\| run 1 +\\|$`),
  );
});

Deno.test("snapshot with a results.json that does not parse: exit 1, nothing moved or committed", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "results", "results.json"), "{not json");
  writeFileSync(join(ws, "results", "out.txt"), "out\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  await expectFailure(sb, ws, ["--batch", "snapshot", "S1"], {
    stderr: /^Configuration error: Parse error when reading results.json in resource results$/,
  });
  assert.deepEqual(snapshotHashes(ws), []);
});

// ---------------------------------------------------------------------------------------------
// tags

Deno.test("snapshot tags: invalid and hash-like tags refused, duplicate tag in batch mode refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(ws, "results", "out.txt"), "out\n");
  await expectFailure(sb, ws, ["--batch", "snapshot", "bad_tag"], {
    stderr: /^Configuration error: 'bad_tag' is not a valid tag: /,
  });
  await expectFailure(sb, ws, ["--batch", "snapshot", "abcdef1"], {
    stderr: /^Configuration error: Tag 'abcdef1' looks like a git hash\. Please pick something else\.$/,
  });
  const full = "0123456789ABCDEF0123456789abcdef01234567";
  await expectFailure(sb, ws, ["--batch", "snapshot", full], {
    stderr: new RegExp(`^Configuration error: Tag '${full}' looks like a git hash\\. Please pick something else\\.$`),
  });
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  const ts = metadata(ws, h1).timestamp as string;
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  writeFileSync(join(ws, "results", "out.txt"), "out 2\n");
  await expectFailure(sb, ws, ["--batch", "snapshot", "S1"], {
    stderr: new RegExp(`^Configuration error: Tag 'S1' already exists for snapshot ${h1} taken ${ts}$`),
  });
});

Deno.test("snapshot tags: interactively moving a tag keeps the old snapshot's other tags", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "first", "A"], { cwd: ws }));
  const merged = await dwsOk(sb, ["--batch", "snapshot", "B"], { cwd: ws });
  assert.match(merged.stdout, new RegExp(`^Snapshot ${h1} already exists, updating metadata\\.\\.\\.$`, "m"));
  assert.equal(snapshotHash(merged), h1);
  assert.deepEqual(metadata(ws, h1).tags, ["A", "B"]);

  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  const no = await expectFailure(sb, ws, ["snapshot", "A"], {
    stdin: "n\n",
    stderr: /^Not a positive response, exiting without doing anything$/,
  });
  assert.match(
    no.stdout,
    /Tag 'A' already exists for snapshot .* Remove this tag so we can add it to the new snapshot\?/,
  );

  const yes = await dwsOk(sb, ["snapshot", "A"], { cwd: ws, stdin: "y\n" });
  const h2 = snapshotHash(yes);
  assert.notEqual(h2, h1);
  assert.deepEqual(metadata(ws, h2).tags, ["A"]);
  assert.deepEqual(metadata(ws, h1).tags, ["B"], "only the moved tag is removed from the old snapshot");
  assert.equal(metadata(ws, h1).message, "first");
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  // The tags resolve to the right snapshots.
  const d = await dwsOk(sb, ["diff", "B", "A"], { cwd: ws });
  assert.match(d.stdout, new RegExp(`Snapshot ${h1}, tags B to\n {4}Snapshot ${h2}, tags A\n`));
});

Deno.test("snapshot of an unchanged workspace: 'No differences' without touching anything; a new tag merges", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const repo = await gitRepoWithOrigin(sb, "coderepo");
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "d.csv"), "a,b\n");
  await dwsOk(sb, ["--batch", "add", "git", "--role", "source-data", repo], { cwd: ws });
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(repo, "more.txt"), "more\n");
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { f1: 0.5 } }));
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "first", "S1"], { cwd: ws }));
  assert.equal((await logSubjects(sb, repo))[0], "autocommit ahead of snapshot");
  const md1 = metadata(ws, h1);

  for (const args of [["--batch", "snapshot"], ["--batch", "snapshot", "-m", "other message"]]) {
    await expectFailure(sb, ws, args, {
      stderr: /^Configuration error: No differences from previous snapshot, doing nothing\.$/,
      also: [repo, data],
    });
  }

  const r = await dwsOk(sb, ["--batch", "snapshot", "-m", "ignored in batch", "S1b"], { cwd: ws });
  assert.match(r.stdout, new RegExp(`^Snapshot ${h1} already exists, updating metadata\\.\\.\\.$`, "m"));
  assert.match(r.stdout, new RegExp(`tagged with 'S1b', hash is ${h1}\\.\\n$`));
  assert.deepEqual(snapshotHashes(ws), [h1]);
  const md = metadata(ws, h1);
  assert.deepEqual(Object.keys(md), [...MD_KEYS, "updated_timestamp", "dws_restore_hashes"]);
  assert.deepEqual(md.tags, ["S1", "S1b"]);
  assert.equal(md.message, "first");
  assert.equal(md.timestamp, md1.timestamp);
  assert.match(md.updated_timestamp as string, TIMESTAMP);
  assert.equal((await logSubjects(sb, ws))[0], `Completed snapshot ${h1}`);
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");

  // In batch mode a tag in use is refused, even by the snapshot that has it.
  await expectFailure(sb, ws, ["--batch", "snapshot", "S1b"], {
    stderr: new RegExp(`^Configuration error: Tag 'S1b' already exists for snapshot ${h1} taken ${md1.timestamp}$`),
    also: [repo, data],
  });
});

Deno.test("snapshot that finds no differences only after snapshotting leaves no journal behind", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code"]);
  const repo = await gitRepoWithOrigin(sb, "r");
  await dwsOk(sb, ["--batch", "add", "git", "--role", "source-data", repo], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  // Another branch at the same commit: only snapshotting (which switches back) shows nothing changed.
  await git(sb, repo, "checkout", "-q", "-b", "other");
  const before = await state(sb, [ws]);
  const r = await dws(sb, ["--batch", "snapshot"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Configuration error: No differences from previous snapshot, doing nothing.\n");
  assert.deepEqual(await state(sb, [ws]), before);
  const next = await dwsOk(sb, ["--batch", "config", "hostname", "h2"], { cwd: ws });
  assert.equal(next.stderr, "", "no recovery from a snapshot that failed cleanly");
});

Deno.test("snapshot with a dirty read-only git resource: exit 1, nothing changed", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const repo = await gitRepoWithOrigin(sb, "ro");
  await dwsOk(sb, ["--batch", "add", "git", "--role", "source-data", "--read-only", repo], { cwd: ws });
  writeFileSync(join(repo, "README.md"), "changed\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(ws, "results", "out.txt"), "out\n");
  await expectFailure(sb, ws, ["--batch", "snapshot", "S1"], {
    stderr: /^Configuration error: Resource 'ro' is read-only but has uncommitted changes in .*ro/,
    also: [repo],
  });
  assert.deepEqual(snapshotHashes(ws), []);
  // Clean again: the read-only repository is recorded, not committed to.
  await git(sb, repo, "checkout", "--", "README.md");
  const before = await head(sb, repo);
  const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  assert.equal(await head(sb, repo), before);
  assert.equal((metadata(ws, h).restore_hashes as Record<string, string>).ro, before);
});

// ---------------------------------------------------------------------------------------------
// interrupted snapshots

async function resultsWorkspace(sb: ReturnType<typeof sandbox>) {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const res = join(ws, "results");
  writeFileSync(join(res, "first.txt"), "first\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  // Results of the second run: tracked and untracked, in subfolders.
  writeFileSync(join(res, "a.txt"), "A\n");
  mkdirSync(join(res, "sub"));
  writeFileSync(join(res, "sub", "b.txt"), "B\n");
  await git(sb, ws, "add", "results/a.txt", "results/sub/b.txt");
  await git(sb, ws, "commit", "-q", "-m", "run 2 results");
  writeFileSync(join(res, "c.txt"), "C\n");
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  return { ws, res };
}

function expectedResults(readme: string): Record<string, string> {
  return {
    "README.txt": readme,
    "snapshots/testhost-S1/first.txt": "first\n",
    "snapshots/testhost-S2/a.txt": "A\n",
    "snapshots/testhost-S2/c.txt": "C\n",
    "snapshots/testhost-S2/sub/b.txt": "B\n",
  };
}

for (const fault of ["after-results-moved", "before-commit"]) {
  Deno.test(`interrupted snapshot (${fault}): the next command recovers, no result file is lost`, async () => {
    using sb = sandbox();
    const { ws, res } = await resultsWorkspace(sb);
    const readme = readText(join(res, "README.txt"));
    const killed = await dws(sb, ["--batch", "snapshot", "S2"], { cwd: ws, env: { DWS_FAULT: fault } });
    assert.notEqual(killed.code, 0, "the process was killed");
    assert.ok(!killed.stdout.includes("Have successfully taken snapshot"));
    assert.ok(!existsSync(join(res, "a.txt")) && existsSync(join(res, "snapshots/testhost-S2")), "results had moved");

    const r = await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
    assert.match(r.stderr, /^Recovered from an interrupted snapshot/m);
    const h2 = snapshotHash(r);
    assert.deepEqual(treeSnapshot(res), expectedResults(readme));
    assert.deepEqual(metadata(ws, h2).tags, ["S2"]);
    assert.equal(snapshotHashes(ws).length, 2);
    assert.equal(await git(sb, ws, "status", "--porcelain", "--untracked-files=all"), "");
    const hist = await dwsOk(sb, ["report", "history"], { cwd: ws });
    assert.match(hist.stdout, /\n2 snapshots total\n$/);
    // Nothing to recover any more.
    writeFileSync(join(ws, "code", "a.py"), "a = 3\n");
    const again = await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: ws });
    assert.equal(again.stderr, "");
  });
}

Deno.test("interrupted snapshot before commit with no results to move: no dangling metadata, retry works", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  const killed = await dws(sb, ["--batch", "snapshot", "S2"], { cwd: ws, env: { DWS_FAULT: "before-commit" } });
  assert.notEqual(killed.code, 0, "the process was killed");
  assert.match(await git(sb, ws, "status", "--porcelain"), /^\?\? \.dataworkspace\/snapshot_metadata\//m);

  const r = await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
  assert.match(r.stderr, /^Recovered from an interrupted snapshot/m);
  const h2 = snapshotHash(r);
  assert.equal(snapshotHashes(ws).length, 2);
  assert.deepEqual(metadata(ws, h2).tags, ["S2"]);
  assert.equal(await git(sb, ws, "status", "--porcelain", "--untracked-files=all"), "");
  assert.equal(readText(join(ws, "code", "a.py")), "a = 2\n");
});
