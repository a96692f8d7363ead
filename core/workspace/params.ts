/**
 * Parameters: the typed settings of a workspace and of each resource, with
 * parsing from command-line strings, validation and defaults (spec §2).
 *
 * @module
 */
import { hostname } from "node:os";
import { isAbsolute } from "node:path";
import { ParamNotFoundError, ParamParseError, ParamValidationError } from "../base/errors.ts";
import { isValidHostname } from "../base/names.ts";
import { objectRemoteProblem } from "./remote_backend.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { templateProblem, templateShapeProblem } from "../snapshot/results_template.ts";
import { relativePathProblem } from "../base/paths.ts";
import { corrupted } from "../models/json_shape.ts";

/** How a parameter's values are parsed from text and checked. */
export interface ParamType {
  /** Shown in messages, e.g. `bool`. */
  readonly name: string;
  /** Turn a command-line string into a value; throws a message on failure. */
  parse(text: string): JsonValue;
  /** Why `value` is not acceptable, or undefined when it is. */
  problem(value: JsonValue): string | undefined;
  /**
   * Why a value found in the metadata cannot be used at all, when that is a
   * looser rule than {@link ParamType.problem} (which new values follow).
   */
  storedProblem?(value: JsonValue): string | undefined;
}

/** Whether a parameter is kept in git (global) or per machine (local). */
export type ParamScope = "global" | "local";

/** The definition of one parameter. */
export interface ParamDef {
  /** Parameter name as stored in the metadata. */
  readonly name: string;
  /** Global (in git) or local (this machine). */
  readonly scope: ParamScope;
  /** Value when unset. */
  readonly defaultValue: JsonValue;
  /** `null` is an accepted value. */
  readonly optional: boolean;
  /** Older metadata may lack it: a warning is printed but the value stays null (as 1.6). */
  readonly allowMissing?: boolean;
  /** One-line description shown by `dws config`. */
  readonly help: string;
  /** How values are parsed and checked. */
  readonly type: ParamType;
}

/** A plain string. */
export const stringType: ParamType = {
  name: "string",
  parse: (t) => t,
  problem: (v) => typeof v === "string" ? undefined : "expected a string",
};

/** An object remote location: `s3://bucket/prefix` or an rclone `remote:path`. */
const objectRemoteType: ParamType = {
  name: "s3://bucket/prefix or remote:path",
  parse: (t) => t,
  problem: (v) => typeof v === "string" ? objectRemoteProblem(v) : "expected a string",
};

/** `true`/`false` (any case). */
export const boolType: ParamType = {
  name: "bool",
  parse(t) {
    const l = t.toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
    throw new Error(`'${t}' is not a boolean: use true or false`);
  },
  problem: (v) => typeof v === "boolean" ? undefined : "expected true or false",
};

/** A list of file names given as JSON, e.g. `'["README.md"]'`. */
export const fileListType: ParamType = {
  name: "file list",
  parse(t) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      throw new Error(`'${t}' is not a JSON list: write it like '["README.txt", "README.md"]'`);
    }
    return v as JsonValue;
  },
  problem: (v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "expected a list of file names",
};

/** A path relative to the workspace. */
export const relativePathType: ParamType = {
  name: "relative path",
  parse: (t) => t,
  problem: (v) => typeof v !== "string" ? "expected a path" : relativePathProblem(v),
};

/** An absolute path. */
export const absolutePathType: ParamType = {
  name: "absolute path",
  parse: (t) => t,
  problem: (v) =>
    typeof v !== "string"
      ? "expected a path"
      : /[\0\n\r]/.test(v)
      ? `${JSON.stringify(v)} contains a NUL or line break`
      : isAbsolute(v)
      ? undefined
      : `'${v}' must be an absolute path`,
};

/** A hostname: letters, digits and inner dashes, dot-separated. */
export const hostnameType: ParamType = {
  name: "hostname",
  parse: (t) => t,
  problem: (v) =>
    typeof v === "string" && isValidHostname(v)
      ? undefined
      : `'${v}' is not a valid hostname: use letters, digits and dashes, parts separated by dots`,
};

/** A `results.dir_template`. */
export const templateType: ParamType = {
  name: "template",
  parse: (t) => t,
  problem: (v) => typeof v === "string" ? templateProblem(v) : "expected a template string",
  storedProblem: (v) => typeof v === "string" ? templateShapeProblem(v) : "expected a template string",
};

/** One of a fixed set of lower-case words. */
export function enumType(values: readonly string[]): ParamType {
  return {
    name: `one of ${values.join("|")}`,
    parse: (t) => t.toLowerCase(),
    problem: (v) =>
      typeof v === "string" && values.includes(v) ? undefined : `'${v}' is not one of ${values.join(", ")}`,
  };
}

/**
 * The machine's short host name, or `localhost` when it is not a valid
 * hostname for snapshot paths.
 */
export function defaultHostname(): string {
  const short = hostname().split(".")[0];
  return isValidHostname(short) ? short : "localhost";
}

/** How data folders keep their contents in the object store (`object_store.link`). */
export type LinkMode = "copy" | "hardlink";

/** The values of `object_store.link`, the default first. */
export const LINK_MODES: readonly LinkMode[] = ["copy", "hardlink"];

/** The workspace parameters (spec §2), global ones first. */
export const WORKSPACE_PARAMS: readonly ParamDef[] = [
  {
    name: "results.dir_template",
    scope: "global",
    defaultValue: "snapshots/{HOSTNAME}-{TAG}",
    optional: false,
    help: "Template for the folder results are moved to at each snapshot, relative to the results resource",
    type: templateType,
  },
  {
    name: "results.move_exclude_files",
    scope: "global",
    defaultValue: ["README.txt", "README.rst", "README.md"],
    optional: false,
    help: "Files at the root of a results resource that stay in place at snapshot time",
    type: fileListType,
  },
  {
    name: "scratch_directory",
    scope: "global",
    defaultValue: null,
    optional: true,
    help: "Scratch folder for temporary data, relative to the workspace (git-ignored)",
    type: relativePathType,
  },
  {
    name: "dws_git_branch",
    scope: "global",
    defaultValue: null,
    optional: true,
    help: "The git branch of the workspace repository",
    type: stringType,
  },
  {
    name: "object_store.remote",
    scope: "global",
    defaultValue: null,
    optional: true,
    help: "Where dws push/pull keep data objects: s3://bucket/prefix or an rclone remote:path",
    type: objectRemoteType,
  },
  {
    name: "object_store.link",
    scope: "global",
    defaultValue: null, // copy; null keeps config.json as 1.6 writes it
    optional: true,
    help: "How data folders keep snapshot contents: copy (default) or hardlink (files become read-only hard links " +
      "to their objects: fast and compact, for big data never edited in place; 'dws unprotect' makes them editable)",
    type: enumType(LINK_MODES),
  },
  {
    name: "hostname",
    scope: "local",
    defaultValue: null, // computed: see paramDefault
    optional: false,
    help: "Name of this machine, used in snapshot folder names",
    type: hostnameType,
  },
  {
    name: "local_scratch_directory",
    scope: "local",
    defaultValue: null,
    optional: true,
    help: "Scratch folder outside the workspace, as an absolute path",
    type: absolutePathType,
  },
  {
    name: "object_store.directory",
    scope: "local",
    defaultValue: null,
    optional: true,
    help: "Folder of the object store on this machine (default: objects/ in the scratch folder)",
    type: absolutePathType,
  },
];

/** The default of a parameter (the hostname default depends on the machine). */
export function paramDefault(def: ParamDef): JsonValue {
  return def.name === "hostname" && def.scope === "local" && def.defaultValue === null
    ? defaultHostname()
    : def.defaultValue;
}

/**
 * Find a parameter definition by name.
 *
 * @example
 * ```ts
 * findParam(WORKSPACE_PARAMS, "hostname").scope; // "local"
 * ```
 */
export function findParam(defs: readonly ParamDef[], name: string, owner = "workspace"): ParamDef {
  const def = defs.find((d) => d.name === name);
  if (!def) {
    throw new ParamNotFoundError(
      `'${name}' is not a ${owner} parameter; known parameters: ${defs.map((d) => d.name).join(", ")}`,
    );
  }
  return def;
}

/** Throw {@link ParamValidationError} if `value` is not acceptable for `def`. */
export function validateParam(def: ParamDef, value: JsonValue): JsonValue {
  if (value === null) {
    if (def.optional || def.allowMissing) return value;
    throw new ParamValidationError(`Parameter '${def.name}' cannot be empty`);
  }
  const problem = def.type.problem(value);
  if (problem) throw new ParamValidationError(`Invalid value for parameter '${def.name}': ${problem}`);
  return value;
}

/**
 * Check parameters read from `fileName` (values of `scope` in `values`)
 * against `defs`: a missing required value or a value of the wrong kind is
 * a {@link corrupted} error naming the file, before anything uses it.
 *
 * @example
 * ```ts
 * checkStoredParams(WORKSPACE_PARAMS, { scope: "global", values: config.globalParams, fileName: "config.json" });
 * ```
 */
export function checkStoredParams(
  defs: readonly ParamDef[],
  stored: { scope: ParamScope; values: JsonObject; fileName: string },
): void {
  for (const def of defs.filter((d) => d.scope === stored.scope)) {
    const value = stored.values[def.name];
    if (value === undefined) continue; // the default applies
    if (value === null) {
      if (def.optional || def.allowMissing || def.defaultValue !== null) continue;
      throw corrupted(stored.fileName, `parameter '${def.name}' cannot be empty`);
    }
    const problem = (def.type.storedProblem ?? def.type.problem)(value);
    if (problem) throw corrupted(stored.fileName, `parameter '${def.name}': ${problem}`);
  }
}

/**
 * Parse a command-line string for `def` and validate the result. The strings
 * `None` and `null` stand for "unset" on optional parameters.
 *
 * @example
 * ```ts
 * parseParam(findParam(WORKSPACE_PARAMS, "results.move_exclude_files"), '["a.txt"]'); // ["a.txt"]
 * ```
 */
export function parseParam(def: ParamDef, text: string): JsonValue {
  if (def.optional && (text === "None" || text === "null")) return null;
  let value: JsonValue;
  try {
    value = def.type.parse(text);
  } catch (e) {
    throw new ParamParseError(`Invalid value for parameter '${def.name}': ${(e as Error).message}`);
  }
  return validateParam(def, value);
}

/** The `export` resource parameter (`allowMissing` for older local-files metadata). */
export function exportParam(options: { allowMissing?: boolean } = {}): ParamDef {
  return {
    name: "export",
    scope: "global",
    defaultValue: false,
    optional: false,
    allowMissing: options.allowMissing,
    help: "Export lineage of this resource so other workspaces can import it",
    type: boolType,
  };
}

/** The `imported` resource parameter. */
export function importedParam(options: { allowMissing?: boolean } = {}): ParamDef {
  return {
    name: "imported",
    scope: "global",
    defaultValue: false,
    optional: false,
    allowMissing: options.allowMissing,
    help: "The resource's lineage was imported from another workspace",
    type: boolType,
  };
}
