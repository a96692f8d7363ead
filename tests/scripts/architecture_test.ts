/**
 * The architecture rules (scripts/architecture.ts) over the real sources: no
 * import cycle, core imports none of cli/resources/kits, core folders import
 * only folders below them, no resource type tested by name in core or kits.
 */
import assert from "node:assert/strict";
import {
  CORE_LAYERS,
  importCycles,
  layerViolations,
  type ModuleGraph,
  moduleGraph,
  typeNameTests,
} from "../../scripts/architecture.ts";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../test_utils.ts";

const graph = moduleGraph(ROOT);

Deno.test("architecture: no import cycle (static or dynamic imports)", () => {
  assert.deepEqual(importCycles(graph), []);
});

Deno.test("architecture: dependencies point one way (cli → core ← resources; core folders by layer)", () => {
  assert.deepEqual(layerViolations(graph), []);
});

Deno.test("architecture: core and kits ask for capabilities, never test a resource type by name", () => {
  assert.deepEqual(typeNameTests(ROOT), []);
});

Deno.test("architecture: every folder of core/ is a layer (and the README's Architecture section names it)", () => {
  const folders = readdirSync(join(ROOT, "core"), { withFileTypes: true }).filter((d) => d.isDirectory())
    .map((d) => d.name).sort();
  assert.deepEqual(folders, CORE_LAYERS.flat().sort());
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  const section = readme.slice(readme.indexOf("## Architecture"));
  for (const f of folders) assert.match(section, new RegExp(`core/${f}/`), f);
});

Deno.test("architecture: the checks catch a cycle and an upward import", () => {
  const g: ModuleGraph = new Map([
    ["core/base/a.ts", ["core/report/b.ts"]],
    ["core/report/b.ts", ["core/base/a.ts"]],
    ["core/models/c.ts", ["cli/main.ts"]],
    ["cli/main.ts", []],
  ]);
  assert.deepEqual(importCycles(g), [["core/base/a.ts", "core/report/b.ts"]]);
  assert.deepEqual(layerViolations(g), [
    "core/base/a.ts -> core/report/b.ts (core/base is not above core/report)",
    "core/models/c.ts -> cli/main.ts (core may not import cli)",
  ]);
});
