/**
 * The architecture rules, checked over the real import graph (static and
 * dynamic imports of every source file): no import cycle; `core/` imports
 * none of `cli/`, `resources/`, `kits/`; inside `core/`, a folder imports
 * only folders below it in {@link CORE_LAYERS}; core and kits never test a
 * resource type by name. `tests/architecture_test.ts` runs the checks;
 * `deno run -A scripts/architecture.ts` prints the figures (folders,
 * levels, imports) and any violation.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folders of `core/`, lowest first; a folder may import its own files
 * and those of folders on earlier rows (folders on one row never import
 * each other).
 */
export const CORE_LAYERS: readonly (readonly string[])[] = [
  ["base"],
  ["models"],
  ["git", "hash"],
  ["snapshot"],
  ["workspace"],
  ["store"],
  ["lineage"],
  ["draw"],
  ["report"],
  ["commands"],
];

/** The top-level source folders and what each may import besides itself. */
export const TOP_RULES: Record<string, readonly string[]> = {
  "core": [],
  "resources": ["core"],
  "kits": ["core", "resources", "mod.ts"],
  "cli": ["core", "resources"],
  "mod.ts": ["core", "resources"],
};

const SOURCE_ROOTS = ["mod.ts", "core", "resources", "kits", "cli"];
const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** File → the project files it imports (repository-relative paths). */
export type ModuleGraph = Map<string, string[]>;

function sourceFiles(root: string, rel: string): string[] {
  const full = join(root, rel);
  if (rel.endsWith(".ts")) return [rel];
  return readdirSync(full, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(root, join(rel, e.name)) : e.name.endsWith(".ts") ? [join(rel, e.name)] : []
  );
}

/** Strip comments so examples in JSDoc are not taken for imports. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, "")).replace(/^\s*\/\/.*$/gm, "");
}

/**
 * The import graph of the library and CLI sources under `root`.
 *
 * @example
 * ```ts
 * const graph = moduleGraph(root);
 * graph.get("core/commands/gc.ts"); // ["core/store/listing.ts", ...]
 * ```
 */
export function moduleGraph(root: string): ModuleGraph {
  const graph: ModuleGraph = new Map();
  for (const file of SOURCE_ROOTS.flatMap((r) => sourceFiles(root, r))) {
    const deps = [...code(readFileSync(join(root, file), "utf8")).matchAll(IMPORT_RE)]
      .map((m) => normalize(join(dirname(file), m[1])));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Every import cycle, each as the list of files around it (Tarjan's strongly connected components). */
export function importCycles(graph: ModuleGraph): string[][] {
  let index = 0;
  const stack: string[] = [];
  const info = new Map<string, { index: number; low: number; onStack: boolean }>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!info.has(w)) {
        visit(w);
        info.get(v)!.low = Math.min(info.get(v)!.low, info.get(w)!.low);
      } else if (info.get(w)!.onStack) info.get(v)!.low = Math.min(info.get(v)!.low, info.get(w)!.index);
    }
    if (info.get(v)!.low === info.get(v)!.index) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        info.get(w)!.onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) visit(v);
  return cycles;
}

function top(file: string): string {
  return file.split("/")[0];
}

function coreRank(file: string): number {
  const folder = file.split("/")[1];
  return CORE_LAYERS.findIndex((row) => row.includes(folder));
}

/** Imports that break {@link TOP_RULES} or {@link CORE_LAYERS}, as `from -> to (why)`. */
export function layerViolations(graph: ModuleGraph): string[] {
  const out: string[] = [];
  for (const [from, deps] of graph) {
    for (const to of deps) {
      if (!graph.has(to)) continue;
      const [a, b] = [top(from), top(to)];
      if (a !== b && !TOP_RULES[a]?.includes(b)) {
        out.push(`${from} -> ${to} (${a} may not import ${b})`);
        continue;
      }
      if (a !== "core" || b !== "core") continue;
      const [fa, fb] = [from.split("/")[1], to.split("/")[1]];
      if (fa === fb) continue;
      const [ra, rb] = [coreRank(from), coreRank(to)];
      if (ra < 0 || rb < 0) out.push(`${from} -> ${to} (core/ files live in a folder of CORE_LAYERS)`);
      else if (rb >= ra) out.push(`${from} -> ${to} (core/${fa} is not above core/${fb})`);
    }
  }
  return out;
}

/** Places in core/ and kits/ that test a resource type by name instead of asking for a capability. */
export function typeNameTests(root: string): string[] {
  const out: string[] = [];
  for (const file of ["core", "kits"].flatMap((r) => sourceFiles(root, r))) {
    const lines = code(readFileSync(join(root, file), "utf8")).split("\n");
    lines.forEach((line, i) => {
      if (/type\.name\s*[!=]==?\s*["']|getResourceType\(\s*["']/.test(line)) out.push(`${file}:${i + 1}`);
    });
  }
  return out;
}

/** The longest import chain's length in files (levels), counting only acyclic paths. */
export function levels(graph: ModuleGraph): number {
  const memo = new Map<string, number>();
  const depth = (v: string, seen: Set<string>): number => {
    if (memo.has(v)) return memo.get(v)!;
    if (seen.has(v)) return 0;
    seen.add(v);
    const d = 1 + Math.max(0, ...(graph.get(v) ?? []).filter((w) => graph.has(w)).map((w) => depth(w, seen)));
    seen.delete(v);
    memo.set(v, d);
    return d;
  };
  return Math.max(...[...graph.keys()].map((v) => depth(v, new Set())));
}

if (import.meta.main) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const graph = moduleGraph(root);
  const coreFiles = [...graph.keys()].filter((f) => f.startsWith("core/"));
  const coreGraph: ModuleGraph = new Map(coreFiles.map((f) => [f, graph.get(f)!.filter((d) => d.startsWith("core/"))]));
  const folders = new Set(coreFiles.map((f) => dirname(f)));
  const edges = [...coreGraph.values()].reduce((n, d) => n + d.length, 0);
  console.log(
    `core: ${coreFiles.length} files in ${folders.size} folders, ${edges} imports, ${levels(coreGraph)} levels`,
  );
  console.log(`all sources: ${graph.size} files, ${levels(graph)} levels`);
  const problems = [
    ...importCycles(graph).map((c) => `cycle: ${c.join(" <-> ")}`),
    ...layerViolations(graph),
    ...typeNameTests(root).map((p) => `${p}: tests a resource type by name`),
  ];
  for (const p of problems) console.log(p);
  console.log(problems.length ? `${problems.length} problems` : "no problems");
  if (relative(root, Deno.cwd()) === "" && problems.length) Deno.exitCode = 1;
}
