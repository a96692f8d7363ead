/**
 * Reading and writing the files of `.dataworkspace/`. Every write goes
 * through the one JSON serializer and is atomic.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { ConfigurationError } from "../base/errors.ts";
import { LOCAL_PARAMS_FILE, parseLocalParams, serializeLocalParams } from "../models/local_params.ts";
import {
  parseResourceLocalParams,
  parseResourcesFile,
  RESOURCE_LOCAL_PARAMS_FILE,
  type ResourceEntry,
  RESOURCES_FILE,
  serializeResourceLocalParams,
  serializeResourcesFile,
} from "../models/resources_file.ts";
import {
  CONFIG_FILE,
  parseWorkspaceConfig,
  serializeWorkspaceConfig,
  type WorkspaceConfig,
} from "../models/workspace_config.ts";
import type { JsonObject } from "../base/json_value.ts";
import { checkStoredParams, WORKSPACE_PARAMS } from "./params.ts";

/** Everything stored in `.dataworkspace/` that describes the workspace. */
export interface WorkspaceMetadata {
  config: WorkspaceConfig;
  localParams: JsonObject;
  resources: ResourceEntry[];
  resourceLocalParams: Record<string, JsonObject>;
}

function readText(wsDir: string, file: string, fallback?: string): string {
  const path = join(wsDir, file);
  if (!existsSync(path)) {
    if (fallback !== undefined) return fallback;
    throw new ConfigurationError(`${file} is missing in ${wsDir}. Restore it with 'git checkout -- ${file}'.`);
  }
  return readFileSync(path, "utf8");
}

/**
 * Read and check all workspace metadata. Ignored files (local params) that
 * are missing read as empty, as after a fresh `git clone`.
 *
 * @example
 * ```ts
 * const md = readWorkspaceMetadata("/ws");
 * md.resources.map((r) => r.name);
 * ```
 */
export function readWorkspaceMetadata(wsDir: string): WorkspaceMetadata {
  const config = parseWorkspaceConfig(readText(wsDir, CONFIG_FILE));
  const localParams = parseLocalParams(readText(wsDir, LOCAL_PARAMS_FILE, "{}"));
  checkStoredParams(WORKSPACE_PARAMS, { scope: "global", values: config.globalParams, fileName: CONFIG_FILE });
  checkStoredParams(WORKSPACE_PARAMS, { scope: "local", values: localParams, fileName: LOCAL_PARAMS_FILE });
  return {
    config,
    localParams,
    resources: parseResourcesFile(readText(wsDir, RESOURCES_FILE)),
    resourceLocalParams: parseResourceLocalParams(readText(wsDir, RESOURCE_LOCAL_PARAMS_FILE, "{}")),
  };
}

/** Write `config.json`. */
export function writeWorkspaceConfig(wsDir: string, config: WorkspaceConfig): void {
  writeFileAtomic(join(wsDir, CONFIG_FILE), serializeWorkspaceConfig(config));
}

/** Write `local_params.json`. */
export function writeLocalParams(wsDir: string, params: JsonObject): void {
  writeFileAtomic(join(wsDir, LOCAL_PARAMS_FILE), serializeLocalParams(params));
}

/** Write `resources.json`. */
export function writeResources(wsDir: string, entries: readonly ResourceEntry[]): void {
  writeFileAtomic(join(wsDir, RESOURCES_FILE), serializeResourcesFile(entries));
}

/** Write `resource_local_params.json`. */
export function writeResourceLocalParams(wsDir: string, params: Record<string, JsonObject>): void {
  writeFileAtomic(join(wsDir, RESOURCE_LOCAL_PARAMS_FILE), serializeResourceLocalParams(params));
}
