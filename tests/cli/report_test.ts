import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, sandbox } from "../test_utils.ts";

Deno.test("report status prints resources grouped by role as 1.6 does", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results,code"]);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
  const r = await dwsOk(sb, ["report", "status"], { cwd: ws });
  const params = [
    `global_local_path=${data},`,
    "compute_hash=False,",
    "export=False,",
    "imported=False",
    "export=False,",
    "relative_path=code",
    "export=False,",
    "relative_path=results",
  ];
  const w = Math.max(...params.map((p) => p.length));
  const p = (i: number) => params[i].padEnd(w);
  const blank = "|          |             |                  |";
  assert.equal(
    r.stdout,
    [
      "Status for workspace: ws",
      "Resources for workspace: ws",
      `| Resource | Role        | Type             | ${"Parameters".padEnd(w)} |`,
      `|__________|_____________|__________________|${"_".repeat(w + 2)}|`,
      `| data     | source-data | file             | ${p(0)} |`,
      `${blank} ${p(1)} |`,
      `${blank} ${p(2)} |`,
      `${blank} ${p(3)} |`,
      `| code     | code        | git-subdirectory | ${p(4)} |`,
      `${blank} ${p(5)} |`,
      `| results  | results     | git-subdirectory | ${p(6)} |`,
      `${blank} ${p(7)} |`,
      "No resources for the following roles: intermediate-data.",
      "",
    ].join("\n"),
  );
});

Deno.test("report status with no resources, and the deprecated status alias", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const r = await dwsOk(sb, ["report", "status"], { cwd: ws });
  assert.equal(
    r.stdout,
    "Status for workspace: ws\nResources for workspace: ws\n| Resource | Role | Type | Parameters |\n" +
      "|__________|______|______|____________|\n" +
      "No resources for the following roles: source-data, intermediate-data, code, results.\n",
  );
  const alias = await dwsOk(sb, ["status"], { cwd: ws });
  assert.equal(alias.stdout, r.stdout);
});

Deno.test("report status finds the workspace from a subfolder and refuses non-workspaces", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code"]);
  mkdirSync(join(ws, "code", "deep", "er"), { recursive: true });
  writeFileSync(join(ws, "code", "deep", "er", "x.txt"), "x");
  const r = await dwsOk(sb, ["report", "status"], { cwd: join(ws, "code", "deep", "er") });
  assert.match(r.stdout, /Status for workspace: ws/);
  const viaOption = await dwsOk(sb, ["report", "--workspace-dir", ws, "status"], { cwd: sb.dir });
  assert.equal(viaOption.stdout, r.stdout);
  const viaSub = await dwsOk(sb, ["report", "status", "--workspace-dir", ws], { cwd: sb.dir });
  assert.equal(viaSub.stdout, r.stdout);
  const none = await dws(sb, ["report", "status"], { cwd: sb.home });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /Did not find a data workspace enclosing the directory .*Run 'dws init'/);
  const notWs = await dws(sb, ["report", "status", "--workspace-dir", sb.home], { cwd: sb.dir });
  assert.equal(notWs.code, 1);
  assert.match(notWs.stderr, /is not a data workspace .*Did you run 'dws init'\?/);
});

Deno.test("usage errors exit 2, help exits 0 on every command", async () => {
  using sb = sandbox();
  for (const args of [["--help"], ["init", "--help"], ["add", "git", "--help"], ["report", "status", "--help"]]) {
    const r = await dws(sb, args, { cwd: sb.dir });
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /Usage: dws/);
  }
  for (const args of [["--no-such-option"], ["frobnicate"], ["add", "foo", "x"], ["config", "a", "b", "c"]]) {
    const r = await dws(sb, args, { cwd: sb.dir });
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, /error/);
  }
});
