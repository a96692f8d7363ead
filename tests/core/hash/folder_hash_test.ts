import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeHashTree, writeHashTreeFiles } from "../../../core/hash/folder_hash.ts";
import { StatCache } from "../../../core/hash/stat_cache.ts";
import { sha1Hex } from "../../../core/base/hashing.ts";
import { ObjectStore } from "../../../core/store/object_store.ts";

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "dws-hashtree-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

Deno.test("size hash tree matches the 1.6 golden values", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(join(d, "sub"), { recursive: true });
  mkdirSync(join(d, "empty"));
  writeFileSync(join(d, "f1"), "hello\n");
  writeFileSync(join(d, "sub", "f2"), "world\n");
  const tree = await computeHashTree(d, { computeHash: false });
  assert.equal(tree.rootHash, "1643c31747c55015fa6fc841f66d27a2111dfd27");
  assert.ok(tree.trees.has("09f2a7367b2275574a49e8ef925a7e9be905e794"));
  assert.equal(tree.trees.get("da39a3ee5e6b4b0d3255bfef95601890afd80709"), "");
  assert.equal(tree.trees.get("09f2a7367b2275574a49e8ef925a7e9be905e794"), "6\tblob\tf2\n");
  assert.equal(tree.files, 2);
  assert.equal(tree.bytes, 12);
  assert.equal(tree.hashedFiles, 0);
});

Deno.test("SHA-1 hash tree matches the 1.6 golden value; tree files are written 0755 once", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(d);
  writeFileSync(join(d, "f1"), "hello\n");
  const tree = await computeHashTree(d, { computeHash: true });
  assert.equal(tree.rootHash, "e74786f4013429a5285e6fbc899091626179e8e8");
  assert.equal(tree.trees.get(tree.rootHash), "f572d396fae9206628714fb2ce00f72e94f2258f\tblob\tf1\n");
  const out = join(t.dir, "hashes");
  mkdirSync(out);
  assert.deepEqual(writeHashTreeFiles(out, tree.trees), [tree.rootHash]);
  assert.equal(statSync(join(out, tree.rootHash)).mode & 0o777, 0o755);
  assert.deepEqual(writeHashTreeFiles(out, tree.trees), []);
});

Deno.test("entries sort by code point, files and folders interleaved", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(join(d, "b"), { recursive: true });
  for (const name of ["a", "B", "c", "é"]) writeFileSync(join(d, name), name);
  writeFileSync(join(d, "b", "x"), "");
  const tree = await computeHashTree(d, { computeHash: false });
  const names = tree.trees.get(tree.rootHash)!.trim().split("\n").map((l) => l.split("\t")[2]);
  assert.deepEqual(names, ["B", "a", "b", "c", "é"]);
});

Deno.test("symbolic links are recorded as links and never followed", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(join(d, "real"), { recursive: true });
  writeFileSync(join(d, "real", "big"), "x".repeat(1000));
  symlinkSync("real", join(d, "dirlink"));
  symlinkSync("/nonexistent/target", join(d, "dangling"));
  const tree = await computeHashTree(d, { computeHash: true });
  const root = tree.trees.get(tree.rootHash)!;
  assert.match(root, /^[0-9a-f]{40}\tlink\tdangling$/m);
  assert.match(root, /^[0-9a-f]{40}\tlink\tdirlink$/m);
  assert.equal(tree.files, 1);
});

Deno.test("the stat cache skips unchanged files and notices changed ones", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(d);
  writeFileSync(join(d, "a"), "one");
  writeFileSync(join(d, "b"), "two");
  // Files are older than the run, so the cache may trust them.
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(d, "a"), old, old);
  utimesSync(join(d, "b"), old, old);
  const cachePath = join(t.dir, "cache", "data.json");
  const first = StatCache.load(cachePath);
  const t1 = await computeHashTree(d, { computeHash: true, cache: first });
  first.save();
  assert.equal(t1.hashedFiles, 2);

  const second = StatCache.load(cachePath);
  const t2 = await computeHashTree(d, { computeHash: true, cache: second });
  assert.equal(t2.hashedFiles, 0);
  assert.equal(t2.rootHash, t1.rootHash);

  writeFileSync(join(d, "b"), "TWO");
  const third = StatCache.load(cachePath);
  const t3 = await computeHashTree(d, { computeHash: true, cache: third });
  assert.equal(t3.hashedFiles, 1);
  assert.notEqual(t3.rootHash, t1.rootHash);
});

Deno.test("files modified just before hashing are not trusted from the cache", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(d);
  writeFileSync(join(d, "fresh"), "new");
  const cachePath = join(t.dir, "cache.json");
  const c1 = StatCache.load(cachePath);
  await computeHashTree(d, { computeHash: true, cache: c1 });
  c1.save();
  const c2 = StatCache.load(cachePath);
  const again = await computeHashTree(d, { computeHash: true, cache: c2 });
  assert.equal(again.hashedFiles, 1, "a racy entry is hashed again");
});

Deno.test("a broken stat cache only costs a re-hash", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(d);
  writeFileSync(join(d, "a"), "x");
  const cachePath = join(t.dir, "cache.json");
  writeFileSync(cachePath, "{not json");
  const tree = await computeHashTree(d, { computeHash: true, cache: StatCache.load(cachePath) });
  assert.equal(tree.hashedFiles, 1);
});

Deno.test("with a sink, each file read is stored as hashed, once; the store's epoch lets later runs trust the cache", async () => {
  using t = tempDir();
  const d = join(t.dir, "data");
  mkdirSync(d);
  for (const name of ["a", "b", "c"]) writeFileSync(join(d, name), `content of ${name}`);
  writeFileSync(join(d, "same-as-a"), "content of a");
  const old = new Date(Date.now() - 60_000);
  for (const name of ["a", "b", "c", "same-as-a"]) utimesSync(join(d, name), old, old);
  const store = new ObjectStore(join(t.dir, "store"));
  const cachePath = join(t.dir, "cache.json");
  const run = async () => {
    const cache = StatCache.load(cachePath);
    const tree = await computeHashTree(d, { computeHash: false, cache, listing: true, sink: store.sink(false) });
    cache.save();
    return tree;
  };
  const first = await run();
  assert.equal(first.hashedFiles, 4);
  assert.equal(first.stored, 3, "equal contents are stored once");
  assert.deepEqual([...store.keys()].sort(), ["a", "b", "c"].map((n) => sha1Hex(`content of ${n}`)).sort());
  for (const key of store.keys()) assert.ok(store.verify(key));
  assert.deepEqual(readdirSync(join(store.dir, "tmp")), [], "no temporary file left");

  const second = await run();
  assert.equal(second.hashedFiles, 0);
  assert.equal(second.stored, 0);

  // An object leaves through the store: the epoch changes, so the file is read and stored again.
  store.remove(sha1Hex("content of b"));
  const third = await run();
  assert.equal(third.hashedFiles, 1);
  assert.equal(third.stored, 1);
  assert.ok(store.has(sha1Hex("content of b")));
});

Deno.test("stat cache: a file read in a run that does not snapshot forgets the remembered listing key", () => {
  const dir = mkdtempSync(join(tmpdir(), "dws-cache-"));
  try {
    const path = join(dir, "cache.json");
    const snapshot = StatCache.load(path);
    snapshot.rememberListingKey("root", "key1");
    snapshot.save();
    assert.equal(StatCache.load(path).listingKeyFor("root"), "key1");
    // e.g. `dws run` reading a same-size edit of a size-only folder (same root hash, other content).
    const run = StatCache.load(path);
    run.store("a.csv", { size: 4, mtimeMs: 1000.5, ino: 7, ctimeMs: 1000.5 }, sha1Hex("9,9\n"), Date.now());
    run.save();
    assert.equal(StatCache.load(path).listingKeyFor("root"), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
