import assert from "node:assert/strict";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, readJson, readText, run, sandbox, treeSnapshot } from "../test_utils.ts";

Deno.test("config lists workspace parameters in a 1.6 table", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const r = await dwsOk(sb, ["config"], { cwd: ws });
  const lines = r.stdout.split("\n");
  assert.match(lines[0], /^\| Name +\| Scope +\| Value +\| Default\? \| Description +\|$/);
  assert.match(lines[1], /^\|_+\|_+\|_+\|_+\|_{42}\|$/);
  assert.match(r.stdout, /\| results\.dir_template +\| global \| snapshots\/\{HOSTNAME\}-\{TAG\} +\| Y/);
  assert.match(
    r.stdout,
    /\| results\.move_exclude_files \| global \| \['README\.txt', 'README\.rst', 'README\.md'\] \| Y/,
  );
  assert.match(r.stdout, /\| hostname +\| local +\| testhost +\| N/);
  assert.match(r.stdout, /\| local_scratch_directory +\| local +\| None +\| Y/);
  assert.ok(r.stdout.endsWith("|\n\n"), "a blank line follows the table");
});

Deno.test("config NAME shows one parameter", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const r = await dwsOk(sb, ["config", "hostname"], { cwd: ws });
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "Workspace parameter 'hostname'");
  assert.equal(lines[1], "=".repeat("Workspace parameter 'hostname'".length));
  assert.equal(lines[2], "");
  assert.match(lines[3], /^\| Value +\| Scope \| Default\? \| Description +\|$/);
  assert.match(lines[5], /^\| testhost \| local \| N +\| Name of this machine/);
  const bad = await dws(sb, ["config", "no.such.param"], { cwd: ws });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /'no\.such\.param' is not a workspace parameter/);
});

Deno.test("config NAME VALUE sets global parameters with a commit and local ones without", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const r = await dwsOk(sb, ["config", "results.dir_template", "snapshots/{USERNAME}-{SNAPSHOT_NO}"], { cwd: ws });
  assert.equal(
    r.stdout,
    "Successfully set workspace global parameter 'results.dir_template' to 'snapshots/{USERNAME}-{SNAPSHOT_NO}'.\n",
  );
  const cfg = readJson(join(ws, ".dataworkspace/config.json")) as { global_params: Record<string, unknown> };
  assert.equal(cfg.global_params["results.dir_template"], "snapshots/{USERNAME}-{SNAPSHOT_NO}");
  const subject = (await run(sb, ["git", "log", "-1", "--format=%s"], { cwd: ws })).stdout.trim();
  assert.equal(subject, "Update of workspace parameter results.dir_template");

  await dwsOk(sb, ["config", "results.move_exclude_files", '["README.md", "LICENSE"]'], { cwd: ws });
  const cfg2 = readJson(join(ws, ".dataworkspace/config.json")) as { global_params: Record<string, unknown> };
  assert.deepEqual(cfg2.global_params["results.move_exclude_files"], ["README.md", "LICENSE"]);

  const head = (await run(sb, ["git", "rev-parse", "HEAD"], { cwd: ws })).stdout;
  const r2 = await dwsOk(sb, ["config", "hostname", "other-host"], { cwd: ws });
  assert.equal(r2.stdout, "Successfully set workspace local parameter 'hostname' to 'other-host'.\n");
  assert.deepEqual(readJson(join(ws, ".dataworkspace/local_params.json")), { hostname: "other-host" });
  assert.equal((await run(sb, ["git", "rev-parse", "HEAD"], { cwd: ws })).stdout, head);
});

Deno.test("config rejects invalid values and leaves the workspace as it was", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const before = treeSnapshot(ws);
  const cases: [string[], RegExp][] = [
    [["results.dir_template", "results/{TAG}"], /must start with 'snapshots\/'/],
    [["results.dir_template", "snapshots/{NOPE}"], /unknown template variable \{NOPE\}/],
    [["results.move_exclude_files", "README.md"], /not a JSON list/],
    [["hostname", "bad_host"], /not a valid hostname/],
    [["scratch_directory", "/abs/path"], /not a relative \/-separated path/],
    [["scratch_directory", "../outside"], /leaves its folder/],
    [["local_scratch_directory", "rel"], /must be an absolute path/],
  ];
  for (const [args, message] of cases) {
    const r = await dws(sb, ["config", ...args], { cwd: ws });
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  assert.deepEqual(treeSnapshot(ws), before);
});

Deno.test("config --resource lists, shows and sets resource parameters", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const list = await dwsOk(sb, ["config", "--resource", "results"], { cwd: ws });
  assert.match(list.stdout, /\| export +\| global \| False +\| Y/);
  assert.match(list.stdout, /\| relative_path \| global \| results/);
  assert.match(list.stdout, /\| local_path +\| local +\| .*\/ws\/results/);
  const one = await dwsOk(sb, ["config", "--resource", "results", "export"], { cwd: ws });
  assert.equal(one.stdout.split("\n")[0], "Resource 'results' parameter 'export'");

  const set = await dwsOk(sb, ["config", "--resource", "results", "export", "true"], { cwd: ws });
  assert.equal(set.stdout, "Successfully set resource 'results' global parameter 'export' to True.\n");
  const entries = readJson(join(ws, ".dataworkspace/resources.json")) as Record<string, unknown>[];
  assert.equal(entries[1].export, true);
  assert.deepEqual(Object.keys(entries[1]), ["resource_type", "name", "role", "export", "relative_path"]);
  const subject = (await run(sb, ["git", "log", "-1", "--format=%s"], { cwd: ws })).stdout.trim();
  assert.equal(subject, "Update of resource 'results' parameter export");

  const before = treeSnapshot(ws);
  for (
    const [args, message] of [
      [["--resource", "results", "export", "maybe"], /'maybe' is not a boolean/],
      [["--resource", "results", "name", "x"], /cannot be changed/],
      [["--resource", "results", "nope", "x"], /'nope' is not a 'git-subdirectory' resource parameter/],
      [["--resource", "missing"], /A resource by the name 'missing' does not exist/],
    ] as [string[], RegExp][]
  ) {
    const r = await dws(sb, ["config", ...args], { cwd: ws });
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.stderr, message);
  }
  assert.deepEqual(treeSnapshot(ws), before);
  assert.equal(readText(join(ws, ".dataworkspace/resources.json")), before[".dataworkspace/resources.json"]);
});
