/**
 * Tests of core/lineage/graph.ts and core/draw/lineage_svg.ts over lineage files
 * written the way Data Workspaces 1.6 writes them (misspelt `is_ouput`,
 * non-git hashes, a whole-resource record covering the path a step read).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLineageGraph } from "../../../core/lineage/graph.ts";
import { lineageGraphDot } from "../../../core/report/lineage_graph.ts";
import { LineageStore } from "../../../core/lineage/store.ts";
import { escapeXml, lineageGraphHtml, renderLineageSvg, textWidth } from "../../../core/draw/lineage_svg.ts";
import { lineageTableRows } from "../../../core/report/lineage_table.ts";

const hash = (c: string) => c.repeat(40);
const cert = (resource: string, subpath: string | null, certificate: Record<string, unknown>) => ({
  resource_name: resource,
  subpath,
  certificate,
});
const h = (v: string) => ({ cert_type: "hash", hashval: v, comment: "Step x at 2026-11-25 14:50:11.767411" });
const ph = (version: number, out: boolean) => ({
  cert_type: "placeholder",
  version,
  comment: "Step x at 2026-11-25 14:50:11.767411",
  is_ouput: out,
});
const step = (name: string, time: string, inputs: unknown[], outputs: unknown[]) => ({
  type: "step",
  step_name: name,
  start_time: time,
  execution_time_seconds: 0.5,
  parameters: { k: "v<1>" },
  input_resources: inputs,
  code_resources: [cert("code", null, h(hash("c")))],
  output_resources: outputs,
  command_line: null,
  run_from_directory: null,
});

/** A store as 1.6 leaves it: raw data (a whole resource, S3-style hash) → "prep" → two outputs → "train" → results. */
function store16(dir: string): LineageStore {
  mkdirSync(dir, { recursive: true });
  const raw = cert("raw", null, h("v1-s3-version-map"));
  const prep = step("prep", "2026-11-25T14:50:11.767411", [cert("raw", "a.csv", h("v1-s3-version-map"))], [
    cert("inter", "x", h(hash("1"))),
    cert("inter", "y", h(hash("2"))),
  ]);
  const train = step('train "quoted"', "2026-11-25T14:51:00.000001", [
    cert("inter", "x", h(hash("1"))),
    cert("inter", "y", h(hash("2"))),
  ], [cert("results", null, ph(1, true))]);
  const file = (name: string, lineages: unknown[]) =>
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ resource_name: name, lineages }, null, 2));
  file("raw", [{ ...raw, type: "source_data" }]);
  file("inter", [prep, prep]);
  file("results", [train]);
  file("code", [{ ...cert("code", null, h(hash("c"))), type: "code" }]);
  return LineageStore.open(dir);
}

Deno.test("buildLineageGraph over 1.6 files: covered inputs followed, a step with two outputs drawn once", () => {
  const dir = mkdtempSync(join(tmpdir(), "dws-graph-"));
  try {
    const g = buildLineageGraph(store16(dir), "results");
    assert.deepEqual(g.nodes.map((n) => [n.id, n.name, n.label]), [
      [1, "results", "placeholder=1"],
      [2, "inter:/x", "1111111"],
      [3, "inter:/y", "2222222"],
      [4, "raw:/a.csv", "v1-s3-v"],
    ]);
    assert.deepEqual(g.links.map((l) => [l.source, l.target, l.type, l.step]), [
      [2, 1, 'train "quoted"@2026-11-25 14:51', 1],
      [3, 1, 'train "quoted"@2026-11-25 14:51', 1],
      [4, 2, "prep@2026-11-25 14:50", 2],
      [4, 3, "prep@2026-11-25 14:50", 2],
    ]);
    assert.deepEqual(g.steps.map((s) => s.stepName), ['train "quoted"', "prep"]);
    assert.deepEqual(g.warnings, []);
    assert.equal(
      lineageGraphDot(g).split("\n").slice(6).join("\n"),
      '  2 -> 1 [label="train \\"quoted\\"@2026-11-25 14:51",font=4,len=2];\n' +
        '  3 -> 1 [label="train \\"quoted\\"@2026-11-25 14:51",font=4,len=2];\n' +
        '  4 -> 2 [label="prep@2026-11-25 14:50",font=4,len=2];\n' +
        '  4 -> 3 [label="prep@2026-11-25 14:50",font=4,len=2];\n}\n',
    );

    // The SVG: 4 versions, 2 steps, each link through its step (2 + 1 + 1 + 2 edges), text escaped.
    const svg = renderLineageSvg(g, { idPrefix: "t", roles: { results: "results", inter: "intermediate-data" } });
    assert.equal((svg.match(/<g class="dws-node dws-cert/g) ?? []).length, 4);
    assert.equal((svg.match(/<g class="dws-node dws-step"/g) ?? []).length, 2);
    assert.equal((svg.match(/<path class="dws-edge"/g) ?? []).length, 6);
    assert.equal((svg.match(/ dws-placeholder"/g) ?? []).length, 1);
    assert.ok(svg.includes("dws-swatch-placeholder"), "the legend explains dashed borders");
    assert.ok(svg.includes("train &quot;quoted&quot;"));
    assert.ok(svg.includes("k = v&lt;1&gt;"), "parameters in the step's tooltip");
    assert.ok(svg.includes('marker-end="url(#t-arrow)"'));
    assert.ok(svg.includes("role-results") && svg.includes("role-intermediate-data") && svg.includes("role-other"));
    assert.ok(svg.includes(">11111111</text>"), "8 hash characters on the node");
    assert.ok(svg.includes(">placeholder v1</text>"));

    const page = lineageGraphHtml(g, { title: "T <1>", width: 640, height: 480 });
    assert.ok(page.startsWith("<!DOCTYPE html>"));
    assert.ok(page.includes("<title>T &lt;1&gt;</title>"));
    assert.ok(page.includes('style="max-width:640px;height:480px"'));
    assert.doesNotMatch(page, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/);

    // The table of the same store: whole-hash names for non-git hashes, one row per ref.
    assert.deepEqual(lineageTableRows(LineageStore.open(dir)).map((r) => [r.resource, r.type, r.details, r.inputs]), [
      ["code", "Code", "Hash:cccccccc", null],
      ["inter:/x", "Step", "prep at 2026-11-25 14:50:11.767411", ["raw:/a.csv (current)"]],
      ["inter:/y", "Step", "prep at 2026-11-25 14:50:11.767411", ["raw:/a.csv (current)"]],
      ["raw", "Source Data", "Hash:v1-s3-version-map", null],
      ["results", "Step", 'train "quoted" at 2026-11-25 14:51:00.000001', ["inter:/x (current)", "inter:/y (current)"]],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("escapeXml and textWidth", () => {
  assert.equal(escapeXml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.ok(textWidth("WWW", 12) > textWidth("iii", 12));
  assert.ok(textWidth("abc", 12, "bold") > textWidth("abc", 12));
  assert.equal(textWidth("abcd", 10, "mono"), 4 * 6.1);
});
