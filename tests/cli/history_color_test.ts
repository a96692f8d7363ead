/**
 * `dws report history --baseline/--heatmap`: the notebook's colouring on a
 * terminal, as ANSI colours (with --color, or on a TTY without NO_COLOR).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, sandbox } from "../test_utils.ts";

const ESC = String.fromCharCode(27);
const stripAnsi = (s: string) => s.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");

Deno.test("report history --baseline/--heatmap colours metrics with --color, plain when piped", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const runs = [{ accuracy: 0.8, loss: 0.5 }, { accuracy: 0.9, loss: 0.4 }, { accuracy: 0.801, loss: 0.6 }];
  for (const [i, metrics] of runs.entries()) {
    writeFileSync(join(ws, "code", "a.py"), `a = ${i}\n`);
    writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics }));
    await dwsOk(sb, ["--batch", "snapshot", `S${i + 1}`], { cwd: ws });
  }
  const plain = (await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout;
  // Piped (and NO_COLOR=1 in the sandbox): the options change nothing without --color.
  assert.equal((await dwsOk(sb, ["report", "history", "--baseline", "S1"], { cwd: ws })).stdout, plain);
  assert.ok(!plain.includes(ESC));

  const colored = (await dwsOk(sb, ["report", "history", "--baseline", "S1", "--color"], { cwd: ws })).stdout;
  assert.equal(stripAnsi(colored), plain);
  const cells = (line: string) => line.split("|").slice(4, 6).map((c) => c.replaceAll(" ", ""));
  const rows = colored.split("\n").filter((l) => /\| S\d/.test(l));
  // Newest first: S3 (accuracy within 0.5% of S1: bold; loss worse: red), S2 (both better: green), S1 (bold).
  assert.deepEqual(rows.map(cells), [
    ["\x1b[1m0.801\x1b[0m", "\x1b[31m0.6\x1b[0m"],
    ["\x1b[32m0.9\x1b[0m", "\x1b[32m0.4\x1b[0m"],
    ["\x1b[1m0.8\x1b[0m", "\x1b[1m0.5\x1b[0m"],
  ]);

  const heat = (await dwsOk(sb, ["report", "history", "--heatmap", "--color"], { cwd: ws })).stdout;
  // Three values: the bins are 2, 3 and 4 (the lighter colours); the best accuracy is light green.
  const accuracy = heat.split("\n").filter((l) => /\| S\d/.test(l)).map((l) => l.split("|")[4]);
  assert.equal(accuracy[1].replaceAll(" ", ""), "\x1b[48;2;193;210;201m\x1b[30m0.9\x1b[0m");
  assert.equal(stripAnsi(heat), plain);

  const both = await dws(sb, ["report", "history", "--heatmap", "--baseline", "S1"], { cwd: ws });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /Cannot specify both --baseline and --heatmap/);
  const unknown = await dws(sb, ["report", "history", "--baseline", "S9"], { cwd: ws });
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /No snapshot with tag or hash 'S9'/);
});
