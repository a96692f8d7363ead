/**
 * `dws restore` keeps what it overwrites or removes in a data folder and
 * `dws restore --undo` brings it back byte for byte; the question names
 * what will be overwritten or removed; batch mode goes on (nothing is lost)
 * and says so; `dws gc` keeps what an undo needs.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, folderState, initWorkspace, type Sandbox, sandbox } from "../test_utils.ts";
import { expectFailure } from "./snapshot_helpers.ts";

/** A workspace with local-files `data` snapshotted as S1, then unsnapshotted work: edits, additions, a removal. */
async function workAfterSnapshot(sb: Sandbox) {
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(join(data, "sub"), { recursive: true });
  writeFileSync(join(data, "a.csv"), "a,1\n");
  writeFileSync(join(data, "b.csv"), "b,1\n");
  writeFileSync(join(data, "sub", "c.bin"), new Uint8Array([1, 2, 3]));
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const s1 = folderState(data);
  // Work nobody snapshotted: same-size and other-size edits, new files and folders, a link, a mode, a removal.
  writeFileSync(join(data, "a.csv"), "a,2\n");
  writeFileSync(join(data, "b.csv"), "b edited to a longer line\n");
  writeFileSync(join(data, "new1.txt"), "new 1\n");
  writeFileSync(join(data, "new2.txt"), "new 2\n");
  mkdirSync(join(data, "fresh", "deep"), { recursive: true });
  writeFileSync(join(data, "fresh", "deep", "model.bin"), new Uint8Array(300_000).map((_, i) => (i * 7) % 256));
  writeFileSync(join(data, "run.sh"), "#!/bin/sh\n");
  chmodSync(join(data, "run.sh"), 0o755);
  symlinkSync("a.csv", join(data, "latest.csv"));
  rmSync(join(data, "sub", "c.bin"));
  mkdirSync(join(data, "empty-now"));
  return { ws, data, s1, work: folderState(data) };
}

Deno.test("restore --batch keeps edited and added files; --undo brings them back byte for byte, again redoes", async () => {
  using sb = sandbox();
  const { ws, data, s1, work } = await workAfterSnapshot(sb);
  const r = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.match(
    r.stdout,
    /^Restoring 'data' overwrites 2 file\(s\): a\.csv, b\.csv \(changed since the snapshot\) and removes 5 file\(s\): fresh\/deep\/model\.bin, latest\.csv, new1\.txt and 2 more \(added since\); they are kept: 'dws restore --undo' brings them back\.$/m,
  );
  assert.match(r.stdout, /^Restored data: 3 file\(s\) written, 5 removed, 0 mode\(s\) fixed$/m);
  assert.deepEqual(folderState(data), s1);

  const undo = await dwsOk(sb, ["--batch", "restore", "--undo"], { cwd: ws });
  assert.match(undo.stdout, /^Undoing the restore of \d{4}-\d\d-\d\dT[\d:.]+Z: data$/m);
  assert.match(undo.stdout, /^Undone: data is as before the restore; 'dws restore --undo' again redoes it\.$/m);
  assert.deepEqual(folderState(data), work, "every edit, addition, link, mode and empty folder is back");

  await dwsOk(sb, ["--batch", "restore", "--undo"], { cwd: ws });
  assert.deepEqual(folderState(data), s1, "undoing the undo redoes the restore");
});

Deno.test("interactive restore names what it overwrites and removes; default yes; 'n' changes nothing", async () => {
  using sb = sandbox();
  const { ws, data, s1, work } = await workAfterSnapshot(sb);
  const no = await dws(sb, ["restore", "S1"], { cwd: ws, stdin: "y\nn\n" });
  assert.equal(no.code, 1, no.stderr);
  assert.match(
    no.stdout,
    /Restoring 'data' overwrites 2 file\(s\): a\.csv, b\.csv \(changed since the snapshot\) and removes 5 file\(s\): fresh\/deep\/model\.bin, latest\.csv, new1\.txt and 2 more \(added since\); they are kept and 'dws restore --undo' brings them back\. Continue\? \[Y\/n\]/,
  );
  assert.deepEqual(folderState(data), work, "nothing changed after 'n'");
  // Enter takes the default: yes.
  await dwsOk(sb, ["restore", "S1"], { cwd: ws, stdin: "\n\n" });
  assert.deepEqual(folderState(data), s1);
  await dwsOk(sb, ["restore", "--undo"], { cwd: ws, stdin: "\n" });
  assert.deepEqual(folderState(data), work);
});

Deno.test("gc keeps what --undo needs; --undo usage errors; nothing to undo", async () => {
  using sb = sandbox();
  const { ws, data, work } = await workAfterSnapshot(sb);
  await expectFailure(sb, ws, ["--batch", "restore", "--undo"], {
    stderr: /^Configuration error: There is no restore to undo: no restore has changed a data folder here yet$/,
    also: [data],
  });
  await expectFailure(sb, ws, ["--batch", "restore", "--undo", "S1"], {
    code: 2,
    stderr: /Give either a snapshot \(tag or hash\) or --undo/,
    also: [data],
  });
  await expectFailure(sb, ws, ["--batch", "restore"], { code: 2, stderr: /--undo/, also: [data] });
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  const gc = await dwsOk(sb, ["--batch", "gc"], { cwd: ws });
  assert.match(gc.stdout, /^Removed 0 object\(s\)/);
  await dwsOk(sb, ["--batch", "restore", "--undo"], { cwd: ws });
  assert.deepEqual(folderState(data), work);
});

Deno.test("a deleted data folder is restored whole; the next restore of the same snapshot reads and writes nothing", async () => {
  using sb = sandbox();
  const { ws, data, s1 } = await workAfterSnapshot(sb);
  rmSync(data, { recursive: true });
  const r = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.match(r.stdout, /^Restored data: 3 file\(s\) written, 0 removed, 0 mode\(s\) fixed$/m);
  assert.deepEqual(folderState(data), s1);
  const again = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.match(again.stdout, /^Restored data: 0 file\(s\) written, 0 removed, 0 mode\(s\) fixed$/m);
});
