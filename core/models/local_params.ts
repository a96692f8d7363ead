/**
 * `.dataworkspace/local_params.json`: this machine's workspace parameters
 * (hostname, local scratch folder). Git-ignored.
 *
 * @module
 */
import { dumpPythonJson, parsePythonJson } from "../base/python_json.ts";
import type { JsonObject } from "../base/json_value.ts";
import { expectObject } from "./json_shape.ts";

/** The file name relative to the workspace. */
export const LOCAL_PARAMS_FILE = ".dataworkspace/local_params.json";

/**
 * Parse `local_params.json`.
 *
 * @example
 * ```ts
 * parseLocalParams('{"hostname": "laptop"}').hostname; // "laptop"
 * ```
 */
export function parseLocalParams(text: string): JsonObject {
  return expectObject(parsePythonJson(text, LOCAL_PARAMS_FILE), LOCAL_PARAMS_FILE);
}

/** Serialize `local_params.json`. */
export function serializeLocalParams(params: JsonObject): string {
  return dumpPythonJson(params);
}
