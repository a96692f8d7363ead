/**
 * A layered left-to-right layout for directed graphs (Sugiyama style), used
 * to draw lineage graphs without any browser library: cycles are broken,
 * nodes get layers by longest path, long edges get dummy points, layers are
 * ordered by barycenters to reduce crossings, and vertical positions are
 * pulled towards neighbours while keeping nodes apart.
 *
 * @module
 */

/** A node to place: its id and box size. */
export interface LayoutNode {
  /** Unique id. */
  id: string;
  /** Box width. */
  width: number;
  /** Box height. */
  height: number;
}

/** An edge to route, from `source` to `target` (node ids). */
export interface LayoutEdge {
  /** Id of the node the edge starts at. */
  source: string;
  /** Id of the node the edge ends at. */
  target: string;
}

/** A placed node: its box centre and its layer (column). */
export interface PlacedNode extends LayoutNode {
  /** Centre x. */
  x: number;
  /** Centre y. */
  y: number;
  /** Column, 0 for the leftmost. */
  layer: number;
}

/** A point. */
export interface Point {
  /** Horizontal position. */
  x: number;
  /** Vertical position. */
  y: number;
}

/** A routed edge: points from the source's right side to the target's left side. */
export interface RoutedEdge extends LayoutEdge {
  /** Start, bend points (one per layer crossed), end. */
  points: Point[];
}

/** The result of {@link layeredLayout}. */
export interface Layout {
  /** Placed nodes, in input order. */
  nodes: PlacedNode[];
  /** Routed edges, in input order (self-loops and edges to unknown nodes left out). */
  edges: RoutedEdge[];
  /** Width of the drawing, margins included. */
  width: number;
  /** Height of the drawing, margins included. */
  height: number;
}

/** Spacing of {@link layeredLayout}. */
export interface LayoutOptions {
  /** Horizontal space between columns; default 80. */
  layerGap?: number;
  /** Vertical space between nodes of a column; default 24. */
  nodeGap?: number;
  /** Space around the drawing; default 20. */
  margin?: number;
}

interface Vertex {
  id: string;
  width: number;
  height: number;
  layer: number;
  dummy: boolean;
  order: number;
  y: number;
  preds: Vertex[];
  succs: Vertex[];
}

/** Drop self-loops and unknown ends; reverse the back edges found by a depth-first search. */
function acyclicEdges(ids: readonly string[], edges: readonly LayoutEdge[]): [string, string][] {
  const known = new Set(ids);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  const unique = new Set<string>();
  for (const e of edges) {
    const key = JSON.stringify([e.source, e.target]);
    if (e.source === e.target || !known.has(e.source) || !known.has(e.target) || unique.has(key)) continue;
    unique.add(key);
    out.get(e.source)!.push(e.target);
  }
  const state = new Map<string, 1 | 2>();
  const result: [string, string][] = [];
  const added = new Set<string>();
  const add = (a: string, b: string) => {
    const key = JSON.stringify([a, b]);
    if (!added.has(key)) {
      added.add(key);
      result.push([a, b]);
    }
  };
  for (const root of ids) {
    if (state.has(root)) continue;
    // Iterative DFS: [node, index of the next successor to visit].
    const stack: [string, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const succ = out.get(top[0])!;
      if (top[1] >= succ.length) {
        state.set(top[0], 2);
        stack.pop();
        continue;
      }
      const next = succ[top[1]++];
      const s = state.get(next);
      if (s === 1) add(next, top[0]); // back edge: reversed
      else {
        add(top[0], next);
        if (s === undefined) {
          state.set(next, 1);
          stack.push([next, 0]);
        }
      }
    }
  }
  return result;
}

/** Longest-path layers; sources are then moved right next to their first successor. */
function assignLayers(ids: readonly string[], edges: readonly [string, string][]): Map<string, number> {
  const indeg = new Map<string, number>(ids.map((id) => [id, 0]));
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    indeg.set(b, indeg.get(b)! + 1);
    succ.get(a)!.push(b);
  }
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const topo: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    topo.push(v);
    for (const w of succ.get(v)!) {
      layer.set(w, Math.max(layer.get(w)!, layer.get(v)! + 1));
      indeg.set(w, indeg.get(w)! - 1);
      if (indeg.get(w) === 0) queue.push(w);
    }
  }
  // Tighten: a node whose successors all sit far to the right moves next to them.
  for (const v of topo.reverse()) {
    const s = succ.get(v)!;
    if (s.length) layer.set(v, Math.max(layer.get(v)!, Math.min(...s.map((w) => layer.get(w)!)) - 1));
  }
  return layer;
}

function crossings(upper: Vertex[], lower: Vertex[]): number {
  const pos = new Map(lower.map((v, i) => [v, i]));
  const pairs: [number, number][] = [];
  upper.forEach((u, i) => u.succs.forEach((w) => pos.has(w) && pairs.push([i, pos.get(w)!])));
  let n = 0;
  for (let a = 0; a < pairs.length; a++) {
    for (let b = a + 1; b < pairs.length; b++) {
      if ((pairs[a][0] - pairs[b][0]) * (pairs[a][1] - pairs[b][1]) < 0) n++;
    }
  }
  return n;
}

function totalCrossings(layers: Vertex[][]): number {
  let n = 0;
  for (let i = 0; i + 1 < layers.length; i++) n += crossings(layers[i], layers[i + 1]);
  return n;
}

/** Reorder each layer by the mean position of its neighbours in the fixed layer. */
function sweep(layers: Vertex[][], down: boolean): void {
  const range = down ? [...layers.keys()].slice(1) : [...layers.keys()].reverse().slice(1);
  for (const i of range) {
    const fixed = layers[down ? i - 1 : i + 1];
    const pos = new Map(fixed.map((v, j) => [v, j]));
    const bary = new Map<Vertex, number>();
    for (const v of layers[i]) {
      const ns = (down ? v.preds : v.succs).filter((n) => pos.has(n)).map((n) => pos.get(n)!);
      bary.set(v, ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : v.order);
    }
    layers[i].sort((a, b) => bary.get(a)! - bary.get(b)! || a.order - b.order);
    layers[i].forEach((v, j) => (v.order = j));
  }
}

/**
 * Positions closest (least squares) to `desired` such that each is at least
 * `gap[i]` below the previous one: pool-adjacent-violators on the shifted
 * problem.
 */
export function separate(desired: readonly number[], gap: readonly number[]): number[] {
  const offset: number[] = [];
  let acc = 0;
  desired.forEach((_, i) => {
    if (i > 0) acc += gap[i];
    offset.push(acc);
  });
  const blocks: { sum: number; count: number }[] = [];
  for (let i = 0; i < desired.length; i++) {
    blocks.push({ sum: desired[i] - offset[i], count: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1], a = blocks[blocks.length - 2];
      if (a.sum / a.count <= b.sum / b.count) break;
      blocks.pop();
      a.sum += b.sum;
      a.count += b.count;
    }
  }
  const out: number[] = [];
  for (const b of blocks) for (let k = 0; k < b.count; k++) out.push(b.sum / b.count + offset[out.length]);
  return out;
}

/** One vertex per node, in input order, on the layer assigned to it. */
function nodeVertices(nodes: readonly LayoutNode[], layerOf: Map<string, number>): Map<string, Vertex> {
  const vertices = new Map<string, Vertex>();
  nodes.forEach((n, i) =>
    vertices.set(n.id, {
      id: n.id,
      width: n.width,
      height: n.height,
      layer: layerOf.get(n.id)!,
      dummy: false,
      order: i,
      y: 0,
      preds: [],
      succs: [],
    })
  );
  return vertices;
}

/**
 * Link the vertices of each edge, splitting long edges with dummy vertices
 * (one per layer crossed) so that every link joins adjacent layers; the
 * chains are keyed by the JSON of `[source, target]`.
 */
function edgeChains(
  dag: readonly [string, string][],
  vertices: Map<string, Vertex>,
  nodeCount: number,
): Map<string, Vertex[]> {
  const chains = new Map<string, Vertex[]>();
  let dummies = 0;
  for (const [a, b] of dag) {
    const chain = [vertices.get(a)!];
    for (let l = chain[0].layer + 1; l < vertices.get(b)!.layer; l++) {
      const d: Vertex = {
        id: `\0dummy${dummies++}`,
        width: 0,
        height: 6,
        layer: l,
        dummy: true,
        order: nodeCount + dummies,
        y: 0,
        preds: [],
        succs: [],
      };
      chain.push(d);
    }
    chain.push(vertices.get(b)!);
    for (let i = 0; i + 1 < chain.length; i++) {
      chain[i].succs.push(chain[i + 1]);
      chain[i + 1].preds.push(chain[i]);
    }
    chains.set(JSON.stringify([a, b]), chain);
  }
  return chains;
}

/** The vertices grouped by layer, each layer in depth-first discovery order. */
function initialLayers(ofNodes: readonly Vertex[], all: readonly Vertex[]): Vertex[][] {
  const layerCount = all.length ? Math.max(...all.map((v) => v.layer)) + 1 : 0;
  const layers: Vertex[][] = Array.from({ length: layerCount }, () => []);
  // Discovery from the sources first keeps related nodes together.
  const seen = new Set<Vertex>();
  const visit = (v: Vertex) => {
    if (seen.has(v)) return;
    seen.add(v);
    layers[v.layer].push(v);
    v.succs.forEach(visit);
  };
  ofNodes.filter((v) => v.preds.length === 0).forEach(visit);
  all.forEach(visit);
  layers.forEach((l) => l.forEach((v, i) => (v.order = i)));
  return layers;
}

/** Alternate barycenter sweeps and keep the ordering with the fewest crossings seen. */
function reduceCrossings(layers: Vertex[][]): void {
  let best = layers.map((l) => [...l]);
  let bestCount = totalCrossings(layers);
  for (let it = 0; it < 12 && bestCount > 0; it++) {
    sweep(layers, it % 2 === 0);
    const c = totalCrossings(layers);
    if (c < bestCount) {
      bestCount = c;
      best = layers.map((l) => [...l]);
    }
  }
  best.forEach((l, i) => {
    layers[i] = l;
    l.forEach((v, j) => (v.order = j));
  });
}

/** The centre x of each column, each as wide as its widest vertex, and the width of the drawing. */
function columns(
  layers: readonly Vertex[][],
  layerGap: number,
  margin: number,
): { centres: number[]; width: number } {
  const centres: number[] = [];
  let x = margin;
  for (const l of layers) {
    const w = Math.max(0, ...l.map((v) => v.width));
    centres.push(x + w / 2);
    x += w + layerGap;
  }
  return { centres, width: Math.max(x - layerGap + margin, 2 * margin) };
}

/** The least distance between the centres of each vertex of a layer and the one above it (0 for the first). */
function gapsOf(layer: readonly Vertex[], nodeGap: number): number[] {
  // Dummies are edges passing through, so they may sit closer.
  const gapFor = (a: Vertex, b: Vertex) => (a.dummy || b.dummy ? nodeGap / 2 : nodeGap);
  return layer.map((v, i) => (i === 0 ? 0 : (layer[i - 1].height + v.height) / 2 + gapFor(layer[i - 1], v)));
}

const spanOf = (l: readonly Vertex[]) => (l.length ? l[l.length - 1].y - l[0].y : 0);
const meanY = (vs: readonly Vertex[]) => vs.reduce((a, v) => a + v.y, 0) / vs.length;

/** Stack each layer tightly, centred on the tallest one. */
function stackLayers(layers: readonly Vertex[][], nodeGap: number): void {
  for (const l of layers) {
    const pos = separate(l.map(() => 0), gapsOf(l, nodeGap));
    l.forEach((v, i) => (v.y = pos[i]));
  }
  const tallest = Math.max(0, ...layers.map(spanOf));
  for (const l of layers) {
    const shift = (tallest - spanOf(l)) / 2 - (l[0]?.y ?? 0);
    l.forEach((v) => (v.y += shift));
  }
}

/**
 * Pull vertices towards the mean of their neighbours while keeping the gaps:
 * alternately towards predecessors (downward sweeps) and successors, both
 * in the last rounds.
 */
function pullTowardsNeighbours(layers: readonly Vertex[][], nodeGap: number): void {
  for (let it = 0; it < 16; it++) {
    const down = it % 2 === 0;
    const order = down ? layers : [...layers].reverse();
    for (const l of order) {
      const desired = l.map((v) => {
        const ns = it >= 12 ? [...v.preds, ...v.succs] : down ? v.preds : v.succs;
        return ns.length ? meanY(ns) : v.y;
      });
      const pos = separate(desired, gapsOf(l, nodeGap));
      l.forEach((v, i) => (v.y = pos[i]));
    }
  }
}

/** Move the vertices so that the drawing starts `margin` from the top; returns its height, margins included. */
function fitVertically(all: readonly Vertex[], margin: number): number {
  const top = all.length ? Math.min(...all.map((v) => v.y - v.height / 2)) : 0;
  const bottom = all.length ? Math.max(...all.map((v) => v.y + v.height / 2)) : 0;
  for (const v of all) v.y += margin - top;
  return bottom - top + 2 * margin;
}

/**
 * Each edge as the points of its chain, from the source's right side to the
 * target's left side; an edge reversed to break a cycle is routed backwards
 * along its chain.
 */
function routeEdges(
  edges: readonly LayoutEdge[],
  vertices: Map<string, Vertex>,
  chains: Map<string, Vertex[]>,
  colX: readonly number[],
): RoutedEdge[] {
  const routed: RoutedEdge[] = [];
  for (const e of edges) {
    if (e.source === e.target || !vertices.has(e.source) || !vertices.has(e.target)) continue;
    let chain = chains.get(JSON.stringify([e.source, e.target]));
    const reversed = !chain;
    chain ??= chains.get(JSON.stringify([e.target, e.source]));
    if (!chain) continue;
    const pts = chain.map((v) => ({ x: colX[v.layer], y: v.y }));
    const first = chain[0], last = chain[chain.length - 1];
    pts[0] = { x: colX[first.layer] + first.width / 2, y: first.y };
    pts[pts.length - 1] = { x: colX[last.layer] - last.width / 2, y: last.y };
    routed.push({ source: e.source, target: e.target, points: reversed ? pts.reverse() : pts });
  }
  return routed;
}

/**
 * Lay out a directed graph in columns, edges running left to right.
 *
 * @example
 * ```ts
 * const layout = layeredLayout(
 *   [{ id: "a", width: 80, height: 30 }, { id: "b", width: 80, height: 30 }],
 *   [{ source: "a", target: "b" }],
 * );
 * layout.nodes[1].x > layout.nodes[0].x; // true
 * ```
 */
export function layeredLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): Layout {
  const layerGap = options.layerGap ?? 80;
  const nodeGap = options.nodeGap ?? 24;
  const margin = options.margin ?? 20;
  const ids = nodes.map((n) => n.id);
  if (new Set(ids).size !== ids.length) throw new RangeError("layeredLayout: node ids must be unique");
  const dag = acyclicEdges(ids, edges);
  const vertices = nodeVertices(nodes, assignLayers(ids, dag));
  const chains = edgeChains(dag, vertices, nodes.length);
  const all = [...vertices.values(), ...[...chains.values()].flatMap((c) => c.filter((v) => v.dummy))];
  const layers = initialLayers([...vertices.values()], all);
  reduceCrossings(layers);
  const { centres: colX, width } = columns(layers, layerGap, margin);
  stackLayers(layers, nodeGap);
  pullTowardsNeighbours(layers, nodeGap);
  const height = fitVertically(all, margin);
  const placed: PlacedNode[] = nodes.map((n) => {
    const v = vertices.get(n.id)!;
    return { ...n, x: colX[v.layer], y: v.y, layer: v.layer };
  });
  return { nodes: placed, edges: routeEdges(edges, vertices, chains, colX), width, height };
}
