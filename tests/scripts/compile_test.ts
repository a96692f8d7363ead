import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readText, ROOT, run, sandbox } from "../test_utils.ts";

const PERMS = ["--allow-read", "--allow-write", "--allow-run", "--allow-env", "--allow-sys"];

Deno.test("the single-file bundle runs the CLI story from a folder without node_modules", async () => {
  using sb = sandbox();
  const build = await run(sb, [Deno.execPath(), "run", "-A", join(ROOT, "scripts/compile.ts"), "--bundle-only"], {
    cwd: ROOT,
  });
  assert.match(build.stdout, /Built dist\/dws\.js/);
  const bin = join(sb.dir, "bin");
  mkdirSync(bin);
  copyFileSync(join(ROOT, "dist/dws.js"), join(bin, "dws.js"));
  assert.ok(!existsSync(join(bin, "node_modules")));
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  const data = join(sb.dir, "data");
  mkdirSync(data);
  writeFileSync(join(data, "x.csv"), "a,b\n1,2\n");
  const dws = (args: string[]) =>
    run(sb, [Deno.execPath(), "run", "--no-config", ...PERMS, join(bin, "dws.js"), ...args], { cwd: ws });
  await dws(["--batch", "init", "--hostname", "h", "--create-resources", "code,results"]);
  await dws(["--batch", "add", "local-files", "--role", "source-data", data]);
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.5 } }));
  const snap = await dws(["--batch", "snapshot", "-m", "from the bundle", "B1"]);
  assert.match(snap.stdout, /tagged with 'B1', hash is [0-9a-f]{40}\./);
  const history = await dws(["report", "history"]);
  assert.match(history.stdout, /\| B1 +\| .*\| +0\.5 \| from the bundle \|/);
  assert.match(history.stdout, /1 snapshots total/);
  assert.match(readText(join(ws, ".dataworkspace/resources.json")), /"resource_type": "file"/);
});
