/**
 * Data Workspaces 1.6 and dws read each other's workspaces, tested with the
 * real 1.6 (`pip install dataworkspaces==1.6.0`; `.ci/run` installs it in a
 * venv and exports `DWS16_BIN`, the path of its `dws`):
 * (a) 1.6 lists and restores a workspace whose snapshots dws took, leaving
 *     the data folder (1.6 cannot restore one);
 * (b) dws lists and restores a workspace 1.6 made;
 * (c) each keeps the bytes the other reads: 1.6's records are untouched by
 *     dws, dws's listing keys survive 1.6's snapshots.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CommandResult, dwsOk, type Sandbox, sandbox } from "../test_utils.ts";
import { MD_DIR, snapshotHash } from "../cli/snapshot_helpers.ts";

const DWS16 = Deno.env.get("DWS16_BIN");

function ignore16(): boolean {
  if (DWS16 && existsSync(DWS16)) return false;
  const how = "python3 -m venv V && V/bin/pip install dataworkspaces==1.6.0, then DWS16_BIN=V/bin/dws";
  if (Deno.env.get("DWS_REQUIRE_TOOLS") === "1") {
    throw new Error(`Data Workspaces 1.6 is required in CI but DWS16_BIN is not set or missing (${how}; see .ci/run)`);
  }
  console.warn(`SKIPPED: Data Workspaces 1.6 is not installed (${how})`);
  return true;
}

const ignore = ignore16();

/** Run 1.6's `dws` with the sandbox's HOME and git identity; fails the test unless it exits 0. */
async function dws16(sb: Sandbox, args: string[], cwd: string): Promise<CommandResult> {
  const out = await new Deno.Command(DWS16!, {
    args,
    cwd,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...sb.env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const r = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  if (r.code !== 0) throw new Error(`1.6: dws ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A data folder, and the workspace's code and results files, at version `v`. */
function writeVersion(ws: string, data: string, v: number): void {
  writeFileSync(join(ws, "code", "train.py"), `version = ${v}\n`);
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: v / 10 } }));
  writeFileSync(join(data, "train.csv"), `x,y\n${v},${v * 2}\n`);
}

function mdFiles(ws: string): Record<string, string> {
  const dir = join(ws, MD_DIR);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

function setup(sb: Sandbox): { ws: string; data: string } {
  const ws = join(sb.dir, "ws");
  const data = join(sb.dir, "data");
  mkdirSync(ws);
  mkdirSync(data);
  return { ws, data };
}

const INIT = ["--batch", "init", "--hostname", "testhost", "--create-resources", "code,results"];
const ADD_DATA = (data: string) => ["--batch", "add", "local-files", "--role", "source-data", "--name", "data", data];

Deno.test({
  name: "1.6 lists and restores a workspace whose snapshots dws took, leaving the data folder",
  ignore,
  async fn() {
    using sb = sandbox();
    const { ws, data } = setup(sb);
    await dwsOk(sb, INIT, { cwd: ws });
    await dwsOk(sb, ADD_DATA(data), { cwd: ws });
    writeVersion(ws, data, 1);
    const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "first", "S1"], { cwd: ws }));
    writeVersion(ws, data, 2);
    await dwsOk(sb, ["--batch", "snapshot", "S2"], { cwd: ws });
    // dws keeps its listing key where 1.6 does not look; 1.6 reads null for the data folder.
    const md = JSON.parse(readFileSync(join(ws, MD_DIR, `${h1}_md.json`), "utf8"));
    assert.equal(md.restore_hashes.data, null);
    assert.match(md.dws_restore_hashes.data, /^[0-9a-f]{40}$/);

    const history = await dws16(sb, ["--batch", "report", "history"], ws);
    assert.match(history.stdout, new RegExp(`\\| ${h1.slice(0, 7)} \\| S1 +\\|.*\\| +0\\.1 \\| first`));
    assert.match(history.stdout, /\n2 snapshots total\n/);
    const restore = await dws16(sb, ["--batch", "restore", "S1"], ws);
    assert.match(restore.stdout, /Resources to restore: code\n {2}Resources to leave: data, results/);
    assert.equal(readFileSync(join(ws, "code", "train.py"), "utf8"), "version = 1\n");
    assert.equal(readFileSync(join(data, "train.csv"), "utf8"), "x,y\n2,4\n", "1.6 leaves the data folder");
    // And dws still restores the data folder of its own snapshot afterwards.
    await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.equal(readFileSync(join(data, "train.csv"), "utf8"), "x,y\n1,2\n");
  },
});

Deno.test({
  name: "dws lists and restores a workspace 1.6 made, and keeps 1.6's records byte for byte",
  ignore,
  async fn() {
    using sb = sandbox();
    const { ws, data } = setup(sb);
    await dws16(sb, INIT, ws);
    await dws16(sb, ADD_DATA(data), ws);
    writeVersion(ws, data, 1);
    const h1 =
      /hash is ([0-9a-f]{40})/.exec((await dws16(sb, ["--batch", "snapshot", "-m", "first", "S1"], ws)).stdout)![1];
    writeVersion(ws, data, 2);
    await dws16(sb, ["--batch", "snapshot", "S2"], ws);
    const config = readFileSync(join(ws, ".dataworkspace", "config.json"), "utf8");
    const resources = readFileSync(join(ws, ".dataworkspace", "resources.json"), "utf8");
    const records16 = mdFiles(ws);

    const history = await dwsOk(sb, ["report", "history"], { cwd: ws });
    assert.match(history.stdout, new RegExp(`\\| ${h1.slice(0, 7)} \\| S1 +\\|.*\\| +0\\.1 \\| first`));
    await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.equal(readFileSync(join(ws, "code", "train.py"), "utf8"), "version = 1\n");
    // 1.6 recorded no restore hash for the data folder: it stays as it is.
    assert.equal(readFileSync(join(data, "train.csv"), "utf8"), "x,y\n2,4\n");

    // A dws snapshot in 1.6's workspace: 1.6's files keep their bytes, and 1.6 reads the new snapshot.
    writeVersion(ws, data, 3);
    const h3 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: ws }));
    assert.equal(readFileSync(join(ws, ".dataworkspace", "config.json"), "utf8"), config);
    assert.equal(readFileSync(join(ws, ".dataworkspace", "resources.json"), "utf8"), resources);
    const after = mdFiles(ws);
    for (const [f, text] of Object.entries(records16)) assert.equal(after[f], text, f);
    const history16 = await dws16(sb, ["--batch", "report", "history"], ws);
    assert.match(history16.stdout, new RegExp(`\\| ${h3.slice(0, 7)} \\| S3 `));
    assert.match(history16.stdout, /\n3 snapshots total\n/);
  },
});

Deno.test({
  name: "round trip: a 1.6 snapshot in between keeps dws's listing keys, and dws restores its data",
  ignore,
  async fn() {
    using sb = sandbox();
    const { ws, data } = setup(sb);
    await dwsOk(sb, INIT, { cwd: ws });
    await dwsOk(sb, ADD_DATA(data), { cwd: ws });
    writeVersion(ws, data, 1);
    const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
    const ours = readFileSync(join(ws, MD_DIR, `${h1}_md.json`), "utf8");
    writeVersion(ws, data, 2);
    await dws16(sb, ["--batch", "snapshot", "S2"], ws);
    await dws16(sb, ["--batch", "restore", "S1"], ws);
    assert.equal(readFileSync(join(ws, MD_DIR, `${h1}_md.json`), "utf8"), ours, "1.6 left dws's record as it was");
    await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.equal(readFileSync(join(data, "train.csv"), "utf8"), "x,y\n1,2\n");
    const history = await dwsOk(sb, ["report", "history"], { cwd: ws });
    assert.match(history.stdout, /\n2 snapshots total\n/);
  },
});
