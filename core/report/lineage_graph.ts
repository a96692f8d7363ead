/**
 * `dws lineage graph` and the API's `makeLineageGraph` (spec §11): the
 * lineage graph of a resource written as Graphviz `dot` text or as one
 * self-contained HTML page.
 *
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { lineageGraphHtml } from "../draw/lineage_svg.ts";
import { buildLineageGraph, type LineageGraph } from "../lineage/graph.ts";
import { lineageStoreAsOf } from "../lineage/scope.ts";
import { openWorkspace, type Workspace } from "../workspace/workspace.ts";

function dotString(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/**
 * The graph as Graphviz `dot` text, exactly as 1.6 writes it.
 *
 * @example
 * ```ts
 * lineageGraphDot(graph).startsWith("digraph lineage {\n"); // true
 * ```
 */
export function lineageGraphDot(graph: LineageGraph): string {
  const lines = ["digraph lineage {", '  size="100,100";'];
  for (const n of graph.nodes) lines.push(`  ${n.id} [label="${dotString(n.name)}",font=4];`);
  for (const l of graph.links) lines.push(`  ${l.source} -> ${l.target} [label="${dotString(l.type)}",font=4,len=2];`);
  lines.push("}", "");
  return lines.join("\n");
}

/** Options of {@link writeLineageGraph}. */
export interface LineageGraphOptions {
  /** The resource; default: the first results resource. */
  resourceName?: string;
  /** A snapshot's tag or hash; default: the current state. */
  tagOrHash?: string;
  /** `html` (default) or `dot`. */
  format?: "html" | "dot";
  /** Width of the drawing area in the HTML page; default 1024. */
  width?: number;
  /** Height of the drawing area in the HTML page; default 800. */
  height?: number;
}

/** The resource whose lineage is drawn: `name` (checked), or the first results resource. */
export function graphResource(ws: Workspace, name?: string): string {
  if (name !== undefined) return ws.getResource(name).name;
  const first = ws.resources.find((r) => r.role === "results");
  if (!first) {
    throw new ConfigurationError((o) =>
      "Did not find a results resource in workspace. If you want to graph the lineage of a non-results resource, " +
      `use the ${o("resourceName")} option.`
    );
  }
  return first.name;
}

/** Resource name → role, for colouring nodes. */
export function resourceRoles(ws: Workspace): Record<string, string> {
  return Object.fromEntries(ws.resources.map((r) => [r.name, r.role]));
}

/**
 * Write the lineage graph of a resource to `outputFile` and say so.
 *
 * @example
 * ```ts
 * writeLineageGraph(ws, "lineage.html", { tagOrHash: "S1" });
 * ```
 */
export function writeLineageGraph(
  ws: Workspace,
  outputFile: string,
  options: LineageGraphOptions = {},
): LineageGraph {
  const resourceName = graphResource(ws, options.resourceName);
  const { store, snapshot } = lineageStoreAsOf(ws.dir, options.tagOrHash);
  const graph = buildLineageGraph(store, resourceName);
  for (const w of graph.warnings) ws.ctx.output.warn(w);
  const title = options.tagOrHash === undefined
    ? `Lineage of ${resourceName}`
    : `Lineage of ${resourceName} as of snapshot ${options.tagOrHash}`;
  const content = (options.format ?? "html") === "dot" ? lineageGraphDot(graph) : lineageGraphHtml(graph, {
    title,
    subtitle: snapshot
      ? `Snapshot ${snapshot.hash.slice(0, 8)}, taken ${snapshot.timestamp.slice(0, 19)}`
      : "Current state",
    width: options.width,
    height: options.height,
    roles: resourceRoles(ws),
  });
  writeFileAtomic(resolve(process.cwd(), outputFile), content);
  ws.ctx.output.info(
    options.tagOrHash === undefined
      ? `Wrote lineage for ${resourceName} to ${outputFile}`
      : `Wrote lineage for ${resourceName} as of snapshot ${options.tagOrHash} to ${outputFile}`,
  );
  return graph;
}

/**
 * Write the lineage graph of a resource (default: the first results
 * resource) to `outputFile`, as HTML (default) or `dot`; returns the graph.
 *
 * @example
 * ```ts
 * await makeLineageGraph("lineage.html", { workspaceDir: "/ws", tagOrHash: "S1" });
 * ```
 */
export async function makeLineageGraph(
  outputFile: string,
  options: LineageGraphOptions & { workspaceDir?: string; context?: ContextOptions } = {},
): Promise<LineageGraph> {
  const ws = await openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
  return writeLineageGraph(ws, outputFile, options);
}
