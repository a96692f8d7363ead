/**
 * `.dataworkspace/config.json`: the workspace's name, the dws version that
 * created it and the global parameters (tracked in git).
 *
 * @module
 */
import { dumpPythonJson, parsePythonJson } from "../base/python_json.ts";
import type { JsonObject } from "../base/json_value.ts";
import { corrupted, expectObject } from "./json_shape.ts";

/** The file name relative to the workspace. */
export const CONFIG_FILE = ".dataworkspace/config.json";

/** The content of `config.json`. */
export interface WorkspaceConfig {
  name: string;
  /** The `dws-version` field, e.g. `1.6.0`. */
  dwsVersion: string;
  /** Global workspace parameters, in file order. */
  globalParams: JsonObject;
}

/**
 * Parse `config.json`.
 *
 * @example
 * ```ts
 * parseWorkspaceConfig('{"name": "ws", "dws-version": "1.6.0", "global_params": {}}').name; // "ws"
 * ```
 */
export function parseWorkspaceConfig(text: string): WorkspaceConfig {
  const obj = expectObject(parsePythonJson(text, CONFIG_FILE), CONFIG_FILE);
  const { name, "dws-version": dwsVersion, global_params: globalParams } = obj;
  if (typeof name !== "string") throw corrupted(CONFIG_FILE, "'name' must be a string");
  if (typeof dwsVersion !== "string") throw corrupted(CONFIG_FILE, "'dws-version' must be a string");
  return { name, dwsVersion, globalParams: expectObject(globalParams ?? {}, CONFIG_FILE, "'global_params'") };
}

/** Serialize `config.json` exactly as 1.6 writes it. */
export function serializeWorkspaceConfig(config: WorkspaceConfig): string {
  return dumpPythonJson({
    name: config.name,
    "dws-version": config.dwsVersion,
    global_params: config.globalParams,
  });
}
