import assert from "node:assert/strict";
import { dwsOk, initWorkspace, sandbox } from "../test_utils.ts";

Deno.test("dws version prints the version", async () => {
  using sb = sandbox();
  const r = await dwsOk(sb, ["version"], { cwd: sb.dir });
  assert.match(r.stdout, /^dws version \d+\.\d+\.\d+/);
});

Deno.test("init then report status", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const r = await dwsOk(sb, ["report", "status"], { cwd: ws });
  assert.match(r.stdout, /Status for workspace: ws/);
});
