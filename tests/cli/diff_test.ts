/**
 * `dws diff A B` through the real command line (spec §6).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, initWorkspace, sandbox } from "../test_utils.ts";
import { expectFailure, snapshotHash } from "./snapshot_helpers.ts";

Deno.test("diff prints same/different/added/removed resources as 1.6 lays them out", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "d.csv"), "a,b\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "lf", data], { cwd: ws });
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws }));
  const extra = join(sb.dir, "extra");
  mkdirSync(extra);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "lf2", extra], { cwd: ws });
  const h3 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot"], { cwd: ws }));

  const d12 = await dwsOk(sb, ["diff", "S1", "S2"], { cwd: ws });
  assert.equal(
    d12.stdout,
    [
      "Comparing:",
      `    Snapshot ${h1}, tags S1 to`,
      `    Snapshot ${h2}, tags S2`,
      "  Resources with the same value:",
      "    lf",
      "    results",
      "  Resources with different values:",
      "    code",
      "  Added resources: None",
      "  Removed resources: None",
      "",
    ].join("\n"),
  );
  assert.equal(d12.stderr, "");

  // By short hash; an untagged snapshot has no tags part.
  const d23 = await dwsOk(sb, ["diff", h2.slice(0, 7), h3.slice(0, 10)], { cwd: ws });
  assert.equal(
    d23.stdout,
    [
      "Comparing:",
      `    Snapshot ${h2}, tags S2 to`,
      `    Snapshot ${h3}`,
      "  Resources with the same value:",
      "    code",
      "    lf",
      "    results",
      "  Resources with different values: None",
      "  Added resources:",
      "    lf2",
      "  Removed resources: None",
      "",
    ].join("\n"),
  );

  const d31 = await dwsOk(sb, ["diff", h3, "S1"], { cwd: ws });
  assert.equal(
    d31.stdout,
    [
      "Comparing:",
      `    Snapshot ${h3} to`,
      `    Snapshot ${h1}, tags S1`,
      "  Resources with the same value:",
      "    lf",
      "    results",
      "  Resources with different values:",
      "    code",
      "  Added resources: None",
      "  Removed resources:",
      "    lf2",
      "",
    ].join("\n"),
  );

  // A snapshot compared with itself.
  const same = await dwsOk(sb, ["diff", "S1", h1], { cwd: ws });
  assert.match(
    same.stdout,
    /Resources with the same value:\n {4}code\n {4}lf\n {4}results\n {2}Resources with different values: None\n/,
  );

  await expectFailure(sb, ws, ["diff", "S1", "nope"], {
    stderr: /^Configuration error: No snapshot with tag or hash 'nope'/,
  });
  await expectFailure(sb, ws, ["diff", "S1"], { code: 2, stderr: /missing required argument/ });
});
