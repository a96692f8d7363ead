import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError, UsageError } from "../../core/base/errors.ts";
import { memoryOutput } from "../../core/base/output.ts";
import {
  DISABLED_MESSAGE,
  dwsHistory,
  dwsInfo,
  dwsLineageGraph,
  dwsLineageTable,
  dwsResults,
  dwsSnapshot,
  JUPYTER_DISPLAY,
  NotebookLineageBuilder,
  NotebookOutput,
  notebookPath,
} from "../../kits/notebook.ts";
import { initWorkspace, readJson, sandbox } from "../test_utils.ts";

const NOTEBOOK = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });

/** A workspace with code, source data and results, a notebook in code/, and two snapshots of notebook runs. */
async function notebookWorkspace(sb: ReturnType<typeof sandbox>) {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,source-data,results"]);
  const nb = join(ws, "code", "explore.ipynb");
  writeFileSync(nb, NOTEBOOK);
  writeFileSync(join(ws, "source-data", "data.csv"), "a\n1\n");
  const context = { output: memoryOutput() };
  const runs = [{ accuracy: 0.8, loss: 0.5, report: { a: 1 } }, { accuracy: 0.9, loss: 0.52 }];
  for (const [i, metrics] of runs.entries()) {
    await new NotebookLineageBuilder(join(ws, "results"), { notebookPath: nb, runDescription: `run ${i + 1}` })
      .withParameters({ run: i + 1 })
      .withInputPath(join(ws, "source-data", "data.csv"))
      .withContext(context)
      .run(async (lineage) => {
        await (lineage as unknown as { writeResults(m: unknown): Promise<string> }).writeResults(metrics);
      });
    const out = await dwsSnapshot({ notebookPath: nb, tag: `R${i + 1}`, message: `run ${i + 1}` });
    assert.match(
      out.text,
      new RegExp(`^Initiating snapshot with tag 'R${i + 1}' with message 'run ${i + 1}'\\.\\.\\.$`, "m"),
    );
    assert.match(out.text, /^Successfully completed snapshot\. Hash is [0-9a-f]{8}$/m);
  }
  return { ws, nb };
}

Deno.test("NotebookLineageBuilder: the notebook names the step and is its code; the magics as functions", async () => {
  using sb = sandbox();
  const { ws, nb } = await notebookWorkspace(sb);
  const steps = readJson(join(ws, ".dataworkspace/snapshot_lineage", readJsonDirFirst(ws), "results.json")) as {
    lineages: { step_name: string; code_resources: { resource_name: string }[] }[];
  };
  assert.equal(steps.lineages[0].step_name, "explore");
  assert.deepEqual(steps.lineages[0].code_resources.map((c) => c.resource_name), ["code"]);

  const info = await dwsInfo({ notebookPath: nb });
  assert.match(info.text, /^Notebook name: {7}explore\.ipynb$/m);
  assert.match(info.text, new RegExp(`^Workspace directory: ${ws}$`, "m"));
  assert.match(info.html, /<td>source-data<\/td><td>source-data<\/td><td>git-subdirectory<\/td>/);

  const table = await dwsLineageTable({ notebookPath: nb, snapshot: "R2" });
  assert.match(table.text, /^Lineage for R2$/m);
  assert.match(
    table.html,
    /<tr><th>results<\/th><td>Step<\/td><td>explore at [^<]+<\/td><td>source-data:\/data\.csv \(current\)<\/td><\/tr>/,
  );

  const graph = await dwsLineageGraph({ notebookPath: nb, snapshot: "R1" });
  const file = join(ws, "code", "lineage_explore.html");
  assert.ok(existsSync(file));
  assert.match(graph.text, new RegExp(`Wrote lineage for results as of snapshot R1 to ${file}`));
  assert.match(
    graph.html,
    /^<iframe width="800" height="400" frameborder="0" title="Lineage of results" srcdoc="&lt;!DOCTYPE html&gt;/,
  );
  assert.match(readFileSync(file, "utf8"), /style="max-width:780px;height:380px"/);

  const results = await dwsResults({ notebookPath: nb, snapshot: "R1" });
  assert.equal(
    results.html.split("\n").slice(0, 2).join("\n"),
    "<h3>results:/snapshots/testhost-R1/results.json</h3>\n<h4>General Properties</h4>",
  );
  assert.match(
    results.html,
    /<h4>Parameters<\/h4>\n<table class="dataframe dws-table"><thead><tr style="text-align: right;"><th>Property<\/th><th>Value<\/th><\/tr><\/thead><tbody><tr><th>run<\/th><td>1<\/td><\/tr><\/tbody><\/table>/,
  );
  assert.match(results.html, /<h4>Metrics: report<\/h4>/);
  assert.match(results.text, /^Results file at results:\/snapshots\/testhost-R1\/results\.json$/m);
  assert.equal(
    (await dwsResults({ notebookPath: nb })).text.startsWith("Results file at results:/snapshots/testhost-R2"),
    true,
  );
});

function readJsonDirFirst(ws: string): string {
  return [...Deno.readDirSync(join(ws, ".dataworkspace/snapshot_lineage"))].map((e) => e.name).sort()[0];
}

Deno.test("dwsHistory: the original's table, baseline and heatmap colouring as inline styles", async () => {
  using sb = sandbox();
  const { nb } = await notebookWorkspace(sb);
  const plain = await dwsHistory({ notebookPath: nb });
  assert.match(
    plain.html,
    /^<table class="dataframe dws-table"><thead><tr style="text-align: right;"><th><\/th><th>timestamp<\/th><th>hash<\/th><th>tags<\/th><th>message<\/th><th>accuracy<\/th><th>loss<\/th><th>report<\/th><\/tr><\/thead><tbody><tr><th>1<\/th>/,
  );
  assert.match(plain.html, /<td>R1<\/td><td>run 1<\/td><td>0\.8<\/td><td>0\.5<\/td><td>\{&#39;a&#39;: 1\}<\/td><\/tr>/);
  assert.match(plain.html, /<td>R2<\/td><td>run 2<\/td><td>0\.9<\/td><td>0\.52<\/td><td>NaN<\/td><\/tr>/);

  const base = await dwsHistory({ notebookPath: nb, baseline: "R1" });
  // accuracy: larger is better; loss 0.52 is more than 0.5% above 0.5: worse; report is not numeric.
  assert.match(
    base.html,
    /<td style="color: black; font-weight: bold">0\.8<\/td><td style="color: black; font-weight: bold">0\.5<\/td><td>\{/,
  );
  assert.match(base.html, /<td style="color: green">0\.9<\/td><td style="color: red">0\.52<\/td><td>NaN<\/td>/);

  const heat = await dwsHistory({ notebookPath: nb, heatmap: true, tail: true });
  assert.match(heat.html, /<tbody><tr><th>2<\/th>/, "tail: newest first");
  assert.match(
    heat.html,
    /<td style="border: 1px solid darkgrey; background-color: rgb\(193,210,201\); color: black">0\.9<\/td><td style="border: 1px solid darkgrey; background-color: rgb\(232,190,192\); color: black">0\.52<\/td>/,
  );
  assert.equal((await dwsHistory({ notebookPath: nb, maxCount: 1 })).text.split("\n").length, 3);
  await assert.rejects(dwsHistory({ notebookPath: nb, heatmap: true, baseline: "R1" }), UsageError);
  await assert.rejects(
    dwsHistory({ notebookPath: nb, baseline: "nope" }),
    (e: Error) =>
      e instanceof ConfigurationError && e.message === "Did not find a tag or hash corresponding to baseline 'nope'",
  );
});

Deno.test("notebook outputs: Jupyter MIME bundle, notebook path from JPY_SESSION_NAME, DWS_MAGIC_DISABLE", async () => {
  const out = new NotebookOutput("<b>x</b>", "x");
  assert.deepEqual(out[JUPYTER_DISPLAY](), { "text/plain": "x", "text/html": "<b>x</b>" });
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  assert.equal(String(out), "x");
  using sb = sandbox();
  const nb = join(sb.dir, "analysis.ipynb");
  writeFileSync(nb, NOTEBOOK);
  const cwd = Deno.cwd();
  try {
    Deno.chdir(sb.dir);
    Deno.env.set("JPY_SESSION_NAME", "work/analysis.ipynb");
    assert.equal(notebookPath(), nb);
    assert.equal(new NotebookLineageBuilder(join(sb.dir, "results")).notebookPath, nb);
    Deno.env.set("DWS_MAGIC_DISABLE", "True");
    for (const f of [dwsInfo, dwsSnapshot, dwsHistory, dwsLineageTable, dwsLineageGraph, dwsResults]) {
      const r = await f();
      assert.equal(r.text, DISABLED_MESSAGE);
      assert.equal(r.mimeBundle()["text/markdown"], DISABLED_MESSAGE);
    }
  } finally {
    Deno.env.delete("JPY_SESSION_NAME");
    Deno.env.delete("DWS_MAGIC_DISABLE");
    Deno.chdir(cwd);
  }
  assert.equal(notebookPath(), undefined);
  assert.throws(() => new NotebookLineageBuilder("results"), /Unable to infer the name of this notebook/);
});
