import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha1Hex } from "../../../core/base/hashing.ts";
import { ObjectStore } from "../../../core/store/object_store.ts";

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "dws-store-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

Deno.test("putFile copies even a read-only file: the object never shares an inode with it", () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const src = join(t.dir, "frozen.csv");
  writeFileSync(src, "x,y\n1,2\n");
  chmodSync(src, 0o444);
  const key = sha1Hex("x,y\n1,2\n");
  assert.equal(store.putFile(src, { key }), "copy");
  assert.notEqual(statSync(store.path(key)).ino, statSync(src).ino);
  assert.equal(statSync(store.path(key)).mode & 0o777, 0o444);
  chmodSync(src, 0o644);
  writeFileSync(src, "changed\n");
  assert.ok(store.verify(key));
  assert.equal(store.putFile(src, { key }), "present");
});

Deno.test("adopt moves a temporary file into place, or drops it when the key is stored already", () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const key = sha1Hex("abc");
  const first = store.tmpPath();
  writeFileSync(first, "abc", { mode: 0o444 });
  assert.equal(store.adopt(first, key), true);
  const second = store.tmpPath();
  writeFileSync(second, "abc", { mode: 0o444 });
  assert.equal(store.adopt(second, key), false);
  assert.ok(!existsSync(first) && !existsSync(second));
  assert.equal(readFileSync(store.path(key), "utf8"), "abc");
});

Deno.test("verify, badObjects and setAside: a bad object is moved to bad/ with its bytes, never deleted", async () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const good = store.putBytes("good");
  const bad = store.putBytes("will be damaged");
  chmodSync(store.path(bad), 0o644);
  writeFileSync(store.path(bad), "damaged");
  assert.ok(store.verify(good));
  assert.ok(!store.verify(bad));
  assert.ok(!store.verify(sha1Hex("absent")));
  assert.deepEqual(await store.badObjects([good, bad, sha1Hex("absent")]), [bad, sha1Hex("absent")]);
  const epoch = store.epoch();
  const moved = store.setAside(bad);
  assert.equal(moved, join(store.dir, "bad", bad));
  assert.equal(readFileSync(moved, "utf8"), "damaged");
  assert.ok(!store.has(bad));
  assert.notEqual(store.epoch(), epoch, "a removal changes the epoch");
  // A second bad copy of the same key does not overwrite the first.
  const again = store.putBytes("will be damaged");
  assert.equal(again, bad);
  assert.equal(store.setAside(bad), join(store.dir, "bad", `${bad}.1`));
  assert.equal(readFileSync(moved, "utf8"), "damaged");
});

Deno.test("the epoch stays while objects only arrive; remove changes it", () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const epoch = store.epoch();
  const key = store.putBytes("one");
  store.putBytes("two");
  assert.equal(new ObjectStore(store.dir).epoch(), epoch);
  store.remove(key);
  assert.notEqual(store.epoch(), epoch);
});

Deno.test("linkOut makes a file a hard link to its object, replacing what is there", () => {
  using t = tempDir();
  const store = new ObjectStore(join(t.dir, "store"));
  const key = store.putBytes("linked\n");
  const dest = join(t.dir, "data", "sub", "f.txt");
  assert.ok(store.linkOut(key, dest));
  assert.equal(statSync(dest).ino, statSync(store.path(key)).ino);
  writeFileSync(join(t.dir, "data", "g.txt"), "old\n");
  assert.ok(store.linkOut(key, join(t.dir, "data", "g.txt")));
  assert.equal(readFileSync(join(t.dir, "data", "g.txt"), "utf8"), "linked\n");
  assert.deepEqual(readdirSync(join(t.dir, "data")).sort(), ["g.txt", "sub"]);
  assert.equal(store.linkOut(sha1Hex("absent"), join(t.dir, "data", "h.txt")), false);
});

Deno.test("the first temporary file of a process removes stale ones: dead pids and day-old names, not live ones", async () => {
  using t = tempDir();
  const dir = join(t.dir, "store");
  const tmp = join(dir, "tmp");
  mkdirSync(tmp, { recursive: true });
  const gone = new Deno.Command("true").spawn();
  await gone.status;
  writeFileSync(join(tmp, `${gone.pid}-1`), "dead");
  writeFileSync(join(tmp, `${Deno.pid}-999999`), "mine, in progress");
  writeFileSync(join(tmp, "unknown"), "young");
  new ObjectStore(dir).tmpPath();
  assert.deepEqual(readdirSync(tmp).sort(), [`${Deno.pid}-999999`, "unknown"]);
});
