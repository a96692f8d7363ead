/**
 * `dws lineage graph` through the real command line and the API's
 * `makeLineageGraph` (spec §11): which certificates and links are drawn,
 * the `dot` text, and the self-contained HTML page opened in headless
 * Chromium (nodes, edges, pan/zoom, no errors, no network).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeLineageGraph } from "../../mod.ts";
import { dws, dwsOk, ignoreWithout, initWorkspace, sandbox } from "../test_utils.ts";
import { screenshot, startBrowser } from "./browser_helpers.ts";
import {
  BIG_PIPELINE,
  importedWorkspaces,
  pipelineWorkspace,
  runPipeline,
  runStep,
  snapshot,
} from "./lineage_helpers.ts";
import { assertOneLine } from "./snapshot_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const lineage = (ws: string, resource: string, dir = ".dataworkspace/current_lineage"): Json =>
  JSON.parse(readFileSync(join(ws, dir, `${resource}.json`), "utf8"));
/** `<step>@<start time to the minute>` of the (only) step recorded for `resource`. */
const edgeLabel = (ws: string, resource: string, dir?: string) => {
  const s = lineage(ws, resource, dir).lineages[0];
  return `${s.step_name}@${s.start_time.replace("T", " ").slice(0, 16)}`;
};

Deno.test("lineage graph --format dot: current state and as of a snapshot, as 1.6 writes it", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  await runPipeline(sb, ws, { accuracy: 0.5 });
  const dot = (labels: [string, string]) =>
    [
      "digraph lineage {",
      '  size="100,100";',
      '  1 [label="results",font=4];',
      '  2 [label="intermediate-data:/s1",font=4];',
      '  3 [label="source-data:/data.csv",font=4];',
      `  2 -> 1 [label="${labels[0]}",font=4,len=2];`,
      `  3 -> 2 [label="${labels[1]}",font=4,len=2];`,
      "}",
      "",
    ].join("\n");
  const labels: [string, string] = [edgeLabel(ws, "results"), edgeLabel(ws, "intermediate-data")];
  const r = await dwsOk(sb, ["lineage", "graph", "--format", "dot", "g.dot"], { cwd: ws });
  assert.equal(r.stdout, "Wrote lineage for results to g.dot\n");
  assert.equal(readFileSync(join(ws, "g.dot"), "utf8"), dot(labels));

  const h1 = await snapshot(sb, ws, "S1");
  // The results moved into the snapshot: the current state has no lineage for them.
  const none = await dws(sb, ["lineage", "graph", "--format", "dot", "g.dot"], { cwd: ws });
  assert.equal(none.code, 1);
  assert.equal(none.stderr, "Configuration error: No lineage found for resource results\n");
  const out = join(sb.dir, "s1.dot");
  const s1 = await dwsOk(sb, ["lineage", "graph", "--snapshot", "S1", "--format", "dot", out], { cwd: ws });
  assert.equal(s1.stdout, `Wrote lineage for results as of snapshot S1 to ${out}\n`);
  assert.equal(readFileSync(out, "utf8"), dot(labels));
  const byHash = await dwsOk(sb, [
    "lineage",
    "--workspace-dir",
    ws,
    "graph",
    "--snapshot",
    h1.slice(0, 8),
    "--resource",
    "intermediate-data",
    "--format",
    "dot",
    out,
  ], { cwd: sb.dir });
  assert.equal(byHash.stdout, `Wrote lineage for intermediate-data as of snapshot ${h1.slice(0, 8)} to ${out}\n`);
  assert.equal(
    readFileSync(out, "utf8"),
    `digraph lineage {\n  size="100,100";\n  1 [label="intermediate-data:/s1",font=4];\n` +
      `  2 [label="source-data:/data.csv",font=4];\n  2 -> 1 [label="${labels[1]}",font=4,len=2];\n}\n`,
  );

  // The API returns the graph with 1.6's node labels: 7 hash characters.
  const g = await makeLineageGraph(join(sb.dir, "api.html"), { workspaceDir: ws, tagOrHash: "S1" });
  const hashes = lineage(ws, "results", `.dataworkspace/snapshot_lineage/${h1}`).lineages[0];
  assert.deepEqual(g.nodes.map((n) => [n.id, n.name, n.label]), [
    [1, "results", hashes.output_resources[0].certificate.hashval.slice(0, 7)],
    [2, "intermediate-data:/s1", hashes.input_resources[0].certificate.hashval.slice(0, 7)],
    [3, "source-data:/data.csv", g.nodes[2].label],
  ]);
  assert.match(g.nodes[2].label, /^[0-9a-f]{7}$/);
  assert.deepEqual(g.links.map((l) => [l.source, l.target, l.type]), [[2, 1, labels[0]], [3, 2, labels[1]]]);
  assert.deepEqual(g.warnings, []);
});

Deno.test("lineage graph: an overwritten input is drawn but not followed, with a warning", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  await runPipeline(sb, ws, {});
  await snapshot(sb, ws, "S1");
  await runStep(sb, ws, "step2.ts", "{}"); // reads s1 at its snapshot hash
  await runStep(sb, ws, "step1.ts", "--multiplier", "3"); // s1 is now a new placeholder
  const s1Hash = lineage(ws, "results").lineages[0].input_resources[0].certificate.hashval as string;
  const r = await dwsOk(sb, ["lineage", "graph", "--format", "dot", "g.dot"], { cwd: ws });
  assert.equal(
    r.stderr,
    `Warning: Certificate intermediate-data:/s1 (Hash:${s1Hash.slice(0, 8)}) not found in store, ` +
      "was overwritten by intermediate-data:/s1 (Placeholder:version=1)\n",
  );
  assert.equal(
    readFileSync(join(ws, "g.dot"), "utf8"),
    `digraph lineage {\n  size="100,100";\n  1 [label="results",font=4];\n  2 [label="intermediate-data:/s1",font=4];\n` +
      `  2 -> 1 [label="${edgeLabel(ws, "results")}",font=4,len=2];\n}\n`,
  );
});

Deno.test("lineage graph: imported lineage is followed into the other workspace", async () => {
  using sb = sandbox();
  const { b } = await importedWorkspaces(sb);
  await dwsOk(sb, ["lineage", "graph", "--format", "dot", "g.dot"], { cwd: b });
  const dot = readFileSync(join(b, "g.dot"), "utf8").split("\n");
  assert.deepEqual(dot.slice(2, 5), [
    '  1 [label="results",font=4];',
    '  2 [label="shared:/prepared.csv",font=4];',
    '  3 [label="source-data:/data.csv",font=4];',
  ]);
  assert.match(dot[5], /^ {2}2 -> 1 \[label="train@.{16}",font=4,len=2\];$/);
  assert.match(dot[6], /^ {2}3 -> 2 \[label="prep@.{16}",font=4,len=2\];$/);
  const g = await makeLineageGraph(join(sb.dir, "g.html"), { workspaceDir: b, context: { output: quiet() } });
  assert.deepEqual(g.nodes.map((n) => n.imported), [false, false, true]);
});

function quiet() {
  return { info() {}, warn() {}, debug() {}, progress() {}, verbose: false };
}

Deno.test("lineage graph: errors and usage", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code"]);
  const noResults = await dws(sb, ["lineage", "graph", "g.html"], { cwd: ws });
  assert.equal(noResults.code, 1);
  assertOneLine(noResults);
  assert.equal(
    noResults.stderr,
    "Configuration error: Did not find a results resource in workspace. If you want to graph the lineage of a " +
      "non-results resource, use the --resource option.\n",
  );
  const unknown = await dws(sb, ["lineage", "graph", "--resource", "nope", "g.html"], { cwd: ws });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^Configuration error: A resource by the name 'nope' does not exist/);
  const empty = await dws(sb, ["lineage", "graph", "--resource", "code", "g.html"], { cwd: ws });
  assert.equal(empty.stderr, "Configuration error: No lineage found for resource code\n");
  for (
    const args of [
      ["--format", "png"],
      ["--width", "wide"],
      ["--snapshot", "not_a_tag"],
      [],
    ]
  ) {
    const r = await dws(sb, ["lineage", "graph", ...args, ...(args.length ? ["g.html"] : [])], { cwd: ws });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  }
});

Deno.test({
  name: "lineage graph --format html: 94 shapes laid out without overlaps, pan and zoom, no errors, no network",
  ignore: ignoreWithout("chromium"),
  fn: async () => {
    using sb = sandbox();
    const ws = await pipelineWorkspace(sb);
    writeFileSync(join(ws, "code", "pipeline.ts"), BIG_PIPELINE);
    await runStep(sb, ws, "pipeline.ts");
    const html = join(sb.dir, "lineage.html");
    const r = await dwsOk(sb, ["lineage", "graph", "--width", "1200", "--height", "760", html], { cwd: ws });
    assert.equal(r.stdout, `Wrote lineage for results to ${html}\n`);
    await dwsOk(sb, ["lineage", "graph", "--format", "dot", "g.dot"], { cwd: ws });
    const dot = readFileSync(join(ws, "g.dot"), "utf8");
    const dotNodes = dot.split("\n").filter((l) => /^ {2}\d+ \[/.test(l)).length;
    assert.equal(dotNodes, 54);

    const text = readFileSync(html, "utf8");
    assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "the page must not reference the network");
    const data = JSON.parse(
      /<script type="application\/json" id="lineage-graph-data">([^]*?)<\/script>/.exec(text)![1],
    );
    assert.equal(data.nodes.length, 54);
    assert.deepEqual(Object.keys(data.nodes[0]), ["name", "label", "id"]);
    assert.deepEqual(data.nodes[0], { name: "results", label: "placeholder=1", id: 1 });

    await using browser = await startBrowser();
    const opened = await browser.open(html, { width: 1280, height: 900 });
    const { page } = opened;
    assert.equal(await page.locator(".dws-node.dws-cert").count(), 54);
    assert.equal(await page.locator(".dws-node.dws-step").count(), 40);
    // Edges: each of the 40 steps has its inputs in and its output out.
    assert.equal(await page.locator("path.dws-edge").count(), 14 + 24 + 12 + 10 + 5 + 40);
    assert.equal(await page.locator(".dws-node.role-source-data").count(), 14);
    assert.equal(await page.locator(".dws-node.role-results").count(), 1);
    assert.equal(await page.locator(".dws-node.dws-placeholder").count(), 54);
    assert.equal(await page.locator("text", { hasText: "evaluate" }).count(), 1);

    // No two shapes overlap, and every edge runs from left to right.
    const boxes = await page.$$eval(".dws-node rect", (rs) =>
      rs.map((r) => {
        const b = r.getBoundingClientRect();
        return [b.left, b.top, b.right, b.bottom];
      }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5;
        assert.ok(!overlap, `shapes ${i} and ${j} overlap: ${a} / ${b}`);
      }
    }
    const shots = [await screenshot(page, sb.dir, "lineage-graph")];

    // Zoom: the wheel and the buttons change the scale; drag moves the drawing; Fit shows it whole.
    const transform = () => page.$eval("g.dws-viewport", (g) => g.getAttribute("transform") ?? "");
    const scale = async () => Number(/scale\(([^)]+)\)/.exec(await transform())![1]);
    const initial = await scale();
    await page.mouse.move(600, 400);
    await page.mouse.wheel(0, -400);
    assert.ok((await scale()) > initial * 1.5, `wheel zoom: ${await transform()}`);
    shots.push(await screenshot(page, sb.dir, "lineage-graph-zoomed"));
    const before = await transform();
    await page.mouse.move(500, 500);
    await page.mouse.down();
    await page.mouse.move(700, 450, { steps: 5 });
    await page.mouse.up();
    assert.notEqual(await transform(), before);
    await page.click('button[data-zoom="out"]');
    await page.click('button[data-zoom="in"]');
    await page.click('button[data-zoom="fit"]');
    const fitted = await page.$eval("svg.dws-graph-svg", (svg) => {
      const vp = svg.querySelector("g.dws-viewport")!.getBoundingClientRect();
      const box = svg.getBoundingClientRect();
      return vp.left >= box.left - 1 && vp.right <= box.right + 1 && vp.top >= box.top - 1 &&
        vp.bottom <= box.bottom + 1;
    });
    assert.ok(fitted, "Fit shows the whole graph");
    shots.push(await screenshot(page, sb.dir, "lineage-graph-fit"));
    // Hovering a node highlights its links.
    await page.hover('.dws-node.dws-cert[data-v="c1"]');
    assert.ok((await page.locator("path.dws-edge.dws-on").count()) >= 1);

    assert.deepEqual(opened.errors, []);
    assert.deepEqual(opened.failed, []);
    assert.ok(opened.requests.every((u) => u.startsWith("file://")), opened.requests.join("\n"));
    for (const s of shots) assert.ok(readFileSync(s).length > 10_000, `${s} looks empty`);
  },
});
