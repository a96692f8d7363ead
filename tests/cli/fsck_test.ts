/**
 * `dws fsck [--repair]` through the real command line: bad, missing and
 * edited-in-place (linked) objects are each reported on one line with the
 * snapshots they damage, exit 1; `--repair` moves bad objects to bad/ (never
 * deletes them) and fetches them again from the object remote (rclone local
 * remote in a temporary config).
 */
import assert from "node:assert/strict";
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  dws,
  dwsOk,
  ignoreWithout,
  initWorkspace,
  run,
  type Sandbox,
  sandbox,
  useLocalRcloneRemote,
} from "../test_utils.ts";
import { assertOneLine, snapshotHash } from "./snapshot_helpers.ts";
import { assertEveryObjectMatchesItsKey, objectPath, sha1, storeDir } from "./store_helpers.ts";

const noRclone = ignoreWithout("rclone");

/** Workspace with resource `data` (a.csv, b.csv), snapshots S1 and S2 (b.csv changed); returns paths and hashes. */
async function twoSnapshots(sb: Sandbox, link = false) {
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "a.csv"), "a,1\n");
  writeFileSync(join(data, "b.csv"), "b,1\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  if (link) await dwsOk(sb, ["--batch", "config", "object_store.link", "hardlink"], { cwd: ws });
  const s1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  if (link) await dwsOk(sb, ["--batch", "unprotect", join(data, "b.csv")], { cwd: ws });
  writeFileSync(join(data, "b.csv"), "b,2\n");
  const s2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws }));
  return { ws, data, s1: s1.slice(0, 7), s2: s2.slice(0, 7) };
}

Deno.test("fsck: a clean store passes; a bad and a missing object are each one line naming the snapshots they damage", async () => {
  using sb = sandbox();
  const { ws, s1, s2 } = await twoSnapshots(sb);
  const ok = await dwsOk(sb, ["--batch", "fsck"], { cwd: ws });
  assert.match(ok.stdout, /^Checked 5 objects \(\d+ B\) and 2 snapshots: no problems\n$/);

  const a = sha1("a,1\n");
  chmodSync(objectPath(ws, a), 0o644);
  writeFileSync(objectPath(ws, a), "scribbled\n");
  const b1 = sha1("b,1\n");
  rmSync(objectPath(ws, b1));
  const r = await dws(sb, ["--batch", "fsck"], { cwd: ws });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(
    r.stdout,
    `Bad object ${a} (data: a.csv): its content does not match its key; damages snapshot(s) S1 (${s1}), S2 (${s2})\n` +
      `Missing object ${b1} (data: b.csv): neither in the object store nor on an object remote; ` +
      `damages snapshot(s) S1 (${s1})\n` +
      `Checked 4 objects (${r.stdout.match(/\((\d+ B)\) and/)![1]}) and 2 snapshots: 2 problem(s)\n`,
  );
  assertOneLine(r);
  assert.match(r.stderr, /The object store has 2 problem\(s\); '--repair' sets bad objects aside/);

  // Without an object remote, --repair moves the bad object aside (its bytes kept) and says what remains.
  const rep = await dws(sb, ["--batch", "fsck", "--repair"], { cwd: ws });
  assert.equal(rep.code, 1);
  assert.match(rep.stdout, new RegExp(`Bad object ${a} .* — moved to .*/bad/${a}; no object remote to fetch it from`));
  assert.equal(readFileSync(join(storeDir(ws), "bad", a), "utf8"), "scribbled\n");
  assert.match(rep.stderr, /2 problem\(s\) of the object store remain/);
  assertOneLine(rep);
});

Deno.test({
  name: "fsck: a linked object edited behind dws's back is found; --repair sets it aside and fetches it again",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    useLocalRcloneRemote(sb);
    const { ws, data, s1, s2 } = await twoSnapshots(sb, true);
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `objremote:${join(sb.dir, "remote")}`], { cwd: ws });
    await pushObjects(sb, ws);
    const a = sha1("a,1\n");
    chmodSync(join(data, "a.csv"), 0o644);
    appendFileSync(join(data, "a.csv"), "edited in place\n");

    const r = await dws(sb, ["--batch", "fsck"], { cwd: ws });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^Bad object ${a} \\(data: a\\.csv\\): .*; damages snapshot\\(s\\) S1 \\(${s1}\\), S2 \\(${s2}\\)\n`),
    );
    const rep = await dwsOk(sb, ["--batch", "fsck", "--repair"], { cwd: ws });
    assert.match(rep.stdout, new RegExp(`— moved to .*/bad/${a}; fetched again from objremote:`));
    assert.match(rep.stdout, /: 1 problem\(s\), 1 repaired\n$/);
    assert.equal(readFileSync(objectPath(ws, a), "utf8"), "a,1\n");
    assert.equal(readFileSync(join(data, "a.csv"), "utf8"), "a,1\nedited in place\n", "the user's file is untouched");
    assertEveryObjectMatchesItsKey(ws);
    await dwsOk(sb, ["--batch", "fsck"], { cwd: ws });
    await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.equal(readFileSync(join(data, "a.csv"), "utf8"), "a,1\n");
  },
});

/** Upload the snapshots' objects (push needs an origin; the object upload is what matters here). */
async function pushObjects(sb: Sandbox, ws: string): Promise<void> {
  const bare = join(sb.dir, "ws.git");
  await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
  await dwsOk(sb, ["--batch", "publish", bare], { cwd: ws });
  assert.ok(existsSync(join(sb.dir, "remote")));
}

Deno.test("the next snapshot finds a linked object edited in place: moved to bad/, a warning names the damaged snapshots", async () => {
  using sb = sandbox();
  const { ws, data, s1, s2 } = await twoSnapshots(sb, true);
  const a = sha1("a,1\n");
  chmodSync(join(data, "a.csv"), 0o644);
  appendFileSync(join(data, "a.csv"), "edited in place\n");
  const r = await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: ws });
  assert.match(
    r.stderr,
    new RegExp(
      `data: a\\.csv was edited in place, and with it its hard-linked object ${a.slice(0, 8)} \\(moved to .*/bad\\): ` +
        `snapshot\\(s\\) S1 \\(${s1}\\), S2 \\(${s2}\\) lost that version of the file`,
    ),
  );
  assert.ok(existsSync(join(storeDir(ws), "bad", a)));
  assertEveryObjectMatchesItsKey(ws);
  // Never silently re-used: the old snapshots now show their object as missing.
  const check = await dws(sb, ["--batch", "fsck"], { cwd: ws });
  assert.equal(check.code, 1);
  assert.match(
    check.stdout,
    new RegExp(`^Missing object ${a} \\(data: a\\.csv\\): .*S1 \\(${s1}\\), S2 \\(${s2}\\)\n`),
  );
});
