/**
 * `dws config`: list, show and set workspace and resource parameters
 * (spec §2.1).
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import {
  findParam,
  type ParamDef,
  paramDefault,
  type ParamScope,
  parseParam,
  WORKSPACE_PARAMS,
} from "../workspace/params.ts";
import { pythonRepr } from "../base/python_repr.ts";
import { type JsonValue } from "../base/json_value.ts";
import type { Resource } from "../workspace/resource.ts";
import { formatTable } from "../report/table.ts";
import type { Workspace } from "../workspace/workspace.ts";

/** One parameter with its current value. */
export interface ParamRow {
  /** Parameter name. */
  name: string;
  /** Global (in git) or local (this machine). */
  scope: ParamScope;
  /** Current value (the default when unset). */
  value: JsonValue;
  /** Unset or equal to the default. */
  isDefault: boolean;
  /** What the parameter does. */
  help: string;
}

const IDENTITY = ["resource_type", "name", "role"];

function sameValue(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function row(def: ParamDef, stored: JsonValue | undefined): ParamRow {
  const value = stored === undefined || stored === null ? paramDefault(def) : stored;
  return {
    name: def.name,
    scope: def.scope,
    value,
    isDefault: stored === undefined || stored === null || sameValue(stored, paramDefault(def)),
    help: def.help,
  };
}

function resourceParamRow(r: Resource, def: ParamDef): ParamRow {
  return row(def, def.scope === "global" ? r.params[def.name] : r.localParams[def.name]);
}

/**
 * Every parameter of the workspace (global then local) or of one resource.
 *
 * @example
 * ```ts
 * listParams(ws).map((p) => `${p.name}=${p.value}`);
 * ```
 */
export function listParams(ws: Workspace, options: { resource?: string } = {}): ParamRow[] {
  if (options.resource !== undefined) {
    const r = ws.getResource(options.resource);
    const defs = [...r.type.params].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === "global" ? -1 : 1));
    return defs.map((d) => resourceParamRow(r, d));
  }
  return WORKSPACE_PARAMS.map((d) => row(d, ws.storedParam(d)));
}

/** The table of `dws config` without a name. */
export function formatParamList(rows: readonly ParamRow[]): string[] {
  return [
    ...formatTable(
      [{ header: "Name" }, { header: "Scope" }, { header: "Value" }, { header: "Default?" }, {
        header: "Description",
        width: 40,
      }],
      rows.map((r) => [r.name, r.scope, r.value, r.isDefault ? "Y" : "N", r.help]),
    ),
    "",
  ];
}

/** One parameter of the workspace or of a resource. */
export function getParamRow(ws: Workspace, name: string, options: { resource?: string } = {}): ParamRow {
  if (options.resource !== undefined) {
    const r = ws.getResource(options.resource);
    return resourceParamRow(r, findParam(r.type.params, name, `'${r.type.name}' resource`));
  }
  const def = findParam(WORKSPACE_PARAMS, name);
  return row(def, ws.storedParam(def));
}

/** The report of `dws config NAME`. */
export function formatParamDetail(r: ParamRow, options: { resource?: string } = {}): string[] {
  const title = options.resource !== undefined
    ? `Resource '${options.resource}' parameter '${r.name}'`
    : `Workspace parameter '${r.name}'`;
  return [
    title,
    "=".repeat(title.length),
    "",
    ...formatTable(
      [{ header: "Value" }, { header: "Scope" }, { header: "Default?" }, { header: "Description", width: 60 }],
      [[r.value, r.scope, r.isDefault ? "Y" : "N", r.help]],
    ),
    "",
  ];
}

/**
 * Parse, validate and store a parameter given as text, committing global
 * changes. Returns the confirmation message.
 *
 * @example
 * ```ts
 * await setParam(ws, { name: "results.dir_template", value: "snapshots/{USERNAME}-{TAG}" });
 * ```
 */
export async function setParam(
  ws: Workspace,
  options: { name: string; value: string; resource?: string },
): Promise<string> {
  const { name, resource } = options;
  if (resource === undefined) {
    const def = findParam(WORKSPACE_PARAMS, name);
    const value = parseParam(def, options.value);
    ws.setParam(name, value);
    if (def.scope === "global") await ws.save(`Update of workspace parameter ${name}`);
    return `Successfully set workspace ${def.scope} parameter '${name}' to ${pythonRepr(value)}.`;
  }
  const r = ws.getResource(resource);
  if (IDENTITY.includes(name)) {
    throw new ConfigurationError(`The ${name} of a resource cannot be changed with dws config`);
  }
  const def = findParam(r.type.params, name, `'${r.type.name}' resource`);
  const value = parseParam(def, options.value);
  if (!(await r.setStateParam?.(name, value))) await ws.setResourceParam(resource, def, value);
  if (def.scope === "global") await ws.save(`Update of resource '${resource}' parameter ${name}`);
  return `Successfully set resource '${resource}' ${def.scope} parameter '${name}' to ${pythonRepr(value)}.`;
}
