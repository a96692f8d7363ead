/**
 * Refs (a resource, or a path in it) from what users and programs name:
 * local paths, `resource:subpath` and resource names.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigurationError, PathNotAResourceError } from "../base/errors.ts";
import { isInside, relativePathProblem, relativePosix } from "../base/paths.ts";
import { formatRef, type ResourceRef } from "../models/lineage.ts";
import type { Workspace } from "../workspace/workspace.ts";

/**
 * The ref of an absolute path: the first resource (workspace order) whose
 * folder contains it; the subpath is the rest, or null for the folder itself.
 */
export function refForPath(ws: Workspace, path: string): ResourceRef {
  const abs = resolve(path);
  for (const r of ws.resources) {
    if (r.localPath && isInside(abs, r.localPath)) {
      const rel = relativePosix(r.localPath, abs);
      return { name: r.name, subpath: rel === "" ? null : rel };
    }
  }
  throw new PathNotAResourceError(`${abs} is not inside any resource of the workspace ${ws.dir}`);
}

/**
 * The ref a user names with `spec`: `resource:subpath`, a path (relative to
 * `cwd`) inside a resource, or a resource's name. A path that exists wins
 * over a resource of the same name, unless it lies in no resource. Whether
 * the data exists is not checked here (an output may not exist yet).
 *
 * @example
 * ```ts
 * refForSpec(ws, "raw:train/a.csv", "/ws"); // { name: "raw", subpath: "train/a.csv" }
 * refForSpec(ws, "raw", "/ws"); // { name: "raw", subpath: null } when ./raw does not exist
 * ```
 */
export function refForSpec(ws: Workspace, spec: string, cwd: string): ResourceRef {
  const colon = spec.indexOf(":");
  if (colon > 0 && ws.findResource(spec.slice(0, colon))) {
    const subpath = spec.slice(colon + 1).replace(/^\/+/, "").replace(/\/+$/, "") || null;
    const problem = subpath === null ? undefined : relativePathProblem(subpath);
    if (problem) throw new ConfigurationError(`${spec}: ${problem}`);
    return { name: spec.slice(0, colon), subpath };
  }
  const path = resolve(cwd, spec);
  const named = ws.findResource(spec) ? { name: spec, subpath: null } : undefined;
  if (named && !existsSync(path)) return named;
  try {
    return refForPath(ws, path);
  } catch (e) {
    if (named) return named;
    if (!(e instanceof PathNotAResourceError)) throw e;
    throw new PathNotAResourceError(
      `${path} is not inside any resource of the workspace ${ws.dir}; ` +
        `name a resource (${ws.resources.map((r) => r.name).join(", ") || "none"}), RESOURCE:SUBPATH, ` +
        `or a path inside one`,
    );
  }
}

/**
 * The ref of `path` when it lies in a code resource (a step's script is its
 * code then); undefined elsewhere.
 */
export function codeRefFor(ws: Workspace, path: string): ResourceRef | undefined {
  const ref = tryRef(ws, path);
  return ref && ws.getResource(ref.name).role === "code" ? ref : undefined;
}

/** The ref of `path`, or undefined when it lies in no resource. */
export function tryRef(ws: Workspace, path: string): ResourceRef | undefined {
  try {
    return refForPath(ws, path);
  } catch {
    return undefined;
  }
}

/** `ref` with its subpath normalised; the subpath must exist in a resource with a local folder. */
export function validateRef(ws: Workspace, ref: ResourceRef): ResourceRef {
  const r = ws.getResource(ref.name);
  const subpath = ref.subpath ? ref.subpath.replace(/^\/+/, "") : null;
  if (subpath && r.localPath && !existsSync(join(r.localPath, subpath))) {
    throw new ConfigurationError(`${formatRef({ name: ref.name, subpath })} does not exist in ${r.localPath}`);
  }
  return { name: ref.name, subpath };
}
