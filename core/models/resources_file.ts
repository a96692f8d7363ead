/**
 * `.dataworkspace/resources.json` (tracked: the ordered list of resources
 * with their global parameters) and `resource_local_params.json` (ignored:
 * each resource's parameters on this machine).
 *
 * @module
 */
import { dumpPythonJson, parsePythonJson } from "../base/python_json.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { plainNameProblem } from "../base/paths.ts";
import { isRole, type Role } from "../base/names.ts";
import { corrupted, expectObject, isJsonObject } from "./json_shape.ts";

/** The resources file name relative to the workspace. */
export const RESOURCES_FILE = ".dataworkspace/resources.json";
/** The local resource parameters file name relative to the workspace. */
export const RESOURCE_LOCAL_PARAMS_FILE = ".dataworkspace/resource_local_params.json";

/**
 * One resource's global parameters. Keys keep their file order:
 * `resource_type`, `name`, `role`, then the type's own parameters.
 */
export type ResourceEntry = JsonObject & { resource_type: string; name: string; role: Role };

/**
 * Parse `resources.json`, checking each entry's identity fields and that
 * names are unique.
 *
 * @example
 * ```ts
 * parseResourcesFile('[{"resource_type": "file", "name": "d", "role": "source-data"}]')[0].name; // "d"
 * ```
 */
export function parseResourcesFile(text: string): ResourceEntry[] {
  return checkResourceEntries(parsePythonJson(text, RESOURCES_FILE), RESOURCES_FILE);
}

/**
 * `value`, read from `fileName` (`resources.json` or a manifest), as
 * resource entries: a list of objects with a type, a plain unique name (it
 * names folders and files) and a role; else a {@link corrupted} error.
 */
export function checkResourceEntries(value: JsonValue, fileName: string): ResourceEntry[] {
  if (!Array.isArray(value)) throw corrupted(fileName, "the top level must be a JSON list");
  const seen = new Set<string>();
  return value.map((item, i) => {
    if (!isJsonObject(item)) throw corrupted(fileName, `entry ${i + 1} is not a JSON object`);
    const { resource_type: type, name, role } = item;
    if (typeof type !== "string") throw corrupted(fileName, `entry ${i + 1} has no 'resource_type'`);
    if (typeof name !== "string" || name === "") throw corrupted(fileName, `entry ${i + 1} has no 'name'`);
    const nameProblem = plainNameProblem(name);
    if (nameProblem) throw corrupted(fileName, `entry ${i + 1} has an unsafe name: ${nameProblem}`);
    if (typeof role !== "string" || !isRole(role)) {
      throw corrupted(fileName, `resource '${name}' has an invalid role '${role}'`);
    }
    if (seen.has(name)) throw corrupted(fileName, `resource name '${name}' appears twice`);
    seen.add(name);
    return item as ResourceEntry;
  });
}

/** Serialize `resources.json`. */
export function serializeResourcesFile(entries: readonly ResourceEntry[]): string {
  return dumpPythonJson([...entries]);
}

/** Parse `resource_local_params.json`: resource name → local parameters. */
export function parseResourceLocalParams(text: string): Record<string, JsonObject> {
  const obj = expectObject(parsePythonJson(text, RESOURCE_LOCAL_PARAMS_FILE), RESOURCE_LOCAL_PARAMS_FILE);
  for (const [name, params] of Object.entries(obj)) {
    expectObject(params, RESOURCE_LOCAL_PARAMS_FILE, `the entry of '${name}'`);
  }
  return obj as Record<string, JsonObject>;
}

/** Serialize `resource_local_params.json`. */
export function serializeResourceLocalParams(params: Record<string, JsonObject>): string {
  return dumpPythonJson(params);
}
