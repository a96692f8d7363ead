/**
 * `dws unprotect PATH...` through the real command line: in protected link
 * mode, files become writable copies; editing them then leaves the objects
 * (and so every snapshot) intact. Paths outside the data folders are refused
 * before anything changes; links are never followed.
 */
import assert from "node:assert/strict";
import { appendFileSync, chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, initWorkspace, sandbox } from "../test_utils.ts";
import { expectFailure } from "./snapshot_helpers.ts";
import { assertEveryObjectMatchesItsKey, objectInodes } from "./store_helpers.ts";

Deno.test("unprotect replaces linked files by writable copies; editing them leaves the snapshot's objects intact", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(join(data, "sub"), { recursive: true });
  writeFileSync(join(data, "a.csv"), "a,1\n");
  writeFileSync(join(data, "sub", "b.csv"), "b,1\n");
  writeFileSync(join(sb.dir, "outside.txt"), "not dws's\n");
  chmodSync(join(sb.dir, "outside.txt"), 0o444);
  symlinkSync(join(sb.dir, "outside.txt"), join(data, "sub", "link.txt"));
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "config", "object_store.link", "hardlink"], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  const a = join(data, "a.csv");
  assert.ok(objectInodes(ws).has(statSync(a).ino), "a.csv is a link to its object");
  assert.equal(statSync(a).mode & 0o777, 0o444);

  const one = await dwsOk(sb, ["--batch", "unprotect", "../data/a.csv"], { cwd: ws });
  assert.equal(one.stdout, "Unprotected 1 file(s): they are writable copies now\n");
  assert.equal(statSync(a).mode & 0o777, 0o644);
  assert.equal(statSync(a).nlink, 1);
  assert.ok(!objectInodes(ws).has(statSync(a).ino));
  assert.equal(readFileSync(a, "utf8"), "a,1\n");

  const all = await dwsOk(sb, ["--batch", "unprotect", data], { cwd: ws });
  assert.equal(all.stdout, "Unprotected 1 file(s): they are writable copies now (1 already were)\n");
  assert.equal(statSync(join(sb.dir, "outside.txt")).mode & 0o777, 0o444, "the link was not followed");

  appendFileSync(a, "edited\n");
  assertEveryObjectMatchesItsKey(ws);
  await dwsOk(sb, ["--batch", "fsck"], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(readFileSync(a, "utf8"), "a,1\n");
  await dwsOk(sb, ["--batch", "restore", "S2"], { cwd: ws });
  assert.equal(readFileSync(a, "utf8"), "a,1\nedited\n");
});

Deno.test("unprotect refuses paths outside the data folders or missing, before changing anything", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "a.csv"), "a,1\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "config", "object_store.link", "hardlink"], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  writeFileSync(join(sb.dir, "elsewhere.txt"), "x\n");
  await expectFailure(sb, ws, ["--batch", "unprotect", join(data, "a.csv"), join(sb.dir, "elsewhere.txt")], {
    stderr: new RegExp(`${sb.dir}/elsewhere\\.txt is not in a data folder of this workspace`),
    also: [data],
  });
  await expectFailure(sb, ws, ["--batch", "unprotect", join(data, "nope.csv")], {
    stderr: new RegExp(`${data}/nope\\.csv does not exist`),
    also: [data],
  });
  assert.equal(statSync(join(data, "a.csv")).mode & 0o777, 0o444);
});
