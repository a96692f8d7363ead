/**
 * Imported lineage (`--imported`, spec §8.6): a resource exported by another
 * workspace carries a root `lineage.json`; adding it here makes that lineage
 * the resource's current lineage.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError, LineageError } from "../base/errors.ts";
import type { JsonObject } from "../base/json_value.ts";
import { parsePythonJson } from "../base/python_json.ts";
import { isJsonObject } from "../models/json_shape.ts";
import { parseExportedLineage } from "../models/lineage.ts";
import { certsProvided, CURRENT_LINEAGE_DIR, LineageStore } from "./store.ts";

/**
 * For `--imported`: the `lineage.json` exported by the other workspace must
 * be at the root of the resource and name the same resource.
 */
export function checkImportedLineage(path: string, name: string): JsonObject {
  const file = join(path, "lineage.json");
  if (!existsSync(file)) {
    throw new ConfigurationError((o) =>
      `${file} is missing: an ${o("imported")} resource must contain the lineage.json exported by its source workspace`
    );
  }
  const data = parsePythonJson(readFileSync(file, "utf8"), file);
  if (!isJsonObject(data) || typeof data.resource_name !== "string") {
    throw new ConfigurationError(`${file} is not an exported lineage file (no 'resource_name')`);
  }
  if (data.resource_name !== name) {
    throw new ConfigurationError((o) =>
      `${file} was exported for resource '${data.resource_name}', but this resource is named '${name}'; ` +
      `add it with ${o("name")} ${data.resource_name}`
    );
  }
  return data;
}

/**
 * Import the lineage exported with a resource (its root `lineage.json`) as
 * the resource's current lineage.
 */
export function importLineage(wsDir: string, name: string, folder: string): void {
  const file = join(folder, "lineage.json");
  const exported = parseExportedLineage(readFileSync(file, "utf8"), file);
  if (!exported.lineages.some((l) => certsProvided(l, name).length > 0)) {
    throw new LineageError(`${file} has no lineage for resource '${name}'`);
  }
  const store = LineageStore.open(join(wsDir, CURRENT_LINEAGE_DIR));
  store.putImported(name, exported.lineages);
  store.save();
}
