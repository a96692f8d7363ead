/**
 * Folder restore in-process, on real folders and a real object store:
 * hostile listings refused before anything changes, listings and objects
 * checked against their keys, nothing ever written through a link, what a
 * restore overwrites kept.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../../../core/base/errors.ts";
import { sha1Hex } from "../../../core/base/hashing.ts";
import { applyFolderChanges } from "../../../core/snapshot/folder_changes.ts";
import { restoreFolderTo } from "../../../core/store/folder_restore.ts";
import { readListing } from "../../../core/store/listing.ts";
import { CorruptObjectError, ObjectStore } from "../../../core/store/object_store.ts";
import { folderState, sandbox } from "../../test_utils.ts";
import { hostileListings } from "../models/hostile_listings.ts";

function setup(dir: string) {
  const store = new ObjectStore(join(dir, "objects"));
  const data = join(dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "mine.csv"), "my work\n");
  return { store, data, outside: join(dir, "outside") };
}

Deno.test("readListing refuses every generated hostile listing before anything is touched", () => {
  using sb = sandbox();
  const { store, data } = setup(sb.dir);
  const before = folderState(sb.dir);
  for (const { name, text } of hostileListings()) {
    const key = store.putBytes(text);
    assert.throws(() => readListing(store, key), ConfigurationError, name);
  }
  // Not UTF-8.
  const latin1 = store.putBytes(new Uint8Array([...new TextEncoder().encode("dws-file-listing 1\nD\t"), 0xe9, 10]));
  assert.throws(() => readListing(store, latin1), /is not valid UTF-8; nothing was changed/);
  // A key that is no SHA-1 names no file, inside the store or out.
  assert.throws(() => readListing(store, "../../data/mine.csv"), /is not an object key/);
  assert.equal(readFileSync(join(data, "mine.csv"), "utf8"), "my work\n");
  assert.deepEqual(Object.keys(folderState(sb.dir)).filter((p) => !p.startsWith("objects/")), Object.keys(before));
});

Deno.test("a listing whose bytes do not hash to its key is refused (truncated) and set aside", () => {
  using sb = sandbox();
  const { store } = setup(sb.dir);
  const good = "dws-file-listing 1\nD\tkeep\nD\tmore\n";
  const key = store.putBytes(good);
  // Truncated at a line end: still a valid listing, but not the one the snapshot recorded.
  Deno.chmodSync(store.path(key), 0o644);
  writeFileSync(store.path(key), good.slice(0, good.indexOf("D\tmore")));
  assert.throws(() => readListing(store, key), (e: unknown) => {
    assert.ok(e instanceof CorruptObjectError);
    assert.match(e.message, new RegExp(`^Object ${key} in the object store .* is corrupted`));
    return true;
  });
  assert.ok(!store.has(key), "set aside: a fetch brings it again");
  assert.ok(existsSync(join(store.dir, "bad", key)));
});

Deno.test("a flipped byte in an object: the restore stops before any change, naming the object", async () => {
  using sb = sandbox();
  const { store, data } = setup(sb.dir);
  const content = new TextEncoder().encode("snapshot content\n");
  const key = store.putBytes(content);
  const listing = readListing(
    store,
    store.putBytes(`dws-file-listing 1\nF\t${key}\t644\t${content.length}\tnew.csv\n`),
  )!;
  Deno.chmodSync(store.path(key), 0o644);
  const flipped = content.slice();
  flipped[3] ^= 1;
  writeFileSync(store.path(key), flipped);
  const before = folderState(data);
  await assert.rejects(
    () => restoreFolderTo(data, listing, { store, wsDir: sb.dir, resource: "data" }),
    (e: unknown) => e instanceof CorruptObjectError && e.keys[0] === key && !e.message.includes("\n"),
  );
  assert.deepEqual(folderState(data), before, "nothing changed, no temporaries left");
});

Deno.test("a link in the folder is replaced, never written through; applying changes refuses a link on the way", async () => {
  using sb = sandbox();
  const { store, data, outside } = setup(sb.dir);
  mkdirSync(outside);
  symlinkSync(outside, join(data, "sub"));
  const content = "inside\n";
  const key = store.putBytes(content);
  const text = `dws-file-listing 1\nF\t${key}\t644\t${content.length}\tsub/x.csv\n`;
  const listing = readListing(store, store.putBytes(text))!;
  let kept = "";
  await restoreFolderTo(data, listing, { store, wsDir: sb.dir, resource: "data", kept: (k) => kept = k });
  assert.deepEqual(folderState(outside), {}, "nothing written outside");
  assert.equal(readFileSync(join(data, "sub", "x.csv"), "utf8"), content);
  assert.ok(!Deno.lstatSync(join(data, "sub")).isSymlink, "a real folder now");
  // The folder as it was (the link and mine.csv) is kept.
  const before = readListing(store, kept)!;
  assert.deepEqual(before.links, [["sub", outside]]);
  assert.deepEqual(before.files.map((f) => f.path), ["mine.csv"]);

  // A link appearing on the way while changes are applied (e.g. a replay) is refused.
  const staging = join(data, ".dws-restore-test");
  mkdirSync(staging);
  writeFileSync(join(staging, "0"), "x");
  const other = join(data, "other");
  symlinkSync(outside, other);
  const changes = {
    root: data,
    staging,
    direct: [],
    newDirs: [],
    remove: [],
    place: ["other/y"],
    chmod: [],
    links: [],
    emptyDirs: [],
  };
  assert.throws(() => applyFolderChanges(changes), /it is a link, not a folder; nothing is written through it/);
  assert.deepEqual(folderState(outside), {});
});

Deno.test("restore keeps every file it overwrites or removes; restoring the kept listing brings them back", async () => {
  using sb = sandbox();
  const { store, data } = setup(sb.dir);
  const a = store.putBytes("a v1\n");
  const listing = readListing(store, store.putBytes(`dws-file-listing 1\nF\t${a}\t644\t5\ta.csv\n`))!;
  writeFileSync(join(data, "a.csv"), "a edited, longer\n");
  mkdirSync(join(data, "new"));
  writeFileSync(join(data, "new", "b.bin"), new Uint8Array([0, 1, 2, 255]));
  const before = folderState(data);
  let kept = "";
  const r = await restoreFolderTo(data, listing, { store, wsDir: sb.dir, resource: "data", kept: (k) => kept = k });
  assert.deepEqual(r.overview, { overwritten: ["a.csv"], removed: ["mine.csv", "new/b.bin"] });
  assert.deepEqual(Object.keys(folderState(data)), ["a.csv"]);
  await restoreFolderTo(data, readListing(store, kept)!, { store, wsDir: sb.dir, resource: "data" });
  assert.deepEqual(folderState(data), before);
  assert.equal(sha1Hex(readFileSync(join(data, "a.csv"))), sha1Hex("a edited, longer\n"));
});

Deno.test("a data folder that is itself a link is restored through it (links inside never are followed)", async () => {
  using sb = sandbox();
  const { store, data } = setup(sb.dir);
  const viaLink = join(sb.dir, "data-link");
  symlinkSync(data, viaLink);
  const a = store.putBytes("a v1\n");
  const listing = readListing(store, store.putBytes(`dws-file-listing 1\nF\t${a}\t644\t5\ta.csv\n`))!;
  writeFileSync(join(data, "a.csv"), "a v2\n");
  const r = await restoreFolderTo(viaLink, listing, { store, wsDir: sb.dir, resource: "data" });
  assert.deepEqual(r.overview, { overwritten: ["a.csv"], removed: ["mine.csv"] });
  assert.deepEqual(Object.keys(folderState(data)), ["a.csv"]);
  assert.equal(readFileSync(join(data, "a.csv"), "utf8"), "a v1\n");
});
