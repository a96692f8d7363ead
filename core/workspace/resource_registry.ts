/**
 * The resource type registry, keyed by `resource_type`. Resource modules
 * register themselves; heavy ones (S3) register a loader that is only
 * imported when a workspace uses that type.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import type { ResourceType } from "./resource.ts";

/**
 * What a type offers, known before a lazily registered type is loaded, so
 * core can pick a type by what it can do rather than by its name.
 */
export interface TypeTraits {
  /** Makes resources of new folders inside the workspace repository ({@link ResourceType.entryForPath}). */
  workspaceFolders?: boolean;
}

const loaded = new Map<string, ResourceType>();
const loaders = new Map<string, () => Promise<ResourceType>>();
const traits = new Map<string, TypeTraits>();

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
  traits.set(type.name, { workspaceFolders: type.entryForPath !== undefined });
}

/** Register a type whose module is imported on first use; `offers` says what it can do. */
export function registerLazyResourceType(
  name: string,
  load: () => Promise<ResourceType>,
  offers: TypeTraits = {},
): void {
  if (loaded.has(name)) return;
  loaders.set(name, load);
  traits.set(name, offers);
}

/**
 * The first registered type with `trait`, loading it if it is lazy.
 *
 * @example
 * ```ts
 * const folderType = await resourceTypeWith("workspaceFolders");
 * ```
 */
export async function resourceTypeWith(trait: keyof TypeTraits): Promise<ResourceType> {
  const name = [...traits].find(([, t]) => t[trait])?.[0];
  if (name === undefined) throw new ConfigurationError(`No registered resource type offers ${trait}`);
  return await getResourceType(name);
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
