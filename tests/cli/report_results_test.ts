/**
 * `dws report results` through the real command line, and the API's
 * `getResults` (spec §6, §16).
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getResults } from "../../mod.ts";
import { dws, dwsOk, initWorkspace, sandbox } from "../test_utils.ts";
import { pipelineWorkspace, runPipeline, snapshot } from "./lineage_helpers.ts";
import { assertOneLine } from "./snapshot_helpers.ts";

/** The example results.json of the spec (§8.3), with one nested metric added. */
const RESULTS = JSON.stringify(
  {
    step: "res_step",
    start_time: "2026-11-25T14:50:32.773035",
    execution_time_seconds: 0.021085,
    parameters: { gamma: 0.01, n: 3 },
    run_description: "desc here",
    metrics: { accuracy: 0.91, loss: 0.3, cm: { a: 1, b: 2 }, per_class: { cat: { p: 0.5, r: 0.25 }, dog: 0.75 } },
  },
  null,
  2,
);

const REPORT_BODY = `
General Properties
| Key                    | Value                      |
|________________________|____________________________|
| step                   | res_step                   |
| start_time             | 2026-11-25T14:50:32.773035 |
| execution_time_seconds | 0.021                      |
| run_description        | desc here                  |

Parameters
| Key   | Value |
|_______|_______|
| gamma |  0.01 |
| n     |     3 |

Metrics
| Key      | Value |
|__________|_______|
| accuracy |  0.91 |
| loss     |   0.3 |

Metrics: cm
| Key | Value |
|_____|_______|
| a   |     1 |
| b   |     2 |

Metrics: per_class
| Key | Value           |
|_____|_________________|
| cat | p: 0.5, r: 0.25 |
| dog | 0.75            |
`;

const NOTE = "Did not find a results.json file in current workspace, checking most recent snapshot...\n";

Deno.test("report results: the current results.json, then the newest snapshot's with a note, then --snapshot", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(join(ws, "results", "results.json"), RESULTS);

  const now = await dwsOk(sb, ["report", "results"], { cwd: ws });
  assert.equal(now.stdout, `Results file at results:/results.json\n${REPORT_BODY}`);
  assert.equal(now.stderr, "");

  await snapshot(sb, ws, "S1", "first");
  const after = await dwsOk(sb, ["report", "results"], { cwd: ws });
  assert.equal(after.stdout, `Results file at results:/snapshots/testhost-S1/results.json\n${REPORT_BODY}`);
  assert.equal(after.stderr, NOTE);

  const s1 = await dwsOk(sb, ["report", "results", "--snapshot", "S1", "--resource", "results"], { cwd: ws });
  assert.equal(s1.stdout, after.stdout);
  assert.equal(s1.stderr, "");

  // A second snapshot without results: its folder has no results.json.
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  await snapshot(sb, ws, "S2");
  const none = await dws(sb, ["report", "results", "--snapshot", "S2"], { cwd: ws });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, "Configuration error: Could not find results file for snapshot S2\n");
  const newest = await dws(sb, ["report", "results"], { cwd: ws });
  assert.equal(newest.code, 1);
  assert.equal(newest.stderr, `${NOTE}Configuration error: Could not find results file\n`);
});

Deno.test("report results: --resource, several results resources in order, errors", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const other = join(sb.dir, "more-results");
  mkdirSync(other);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "results", "--name", "results2", other], { cwd: ws });
  writeFileSync(join(other, "results.json"), RESULTS);

  const found = await dwsOk(sb, ["report", "results"], { cwd: ws });
  assert.equal(found.stdout, `Results file at results2:/results.json\n${REPORT_BODY}`);
  const r = await dws(sb, ["report", "results", "--resource", "results"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `${NOTE}Configuration error: Could not find results file for resource results\n`);

  // A results.json that is not JSON is an error; a folder called results.json is no results file.
  writeFileSync(join(other, "results.json"), "{not json");
  const bad = await dws(sb, ["report", "results", "--resource", "results2"], { cwd: ws });
  assert.equal(bad.code, 1);
  assertOneLine(bad);
  assert.match(bad.stderr, /results2:\/results\.json/);
  rmSync(join(other, "results.json"));
  mkdirSync(join(other, "results.json"));
  const dir = await dws(sb, ["report", "results", "--resource", "results2"], { cwd: ws });
  assert.equal(dir.code, 1);
  assert.equal(dir.stderr, `${NOTE}Configuration error: Could not find results file for resource results2\n`);

  const unknown = await dws(sb, ["report", "results", "--resource", "nope"], { cwd: ws });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Configuration error: A resource by the name 'nope' does not exist/);
  const noSnap = await dws(sb, ["report", "results", "--snapshot", "S9"], { cwd: ws });
  assert.equal(noSnap.code, 1);
  assert.match(noSnap.stderr, /^Configuration error: No snapshot with tag or hash 'S9'/);
  const usage = await dws(sb, ["report", "results", "--snapshot", "bad_tag"], { cwd: ws });
  assert.equal(usage.code, 2);
});

Deno.test("report results of a real results step; getResults returns the parsed file and its location", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  await runPipeline(sb, ws, { accuracy: 0.91, loss: 0.3 });
  const out = (await dwsOk(sb, ["report", "results", "--workspace-dir", ws], { cwd: sb.dir })).stdout;
  const lines = out.split("\n");
  assert.equal(lines[0], "Results file at results:/results.json");
  assert.equal(lines[2], "General Properties");
  assert.match(lines[5], /^\| step +\| step2 +\|$/);
  assert.match(lines[6], /^\| start_time +\| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6} \|$/);
  assert.ok(out.includes("\nParameters\n| Key   | Value |\n|_______|_______|\n| gamma |  0.01 |\n| n     |     3 |\n"));
  assert.ok(out.includes("\nMetrics\n| Key      | Value |\n|__________|_______|\n| total    |     6 |\n"));

  const current = await getResults({ workspaceDir: ws });
  assert.equal(current?.location, "results:/results.json");
  assert.deepEqual(current?.results.metrics, { total: 6, accuracy: 0.91, loss: 0.3 });
  assert.deepEqual(current?.results.parameters, { gamma: 0.01, n: 3 });

  await snapshot(sb, ws, "S1");
  const s1 = await getResults({ workspaceDir: ws, tagOrHash: "S1", resourceName: "results" });
  assert.equal(s1?.location, "results:/snapshots/testhost-S1/results.json");
  assert.deepEqual(s1?.results, current?.results);
  assert.equal(await getResults({ workspaceDir: ws, tagOrHash: "S1", resourceName: "code" }), undefined);
});
