import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readJson, ROOT, run, sandbox } from "../test_utils.ts";

Deno.test("the npm package installs into a fresh Node project and its API and bin work", async () => {
  using sb = sandbox();
  await run(sb, [Deno.execPath(), "run", "-A", join(ROOT, "scripts/build_npm.ts")], { cwd: ROOT });
  const packed = await run(sb, ["npm", "pack", "--silent", "--pack-destination", sb.dir], { cwd: join(ROOT, "npm") });
  const tarball = join(sb.dir, packed.stdout.trim().split("\n").pop()!);
  assert.ok(existsSync(tarball), tarball);

  const proj = join(sb.dir, "node-project");
  mkdirSync(proj);
  writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "p", version: "1.0.0", type: "module" }));
  await run(sb, ["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: proj });
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  writeFileSync(
    join(proj, "use.mjs"),
    `
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as dws from "dws";
const ws = ${JSON.stringify(ws)};
const ctx = dws.createContext({ output: dws.memoryOutput() });
await dws.initWorkspace(ctx, ws, { createResources: ["source-data", "code", "results"], hostname: "node-host" });
writeFileSync(join(ws, "source-data", "d.csv"), "a\\n1\\n");
await new dws.LineageBuilder().withStepName("train").withParameters({ k: 3 })
  .withWorkspaceDirectory(ws).withContext({ output: dws.memoryOutput() })
  .withInputPath(join(ws, "source-data", "d.csv"))
  .asResultsStep(join(ws, "results"), "from node")
  .run(async (lineage) => { await lineage.writeResults({ accuracy: 0.75 }); });
const hash = await dws.takeSnapshot({ workspaceDir: ws, tag: "N1", context: { output: dws.memoryOutput() } });
const history = dws.getSnapshotHistory({ workspaceDir: ws });
console.log(JSON.stringify({ hash, history, status: dws.statusReport(await dws.openWorkspace(ctx, { workspaceDir: ws })) }));
`,
  );
  const out = await run(sb, ["node", "use.mjs"], { cwd: proj });
  const result = JSON.parse(out.stdout.trim().split("\n").pop()!);
  assert.match(result.hash, /^[0-9a-f]{40}$/);
  assert.deepEqual(result.history.map((h: { tags: string[] }) => h.tags), [["N1"]]);
  assert.equal(result.history[0].metrics.accuracy, 0.75);
  assert.match(result.status.join("\n"), /source-data +\| source-data +\| git-subdirectory/);
  const md = readJson(join(ws, ".dataworkspace/snapshot_metadata", `${result.hash}_md.json`)) as { tags: string[] };
  assert.deepEqual(md.tags, ["N1"]);
  assert.ok(readdirSync(join(ws, "results/snapshots")).length === 1);

  const bin = await run(sb, [join(proj, "node_modules/.bin/dws"), "report", "history"], { cwd: ws });
  assert.match(bin.stdout, /\| N1 +\|/);
});
