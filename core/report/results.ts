/**
 * `dws report results` and the API's `getResults` (spec §6, §16): find a
 * `results.json` — in the results resources now, or in the folder a
 * snapshot moved results to — and show it as `Key | Value` tables.
 *
 * @module
 */
import { posix } from "node:path";
import { type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { pythonStr } from "../base/python_repr.ts";
import { parsePythonJson } from "../base/python_json.ts";
import { findSnapshot, readAllSnapshotMetadata } from "../snapshot/store.ts";
import { formatTable } from "./table.ts";
import { openWorkspace, type Workspace } from "../workspace/workspace.ts";

/** A results file that was found. */
export interface FoundResults {
  /** The parsed `results.json`. */
  results: JsonObject;
  /** Where it is: `<resource>:/<subpath>`. */
  location: string;
}

/** Which results file to look for. */
export interface ResultsQuery {
  /** A snapshot's tag or hash: look in the folder its results were moved to. */
  tagOrHash?: string;
  /** Look only in this resource (default: every results resource, in workspace order). */
  resourceName?: string;
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The results file at `subpath` of `resourceName`, or of the first results
 * resource that has one; undefined when none has.
 *
 * @example
 * ```ts
 * await findResultsAt(ws, "snapshots/host-S1/results.json");
 * ```
 */
export async function findResultsAt(
  ws: Workspace,
  subpath: string,
  resourceName?: string,
): Promise<FoundResults | undefined> {
  const candidates = resourceName !== undefined
    ? [ws.getResource(resourceName)]
    : ws.resources.filter((r) => r.role === "results");
  for (const r of candidates) {
    if (!r.files || !(await r.files.isFile(subpath))) continue;
    const location = `${r.name}:/${subpath}`;
    const data = parsePythonJson(new TextDecoder().decode(await r.files.readFile(subpath)), location);
    if (!isObject(data)) throw new ConfigurationError(`Results file ${location} does not hold a JSON object`);
    return { results: data, location };
  }
  return undefined;
}

function newestSnapshot(wsDir: string): SnapshotMetadata | undefined {
  let newest: SnapshotMetadata | undefined;
  for (const md of readAllSnapshotMetadata(wsDir)) if (!newest || md.timestamp > newest.timestamp) newest = md;
  return newest;
}

/**
 * Find a `results.json`: in snapshot `tagOrHash`'s results folder, or at the
 * root of the results resources and else (with a note) in the newest
 * snapshot's folder. Undefined when there is none.
 *
 * @example
 * ```ts
 * const found = await findResults(ws, { tagOrHash: "S1" });
 * found?.location; // "results:/snapshots/host-S1/results.json"
 * ```
 */
export async function findResults(ws: Workspace, query: ResultsQuery = {}): Promise<FoundResults | undefined> {
  if (query.tagOrHash !== undefined) {
    const md = findSnapshot(ws.dir, query.tagOrHash);
    return await findResultsAt(ws, posix.join(md.relativeDestinationPath, "results.json"), query.resourceName);
  }
  const current = await findResultsAt(ws, "results.json", query.resourceName);
  if (current) return current;
  ws.ctx.output.warn("Did not find a results.json file in current workspace, checking most recent snapshot...");
  const newest = newestSnapshot(ws.dir);
  return newest
    ? await findResultsAt(ws, posix.join(newest.relativeDestinationPath, "results.json"), query.resourceName)
    : undefined;
}

/** One table of the results report. */
export interface ResultsSection {
  /** `General Properties`, `Parameters`, `Metrics` or `Metrics: <name>`. */
  title: string;
  /** Key and value of each row. */
  rows: [string, JsonValue][];
}

function section(title: string, d: JsonObject, serializeDicts = false): ResultsSection {
  const rows: [string, JsonValue][] = [];
  for (const [k, v] of Object.entries(d)) {
    if (!isObject(v)) rows.push([k, v]);
    else if (serializeDicts) rows.push([k, Object.entries(v).map(([mk, mv]) => `${mk}: ${pythonStr(mv)}`).join(", ")]);
  }
  return { title, rows };
}

/**
 * The tables of a results file: top-level values, parameters, metrics, and
 * one table per metric that is itself a dictionary.
 *
 * @example
 * ```ts
 * resultsSections({ step: "train", metrics: { accuracy: 0.9 } }).map((s) => s.title);
 * // ["General Properties", "Metrics"]
 * ```
 */
export function resultsSections(results: JsonObject): ResultsSection[] {
  const sections = [section("General Properties", results)];
  if (isObject(results.parameters)) sections.push(section("Parameters", results.parameters));
  if (isObject(results.metrics)) {
    sections.push(section("Metrics", results.metrics));
    for (const [k, v] of Object.entries(results.metrics)) {
      if (isObject(v)) sections.push(section(`Metrics: ${k}`, v, true));
    }
  }
  return sections;
}

/**
 * The lines of `dws report results` for a found file.
 *
 * @example
 * ```ts
 * console.log(formatResults({ results, location: "results:/results.json" }).join("\n"));
 * ```
 */
export function formatResults(found: FoundResults): string[] {
  const lines = [`Results file at ${found.location}`];
  for (const s of resultsSections(found.results)) {
    lines.push("");
    // Not push(...table): a table of 200,000 rows would overflow the stack.
    for (const line of formatTable([{ header: "Key" }, { header: "Value" }], s.rows, { title: s.title })) {
      lines.push(line);
    }
  }
  return lines;
}

/**
 * The results report of a workspace; an error when no results file is found.
 *
 * @example
 * ```ts
 * console.log((await resultsReport(ws, { tagOrHash: "S1" })).join("\n"));
 * ```
 */
export async function resultsReport(ws: Workspace, query: ResultsQuery = {}): Promise<string[]> {
  const found = await findResults(ws, query);
  if (!found) {
    let msg = "Could not find results file";
    if (query.tagOrHash) msg += ` for snapshot ${query.tagOrHash}`;
    if (query.resourceName) msg += ` for resource ${query.resourceName}`;
    throw new ConfigurationError(msg);
  }
  return formatResults(found);
}

/**
 * A results file as parsed JSON with its location (`res:/path`), or
 * undefined (1.6's `get_results`).
 *
 * @example
 * ```ts
 * const r = await getResults({ workspaceDir: "/ws", tagOrHash: "S1" });
 * r?.results.metrics;
 * ```
 */
export async function getResults(
  options: ResultsQuery & { workspaceDir?: string; context?: ContextOptions } = {},
): Promise<FoundResults | undefined> {
  const ws = await openWorkspace(createContext(options.context), { workspaceDir: options.workspaceDir });
  return await findResults(ws, options);
}
