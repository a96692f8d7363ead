/**
 * Comparing experiments (issue 15 §4): two snapshots of a results step run
 * with different parameters; `report history --params` shows the
 * parameters that differ as columns, `dws diff` the metric and parameter
 * changes, and the HTML report the same columns.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, initWorkspace, type Sandbox, sandbox } from "../test_utils.ts";
import { snapshotHash } from "./snapshot_helpers.ts";

/** A results step whose metrics and parameters come from its arguments. */
async function experiment(sb: Sandbox, ws: string, tag: string, lr: string, accuracy: number): Promise<string> {
  await dwsOk(sb, [
    ...["run", "--output", "results", "--param", `lr=${lr}`, "--param", "seed=1", "--param", "opt=adam", "--"],
    ...["sh", "-c", `printf '{"metrics": {"accuracy": ${accuracy}, "cm": {"a": ${lr}}}}' > results/results.json`],
  ], { cwd: ws });
  return snapshotHash(await dwsOk(sb, ["snapshot", "-m", `lr ${lr}`, tag], { cwd: ws }));
}

Deno.test("compare: history --params, diff and the HTML report show what changed between two experiments", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const h1 = await experiment(sb, ws, "S1", "0.1", 0.9);
  const h2 = await experiment(sb, ws, "S2", "0.01", 0.93);

  const history = (await dwsOk(sb, ["report", "history", "--params"], { cwd: ws })).stdout.split("\n");
  assert.match(history[1], /^\| Hash +\| Tags +\| Created +\| accuracy +\| cm +\| lr +\| Message +\|$/);
  assert.match(
    history[3],
    new RegExp(`^\\| ${h2.slice(0, 7)} \\| S2 .*\\| +0\\.93 \\| \\{'a': 0\\.01\\} +\\| +0\\.01 \\| lr 0\\.01 +\\|$`),
  );
  assert.match(
    history[4],
    new RegExp(`^\\| ${h1.slice(0, 7)} \\| S1 .*\\| +0\\.9 \\| \\{'a': 0\\.1\\} +\\| +0\\.1 \\| lr 0\\.1 +\\|$`),
  );
  // Without --params, the 1.6 table.
  const plain = (await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout.split("\n");
  assert.match(plain[1], /^\| Hash +\| Tags +\| Created +\| accuracy +\| cm +\| Message +\|$/);

  const diff = (await dwsOk(sb, ["diff", "S1", "S2"], { cwd: ws })).stdout;
  assert.ok(
    diff.endsWith(
      [
        "  Removed resources: None",
        "  Metric changes:",
        "    accuracy: 0.9 -> 0.93 (+0.03)",
        "    cm: changed",
        "  Parameter changes:",
        "    lr: 0.1 -> 0.01 (-0.09)",
        "",
      ].join("\n"),
    ),
    diff,
  );
  assert.match(
    (await dwsOk(sb, ["diff", "S1", "S1"], { cwd: ws })).stdout,
    /Metric changes: None\n {2}Parameter changes: None\n$/,
  );

  const html = join(sb.dir, "report.html");
  await dwsOk(sb, ["report", "html", html], { cwd: ws });
  const page = readFileSync(html, "utf8");
  assert.match(page, /<th>Message<\/th><th class="dws-num">accuracy<\/th><th>lr<\/th><\/tr>/);
  assert.match(page, /<td class="dws-param mono">0\.01<\/td>/);
  const data = JSON.parse(/<script type="application\/json" id="dws-report-data">(.*?)<\/script>/s.exec(page)![1]);
  assert.deepEqual(data.snapshots.map((s: { parameters: unknown }) => s.parameters), [
    { lr: 0.1, seed: 1, opt: "adam" },
    { lr: 0.01, seed: 1, opt: "adam" },
  ]);
});
