/**
 * The snapshot's write path into the object store, through the real command
 * line: each file read once and stored as hashed, so files rewritten while a
 * snapshot runs never poison the store; a user's file never shares an inode
 * with an object in the default mode; stale temporary files of interrupted
 * runs are cleaned, live ones kept.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { type CommandResult, dws, dwsOk, folderState, initWorkspace, type Sandbox, sandbox } from "../test_utils.ts";
import { assertOneLine, snapshotHash, state } from "./snapshot_helpers.ts";
import {
  assertEveryObjectMatchesItsKey,
  listedFiles,
  objectInodes,
  objectKeys,
  objectPath,
  sha1,
  storeDir,
} from "./store_helpers.ts";

/** A Deno program run beside a snapshot; killed by the returned function. */
function spawnWriter(source: string, args: string[]): { stop(): Promise<void> } {
  const file = join(args[0], "..", `writer-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, source);
  const child = new Deno.Command(Deno.execPath(), { args: ["run", "-A", file, ...args], stdout: "null" }).spawn();
  return {
    async stop() {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

/** Rewrites f0..f<count-1>.bin in turn (truncate, write), pausing `pause` ms between files. */
const REWRITER = `
import { writeFileSync } from "node:fs";
const [dir, count, pause] = [Deno.args[0], Number(Deno.args[1]), Number(Deno.args[2])];
for (let i = 0; ; i++) {
  const bytes = new Uint8Array(20_000 + (i * 7919) % 60_000).fill(i % 251);
  bytes[0] = i % 256;
  writeFileSync(dir + "/f" + (i % count) + ".bin", bytes);
  if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
}
`;

/** Every data object is one whole version the rewriter wrote: after its first byte, one repeated value. */
function assertWholeVersions(ws: string): void {
  for (const key of objectKeys(ws)) {
    const bytes = readFileSync(objectPath(ws, key));
    if (new TextDecoder().decode(bytes.subarray(0, 16)) === "dws-file-listing") continue;
    assert.ok(bytes.subarray(1).every((b) => b === bytes[1]), `object ${key} mixes two versions of a file`);
  }
}

/** 400 files of 50 KB rewritten by another process during `dws snapshot`; returns its outcome. */
async function snapshotWhileRewriting(sb: Sandbox, pause: number): Promise<{ ws: string; r: CommandResult }> {
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  for (let i = 0; i < 400; i++) writeFileSync(join(data, `f${i}.bin`), new Uint8Array(50_000).fill(i % 251));
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data], { cwd: ws });
  const writer = spawnWriter(REWRITER, [data, "400", String(pause)]);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ws, r: await dws(sb, ["--batch", "snapshot", "S1"], { cwd: ws }) };
  } finally {
    await writer.stop();
  }
}

Deno.test("files rewritten in a loop while a snapshot runs: every object matches its key and is one whole version", async () => {
  using sb = sandbox();
  const { ws, r } = await snapshotWhileRewriting(sb, 0);
  assertEveryObjectMatchesItsKey(ws);
  assertWholeVersions(ws);
  if (r.code === 0) {
    for (const f of listedFiles(ws, snapshotHash(r))) {
      assert.equal(statSync(objectPath(ws, f.sha1)).size, f.size, f.path);
    }
  } else {
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r);
    assert.match(r.stderr, /File .*\/data\/f\d+\.bin kept changing while the snapshot read it; snapshot again/);
  }
});

Deno.test("files rewritten now and then during a snapshot: those that changed are read again; the snapshot is consistent", async () => {
  using sb = sandbox();
  const { ws, r } = await snapshotWhileRewriting(sb, 2);
  assert.equal(r.code, 0, r.stderr);
  assertEveryObjectMatchesItsKey(ws);
  assertWholeVersions(ws);
  const listed = listedFiles(ws, snapshotHash(r));
  assert.equal(listed.length, 400);
  for (const f of listed) assert.equal(statSync(objectPath(ws, f.sha1)).size, f.size, f.path);
});

const APPENDER = `
import { openSync, writeSync } from "node:fs";
const fd = openSync(Deno.args[0] + "/growing.log", "a");
const line = new TextEncoder().encode("x");
for (;;) writeSync(fd, line);
`;

Deno.test("a file that keeps changing fails the snapshot with one line naming it; the workspace is unchanged", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "steady.csv"), "a,b\n1,2\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S0"], { cwd: ws });
  writeFileSync(join(data, "growing.log"), new Uint8Array(32 << 20).fill(120));
  const writer = spawnWriter(APPENDER, [data]);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    // On a loaded machine the writer may sleep through both reads: then the snapshot is simply
    // consistent; try again (it fails nearly always at the first attempt).
    for (let attempt = 1;; attempt++) {
      const before = await state(sb, [ws]);
      const r = await dws(sb, ["--batch", "snapshot", `S${attempt}`], { cwd: ws });
      if (r.code === 0 && attempt < 5) continue;
      assert.equal(r.code, 1, r.stderr);
      assertOneLine(r);
      assert.match(
        r.stderr,
        new RegExp(`File ${data}/growing\\.log kept changing while the snapshot read it; snapshot`),
      );
      assert.deepEqual(await state(sb, [ws]), before, "the failed snapshot changed the workspace");
      break;
    }
  } finally {
    await writer.stop();
  }
  assertEveryObjectMatchesItsKey(ws);
});

Deno.test("a read-only data file is copied, never hard-linked: editing it after chmod u+w keeps the snapshot's bytes", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  const file = join(data, "frozen.csv");
  writeFileSync(file, "x,y\n1,2\n");
  chmodSync(file, 0o444);
  writeFileSync(join(data, "big.bin"), new Uint8Array(9 << 20).fill(7)); // above the small-file path
  chmodSync(join(data, "big.bin"), 0o444);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const inodes = objectInodes(ws);
  for (const name of readdirSync(data)) {
    assert.ok(!inodes.has(statSync(join(data, name)).ino), `${name} shares its inode with an object`);
  }
  chmodSync(file, 0o644);
  writeFileSync(file, "x,y\n9,9\n"); // in place: same inode
  assert.equal(readFileSync(objectPath(ws, sha1("x,y\n1,2\n")), "utf8"), "x,y\n1,2\n");
  assertEveryObjectMatchesItsKey(ws);
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(readFileSync(file, "utf8"), "x,y\n1,2\n");
  assert.equal(statSync(file).mode & 0o777, 0o444);
});

Deno.test("the next snapshot removes temporary files of dead or day-old runs from the store, never a live one's", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "a"), "1\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const tmp = join(storeDir(ws), "tmp");
  mkdirSync(tmp, { recursive: true });
  const gone = new Deno.Command("true").spawn();
  const deadPid = gone.pid;
  await gone.status;
  const live = new Deno.Command("sleep", { args: ["60"] }).spawn();
  try {
    writeFileSync(join(tmp, `${deadPid}-0`), "half an object");
    mkdirSync(join(tmp, `remote-get-${deadPid}-3`));
    writeFileSync(join(tmp, `${live.pid}-7`), "a live run's object in progress");
    writeFileSync(join(tmp, "stray"), "old junk");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(tmp, "stray"), twoDaysAgo, twoDaysAgo);
    writeFileSync(join(tmp, "fresh-unknown"), "someone's");
    writeFileSync(join(data, "a"), "2\n");
    await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
    assert.deepEqual(readdirSync(tmp).sort(), [`${live.pid}-7`, "fresh-unknown"].sort());
  } finally {
    live.kill("SIGKILL");
    await live.status;
  }
  assert.ok(existsSync(join(tmp, "fresh-unknown")));
});

Deno.test("protected link mode: files become read-only links to their objects; restore links them back; status says so", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(join(data, "sub"), { recursive: true });
  writeFileSync(join(data, "a.csv"), "a,1\n");
  writeFileSync(join(data, "sub", "big.bin"), new Uint8Array(300_000).map((_, i) => i % 253));
  writeFileSync(join(data, "run.sh"), "#!/bin/sh\n");
  chmodSync(join(data, "run.sh"), 0o755); // not linkable: stays a copy, keeps its mode
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "config", "object_store.link", "hardlink"], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const before = folderState(data);
  const linked = (rel: string) => objectInodes(ws).has(statSync(join(data, rel)).ino);
  assert.ok(linked("a.csv") && linked("sub/big.bin"));
  assert.ok(!linked("run.sh"));
  assert.equal(statSync(join(data, "a.csv")).mode & 0o777, 0o444);
  assert.equal(statSync(join(data, "run.sh")).mode & 0o777, 0o755);
  assertEveryObjectMatchesItsKey(ws);
  const status = await dwsOk(sb, ["report", "status"], { cwd: ws });
  assert.match(status.stdout, /Object store: 4 objects, .* data files kept as protected hard links/);

  for (const name of readdirSync(data)) rmSync(join(data, name), { recursive: true });
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.deepEqual(folderState(data), before);
  assert.ok(linked("a.csv") && linked("sub/big.bin"), "restored by hard link");
  assert.ok(!linked("run.sh"));
  // The restore told the stat cache: an unchanged snapshot right after reads nothing and finds no difference.
  const again = await dws(sb, ["--batch", "snapshot"], { cwd: ws });
  assert.match(again.stderr, /No differences from previous snapshot/);
});

Deno.test("a data file or link whose name has a line break is refused before the snapshot, not recorded unrestorable", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "ok.csv"), "a\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S0"], { cwd: ws });
  for (
    const make of [
      () => writeFileSync(join(data, "a\nb.csv"), "x"),
      () => symlinkSync("tar\nget", join(data, "link")),
      () => writeFileSync(join(data, "cr\r.csv"), "x"),
    ]
  ) {
    make();
    const before = await state(sb, [ws]);
    const r = await dws(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r);
    assert.match(r.stderr, /its name or link target has a line break, which hash trees and file listings cannot hold/);
    assert.deepEqual(await state(sb, [ws]), before, "the workspace is unchanged");
    for (const name of readdirSync(data)) if (name !== "ok.csv") rmSync(join(data, name));
  }
  writeFileSync(join(data, "ok.csv"), "b\n");
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
});

/** How many files a snapshot read, by what `--verbose` says of each data folder (`read N files`). */
async function filesRead(sb: Sandbox, ws: string, tag: string): Promise<number> {
  const r = await dwsOk(sb, ["--batch", "--verbose", "snapshot", tag], { cwd: ws });
  const counts = [...(r.stdout + r.stderr).matchAll(/read (\d+) files/g)].map((m) => Number(m[1]));
  assert.equal(counts.length, 2, r.stdout + r.stderr);
  return counts.reduce((a, b) => a + b, 0);
}

Deno.test("many files go through the threads: 5,000 links and 80 MB of copies restore exactly, and the stat cache knows them", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const linkData = join(sb.dir, "linked");
  const copyData = join(sb.dir, "copied");
  for (let d = 0; d < 5; d++) {
    mkdirSync(join(linkData, `d${d}`), { recursive: true });
    for (let i = 0; i < 1000; i++) writeFileSync(join(linkData, `d${d}`, `f${i}.txt`), `${d}/${i}\n`);
  }
  mkdirSync(copyData);
  for (let i = 0; i < 40; i++) {
    writeFileSync(join(copyData, `b${i}.bin`), new Uint8Array(2 << 20).fill(i));
    chmodSync(join(copyData, `b${i}.bin`), i % 2 ? 0o600 : 0o640);
  }
  for (const data of [linkData, copyData]) {
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data], { cwd: ws });
  }
  // The copied files are not linkable (owner-writable only): they stay copies in link mode.
  await dwsOk(sb, ["--batch", "config", "object_store.link", "hardlink"], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const before = [folderState(linkData), folderState(copyData)];
  for (const data of [linkData, copyData]) {
    rmSync(data, { recursive: true });
    mkdirSync(data);
  }
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.deepEqual([folderState(linkData), folderState(copyData)], before);
  const inodes = objectInodes(ws);
  assert.ok(
    statSync(join(linkData, "d4", "f999.txt")).nlink > 1 && inodes.has(statSync(join(linkData, "d4", "f999.txt")).ino),
  );
  assertEveryObjectMatchesItsKey(ws);
  // Only the file changed since is read by the next snapshot.
  writeFileSync(join(copyData, "new.bin"), "new\n");
  assert.equal(await filesRead(sb, ws, "S2"), 1);
});
