/**
 * The s3 resource (`dws add s3`, snapshot, restore/pinning, delete-snapshot,
 * file access) against a real local S3 server (moto, see tests/s3_server.ts)
 * with dummy credentials: never the machine's AWS configuration.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { GetObjectCommand, HeadObjectCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { getFilesystemForResource, NotSupportedError, PathError } from "../../mod.ts";
import { expectFailure, manifest, metadata, snapshotHash } from "../cli/snapshot_helpers.ts";
import {
  createBucket,
  deleteObject,
  putObjects,
  S3_TEST_ENV,
  type S3TestServer,
  s3TestServer,
  startMotoServer,
  withS3Env,
} from "../s3_server.ts";
import {
  dws,
  DWS_MAIN,
  dwsOk,
  ignoreWithout,
  initWorkspace,
  readJson,
  readText,
  ROOT,
  run,
  type Sandbox,
  sandbox,
} from "../test_utils.ts";

const ignore = ignoreWithout("moto_server");
// The server is shared by the tests of this module and outlives each test.
const opts = { ignore, sanitizeResources: false, sanitizeOps: false };

function s3Sandbox(): Sandbox {
  const sb = sandbox();
  Object.assign(sb.env, S3_TEST_ENV);
  return sb;
}

/** A workspace with a versioned bucket added as resource `data`. */
async function s3Workspace(
  sb: Sandbox,
  server: S3TestServer,
  objects: Record<string, string> = {},
): Promise<{ ws: string; bucket: string }> {
  const bucket = await createBucket(server, "ws");
  await putObjects(server, bucket, objects);
  const ws = await initWorkspace(sb);
  await dwsOk(sb, [
    "--batch",
    "add",
    "s3",
    "--role",
    "source-data",
    "--name",
    "data",
    "--endpoint-url",
    server.endpoint,
    bucket,
  ], {
    cwd: ws,
  });
  return { ws, bucket };
}

const scratch = (ws: string) => join(ws, ".dataworkspace/scratch/data");
const pinFile = (ws: string) => join(scratch(ws), "current_snapshot.txt");
const cacheFile = (ws: string, hash: string) => join(scratch(ws), "snapshot_cache", `${hash}.json.gz`);

async function bucketHas(server: S3TestServer, bucket: string, key: string): Promise<boolean> {
  try {
    await server.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function bucketBytes(server: S3TestServer, bucket: string, key: string): Promise<Uint8Array> {
  const r = await server.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return await r.Body!.transformToByteArray();
}

async function snapshot(sb: Sandbox, ws: string, ...args: string[]): Promise<string> {
  return snapshotHash(await dwsOk(sb, ["--batch", "snapshot", ...args], { cwd: ws }));
}

const fsOf = (ws: string) => withS3Env(() => getFilesystemForResource("data", { workspaceDir: ws }));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test({
  name: "s3: add records bucket_name and endpoint_url only (no credentials), ignores its scratch folder",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws, bucket } = await s3Workspace(sb, server);
    const entry = (readJson(join(ws, ".dataworkspace/resources.json")) as Record<string, unknown>[])[0];
    assert.deepEqual(entry, {
      resource_type: "s3",
      name: "data",
      role: "source-data",
      bucket_name: bucket,
      endpoint_url: server.endpoint,
    });
    assert.deepEqual(readJson(join(ws, ".dataworkspace/resource_local_params.json")), { data: {} });
    assert.ok(readText(join(ws, ".dataworkspace/.gitignore")).split("\n").includes("/scratch/data/"));
    assert.ok(existsSync(join(scratch(ws), "snapshot_cache")));
    const tracked = (await run(sb, ["git", "ls-files"], { cwd: ws })).stdout;
    assert.doesNotMatch(tracked, /scratch/);
    const status = (await run(sb, ["git", "status", "--porcelain"], { cwd: ws })).stdout;
    assert.equal(status, "");
    // No credential anywhere in the metadata.
    for (const f of ["resources.json", "resource_local_params.json", "config.json", "local_params.json"]) {
      assert.doesNotMatch(readText(join(ws, ".dataworkspace", f)), /testing|AWS_/);
    }
    // Default name is the bucket; a second add of the same bucket gets name-role.
    await dwsOk(sb, ["--batch", "add", "s3", "--role", "i", "--endpoint-url", server.endpoint, bucket], { cwd: ws });
    await dwsOk(sb, ["--batch", "add", "s3", "--role", "i", "--endpoint-url", server.endpoint, bucket], { cwd: ws });
    const names = (readJson(join(ws, ".dataworkspace/resources.json")) as { name: string }[]).map((e) => e.name);
    assert.deepEqual(names, ["data", bucket, `${bucket}-intermediate-data`]);
    // dws config shows the parameters, including the (unset) pin.
    const cfg = await dwsOk(sb, ["config", "--resource", "data"], { cwd: ws });
    assert.match(cfg.stdout, /bucket_name/);
    assert.match(cfg.stdout, /endpoint_url/);
    assert.match(cfg.stdout, /current_snapshot/);
  },
});

Deno.test({
  name: "s3: add refuses results role, an unversioned bucket (saying how to enable it) and a missing bucket",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const ws = await initWorkspace(sb);
    const versioned = await createBucket(server, "ok");
    const plain = await createBucket(server, "plain", { versioning: false });
    const ep = ["--endpoint-url", server.endpoint];
    await expectFailure(sb, ws, ["--batch", "add", "s3", "--role", "results", ...ep, versioned], {
      stderr: /^Configuration error: results not currently supported for S3 resources$/,
    });
    const r = await expectFailure(sb, ws, ["--batch", "add", "s3", "--role", "s", ...ep, plain], {
      stderr: /does not have versioning enabled/,
    });
    assert.ok(
      r.stderr.includes(
        `aws s3api put-bucket-versioning --bucket ${plain} --versioning-configuration Status=Enabled ` +
          `--endpoint-url ${server.endpoint}`,
      ),
      r.stderr,
    );
    await expectFailure(sb, ws, ["--batch", "add", "s3", "--role", "s", ...ep, "no-such-bucket-dws"], {
      stderr: /^Configuration error: S3 bucket 'no-such-bucket-dws' does not exist at http:\/\/127\.0\.0\.1:\d+ /,
    });
    await expectFailure(sb, ws, ["--batch", "add", "s3", ...ep, versioned], { stderr: /--role/ });
    await expectFailure(sb, ws, ["--batch", "add", "s3", "--role", "s", "--endpoint-url", "not a url", versioned], {
      stderr: /--endpoint-url 'not a url' is not a URL/,
    });
  },
});

Deno.test({
  name: "s3: snapshots record latest versions; restore pins and reads old bytes; writes refused while pinned",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws, bucket } = await s3Workspace(sb, server, {
      "a.txt": "A1",
      "dir/b.txt": "B1",
      "dir/sub/c.txt": "C1",
      "2024": "integer-like key",
    });
    const h1 = await snapshot(sb, ws, "-m", "first", "S1");
    const md1 = metadata(ws, h1);
    const s1 = (md1.restore_hashes as Record<string, string>).data;
    assert.match(s1, /^[0-9a-f]{40}$/);
    assert.equal(manifest(ws, h1)[0].hash, s1);
    // Snapshot file: cached locally and in the bucket, identical; hash = git blob hash of the JSON.
    const local = readFileSync(cacheFile(ws, s1));
    const remote = await bucketBytes(server, bucket, `.snapshots/${s1}.json.gz`);
    assert.deepEqual(new Uint8Array(local), remote);
    const json = gunzipSync(local).toString("utf8");
    const keys = Object.keys(JSON.parse(json));
    assert.deepEqual(keys.sort(), ["2024", "a.txt", "dir/b.txt", "dir/sub/c.txt"]);
    assert.match(json, /^\{\n {2}"2024": "[^"]+",\n {2}"a\.txt": "[^"]+",\n {2}"dir\/b\.txt": "[^"]+",\n/);
    assert.ok(!json.endsWith("\n"));
    const hashed = await run(sb, ["sh", "-c", `gunzip -c '${cacheFile(ws, s1)}' | git hash-object --stdin`], {
      cwd: ws,
    });
    assert.equal(hashed.stdout.trim(), s1);
    // A snapshot does not pin (1.6 did, §14.18).
    assert.ok(!existsSync(pinFile(ws)));

    // Change the bucket: overwrite, delete, add.
    await putObjects(server, bucket, { "a.txt": "A2", "new.txt": "N" });
    await deleteObject(server, bucket, "dir/b.txt");
    const h2 = await snapshot(sb, ws, "S2");
    const s2 = (metadata(ws, h2).restore_hashes as Record<string, string>).data;
    assert.notEqual(s2, s1);
    const v2 = JSON.parse(gunzipSync(readFileSync(cacheFile(ws, s2))).toString("utf8"));
    assert.deepEqual(Object.keys(v2).sort(), ["2024", "a.txt", "dir/sub/c.txt", "new.txt"]);

    // Live reads.
    let fs = await fsOf(ws);
    assert.equal(text(await withS3Env(() => fs.readFile("a.txt"))), "A2");
    assert.deepEqual(await withS3Env(() => fs.ls("")), ["2024", "a.txt", "dir", "new.txt"]);

    // Restore S1: pinned, reads give the old bytes and listing.
    const r = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.match(r.stdout, /reading s3:\/\/.* as of snapshot/);
    assert.equal(readText(pinFile(ws)), s1);
    fs = await fsOf(ws);
    await withS3Env(async () => {
      assert.equal(text(await fs.readFile("a.txt")), "A1");
      assert.equal(await fs.open("dir/b.txt", "r"), "B1");
      assert.equal(text(await fs.open("dir/sub/c.txt")), "C1");
      assert.deepEqual(await fs.ls(""), ["2024", "a.txt", "dir"]);
      assert.deepEqual(await fs.ls("dir"), ["dir/b.txt", "dir/sub"]);
      assert.deepEqual(await fs.ls("dir/b.txt"), ["dir/b.txt"]);
      assert.equal(await fs.exists("new.txt"), false);
      assert.equal(await fs.isFile("dir/b.txt"), true);
      assert.equal(await fs.isDir("dir/sub"), true);
      await assert.rejects(() => fs.ls("new.txt"), PathError);
      // Writes and deletes are refused while pinned.
      await assert.rejects(() => fs.writeFile!("x.txt", "x"), (e: Error) => {
        assert.ok(e instanceof NotSupportedError);
        assert.match(e.message, /^Cannot update bucket when a snapshot is selected/);
        return true;
      });
      await assert.rejects(() => fs.remove!("a.txt"), /Cannot update bucket when a snapshot is selected/);
    });
    assert.equal(await bucketHas(server, bucket, "x.txt"), false);

    // A snapshot while pinned records the pinned state (with a warning) and stays pinned.
    await putObjects(server, bucket, { "later.txt": "L" });
    const pinnedSnap = await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: ws });
    assert.match(pinnedSnap.stderr, /is pinned to snapshot/);
    assert.equal((metadata(ws, snapshotHash(pinnedSnap)).restore_hashes as Record<string, string>).data, s1);

    // dws config shows the pin; setting it to None unpins, and a new snapshot sees the live bucket.
    const shown = await dwsOk(sb, ["config", "--resource", "data", "current_snapshot"], { cwd: ws });
    assert.ok(shown.stdout.includes(s1));
    await dwsOk(sb, ["--batch", "config", "--resource", "data", "current_snapshot", "None"], { cwd: ws });
    assert.ok(!existsSync(pinFile(ws)));
    assert.deepEqual(readJson(join(ws, ".dataworkspace/resource_local_params.json")), { data: {} });
    fs = await fsOf(ws);
    await withS3Env(async () => {
      await fs.writeFile!("written.txt", "W");
      assert.equal(await fs.open("written.txt", "r"), "W");
      await fs.remove!("written.txt");
      assert.equal(await fs.exists("written.txt"), false);
      await assert.rejects(() => fs.writeFile!(".snapshots/x.json.gz", "x"), PathError);
    });
    const h4 = await snapshot(sb, ws, "S4");
    const s4 = (metadata(ws, h4).restore_hashes as Record<string, string>).data;
    assert.ok(![s1, s2].includes(s4));

    // Pin explicitly by hash through config; restoring the latest snapshot of an unchanged bucket unpins.
    await dwsOk(sb, ["--batch", "config", "--resource", "data", "current_snapshot", s2], { cwd: ws });
    assert.equal(readText(pinFile(ws)), s2);
    const back = await dwsOk(sb, ["--batch", "restore", "S4"], { cwd: ws });
    assert.match(back.stdout, /follows the live bucket/);
    assert.ok(!existsSync(pinFile(ws)));
    await expectFailure(sb, ws, ["--batch", "config", "--resource", "data", "current_snapshot", "abc"], {
      stderr: /expected a 40-character snapshot hash/,
    });
    await expectFailure(sb, ws, ["--batch", "config", "--resource", "data", "current_snapshot", "0".repeat(40)], {
      stderr: /not found for snapshot 0{40}/,
    });
  },
});

Deno.test({
  name: "s3: restore downloads a snapshot file missing from the local cache; a missing file fails the precheck",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws, bucket } = await s3Workspace(sb, server, { "f.csv": "1,2\n" });
    const h1 = await snapshot(sb, ws, "S1");
    const s1 = (metadata(ws, h1).restore_hashes as Record<string, string>).data;
    await putObjects(server, bucket, { "f.csv": "3,4\n" });
    await snapshot(sb, ws, "S2");
    rmSync(join(scratch(ws)), { recursive: true });
    await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.ok(existsSync(cacheFile(ws, s1)));
    const fs = await fsOf(ws);
    assert.equal(await withS3Env(() => fs.open("f.csv", "r")), "1,2\n");
    // Precheck: neither copy exists → nothing changes.
    await dwsOk(sb, ["--batch", "config", "--resource", "data", "current_snapshot", "None"], { cwd: ws });
    rmSync(cacheFile(ws, s1));
    await deleteObject(server, bucket, `.snapshots/${s1}.json.gz`);
    await expectFailure(sb, ws, ["--batch", "restore", "S1"], {
      stderr: new RegExp(`^Configuration error: File s3://${bucket}/\\.snapshots/${s1}\\.json\\.gz not found`),
    });
  },
});

Deno.test({
  name: "s3: delete-snapshot removes both copies of the snapshot file and unpins; a shared file is kept",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws, bucket } = await s3Workspace(sb, server, { "k": "v1" });
    mkdirSync(join(ws, "code"));
    Deno.writeTextFileSync(join(ws, "code", "x.py"), "1");
    await dwsOk(sb, ["--batch", "add", "git", "--role", "code", "./code"], { cwd: ws });
    const h1 = await snapshot(sb, ws, "S1");
    const s1 = (metadata(ws, h1).restore_hashes as Record<string, string>).data;
    // S2: same bucket state, different code → same S3 snapshot file.
    Deno.writeTextFileSync(join(ws, "code", "x.py"), "2");
    const h2 = await snapshot(sb, ws, "S2");
    assert.equal((metadata(ws, h2).restore_hashes as Record<string, string>).data, s1);
    const kept = await dwsOk(sb, ["--batch", "delete-snapshot", "S1"], { cwd: ws });
    assert.match(kept.stdout, /Keeping the snapshot data of resource data/);
    assert.ok(existsSync(cacheFile(ws, s1)));
    assert.ok(await bucketHas(server, bucket, `.snapshots/${s1}.json.gz`));
    // Pin to S2's bucket state (changed since), then delete S2: both copies go and the pin is dropped.
    await putObjects(server, bucket, { "k": "v2" });
    await dwsOk(sb, ["--batch", "restore", "--only", "data", "S2"], { cwd: ws });
    assert.equal(readText(pinFile(ws)), s1);
    const del = await dwsOk(sb, ["--batch", "delete-snapshot", "S2"], { cwd: ws });
    assert.match(del.stdout, /follows the live bucket/);
    assert.ok(!existsSync(cacheFile(ws, s1)));
    assert.equal(await bucketHas(server, bucket, `.snapshots/${s1}.json.gz`), false);
    assert.ok(!existsSync(pinFile(ws)));
    assert.deepEqual(readdirSync(join(scratch(ws), "snapshot_cache")), []);
  },
});

Deno.test({
  name: "s3: listing pages past 1,000 keys (2,500 objects in nested prefixes and at the root)",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const objects: Record<string, string> = {};
    for (let i = 0; i < 1200; i++) objects[`root-${String(i).padStart(4, "0")}.txt`] = `r${i}`;
    for (let i = 0; i < 1300; i++) objects[`p${i % 3}/q${i % 2}/f${String(i).padStart(4, "0")}`] = `n${i}`;
    const { ws, bucket } = await s3Workspace(sb, server, objects);
    const h = await snapshot(sb, ws, "BIG");
    const s = (metadata(ws, h).restore_hashes as Record<string, string>).data;
    const versions = JSON.parse(gunzipSync(readFileSync(cacheFile(ws, s))).toString("utf8"));
    assert.equal(Object.keys(versions).length, 2500);
    assert.deepEqual(Object.keys(versions).sort(), Object.keys(objects).sort());
    // The snapshot file itself is not part of the next snapshot.
    assert.ok(await bucketHas(server, bucket, `.snapshots/${s}.json.gz`));
    const again = await dwsOk(sb, ["--batch", "snapshot", "BIG2"], { cwd: ws });
    assert.equal((metadata(ws, snapshotHash(again)).restore_hashes as Record<string, string>).data, s);
    // Live listing pages too.
    const fs = await fsOf(ws);
    const root = await withS3Env(() => fs.ls(""));
    assert.equal(root.length, 1203);
    assert.deepEqual(root.slice(0, 3), ["p0", "p1", "p2"]);
  },
});

Deno.test({
  name: "s3: wrong credentials and a missing bucket fail with one clear line (exit 1)",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws, bucket } = await s3Workspace(sb, server, { "a": "1" });
    const auth = await startMotoServer({ auth: true });
    try {
      await expectFailure(sb, ws, ["--batch", "add", "s3", "--role", "s", "--endpoint-url", auth.endpoint, bucket], {
        stderr:
          /^Configuration error: S3 rejected the credentials used for bucket '.*' at http:\S+ \(InvalidAccessKeyId: /,
      });
      // An existing resource whose endpoint now rejects the keys: snapshot fails the same way.
      await dwsOk(sb, ["--batch", "config", "--resource", "data", "endpoint_url", auth.endpoint], { cwd: ws });
      await expectFailure(sb, ws, ["--batch", "snapshot", "X"], {
        stderr: /^Configuration error: S3 rejected the credentials/,
      });
    } finally {
      await auth.stop();
    }
    // The bucket is gone (points at a name that does not exist).
    await dwsOk(sb, ["--batch", "config", "--resource", "data", "endpoint_url", server.endpoint], { cwd: ws });
    await dwsOk(sb, ["--batch", "config", "--resource", "data", "bucket_name", "dws-gone-bucket"], { cwd: ws });
    await expectFailure(sb, ws, ["--batch", "snapshot", "X"], {
      stderr: /^Configuration error: S3 bucket 'dws-gone-bucket' does not exist at /,
    });
    // Nothing listens: one line too.
    await dwsOk(sb, ["--batch", "config", "--resource", "data", "endpoint_url", "http://127.0.0.1:9"], { cwd: ws });
    await expectFailure(sb, ws, ["--batch", "snapshot", "X"], {
      stderr: /^Configuration error: Cannot reach S3 at http:\/\/127\.0\.0\.1:9 /,
    });
  },
});

Deno.test({
  name: "s3: a snapshot fails before anything changes when the bucket's versioning was suspended",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws, bucket } = await s3Workspace(sb, server, { "a": "1" });
    await server.client.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } }),
    );
    await expectFailure(sb, ws, ["--batch", "snapshot", "S1"], {
      stderr: new RegExp(`^Configuration error: Bucket '${bucket}' does not have versioning enabled \\(suspended\\)`),
    });
  },
});

Deno.test({
  name: "s3: push and pull skip the bucket (no local state), with 1.6's message",
  ...opts,
  async fn() {
    using sb = s3Sandbox();
    const server = await s3TestServer();
    const { ws } = await s3Workspace(sb, server);
    const bare = join(sb.dir, "origin.git");
    await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
    await run(sb, ["git", "remote", "add", "origin", bare], { cwd: ws });
    await run(sb, ["git", "push", "-q", "-u", "origin", "master"], { cwd: ws });
    const push = await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    assert.match(push.stdout, /Skipping the following resources, which do not have local state: data/);
    const pull = await dwsOk(sb, ["--batch", "pull"], { cwd: ws });
    assert.match(pull.stdout, /Skipping the following resources, which do not have local state: data/);
  },
});

/** Module specifiers reachable from `root` through static imports only. */
async function staticGraph(root: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", root], cwd: ROOT }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: { specifier: string; dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[] }[];
  };
  const bySpec = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const todo = [...info.roots];
  while (todo.length) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpec.get(s)?.dependencies ?? []) if (!d.isDynamic && d.code) todo.push(d.code.specifier);
  }
  return seen;
}

Deno.test({
  name: "s3: the AWS SDK is only imported dynamically, and not loaded by commands that do not touch a bucket",
  ...opts,
  async fn() {
    for (const root of [DWS_MAIN, join(ROOT, "mod.ts")]) {
      const graph = [...await staticGraph(root)];
      // The CLI registers the resource types lazily (resources/register.ts); the library loads them all.
      assert.ok(graph.some((s) => /\/resources\/(mod|register)\.ts$/.test(s)), "graph walk found the resources");
      assert.deepEqual(graph.filter((s) => /aws-sdk|@smithy|\/resources\/s3/.test(s)), [], root);
    }
    using sb = s3Sandbox();
    const server = await s3TestServer();
    // Without an s3 resource: nothing loads the SDK.
    const plain = await initWorkspace(sb, "plain");
    const status = await dwsOk(sb, ["--verbose", "report", "status"], { cwd: plain });
    assert.doesNotMatch(status.stderr, /AWS SDK/);
    // With one: status still does not need it; a snapshot does (and says so with --verbose).
    const { ws } = await s3Workspace(sb, server, { "a": "1" });
    const status2 = await dwsOk(sb, ["--verbose", "report", "status"], { cwd: ws });
    assert.doesNotMatch(status2.stderr, /AWS SDK/);
    const snap = await dwsOk(sb, ["--verbose", "--batch", "snapshot"], { cwd: ws });
    assert.match(snap.stderr, /Loading the AWS SDK \(@aws-sdk\/client-s3\)/);
    assert.match(snap.stderr, /Listed 1 objects of s3:\/\//);
  },
});

Deno.test({
  name: "s3: dws add s3 --help shows the bucket argument and --endpoint-url",
  async fn() {
    using sb = s3Sandbox();
    const r = await dws(sb, ["add", "s3", "--help"], { cwd: sb.dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--endpoint-url <url>/);
    assert.match(r.stdout, /<bucket>/);
  },
});
