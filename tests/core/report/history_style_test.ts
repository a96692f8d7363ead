import assert from "node:assert/strict";
import { UsageError } from "../../../core/base/errors.ts";
import { baselineVerdict, cellAnsi, cellCss, heatBins, historyCellStyles } from "../../../core/report/history_style.ts";

Deno.test("heatBins: the original's quantile bins (expected values computed with pandas qcut)", () => {
  const u = undefined;
  const cases: [(number | undefined)[], number[]][] = [
    [[1, 2, 3, u], [2, 3, 4, -1]],
    [[0.5, 0.5, 0.7], [2, 2, 4]],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 1, 2, 3, 3, 4, 5, 6, 6]],
    [[0.1, 0.1, 0.1, 0.2, 0.3, 0.9, 0.95, 0.99], [1, 1, 1, 2, 3, 4, 5, 5]],
    [[3, 1, 2, 2, 2, 2, 5, u, 7, 0.5, 4, 4.5], [4, 0, 1, 1, 1, 1, 6, -1, 6, 0, 4, 5]],
    [[1, 1, 1], [3, 3, 3]],
    [[u, u], [-1, -1]],
    [[0.91, 0.123456, 0.5, 0.88], [5, 1, 2, 4]],
  ];
  for (const [values, bins] of cases) assert.deepEqual(heatBins(values), bins, JSON.stringify(values));
});

Deno.test("baseline verdicts: ±0.5% is the same, direction decides better or worse, missing is grey", () => {
  assert.equal(baselineVerdict(0.91, 0.9), "better");
  assert.equal(baselineVerdict(0.904, 0.9), "same");
  assert.equal(baselineVerdict(0.895, 0.9, { maximize: true }), "worse");
  assert.equal(baselineVerdict(0.2, 0.3, { maximize: false }), "better");
  assert.equal(baselineVerdict(undefined, 0.3, { maximize: false }), "missing");
  assert.equal(baselineVerdict(0.2, undefined, { maximize: false }), "same");
});

Deno.test("historyCellStyles: numeric metrics with a direction only; CSS and ANSI renderings", () => {
  const columns = { accuracy: [0.9, 0.95, null], loss: [0.3, 0.2, 0.1], name: ["a", "b", "c"], epochs: [1, 2, 3] };
  const base = historyCellStyles(columns, { baseline: "S1", baselineMetrics: { accuracy: 0.9, loss: 0.3 } });
  assert.deepEqual([...base.keys()], ["accuracy", "loss"]);
  assert.deepEqual(base.get("accuracy")!.map((s) => s.kind === "baseline" && s.verdict), ["same", "better", "missing"]);
  assert.deepEqual(base.get("loss")!.map((s) => cellCss(s)), [
    "color: black; font-weight: bold",
    "color: green",
    "color: green",
  ]);
  assert.deepEqual(base.get("loss")!.map((s) => cellAnsi(s)[0]), ["\x1b[1m", "\x1b[32m", "\x1b[32m"]);
  const heat = historyCellStyles(columns, { heatmap: true, maximizeMetrics: ["epochs"] });
  assert.deepEqual([...heat.keys()], ["accuracy", "loss", "epochs"]);
  assert.deepEqual(heat.get("epochs")!.map(cellCss), [
    "border: 1px solid darkgrey; background-color: rgb(232,190,192); color: black",
    "border: 1px solid darkgrey; background-color: rgb(242,242,242); color: black",
    "border: 1px solid darkgrey; background-color: rgb(193,210,201); color: black",
  ]);
  // Loss is minimized: its lowest value gets the green end of the map.
  assert.equal(
    cellCss(heat.get("loss")![2]),
    "border: 1px solid darkgrey; background-color: rgb(193,210,201); color: black",
  );
  assert.equal(
    cellCss(heat.get("accuracy")![2]),
    "border: 1px solid darkgrey; background-color: lightgrey; color: black",
  );
  assert.deepEqual(cellAnsi(heat.get("epochs")![0]), ["\x1b[48;2;232;190;192m\x1b[30m", "\x1b[0m"]);
  assert.throws(() => historyCellStyles(columns, { heatmap: true, baseline: "S1" }), UsageError);
});
