/**
 * The resource type registry, keyed by `resource_type`. Resource modules
 * register themselves; heavy ones (S3) register a loader that is only
 * imported when a workspace uses that type.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import type { ResourceType } from "./resource.ts";

const loaded = new Map<string, ResourceType>();
const loaders = new Map<string, () => Promise<ResourceType>>();

/**
 * Register a resource type.
 *
 * @example
 * ```ts
 * registerResourceType(myType);
 * ```
 */
export function registerResourceType(type: ResourceType): void {
  loaded.set(type.name, type);
}

/** Register a type whose module is imported on first use. */
export function registerLazyResourceType(name: string, load: () => Promise<ResourceType>): void {
  if (!loaded.has(name)) loaders.set(name, load);
}

/** The names of every registered type. */
export function resourceTypeNames(): string[] {
  return [...new Set([...loaded.keys(), ...loaders.keys()])];
}

/**
 * The registered type `name`, importing it if it is lazy.
 *
 * @example
 * ```ts
 * const git = await getResourceType("git");
 * ```
 */
export async function getResourceType(name: string): Promise<ResourceType> {
  const type = loaded.get(name);
  if (type) return type;
  const load = loaders.get(name);
  if (!load) {
    throw new ConfigurationError(
      `Unknown resource type '${name}'; known types: ${resourceTypeNames().join(", ")}`,
    );
  }
  const t = await load();
  loaded.set(name, t);
  loaders.delete(name);
  return t;
}
