import assert from "node:assert/strict";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, folderState, initWorkspace, sandbox } from "../test_utils.ts";

function storeSize(ws: string): number {
  const dir = join(ws, "scratch", "objects");
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === "tmp") continue;
      if (e.isDirectory()) walk(join(d, e.name));
      else n += statSync(join(d, e.name)).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return n;
}

Deno.test("restore brings a local-files folder back exactly: content, modes, links, empty folders", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(join(data, "sub", "deep"), { recursive: true });
  mkdirSync(join(data, "empty"));
  writeFileSync(join(data, "a.csv"), "x,y\n1,2\n");
  writeFileSync(join(data, "sub", "deep", "bin.dat"), new Uint8Array([0, 255, 1, 254, 0, 0, 7]));
  writeFileSync(join(data, "run.sh"), "#!/bin/sh\n");
  chmodSync(join(data, "run.sh"), 0o755);
  writeFileSync(join(data, "ro.txt"), "read only\n");
  chmodSync(join(data, "ro.txt"), 0o444);
  symlinkSync("a.csv", join(data, "link.csv"));
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const s1 = folderState(data);

  // Change, add, remove, rename, chmod, re-point the link, fill the empty folder.
  writeFileSync(join(data, "a.csv"), "x,y\n9,9\n");
  writeFileSync(join(data, "added.txt"), "new\n");
  mkdirSync(join(data, "newdir", "x"), { recursive: true });
  writeFileSync(join(data, "newdir", "x", "f"), "f");
  rmSync(join(data, "sub", "deep", "bin.dat"));
  renameSync(join(data, "run.sh"), join(data, "renamed.sh"));
  chmodSync(join(data, "ro.txt"), 0o644);
  rmSync(join(data, "link.csv"));
  symlinkSync("added.txt", join(data, "link.csv"));
  writeFileSync(join(data, "empty", "now-full"), "");
  await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
  const s2 = folderState(data);
  assert.notDeepEqual(s2, s1);

  const r = await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.match(r.stdout, /Restored data: \d+ file\(s\) written, \d+ removed, 1 mode\(s\) fixed/);
  assert.deepEqual(folderState(data), s1);
  assert.equal(readFileSync(join(data, "link.csv"), "utf8"), "x,y\n1,2\n", "the link points at a.csv again");

  await dwsOk(sb, ["--batch", "restore", "S2"], { cwd: ws });
  assert.deepEqual(folderState(data), s2);
});

Deno.test("the store keeps each content once: a second snapshot grows it by the changed bytes only", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  const big = new Uint8Array(200_000).map((_, i) => i % 251);
  for (let i = 0; i < 5; i++) writeFileSync(join(data, `f${i}.bin`), big.map((b) => (b + i) % 256));
  writeFileSync(join(data, "copy.bin"), big); // same content as f0: stored once
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const after1 = storeSize(ws);
  assert.ok(after1 >= 5 * 200_000 && after1 < 5 * 200_000 + 10_000, `store holds 5 contents, got ${after1}`);
  writeFileSync(join(data, "f3.bin"), big.map((b) => (b + 77) % 256));
  await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
  const growth = storeSize(ws) - after1;
  assert.ok(growth >= 200_000 && growth < 210_000, `grew by one file (+ listing), got ${growth}`);
  const status = await dwsOk(sb, ["report", "status"], { cwd: ws });
  assert.match(status.stdout, /Object store: \d+ objects, 1\.\d MB in .*objects/);
});

Deno.test("gc removes only objects no snapshot references; --keep-last keeps unpushed ones", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "a"), "version 1\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  writeFileSync(join(data, "a"), "version 2\n");
  await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });

  const dry = await dwsOk(sb, ["--batch", "gc", "--dry-run"], { cwd: ws });
  assert.match(dry.stdout, /^Would remove 0 object\(s\), 0 B; kept 4\n$/);
  const keep = await dwsOk(sb, ["--batch", "gc", "--keep-last", "1"], { cwd: ws });
  assert.match(keep.stdout, /Removed 0 object\(s\).*\(\+2 of older snapshots, not pushed yet\)/);

  await dwsOk(sb, ["--batch", "delete-snapshot", "S1"], { cwd: ws });
  const gc = await dwsOk(sb, ["--batch", "gc"], { cwd: ws });
  assert.match(gc.stdout, /^Removed 2 object\(s\), [\d.]+ [KM]?B; kept 2\n$/);
  // S2 still restores after gc.
  writeFileSync(join(data, "a"), "scribbled\n");
  await dwsOk(sb, ["--batch", "restore", "S2"], { cwd: ws });
  assert.equal(readFileSync(join(data, "a"), "utf8"), "version 2\n");
});

Deno.test("restore without objects asks for a pull; interactive restore confirms removals", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "a"), "1\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  writeFileSync(join(data, "extra"), "added\n");
  const no = await dws(sb, ["restore", "S1"], { cwd: ws, stdin: "y\nn\n" });
  assert.equal(no.code, 1);
  assert.match(no.stderr, /Not a positive response/);
  assert.ok(existsSync(join(data, "extra")), "nothing removed after 'n'");

  rmSync(join(ws, "scratch", "objects"), { recursive: true, force: true });
  const r = await dws(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not in the object store .*run 'dws pull'/);
  assert.ok(existsSync(join(data, "extra")));
});
