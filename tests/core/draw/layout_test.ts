/**
 * Tests of core/draw/layout.ts: layers, ordering, spacing, cycles.
 */
import assert from "node:assert/strict";
import {
  layeredLayout,
  type LayoutEdge,
  type LayoutNode,
  type PlacedNode,
  separate,
} from "../../../core/draw/layout.ts";

const box = (id: string, width = 80, height = 30): LayoutNode => ({ id, width, height });
const at = (nodes: PlacedNode[], id: string) => nodes.find((n) => n.id === id)!;

function assertNoOverlap(nodes: PlacedNode[]): void {
  for (const a of nodes) {
    for (const b of nodes) {
      if (a === b) continue;
      const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
      assert.ok(apart, `${a.id} and ${b.id} overlap`);
    }
  }
}

Deno.test("layeredLayout: a chain runs left to right on one line", () => {
  const layout = layeredLayout([box("a"), box("b"), box("c")], [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
  ], { layerGap: 50, margin: 10 });
  const [a, b, c] = layout.nodes;
  assert.deepEqual([a.layer, b.layer, c.layer], [0, 1, 2]);
  assert.deepEqual([a.x, b.x, c.x], [50, 180, 310]);
  assert.equal(a.y, b.y);
  assert.equal(b.y, c.y);
  assert.equal(layout.width, 10 + 3 * 80 + 2 * 50 + 10);
  assert.equal(layout.height, 30 + 20);
  assert.deepEqual(layout.edges[0].points, [{ x: 90, y: a.y }, { x: 140, y: b.y }]);
});

Deno.test("layeredLayout: longest-path layers, sources next to their first use, dummy bends for long edges", () => {
  const nodes = ["a", "b", "c", "d", "late"].map((id) => box(id));
  const edges: LayoutEdge[] = [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
    { source: "c", target: "d" },
    { source: "a", target: "d" },
    { source: "late", target: "d" },
  ];
  const layout = layeredLayout(nodes, edges);
  assert.deepEqual(layout.nodes.map((n) => n.layer), [0, 1, 2, 3, 2]);
  const long = layout.edges.find((e) => e.source === "a" && e.target === "d")!;
  assert.equal(long.points.length, 4, "two bend points for the two layers crossed");
  assert.ok(long.points.every((p, i) => i === 0 || p.x > long.points[i - 1].x));
  assertNoOverlap(layout.nodes);
});

Deno.test("layeredLayout: barycenter ordering removes avoidable crossings", () => {
  // Discovery order puts x1 above x2, but x1 feeds y2 and x2 feeds y1.
  const nodes = ["r1", "r2", "x1", "x2", "y1", "y2"].map((id) => box(id));
  const edges: LayoutEdge[] = [
    { source: "r1", target: "y1" },
    { source: "r2", target: "y2" },
    { source: "x2", target: "y1" },
    { source: "x1", target: "y2" },
  ];
  const layout = layeredLayout(nodes, edges);
  const y = (id: string) => at(layout.nodes, id).y;
  const pairs: [string, string][] = [["r1", "y1"], ["x2", "y1"], ["r2", "y2"], ["x1", "y2"]];
  let crossings = 0;
  for (const [s1, t1] of pairs) {
    for (const [s2, t2] of pairs) {
      if (
        s1 < s2 && at(layout.nodes, s1).layer === at(layout.nodes, s2).layer && (y(s1) - y(s2)) * (y(t1) - y(t2)) < 0
      ) {
        crossings++;
      }
    }
  }
  assert.equal(crossings, 0);
  assertNoOverlap(layout.nodes);
});

Deno.test("layeredLayout: cycles, self-loops, duplicate and dangling edges do not break it", () => {
  const layout = layeredLayout([box("a"), box("b"), box("c")], [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
    { source: "c", target: "a" },
    { source: "a", target: "a" },
    { source: "a", target: "b" },
    { source: "a", target: "missing" },
  ]);
  assert.equal(layout.edges.length, 4);
  const back = layout.edges.find((e) => e.source === "c")!;
  assert.deepEqual([back.source, back.target], ["c", "a"]);
  assert.ok(back.points[0].x > back.points[back.points.length - 1].x, "a back edge runs right to left");
  assertNoOverlap(layout.nodes);
  assert.throws(() => layeredLayout([box("a"), box("a")], []), RangeError);
  assert.deepEqual(layeredLayout([], []), { nodes: [], edges: [], width: 40, height: 40 });
});

Deno.test("layeredLayout: a wide graph keeps every column free of overlaps", () => {
  const nodes: LayoutNode[] = [];
  const edges: LayoutEdge[] = [];
  for (let i = 0; i < 20; i++) {
    nodes.push(box(`s${i}`, 60 + (i % 3) * 30, 30 + (i % 2) * 14), box(`m${i}`, 120, 40));
    edges.push({ source: `s${i}`, target: `m${i}` }, { source: `s${i}`, target: `m${(i + 7) % 20}` });
  }
  nodes.push(box("end", 90, 44));
  for (let i = 0; i < 20; i += 3) edges.push({ source: `m${i}`, target: "end" });
  const layout = layeredLayout(nodes, edges, { nodeGap: 10 });
  assertNoOverlap(layout.nodes);
  for (const n of layout.nodes) {
    assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= layout.width, `${n.id} inside horizontally`);
    assert.ok(n.y - n.height / 2 >= 0 && n.y + n.height / 2 <= layout.height, `${n.id} inside vertically`);
  }
  for (const e of layout.edges) {
    assert.ok(at(layout.nodes, e.source).layer < at(layout.nodes, e.target).layer);
  }
});

Deno.test("separate: closest positions keeping the gaps", () => {
  assert.deepEqual(separate([0, 0, 0], [0, 10, 10]), [-10, 0, 10]);
  assert.deepEqual(separate([0, 100, 200], [0, 10, 10]), [0, 100, 200]);
  assert.deepEqual(separate([5, 0], [0, 20]), [-7.5, 12.5]);
  assert.deepEqual(separate([], []), []);
});
