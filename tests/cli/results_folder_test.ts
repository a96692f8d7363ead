/**
 * Each snapshot's results folder is its own and stays inside its resource
 * (issue 14.4 and 14.7): no snapshot overwrites or deletes another's results,
 * and no template or record reaches outside the workspace.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, initWorkspace, readText, sandbox } from "../test_utils.ts";
import { expectFailure, git, MD_DIR, snapshotHash } from "./snapshot_helpers.ts";

const CONFIG = ".dataworkspace/config.json";

function setTemplate(ws: string, template: string): void {
  const config = JSON.parse(readFileSync(join(ws, CONFIG), "utf8"));
  config.global_params["results.dir_template"] = template;
  writeFileSync(join(ws, CONFIG), JSON.stringify(config, null, 2));
}

async function commitAll(sb: ReturnType<typeof sandbox>, ws: string, message: string): Promise<void> {
  await git(sb, ws, "add", "-A");
  await git(sb, ws, "commit", "-q", "-m", message);
}

Deno.test("a results template without a part unique to each snapshot is refused (set or found)", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  await expectFailure(sb, ws, ["config", "results.dir_template", "snapshots/{HOSTNAME}"], {
    stderr: /results\.dir_template.*no part unique to each snapshot.*\{SNAPSHOT_NO\}/,
  });
  // Written by 1.6 (which allowed it): commands still work, a snapshot refuses before anything moves.
  setTemplate(ws, "snapshots/{HOSTNAME}");
  await commitAll(sb, ws, "1.6 template");
  writeFileSync(join(ws, "results", "out.txt"), "run 1\n");
  await dwsOk(sb, ["report", "status"], { cwd: ws });
  await expectFailure(sb, ws, ["--batch", "snapshot"], {
    stderr: /results\.dir_template 'snapshots\/\{HOSTNAME\}' has no part unique.*dws config results\.dir_template/,
  });
  assert.equal(readText(join(ws, "results", "out.txt")), "run 1\n");
});

Deno.test("a snapshot never reuses an earlier snapshot's results folder", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  const res = join(ws, "results");
  const hashes: string[] = [];
  for (const run of [1, 2, 3]) {
    writeFileSync(join(res, "out.txt"), `run ${run}\n`);
    hashes.push(snapshotHash(await dwsOk(sb, ["--batch", "snapshot"], { cwd: ws })));
  }
  await dwsOk(sb, ["--batch", "delete-snapshot", hashes[1]], { cwd: ws });
  // Two snapshots are left, so the next number is 3 again: its folder is taken and skipped.
  writeFileSync(join(res, "out.txt"), "run 4\n");
  await dwsOk(sb, ["--batch", "snapshot"], { cwd: ws });
  assert.equal(readText(join(res, "snapshots/testhost-003/out.txt")), "run 3\n");
  assert.equal(readText(join(res, "snapshots/testhost-004/out.txt")), "run 4\n");

  // A tag whose folder is still there (its snapshot deleted without its results) is refused.
  writeFileSync(join(res, "out.txt"), "run 5\n");
  await dwsOk(sb, ["--batch", "snapshot", "S5"], { cwd: ws });
  await dwsOk(sb, ["--batch", "delete-snapshot", "--no-include-resources", "S5"], { cwd: ws });
  writeFileSync(join(res, "out.txt"), "run 6\n");
  await expectFailure(sb, ws, ["--batch", "snapshot", "S5"], {
    stderr: /results folder snapshots\/testhost-S5 already exists in resource results.*another tag/,
  });
  assert.equal(readText(join(res, "snapshots/testhost-S5/out.txt")), "run 5\n");
});

Deno.test("delete-snapshot keeps a results folder that another snapshot also records", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  const res = join(ws, "results");
  writeFileSync(join(res, "out.txt"), "run 1\n");
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot"], { cwd: ws }));
  writeFileSync(join(res, "out.txt"), "run 2\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot"], { cwd: ws }));
  // As 1.6 records them with 'snapshots/{HOSTNAME}': both snapshots name one folder.
  for (const h of [h1, h2]) {
    const path = join(ws, MD_DIR, `${h}_md.json`);
    const md = JSON.parse(readText(path));
    md.relative_destination_path = "snapshots/testhost";
    writeFileSync(path, JSON.stringify(md, null, 2));
  }
  mkdirSync(join(res, "snapshots/testhost"));
  writeFileSync(join(res, "snapshots/testhost/out.txt"), "shared\n");
  await commitAll(sb, ws, "1.6 records");
  const r = await dwsOk(sb, ["--batch", "delete-snapshot", h1], { cwd: ws });
  assert.match(r.stderr, /Keeping the results folder snapshots\/testhost: snapshot .* also records it/);
  assert.equal(readText(join(res, "snapshots/testhost/out.txt")), "shared\n");
});

Deno.test("metadata that points outside the workspace is refused before any change", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  const victim = join(ws, "results", "..", "..", "victim");
  mkdirSync(victim);
  writeFileSync(join(victim, "precious.txt"), "keep me\n");
  writeFileSync(join(ws, "results", "out.txt"), "run 1\n");
  const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot"], { cwd: ws }));
  const path = join(ws, MD_DIR, `${h}_md.json`);
  const md = JSON.parse(readText(path));
  md.relative_destination_path = "../../victim";
  writeFileSync(path, JSON.stringify(md, null, 2));
  await commitAll(sb, ws, "hostile record");
  await expectFailure(sb, ws, ["--batch", "delete-snapshot", h], {
    stderr: /_md\.json is corrupted: 'relative_destination_path' is unsafe: '\.\.\/\.\.\/victim' leaves its folder/,
    also: [victim],
  });
  assert.equal(readText(join(victim, "precious.txt")), "keep me\n");

  await expectFailure(sb, ws, ["config", "results.dir_template", "snapshots/../../../victim-{TAG}"], {
    stderr: /results\.dir_template.*leaves its folder/,
  });
  for (const name of [".", ".."]) {
    await expectFailure(sb, ws, ["--batch", "add", "local-files", "--role", "source-data", "--name", name, victim], {
      stderr: /Invalid resource name '\.{1,2}'/,
    });
  }
  assert.ok(existsSync(join(victim, "precious.txt")));
});
