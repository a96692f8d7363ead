/**
 * Drawing lineage graphs as inline SVG: a layered left-to-right layout
 * computed here (no browser library, no network), nodes coloured by role,
 * steps as small pills between their inputs and outputs, and a few lines of
 * inline script for pan and zoom (mouse wheel, drag, buttons).
 *
 * @module
 */
import {
  layeredLayout,
  type Layout,
  type LayoutEdge,
  type LayoutNode,
  type PlacedNode,
  type Point,
  type RoutedEdge,
} from "./layout.ts";
import type { LineageGraph, LineageGraphNode, LineageGraphStep } from "../lineage/graph.ts";
import { pythonStr } from "../base/python_repr.ts";

/** Escape text for HTML and SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(
    /'/g,
    "&#39;",
  );
}

/** JSON safe to put inside a `<script>` element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

/** The font stacks of the pages (system fonts only: nothing is downloaded). */
export const SANS_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, ' +
  '"Liberation Sans", "Noto Sans", sans-serif';
/** Monospace font stack. */
export const MONO_FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", ' +
  "monospace";

/** Colours of each role (border, fill), plus imported and unknown resources. */
export const ROLE_COLOURS: Record<string, { stroke: string; fill: string; label: string }> = {
  "source-data": { stroke: "#3b78c4", fill: "#eaf2fd", label: "source data" },
  "intermediate-data": { stroke: "#8250df", fill: "#f3edfc", label: "intermediate data" },
  "code": { stroke: "#6e7781", fill: "#f0f2f4", label: "code" },
  "results": { stroke: "#2da44e", fill: "#e9f7ee", label: "results" },
  "other": { stroke: "#8c959f", fill: "#ffffff", label: "imported / other" },
};

// Approximate advance widths (in em) of a Helvetica/Arial-like font; the page
// script squeezes any text that still turns out wider than its box.
function charEm(ch: string): number {
  if ("iljI.,:;'|!`".includes(ch)) return 0.28;
  if ("frt-/()[]{} ".includes(ch)) return 0.36;
  if ("mwMW@%".includes(ch)) return 0.86;
  if (ch >= "A" && ch <= "Z") return 0.68;
  if (ch >= "0" && ch <= "9") return 0.56;
  return 0.56;
}

/** Estimated width in pixels of `text` at `size` px (`mono` for monospace, `bold` for bold). */
export function textWidth(text: string, size: number, style: "normal" | "bold" | "mono" = "normal"): number {
  const chars = [...text];
  if (style === "mono") return chars.length * 0.61 * size;
  const em = chars.reduce((a, c) => a + charEm(c), 0);
  return em * size * (style === "bold" ? 1.08 : 1);
}

/** Cut long text in the middle with an ellipsis. */
function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return chars.slice(0, head).join("") + "…" + chars.slice(chars.length - (max - 1 - head)).join("");
}

/** Options of {@link renderLineageSvg}. */
export interface GraphRenderOptions {
  /** Width of the drawing area in px (the page may make it narrower); default 1024. */
  width?: number;
  /** Height of the drawing area in px; default 800. */
  height?: number;
  /** Shrink the height to the drawing when it needs less (never below 260 px). */
  autoHeight?: boolean;
  /** Prefix for element ids, unique per page; default `lg`. */
  idPrefix?: string;
  /** Resource name → role, for colours. */
  roles?: Record<string, string>;
}

const CERT_H = 44;
const STEP_H = 36;

function versionText(n: LineageGraphNode): string {
  const c = n.certificate;
  return c.certType === "hash" ? c.hashval.slice(0, 8) : `placeholder v${c.version}`;
}

function roleOf(n: LineageGraphNode, roles: Record<string, string>): string {
  if (n.imported) return "other";
  const r = roles[n.resourceName];
  return r && ROLE_COLOURS[r] ? r : "other";
}

function stepTime(s: LineageGraphStep): string {
  return s.startTime.replace("T", " ").slice(0, 16);
}

function pathFor(points: readonly Point[]): string {
  const f = (v: number) => Math.round(v * 10) / 10;
  let d = `M${f(points[0].x)},${f(points[0].y)}`;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const dx = (b.x - a.x) / 2;
    d += ` C${f(a.x + dx)},${f(a.y)} ${f(b.x - dx)},${f(b.y)} ${f(b.x)},${f(b.y)}`;
  }
  return d;
}

const certName = (n: LineageGraphNode) => shorten(n.name, 48);
const stepName = (s: LineageGraphStep) => shorten(s.stepName, 40);

/** The box of a version, wide enough for its name and version. */
function certVertex(n: LineageGraphNode): LayoutNode {
  const w = Math.max(textWidth(certName(n), 13, "bold"), textWidth(versionText(n), 11.5, "mono")) + 28;
  return { id: `c${n.id}`, width: Math.max(96, Math.ceil(w)), height: CERT_H };
}

/** The pill of a step, wide enough for its name and start time. */
function stepVertex(s: LineageGraphStep): LayoutNode {
  const w = Math.max(textWidth(stepName(s), 12, "bold"), textWidth(stepTime(s), 10.5)) + 30;
  return { id: `s${s.id}`, width: Math.max(84, Math.ceil(w)), height: STEP_H };
}

/** Each link as an edge into its step and one out of it; a step with several links is drawn once. */
function linkEdges(graph: LineageGraph): LayoutEdge[] {
  const edges: LayoutEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (source: string, target: string) => {
    const k = `${source}>${target}`;
    if (!edgeKeys.has(k)) {
      edgeKeys.add(k);
      edges.push({ source, target });
    }
  };
  for (const l of graph.links) {
    addEdge(`c${l.source}`, `s${l.step}`);
    addEdge(`s${l.step}`, `c${l.target}`);
  }
  return edges;
}

/** Names of layout vertices for the edges' tooltips. */
function vertexLabeller(graph: LineageGraph, steps: readonly LineageGraphStep[]): (v: string) => string {
  const stepById = new Map(steps.map((s) => [s.id, s]));
  return (v) => {
    if (v.startsWith("s")) {
      const s = stepById.get(Number(v.slice(1)))!;
      return `${s.stepName}@${stepTime(s)}`;
    }
    return graph.nodes[Number(v.slice(1)) - 1].name;
  };
}

/** The legend (only the roles drawn) and the zoom buttons above the drawing. */
function graphBar(graph: LineageGraph, roles: Record<string, string>): string {
  const legendRoles = new Set(graph.nodes.map((n) => roleOf(n, roles)));
  const legend = Object.entries(ROLE_COLOURS).filter(([r]) => legendRoles.has(r)).map(([_r, c]) =>
    `<span class="dws-legend-item"><span class="dws-swatch" style="background:${c.fill};border-color:${c.stroke}"></span>${
      escapeXml(c.label)
    }</span>`
  );
  legend.push(`<span class="dws-legend-item"><span class="dws-swatch dws-swatch-step"></span>step</span>`);
  if (graph.nodes.some((n) => n.certificate.certType === "placeholder")) {
    legend.push(
      `<span class="dws-legend-item"><span class="dws-swatch dws-swatch-placeholder"></span>not yet snapshotted</span>`,
    );
  }
  return `<div class="dws-graph-bar"><div class="dws-legend">${legend.join("")}</div>` +
    `<div class="dws-graph-buttons"><button type="button" data-zoom="in" title="Zoom in">+</button>` +
    `<button type="button" data-zoom="out" title="Zoom out">&#8722;</button>` +
    `<button type="button" data-zoom="fit" title="Show the whole graph">Fit</button></div></div>`;
}

/** The opening `<svg>` tag; the page script fits the drawing to its `data-width` and `data-height`. */
function svgStart(graph: LineageGraph, layout: Layout): string {
  return `<svg class="dws-graph-svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${
    escapeXml(`Lineage graph of ${graph.resourceName}`)
  }" data-width="${Math.ceil(layout.width)}" data-height="${Math.ceil(layout.height)}">`;
}

/** The arrow head of the edges, with an id unique per page. */
function arrowDefs(prefix: string): string {
  return `<defs><marker id="${prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" ` +
    `markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L9,5 L0,9 z" fill="#8c959f"/></marker></defs>`;
}

/** An edge, its two ends named in its tooltip. */
function edgeSvg(e: RoutedEdge, prefix: string, labelOf: (v: string) => string): string {
  const tip = `${labelOf(e.source)} → ${labelOf(e.target)}`;
  return `<path class="dws-edge" data-from="${e.source}" data-to="${e.target}" d="${pathFor(e.points)}" ` +
    `marker-end="url(#${prefix}-arrow)"><title>${escapeXml(tip)}</title></path>`;
}

/** The SVG translation to the top-left corner of a placed box, to a tenth of a pixel. */
function topLeft(p: PlacedNode): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  return `translate(${r(p.x - p.width / 2)},${r(p.y - p.height / 2)})`;
}

/** A version's box: name and short version on it, the whole version, role and comment in its tooltip. */
function certSvg(n: LineageGraphNode, p: PlacedNode, roles: Record<string, string>): string[] {
  const role = roleOf(n, roles);
  const colours = ROLE_COLOURS[role];
  const placeholder = n.certificate.certType === "placeholder";
  const c = n.certificate;
  const version = c.certType === "hash" ? `hash ${c.hashval}` : `placeholder version ${c.version}`;
  const tip = [
    n.name,
    version,
    n.imported ? "from imported lineage" : `role: ${roles[n.resourceName] ?? "unknown"}`,
    c.comment,
  ].filter((t) => t).join("\n");
  return [
    `<g class="dws-node dws-cert role-${role}${placeholder ? " dws-placeholder" : ""}" data-v="c${n.id}" ` +
    `transform="${topLeft(p)}">`,
    `<title>${escapeXml(tip)}</title>`,
    `<rect width="${p.width}" height="${p.height}" rx="7" fill="${colours.fill}" stroke="${colours.stroke}"/>`,
    `<text class="dws-node-name" x="${p.width / 2}" y="19" data-max="${p.width - 12}">${escapeXml(certName(n))}</text>`,
    `<text class="dws-node-version" x="${p.width / 2}" y="35" data-max="${p.width - 12}">${
      escapeXml(versionText(n))
    }</text>`,
    `</g>`,
  ];
}

/** A step's pill: name and start time on it, the full time and parameters in its tooltip. */
function stepSvg(s: LineageGraphStep, p: PlacedNode): string[] {
  const params = Object.entries(s.parameters).map(([k, v]) => `  ${k} = ${pythonStr(v)}`);
  const tip = [
    `step ${s.stepName}`,
    `started ${s.startTime.replace("T", " ")}`,
    ...(params.length ? ["parameters:", ...params] : []),
  ]
    .join("\n");
  return [
    `<g class="dws-node dws-step" data-v="s${s.id}" transform="${topLeft(p)}">`,
    `<title>${escapeXml(tip)}</title>`,
    `<rect width="${p.width}" height="${p.height}" rx="${p.height / 2}"/>`,
    `<text class="dws-step-name" x="${p.width / 2}" y="16" data-max="${p.width - 14}">${escapeXml(stepName(s))}</text>`,
    `<text class="dws-step-time" x="${p.width / 2}" y="29" data-max="${p.width - 14}">${escapeXml(stepTime(s))}</text>`,
    `</g>`,
  ];
}

/**
 * The graph as an inline SVG drawing inside a `<div class="dws-graph">`
 * with zoom buttons and a legend; needs {@link GRAPH_CSS} and
 * {@link GRAPH_SCRIPT} on the page.
 *
 * @example
 * ```ts
 * const html = renderLineageSvg(graph, { roles: { results: "results" } });
 * ```
 */
export function renderLineageSvg(graph: LineageGraph, options: GraphRenderOptions = {}): string {
  const width = options.width ?? 1024;
  let height = options.height ?? 800;
  const prefix = options.idPrefix ?? "lg";
  const roles = options.roles ?? {};
  const usedSteps = new Set(graph.links.map((l) => l.step));
  const steps = graph.steps.filter((s) => usedSteps.has(s.id));
  const vertices = [...graph.nodes.map(certVertex), ...steps.map(stepVertex)];
  const layout = layeredLayout(vertices, linkEdges(graph), { layerGap: 46, nodeGap: 16, margin: 24 });
  if (options.autoHeight) height = Math.max(260, Math.min(height, Math.ceil(layout.height) + 72));
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const labelOf = vertexLabeller(graph, steps);
  return [
    `<div class="dws-graph" id="${prefix}" style="max-width:${width}px;height:${height}px">`,
    graphBar(graph, roles),
    svgStart(graph, layout),
    arrowDefs(prefix),
    `<g class="dws-viewport">`,
    `<g class="dws-edges">`,
    ...layout.edges.map((e) => edgeSvg(e, prefix, labelOf)),
    `</g>`,
    `<g class="dws-nodes">`,
    ...graph.nodes.flatMap((n) => certSvg(n, byId.get(`c${n.id}`)!, roles)),
    ...steps.flatMap((s) => stepSvg(s, byId.get(`s${s.id}`)!)),
    `</g>`,
    `</g>`,
    `</svg>`,
    `</div>`,
  ].join("\n");
}

/** Styles of the graph drawing. */
export const GRAPH_CSS = `
.dws-graph { position: relative; display: flex; flex-direction: column; border: 1px solid #d0d7de;
  border-radius: 10px; background: #fbfcfd; overflow: hidden; }
.dws-graph-bar { display: flex; justify-content: space-between; align-items: center; gap: 12px;
  padding: 8px 12px; border-bottom: 1px solid #e5e9ee; background: #fff; font-size: 12.5px; color: #57606a; }
.dws-legend { display: flex; flex-wrap: wrap; gap: 6px 14px; }
.dws-legend-item { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
.dws-swatch { display: inline-block; width: 14px; height: 10px; border: 1.5px solid; border-radius: 3px; }
.dws-swatch-step { background: #fff4d6; border-color: #c69026; border-radius: 6px; }
.dws-swatch-placeholder { background: #fff; border-color: #8c959f; border-style: dashed; }
.dws-graph-buttons { display: flex; gap: 4px; }
.dws-graph-buttons button { font: inherit; font-size: 13px; min-width: 30px; height: 26px; padding: 0 8px;
  border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa; color: #24292f; cursor: pointer; }
.dws-graph-buttons button:hover { background: #eaeef2; }
.dws-graph-svg { flex: 1; width: 100%; min-height: 0; cursor: grab; touch-action: none; user-select: none; }
.dws-graph-svg.dws-dragging { cursor: grabbing; }
.dws-edge { fill: none; stroke: #9aa4ae; stroke-width: 1.4; transition: stroke .15s, opacity .15s; }
.dws-node rect { stroke-width: 1.6; transition: opacity .15s; }
.dws-node text { text-anchor: middle; pointer-events: none; }
.dws-node-name { font: 600 13px ${SANS_FONT}; fill: #1f2328; }
.dws-node-version { font: 11.5px ${MONO_FONT}; fill: #57606a; }
.dws-placeholder rect { stroke-dasharray: 5 3; }
.dws-placeholder .dws-node-version { font-style: italic; }
.dws-step rect { fill: #fff4d6; stroke: #c69026; }
.dws-step-name { font: 600 12px ${SANS_FONT}; fill: #5c3d00; }
.dws-step-time { font: 10.5px ${SANS_FONT}; fill: #7d5a12; }
.dws-hl .dws-edge { opacity: .25; }
.dws-hl .dws-node { opacity: .45; }
.dws-hl .dws-edge.dws-on { opacity: 1; stroke: #0969da; stroke-width: 2.2; }
.dws-hl .dws-node.dws-on { opacity: 1; }
`;

/** The pan/zoom script: wheel zooms at the pointer, drag pans, buttons zoom and fit; hover highlights links. */
export const GRAPH_SCRIPT = `
(function () {
  "use strict";
  function init(root) {
    var svg = root.querySelector("svg.dws-graph-svg");
    var vp = svg.querySelector("g.dws-viewport");
    var W = Number(svg.getAttribute("data-width")), H = Number(svg.getAttribute("data-height"));
    var k = 1, tx = 0, ty = 0, drag = null;
    svg.querySelectorAll("text[data-max]").forEach(function (t) {
      var max = Number(t.getAttribute("data-max"));
      if (t.getComputedTextLength() > max) {
        t.setAttribute("textLength", String(max));
        t.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    });
    function apply() { vp.setAttribute("transform", "translate(" + tx + "," + ty + ") scale(" + k + ")"); }
    function box() { var r = svg.getBoundingClientRect(); return { w: r.width || W, h: r.height || H }; }
    function fit(readable) {
      var b = box();
      k = Math.min(b.w / W, b.h / H, 1.25);
      if (readable && k < 0.6) k = 0.6;
      tx = W * k <= b.w ? (b.w - W * k) / 2 : 12;
      ty = (b.h - H * k) / 2;
      apply();
    }
    function zoomAt(f, x, y) {
      var nk = Math.max(0.05, Math.min(8, k * f));
      tx = x - (x - tx) * nk / k;
      ty = y - (y - ty) * nk / k;
      k = nk;
      apply();
    }
    var touched = false;
    window.addEventListener("resize", function () { if (!touched) fit(true); });
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      touched = true;
      var r = svg.getBoundingClientRect();
      var dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
      zoomAt(Math.exp(-dy * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, tx: tx, ty: ty };
      touched = true;
      svg.setPointerCapture(e.pointerId);
      svg.classList.add("dws-dragging");
    });
    svg.addEventListener("pointermove", function (e) {
      if (!drag) return;
      tx = drag.tx + e.clientX - drag.x;
      ty = drag.ty + e.clientY - drag.y;
      apply();
    });
    function end() { drag = null; svg.classList.remove("dws-dragging"); }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    root.querySelectorAll("[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () {
        var z = b.getAttribute("data-zoom"), s = box();
        touched = z !== "fit";
        if (z === "fit") fit(false); else zoomAt(z === "in" ? 1.25 : 0.8, s.w / 2, s.h / 2);
      });
    });
    var edges = svg.querySelectorAll(".dws-edge");
    svg.querySelectorAll(".dws-node").forEach(function (n) {
      var v = n.getAttribute("data-v");
      n.addEventListener("mouseenter", function () {
        svg.classList.add("dws-hl");
        n.classList.add("dws-on");
        edges.forEach(function (e) {
          var from = e.getAttribute("data-from"), to = e.getAttribute("data-to");
          if (from !== v && to !== v) return;
          e.classList.add("dws-on");
          var other = svg.querySelector('.dws-node[data-v="' + (from === v ? to : from) + '"]');
          if (other) other.classList.add("dws-on");
        });
      });
      n.addEventListener("mouseleave", function () {
        svg.classList.remove("dws-hl");
        svg.querySelectorAll(".dws-on").forEach(function (x) { x.classList.remove("dws-on"); });
      });
    });
    fit(true);
  }
  document.querySelectorAll(".dws-graph").forEach(init);
})();
`;

/** Base page styles shared by the graph page and the HTML report. */
export const PAGE_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 ${SANS_FONT}; color: #1f2328; background: #f6f8fa; }
header.dws-page-header { padding: 22px 32px 16px; background: #fff; border-bottom: 1px solid #d0d7de; }
header.dws-page-header h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header.dws-page-header p { margin: 4px 0 0; color: #57606a; }
main { padding: 20px 32px 40px; }
code, .mono { font-family: ${MONO_FONT}; font-size: 12.5px; }
`;

/** Options of {@link lineageGraphHtml}. */
export interface GraphPageOptions extends GraphRenderOptions {
  /** The page title. */
  title?: string;
  /** A line under the title. */
  subtitle?: string;
}

/**
 * A self-contained HTML page with the graph (works opened from disk; loads nothing).
 *
 * @example
 * ```ts
 * writeFileSync("lineage.html", lineageGraphHtml(graph, { title: "Lineage of results" }));
 * ```
 */
export function lineageGraphHtml(graph: LineageGraph, options: GraphPageOptions = {}): string {
  const title = options.title ?? `Lineage of ${graph.resourceName}`;
  const stats = `${graph.nodes.length} version${graph.nodes.length === 1 ? "" : "s"}, ${graph.steps.length} step${
    graph.steps.length === 1 ? "" : "s"
  }`;
  const data = {
    nodes: graph.nodes.map((n) => ({ name: n.name, label: n.label, id: n.id })),
    links: graph.links.map((l) => ({ source: l.source, target: l.target, type: l.type })),
  };
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${PAGE_CSS}${GRAPH_CSS}</style>
</head>
<body>
<header class="dws-page-header"><h1>${escapeXml(title)}</h1><p>${
    escapeXml([options.subtitle, stats].filter((s) => s).join(" · "))
  }</p></header>
<main>
${renderLineageSvg(graph, options)}
</main>
<script type="application/json" id="lineage-graph-data">${scriptJson(data)}</script>
<script>${GRAPH_SCRIPT}</script>
</body>
</html>
`;
}
