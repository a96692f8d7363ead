/**
 * `dws report html` through the real command line: the page opened in
 * headless Chromium shows the history with shading and baseline changes, a
 * chart per metric, the chosen snapshot's results and its lineage graph —
 * with no console errors and no network.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeHtmlReport } from "../../mod.ts";
import { dws, dwsOk, ignoreWithout, initWorkspace, sandbox } from "../test_utils.ts";
import { screenshot, startBrowser } from "./browser_helpers.ts";
import { pipelineWorkspace, runPipeline, snapshot } from "./lineage_helpers.ts";

Deno.test({
  name: "report html: history shading and baseline changes, metric charts, results and lineage in Chromium",
  ignore: ignoreWithout("chromium"),
  fn: async () => {
    using sb = sandbox();
    const ws = await pipelineWorkspace(sb);
    const runs = [
      { accuracy: 0.71, loss: 0.62, f1: 0.65, cm: { tp: 7, fp: 3 } },
      { accuracy: 0.84, loss: 0.41, f1: 0.8 },
      { accuracy: 0.79, loss: 0.45 },
      { accuracy: 0.91, loss: 0.3, f1: 0.88 },
    ];
    const hashes: string[] = [];
    for (const [i, m] of runs.entries()) {
      await runPipeline(sb, ws, m, i + 1);
      hashes.push(await snapshot(sb, ws, `S${i + 1}`, `run ${i + 1} with multiplier ${i + 1}`));
    }
    const out = join(sb.dir, "report.html");
    const r = await dwsOk(sb, ["report", "html", out, "--baseline", "S2", "--snapshot", "S4"], { cwd: ws });
    assert.equal(r.stdout, `Wrote HTML report to ${out}\n`);
    const text = readFileSync(out, "utf8");
    assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "the page must not reference the network");
    assert.doesNotMatch(text, /<link|<script src|@import|url\((?!#)/);

    await using browser = await startBrowser();
    const opened = await browser.open(out, { width: 1360, height: 1000 });
    const { page } = opened;
    assert.equal(await page.title(), "Workspace ws · dws report");

    // History: newest first, metric columns by frequency, shaded cells, changes from the baseline S2.
    const heads = await page.$$eval("table.dws-history thead th", (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(heads, ["Hash", "Tags", "Created", "Message", "total", "accuracy", "loss", "f1"]);
    const rows = page.locator("table.dws-history tbody tr");
    assert.equal(await rows.count(), 4);
    const row = (i: number) =>
      rows.nth(i).locator("td").evaluateAll((tds) =>
        tds.map((td) => ({
          text: (td.textContent ?? "").trim(),
          delta: td.querySelector(".dws-delta")?.className ?? "",
          bg: td.getAttribute("style") ?? "",
        }))
      );
    const s4 = await row(0);
    assert.equal(s4[0].text, hashes[3].slice(0, 7));
    assert.match(s4[1].text, /^S4\s*shown below$/);
    assert.equal(s4[3].text, "run 4 with multiplier 4");
    assert.equal(s4[4].text, "24▲ +12");
    assert.equal(s4[5].text, "0.91▲ +0.07");
    assert.equal(s4[5].delta, "dws-delta dws-better");
    assert.equal(s4[6].text, "0.3▼ −0.11");
    assert.equal(s4[6].delta, "dws-delta dws-better"); // lower loss is better
    assert.equal(s4[7].text, "0.88▲ +0.08");
    const s3 = await row(1);
    assert.equal(s3[5].delta, "dws-delta dws-worse");
    assert.equal(s3[6].delta, "dws-delta dws-worse");
    assert.equal(s3[7].text, "–");
    const s2 = await row(2);
    assert.match(s2[1].text, /^S2\s*baseline$/);
    assert.equal(s2[5].text, "0.84");
    assert.equal(s2[5].delta, "");
    // Shades run from light (lowest) to darker (highest) in each column.
    const s1 = await row(3);
    assert.equal(s4[5].bg, "background:hsl(211 80% 72%)"); // the best accuracy
    assert.equal(s1[5].bg, "background:hsl(211 70% 97%)"); // the worst
    assert.equal(s4[6].bg, "background:hsl(211 70% 97%)"); // the lowest loss
    assert.equal(s3[7].bg, "");

    // One chart per numeric metric, each with a line and a point per snapshot that has it.
    assert.equal(await page.locator("svg.dws-chart").count(), 4);
    assert.equal(await page.locator("svg.dws-chart path.dws-line").count(), 4);
    const points = await page.$$eval("svg.dws-chart", (cs) => cs.map((c) => c.querySelectorAll("circle").length));
    assert.deepEqual(points, [4, 4, 4, 3]);
    assert.equal(await page.locator("svg.dws-chart .dws-baseline").count(), 4);
    const chartD = await page.locator("svg.dws-chart path.dws-line").first().getAttribute("d");
    assert.match(chartD ?? "", /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);

    // The results of S4 and its lineage.
    assert.match(
      (await page.locator("#results").textContent()) ?? "",
      /Results file at results:\/snapshots\/testhost-S4\/results\.json/,
    );
    const kv = await page.$$eval(
      "#results table.dws-kv tr",
      (trs) => trs.map((tr) => [tr.querySelector("th")?.textContent, tr.querySelector("td")?.textContent]),
    );
    assert.deepEqual(kv.filter(([k]) => k === "accuracy" || k === "gamma" || k === "step"), [
      ["step", "step2"],
      ["gamma", "0.01"],
      ["accuracy", "0.91"],
    ]);
    assert.equal(await page.locator("#lineage .dws-node.dws-cert").count(), 3);
    assert.equal(await page.locator("#lineage .dws-node.dws-step").count(), 2);
    assert.equal(await page.locator("#lineage path.dws-edge").count(), 4);
    assert.equal(await page.locator("#lineage .dws-placeholder").count(), 0);
    const names = await page.$$eval("#lineage .dws-node-name", (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(names, ["results", "intermediate-data:/s1", "source-data:/data.csv"]);
    assert.equal(await page.locator("#resources tbody tr").count(), 4);

    const shots = [await screenshot(page, sb.dir, "report", true)];
    await page.setViewportSize({ width: 800, height: 900 });
    shots.push(await screenshot(page, sb.dir, "report-narrow", true));
    assert.deepEqual(opened.errors, []);
    assert.deepEqual(opened.failed, []);
    assert.ok(opened.requests.every((u) => u.startsWith("file://")), opened.requests.join("\n"));
    for (const s of shots) assert.ok(readFileSync(s).length > 20_000, `${s} looks empty`);

    // Defaults: the newest snapshot shown, the oldest as baseline; the API writes the same page.
    const apiOut = join(sb.dir, "api.html");
    await makeHtmlReport(apiOut, { workspaceDir: ws, context: { output: quiet() } });
    const api = readFileSync(apiOut, "utf8");
    const data = JSON.parse(/<script type="application\/json" id="dws-report-data">([^]*?)<\/script>/.exec(api)![1]);
    assert.equal(data.shown, hashes[3]);
    assert.equal(data.baseline, hashes[0]);
    assert.equal(data.snapshots.length, 4);
  },
});

function quiet() {
  return { info() {}, warn() {}, debug() {}, progress() {}, verbose: false };
}

Deno.test({
  name: "report html of a workspace without snapshots or lineage still renders",
  ignore: ignoreWithout("chromium"),
  fn: async () => {
    using sb = sandbox();
    const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
    writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.5 } }));
    const out = join(sb.dir, "empty.html");
    await dwsOk(sb, ["report", "html", out], { cwd: ws });
    await using browser = await startBrowser();
    const opened = await browser.open(out);
    const page = opened.page;
    assert.match((await page.locator("#history").textContent()) ?? "", /No snapshots yet/);
    assert.equal(await page.locator("svg.dws-chart").count(), 0);
    assert.match((await page.locator("#results").textContent()) ?? "", /results:\/results\.json/);
    assert.match((await page.locator("#lineage").textContent()) ?? "", /No lineage found for resource results/);
    await screenshot(page, sb.dir, "report-empty", true);
    assert.deepEqual(opened.errors, []);
    assert.deepEqual(opened.failed, []);

    const bad = await dws(sb, ["report", "html", out, "--baseline", "S1"], { cwd: ws });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Configuration error: No snapshot with tag or hash 'S1'/);
  },
});
