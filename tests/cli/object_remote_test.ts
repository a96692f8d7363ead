/**
 * Object remotes through the real command line: `dws push` uploads the
 * objects snapshots reference, `dws clone` creates a missing data folder
 * from them, `dws pull` fetches the newest snapshot's data and `dws restore`
 * fetches what it lacks; through an rclone local remote (temporary config)
 * and through the local S3 server (moto). Also: small files packed, an
 * interrupted push resumed, gc never losing an object nobody else has.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createBucket, S3_TEST_ENV, s3TestServer } from "../s3_server.ts";
import {
  dws,
  dwsOk,
  folderState,
  ignoreWithout,
  initWorkspace,
  run,
  type Sandbox,
  sandbox,
  useLocalRcloneRemote,
} from "../test_utils.ts";

const noRclone = ignoreWithout("rclone");
const noMoto = ignoreWithout("moto_server");

/** Files under `dir` (relative paths). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)).map((p) => `${e.name}/${p}`) : [e.name]
  );
}

/** A data folder: `small` small files, two 150 KB files, an executable, a link, an empty folder. */
function makeData(dir: string, small: number): void {
  mkdirSync(join(dir, "small"), { recursive: true });
  mkdirSync(join(dir, "empty"));
  for (let i = 0; i < small; i++) writeFileSync(join(dir, "small", `f${i}.txt`), `small file ${i}\n`);
  for (const n of [1, 2]) writeFileSync(join(dir, `big${n}.bin`), new Uint8Array(150_000).map((_, j) => (j * n) % 251));
  writeFileSync(join(dir, "run.sh"), "#!/bin/sh\necho hi\n");
  chmodSync(join(dir, "run.sh"), 0o755);
  symlinkSync("run.sh", join(dir, "link.sh"));
}

async function bareRepo(sb: Sandbox, name: string): Promise<string> {
  const bare = join(sb.dir, "remotes", `${name}.git`);
  mkdirSync(bare, { recursive: true });
  await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
  return bare;
}

/** Workspace A with local-files resource `data` at `<sandbox>/data`, snapshot S1, the object remote set. */
async function workspaceA(sb: Sandbox, remote: string, small: number): Promise<string> {
  const data = join(sb.dir, "data");
  makeData(data, small);
  const wsA = await initWorkspace(sb, "wsA");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: wsA });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: wsA });
  await dwsOk(sb, ["--batch", "config", "object_store.remote", remote], { cwd: wsA });
  return wsA;
}

/** On "B's machine" A's folder is not at the recorded path: A keeps it elsewhere. Returns that folder. */
async function moveDataOfA(sb: Sandbox, wsA: string): Promise<string> {
  const aData = join(sb.dir, "a-data");
  renameSync(join(sb.dir, "data"), aData);
  await dwsOk(sb, ["--batch", "config", "--resource", "data", "local_path", aData], { cwd: wsA });
  return aData;
}

/** B changes the data, snapshots S2 and pushes; A pulls and restores S2 into `aData`. */
async function roundTripBack(sb: Sandbox, wsA: string, wsB: string, bData: string, aData: string): Promise<void> {
  writeFileSync(join(bData, "small", "f1.txt"), "changed by B\n");
  writeFileSync(join(bData, "new.bin"), new Uint8Array(100_000).map((_, j) => (j * 3) % 256));
  rmSync(join(bData, "big2.bin"));
  await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: wsB });
  const push = await dwsOk(sb, ["--batch", "push"], { cwd: wsB });
  // The changed small file and the new listing packed, the new big file alone.
  assert.match(
    push.stdout,
    /: pushed 3 object\(s\), [\d.]+ [KMG]?B \(1 pack\(s\), 1 single file\(s\)\); \d+ already there\n/,
  );
  const pull = await dwsOk(sb, ["--batch", "pull"], { cwd: wsA });
  assert.match(pull.stdout, /: fetched 3 object\(s\), [\d.]+ [KMG]?B; \d+ already here\n/);
  assert.notDeepEqual(folderState(aData), folderState(bData));
  await dwsOk(sb, ["--batch", "restore", "S2"], { cwd: wsA });
  assert.deepEqual(folderState(aData), folderState(bData));
}

Deno.test({
  name: "rclone object remote: A pushes (small files packed); B clones --batch and gets the folder; B pushes, A pulls",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    useLocalRcloneRemote(sb);
    const remoteDir = join(sb.dir, "object-remote");
    const wsA = await workspaceA(sb, `objremote:${remoteDir}`, 800);
    const bare = await bareRepo(sb, "ws");
    const pub = await dwsOk(sb, ["--batch", "publish", bare], { cwd: wsA });
    // 800 small files + the listing in one pack, the two big files alone.
    assert.match(
      pub.stdout,
      new RegExp(
        `Object remote objremote:${remoteDir}: pushed 804 object\\(s\\), [\\d.]+ [KMG]?B \\(1 pack\\(s\\), 2 single`,
      ),
    );
    const remoteFiles = filesUnder(remoteDir);
    assert.equal(remoteFiles.length, 4, remoteFiles.join(", "));
    assert.equal(remoteFiles.filter((f) => f.startsWith("packs/")).length, 2);

    const data = join(sb.dir, "data");
    const aData = await moveDataOfA(sb, wsA);
    const clone = await dwsOk(sb, ["--batch", "clone", "--hostname", "bob", bare, "wsB"], { cwd: sb.dir });
    assert.match(clone.stdout, /: fetched 804 object\(s\), [\d.]+ [KMG]?B; 0 already here\n/);
    assert.match(clone.stdout, new RegExp(`Created ${data} for resource 'data' from snapshot [0-9a-f]{7} \\(803 file`));
    assert.deepEqual(folderState(data), folderState(aData));
    await roundTripBack(sb, wsA, join(sb.dir, "wsB"), data, aData);
  },
});

Deno.test({
  name: "S3 object remote: B clones interactively into a folder of its choice; B pushes, A pulls and restores",
  ignore: noMoto,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    using sb = sandbox();
    const server = await s3TestServer();
    Object.assign(sb.env, S3_TEST_ENV, { AWS_ENDPOINT_URL: server.endpoint });
    const bucket = await createBucket(server, "objects", { versioning: false });
    const wsA = await workspaceA(sb, `s3://${bucket}/team/ws`, 50);
    const bare = await bareRepo(sb, "ws");
    const pub = await dwsOk(sb, ["--batch", "publish", bare], { cwd: wsA });
    assert.match(pub.stdout, new RegExp(`Object remote s3://${bucket}/team/ws: pushed 54 object\\(s\\)`));
    const listed = await server.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.equal(listed.KeyCount, 4);
    assert.ok(listed.Contents!.every((c) => c.Key!.startsWith("team/ws/")));

    const aData = await moveDataOfA(sb, wsA);
    const bData = join(sb.dir, "b-data");
    const clone = await dws(sb, ["clone", "--hostname", "bob", bare, "wsB"], { cwd: sb.dir, stdin: `${bData}\n` });
    assert.equal(clone.code, 0, clone.stderr + clone.stdout);
    assert.match(clone.stdout, /Where should the data of local files resource 'data' go on this machine\?/);
    assert.deepEqual(folderState(bData), folderState(aData));
    await roundTripBack(sb, wsA, join(sb.dir, "wsB"), bData, aData);
  },
});

Deno.test({
  name: "S3 object remote: an interrupted push resumes and sends only what the remote lacks",
  ignore: noMoto,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    using sb = sandbox();
    const server = await s3TestServer();
    Object.assign(sb.env, S3_TEST_ENV, { AWS_ENDPOINT_URL: server.endpoint });
    const bucket = await createBucket(server, "resume", { versioning: false });
    const data = join(sb.dir, "data");
    makeData(data, 100);
    for (let i = 0; i < 30; i++) {
      writeFileSync(join(data, `large${i}.bin`), crypto.getRandomValues(new Uint8Array(65_536)));
    }
    const ws = await initWorkspace(sb);
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
    await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    // Without an object remote, push says nothing about objects.
    const pub = await dwsOk(sb, ["--batch", "publish", await bareRepo(sb, "ws")], { cwd: ws });
    assert.doesNotMatch(pub.stdout, /Object remote/);
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `s3://${bucket}`], { cwd: ws });

    // Killed after the third object reached the remote.
    const killed = await dws(sb, ["--batch", "push"], { cwd: ws, env: { DWS_FAULT: "object-remote-upload-3" } });
    assert.notEqual(killed.code, 0);
    const keys = async () =>
      ((await server.client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((c) => c.Key!);
    const partial = (await keys()).filter((k) => k.startsWith("objects/"));
    // 3 done, at most 8 more in flight when it died.
    assert.ok(partial.length >= 3 && partial.length <= 3 + 8, `partial push: ${partial.join(", ")}`);

    const singles = 30 + 2; // large files, big1/big2
    const total = 100 + 30 + 3 + 1; // small files, large files, big1/big2/run.sh, the listing
    const again = await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    const m = /: pushed (\d+) object\(s\), [\d.]+ [KMG]?B \(1 pack\(s\), (\d+) single file\(s\)\); (\d+) already there/
      .exec(again.stdout);
    assert.ok(m, again.stdout);
    // Uploads in flight when the process died may still land on the server after the listing above.
    const already = Number(m[3]);
    assert.ok(already >= partial.length && already <= 3 + 8, `already there: ${already}, listed: ${partial.length}`);
    assert.equal(Number(m[1]), total - already);
    assert.equal(Number(m[2]), singles - already);
    assert.equal((await keys()).length, singles + 2);
    const third = await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    assert.match(
      third.stdout,
      new RegExp(`: pushed 0 object\\(s\\), 0 B \\(0 pack\\(s\\), 0 single file\\(s\\)\\); ${total} already`),
    );
  },
});

Deno.test({
  name: "gc --keep-last drops older snapshots' objects only once pushed; restore fetches them back",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    useLocalRcloneRemote(sb);
    const wsA = await workspaceA(sb, `objremote:${join(sb.dir, "object-remote")}`, 20);
    const data = join(sb.dir, "data");
    const s1 = folderState(data);
    writeFileSync(join(data, "big1.bin"), new Uint8Array(150_000).map((_, j) => (j * 5) % 253));
    await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: wsA });
    const s2 = folderState(data);

    // Nothing pushed yet: the older snapshot's objects stay.
    const unpushed = await dwsOk(sb, ["--batch", "gc", "--keep-last", "1"], { cwd: wsA });
    assert.match(
      unpushed.stdout,
      /^Removed 0 object\(s\), 0 B; kept \d+ \(\+2 of older snapshots, not pushed yet\)\n$/,
    );
    await dwsOk(sb, ["--batch", "publish", await bareRepo(sb, "ws")], { cwd: wsA });
    const plain = await dwsOk(sb, ["--batch", "gc"], { cwd: wsA });
    assert.match(plain.stdout, /^Removed 0 object\(s\)/);

    // S3 is not pushed: its objects stay however old it gets.
    writeFileSync(join(data, "s3-only.txt"), "only in S3\n");
    await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: wsA });
    rmSync(join(data, "s3-only.txt"));
    writeFileSync(join(data, "s4.txt"), "S4\n");
    await dwsOk(sb, ["--batch", "snapshot", "S4"], { cwd: wsA });
    const gc = await dwsOk(sb, ["--batch", "gc", "--keep-last", "1"], { cwd: wsA });
    // S1's big1 and listing, S2's listing go; S3's listing and file stay (not pushed).
    assert.match(
      gc.stdout,
      /^Removed 3 object\(s\), [\d.]+ [KM]B; kept \d+ \(\+2 of older snapshots, not pushed yet\)\n$/,
    );

    const r1 = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: wsA });
    assert.match(r1.stdout, /Fetched 2 object\(s\), [\d.]+ [KM]B from objremote:/);
    assert.deepEqual(folderState(data), s1);
    await dwsOk(sb, ["--batch", "restore", "S3"], { cwd: wsA });
    assert.equal(readFileSync(join(data, "s3-only.txt"), "utf8"), "only in S3\n");
    const r2 = await dwsOk(sb, ["--batch", "restore", "S2"], { cwd: wsA });
    assert.match(r2.stdout, /Fetched 1 object\(s\)/);
    assert.deepEqual(folderState(data), s2);
  },
});

Deno.test({
  name: "rclone resource with --master local: clone creates the missing folder from the object remote",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    useLocalRcloneRemote(sb);
    const rdata = join(sb.dir, "rdata");
    makeData(rdata, 10);
    const ws = await initWorkspace(sb, "wsA");
    await dwsOk(sb, [
      "--batch",
      "add",
      "rclone",
      "--role",
      "source-data",
      "--master",
      "local",
      "--config",
      sb.env.RCLONE_CONFIG,
      `objremote:${join(sb.dir, "rclone-origin")}`,
      rdata,
    ], { cwd: ws });
    await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `objremote:${join(sb.dir, "objects")}`], { cwd: ws });
    const bare = await bareRepo(sb, "ws");
    await dwsOk(sb, ["--batch", "publish", bare], { cwd: ws });
    const before = folderState(rdata);
    rmSync(rdata, { recursive: true });
    const clone = await dwsOk(sb, ["--batch", "clone", "--hostname", "bob", bare, "wsB"], { cwd: sb.dir });
    assert.match(clone.stdout, new RegExp(`Created ${rdata} for resource 'rdata' from snapshot`));
    assert.deepEqual(folderState(rdata), before);
  },
});

Deno.test("object_store.remote must be s3://bucket/prefix or remote:path", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const r = await dws(sb, ["--batch", "config", "object_store.remote", "/just/a/path"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /neither s3:\/\/bucket\/prefix nor an rclone remote:path/);
});
