/**
 * Object remotes (core/store/object_remote.ts): packing, resumable uploads,
 * verified downloads, the pack index cache, over an in-memory backend; then
 * the real backends: rclone with a local remote and S3 through moto.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import "../../../resources/mod.ts";
import { createContext } from "../../../core/base/context.ts";
import { sha1Hex } from "../../../core/base/hashing.ts";
import { ObjectRemote, runPool } from "../../../core/store/object_remote.ts";
import { objectRemoteProblem, type RemoteBackend, type RemoteFile } from "../../../core/workspace/remote_backend.ts";
import { ObjectStore } from "../../../core/store/object_store.ts";
import { memoryOutput } from "../../../core/base/output.ts";
import { createBucket, s3TestServer, withS3Env } from "../../s3_server.ts";
import { ignoreWithout } from "../../test_utils.ts";

/** A temporary folder, removed at the end of the scope. */
function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "dws-remote-test-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An in-memory backend counting requests; `failAfter` puts make it fail (an interrupted push). */
class MemoryBackend implements RemoteBackend {
  readonly location = "mem:test";
  readonly files = new Map<string, Uint8Array>();
  puts = 0;
  gets = 0;
  failAfter = Infinity;
  constructor(readonly batch = { files: 8, bytes: 1 << 20 }) {}
  list(): Promise<string[]> {
    return Promise.resolve([...this.files.keys()]);
  }
  async put(files: readonly RemoteFile[], done: (file: RemoteFile) => void): Promise<void> {
    await runPool(files, 4, async (f) => {
      await Promise.resolve();
      if (this.puts >= this.failAfter) throw new Error("connection lost");
      this.puts++;
      this.files.set(f.path, f.data ?? new Uint8Array(readFileSync(f.file!)));
      done(f);
    });
  }
  async get(paths: readonly string[], dir: string, done: (path: string) => void): Promise<void> {
    await runPool(paths, 4, async (p) => {
      await Promise.resolve();
      this.gets++;
      const data = this.files.get(p);
      if (!data) return;
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), data);
      done(p);
    });
  }
}

/** Store bytes without the fsync of `putBytes` (fast enough for 20,000 objects). */
function put(store: ObjectStore, data: string | Uint8Array): string {
  const key = sha1Hex(data);
  const tmp = join(store.dir, "test-input");
  mkdirSync(store.dir, { recursive: true });
  writeFileSync(tmp, data);
  store.putFile(tmp, { key });
  rmSync(tmp);
  return key;
}

/** A store holding `small` objects of ~100 bytes and `large` of 100 KB; returns their keys. */
function fillStore(store: ObjectStore, small: number, large: number, seed = "x"): string[] {
  const keys: string[] = [];
  for (let i = 0; i < small; i++) keys.push(put(store, `${seed} small object ${i} `.repeat(4)));
  for (let i = 0; i < large; i++) {
    keys.push(put(store, new Uint8Array(100_000).map((_, j) => (i * 7 + j + seed.length) % 256)));
  }
  return keys;
}

function remoteFor(backend: RemoteBackend, dir: string, name = "a"): ObjectRemote {
  const ctx = createContext({ output: memoryOutput() });
  return new ObjectRemote(backend, { ctx, cacheDir: join(dir, name, "cache"), tmpDir: join(dir, name, "tmp") });
}

Deno.test("object remote: small objects are packed, large ones sent alone; a second store gets every byte back", async () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store-a"));
  const keys = fillStore(store, 3000, 3);
  const backend = new MemoryBackend({ files: 100, bytes: 64 << 20 });
  const up = await remoteFor(backend, t.dir).upload(store, keys);
  assert.equal(up.objects, 3003);
  assert.equal(up.files, 3);
  assert.equal(up.packs, 1);
  // 3 objects + 1 pack + its index: 5 requests for 3003 objects.
  assert.equal(backend.files.size, 5);
  assert.equal(backend.puts, 5);
  assert.equal([...backend.files.keys()].filter((p) => p.startsWith("objects/")).length, 3);

  const other = new ObjectStore(join(t.dir, "store-b"));
  const down = await remoteFor(backend, t.dir, "b").download(other, keys);
  assert.deepEqual(down.missing, []);
  assert.equal(down.objects, 3003);
  for (const k of keys) assert.deepEqual(other.read(k), store.read(k));
  assert.equal([...other.keys()].length, 3003);
  // Pushing again sends nothing.
  const again = await remoteFor(backend, t.dir).upload(store, keys);
  assert.equal(again.objects, 0);
  assert.equal(again.present, 3003);
  assert.equal(backend.puts, 5);
});

Deno.test("object remote: packs hold about 8 MiB; 20,000 objects of 1 KB are 3 packs", async () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const keys: string[] = [];
  for (let i = 0; i < 20_000; i++) keys.push(put(store, `${i}`.padEnd(1024, ".")));
  const backend = new MemoryBackend({ files: 256, bytes: 64 << 20 });
  const up = await remoteFor(backend, t.dir).upload(store, keys);
  assert.equal(up.packs, 3); // 20 MB / 8 MiB
  assert.equal(backend.files.size, 6);
});

Deno.test("object remote: an interrupted upload resumes: only what the remote lacks is sent", async () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const keys = fillStore(store, 50, 12);
  const backend = new MemoryBackend({ files: 4, bytes: 1 << 20 });
  backend.failAfter = 6;
  await assert.rejects(remoteFor(backend, t.dir).upload(store, keys), /connection lost/);
  const partial = await remoteFor(backend, t.dir, "fresh").list();
  assert.ok(partial.size >= 1 && partial.size < keys.length, `partial upload: ${partial.size}`);
  backend.failAfter = Infinity;
  const before = backend.puts;
  const up = await remoteFor(backend, t.dir, "fresh2").upload(store, keys);
  assert.equal(up.present, partial.size);
  assert.equal(up.objects, keys.length - partial.size);
  assert.deepEqual(await remoteFor(backend, t.dir, "fresh3").list(), new Set(keys));
  // 12 single objects + 1 pack + its index in all; the second run sent only the rest.
  assert.equal(before, 6);
  assert.ok(backend.puts - before < 14, `resent ${backend.puts - before}`);
});

Deno.test("object remote: a pack without its index does not count; a corrupted object is refused", async () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const keys = fillStore(store, 10, 1);
  const backend = new MemoryBackend();
  await remoteFor(backend, t.dir).upload(store, keys);
  const idx = [...backend.files.keys()].find((p) => p.endsWith(".idx"))!;
  const pack = idx.replace(/\.idx$/, ".pack");
  const index = backend.files.get(idx)!;
  backend.files.delete(idx);
  assert.equal((await remoteFor(backend, t.dir, "n1").list()).size, 1);
  backend.files.set(idx, index);
  assert.equal((await remoteFor(backend, t.dir, "n2").list()).size, 11);

  const bytes = backend.files.get(pack)!.slice();
  bytes[3] ^= 0xff;
  backend.files.set(pack, bytes);
  const other = new ObjectStore(join(t.dir, "other"));
  await assert.rejects(remoteFor(backend, t.dir, "n3").download(other, keys), /does not match its SHA-1/);
  assert.equal([...other.keys()].filter((k) => keys.slice(0, 10).includes(k)).length, 0);
});

Deno.test("object remote: pack indexes are cached; keys the remote lacks are reported missing", async () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const keys = fillStore(store, 20, 0);
  const backend = new MemoryBackend();
  await remoteFor(backend, t.dir).upload(store, keys);
  backend.gets = 0;
  await remoteFor(backend, t.dir).list(); // same cache folder: index known
  assert.equal(backend.gets, 0);
  await remoteFor(backend, t.dir, "other").list();
  assert.equal(backend.gets, 1);
  const other = new ObjectStore(join(t.dir, "s2"));
  const nowhere = sha1Hex("not anywhere");
  const r = await remoteFor(backend, t.dir, "other").download(other, [...keys, nowhere]);
  assert.deepEqual(r.missing, [nowhere]);
  assert.equal(r.objects, 20);
  assert.equal(r.packs, 1);
  const up = await remoteFor(backend, t.dir).upload(store, [nowhere]);
  assert.deepEqual(up.missing, [nowhere]);
});

Deno.test("object remote: locations are s3://bucket/prefix or rclone remote:path", () => {
  assert.equal(objectRemoteProblem("s3://bucket/some/prefix"), undefined);
  assert.equal(objectRemoteProblem("s3://bucket"), undefined);
  assert.equal(objectRemoteProblem("team:data/ws"), undefined);
  assert.equal(objectRemoteProblem(":local:/tmp/x"), undefined);
  assert.match(objectRemoteProblem("s3://")!, /names no bucket/);
  assert.match(objectRemoteProblem("gs://bucket")!, /is neither s3:\/\/bucket\/prefix nor an rclone remote:path/);
  assert.match(objectRemoteProblem("/plain/path")!, /neither/);
});

/** Upload 400 small and 2 large objects, download into a second store, compare; returns the remote's file paths. */
async function roundTrip(location: string, dir: string): Promise<void> {
  const ctx = createContext({ output: memoryOutput() });
  const store = new ObjectStore(join(dir, "store-a"));
  const keys = fillStore(store, 400, 2);
  const open = (name: string) =>
    ObjectRemote.open(location, { ctx, cacheDir: join(dir, name, "cache"), tmpDir: join(dir, name, "tmp") });
  assert.equal((await (await open("a")).list()).size, 0);
  const up = await (await open("a")).upload(store, keys);
  assert.deepEqual([up.objects, up.files, up.packs], [402, 2, 1]);
  const other = new ObjectStore(join(dir, "store-b"));
  const down = await (await open("b")).download(other, keys);
  assert.deepEqual([down.objects, down.missing.length], [402, 0]);
  for (const k of keys) assert.deepEqual(other.read(k), store.read(k));
  const again = await (await open("c")).upload(store, keys);
  assert.deepEqual([again.objects, again.present], [0, 402]);
}

Deno.test({
  name: "object remote: rclone backend (local remote in a temporary config) round trip",
  ignore: ignoreWithout("rclone"),
  async fn() {
    using t = tempDir();
    const conf = join(t.dir, "rclone.conf");
    writeFileSync(conf, "[objremote]\ntype = local\n");
    const saved = Deno.env.get("RCLONE_CONFIG");
    Deno.env.set("RCLONE_CONFIG", conf);
    try {
      const remoteDir = join(t.dir, "remote");
      await roundTrip(`objremote:${remoteDir}/ws1`, t.dir);
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(d, e.name)).map((p) => `${e.name}/${p}`) : [e.name]
        );
      const files = walk(join(remoteDir, "ws1"));
      assert.equal(files.length, 4, files.join(", ")); // 2 objects, 1 pack, 1 index
      assert.deepEqual(readdirSync(join(remoteDir, "ws1")).sort(), ["incoming", "objects", "packs"]);
      assert.deepEqual(readdirSync(join(remoteDir, "ws1", "incoming")), [], "staging folders are removed");
    } finally {
      if (saved === undefined) Deno.env.delete("RCLONE_CONFIG");
      else Deno.env.set("RCLONE_CONFIG", saved);
    }
  },
});

Deno.test({
  name: "object remote: S3 backend round trip through the local S3 server",
  ignore: ignoreWithout("moto_server"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    using t = tempDir();
    const server = await s3TestServer();
    const bucket = await createBucket(server, "objremote", { versioning: false });
    await withS3Env(async () => {
      Deno.env.set("AWS_ENDPOINT_URL", server.endpoint);
      await roundTrip(`s3://${bucket}/team/ws1`, t.dir);
    });
  },
});
