/**
 * `dws report lineage` and the API's `makeLineageTable` (spec §6, §16): one
 * row per ref of the lineage store — the step that wrote it, or the source
 * data or code version it is — with the inputs each step read.
 *
 * @module
 */
import type { LineageStore } from "../lineage/store.ts";
import {
  importedScope,
  type LineageScope,
  lineageStoreAsOf,
  providedCerts,
  resolveRef,
  storeScope,
} from "../lineage/scope.ts";
import {
  certificateName,
  formatRef,
  type LineageRecord,
  refKey,
  type ResourceCert,
  type ResourceRef,
  sameVersion,
  startTimeText,
} from "../models/lineage.ts";
import { formatTable } from "./table.ts";
import { resolveWorkspaceDir } from "../workspace/workspace.ts";

/** One row of the lineage table. */
export interface LineageTableRow {
  /** `name` or `name:/subpath`. */
  resource: string;
  /** What stands for the ref. */
  type: "Step" | "Source Data" | "Code";
  /** `<step> at <start time>`, or the version (`Hash:…`, `Placeholder:version=N`). */
  details: string;
  /** A step's inputs, each `ref (current)` or `ref (<version>)`; null for source data and code. */
  inputs: string[] | null;
}

function inputText(input: ResourceCert, scope: LineageScope): string {
  const found = resolveRef(scope, input.ref);
  return found && sameVersion(found.certificate, input.certificate)
    ? `${formatRef(input.ref)} (current)`
    : `${formatRef(input.ref)} (${certificateName(input.certificate)})`;
}

function rowFor(ref: ResourceRef, lineage: LineageRecord, scope: LineageScope): LineageTableRow | undefined {
  switch (lineage.type) {
    case "step":
      return {
        resource: formatRef(ref),
        type: "Step",
        details: `${lineage.stepName} at ${startTimeText(lineage.startTime)}`,
        inputs: lineage.inputResources.map((c) => inputText(c, scope)),
      };
    case "source_data":
    case "code":
      return {
        resource: formatRef(ref),
        type: lineage.type === "code" ? "Code" : "Source Data",
        details: certificateName(lineage.cert.certificate),
        inputs: null,
      };
    case "imported":
      return undefined;
  }
}

function importedRows(record: LineageRecord & { type: "imported" }, expanded: Set<LineageRecord>): LineageTableRow[] {
  const rows: LineageTableRow[] = [];
  const scope = importedScope(record);
  const seen = new Set<string>();
  for (const nested of record.nestedLineage) {
    if (nested.type === "imported") {
      if (!expanded.has(nested)) {
        expanded.add(nested);
        rows.push(...importedRows(nested, expanded));
      }
      continue;
    }
    for (const cert of providedCerts(nested)) {
      if (seen.has(refKey(cert.ref))) continue;
      seen.add(refKey(cert.ref));
      const row = rowFor(cert.ref, nested, scope);
      if (row) rows.push(row);
    }
  }
  return rows;
}

/**
 * The rows of a lineage store: resources in name order, refs in file order;
 * imported lineage is expanded into the rows of its records.
 *
 * @example
 * ```ts
 * lineageTableRows(lineageStoreAsOf("/ws").store).map((r) => r.resource);
 * ```
 */
export function lineageTableRows(store: LineageStore): LineageTableRow[] {
  const rows: LineageTableRow[] = [];
  const scope = storeScope(store);
  const expanded = new Set<LineageRecord>();
  for (const name of store.resourceNames()) {
    for (const e of store.entries(name)) {
      if (e.lineage.type === "imported") {
        if (!expanded.has(e.lineage)) {
          expanded.add(e.lineage);
          rows.push(...importedRows(e.lineage, expanded));
        }
        continue;
      }
      const row = rowFor(e.cert.ref, e.lineage, scope);
      if (row) rows.push(row);
    }
  }
  return rows;
}

/**
 * The lines of `dws report lineage`: the `Resource | Type | Details | Inputs` table under `title`.
 *
 * @example
 * ```ts
 * console.log(formatLineageTable(rows, "Lineage for current state").join("\n"));
 * ```
 */
export function formatLineageTable(rows: readonly LineageTableRow[], title: string): string[] {
  return formatTable(
    [{ header: "Resource" }, { header: "Type" }, { header: "Details" }, { header: "Inputs" }],
    rows.map((r) => [r.resource, r.type, r.details, r.inputs === null ? null : r.inputs.join("\n")]),
    { title },
  );
}

/**
 * The lineage report of the workspace `wsDir`, for the current state or as
 * of snapshot `tagOrHash`.
 *
 * @example
 * ```ts
 * console.log(lineageReport("/ws", { tagOrHash: "S1" }).join("\n"));
 * ```
 */
export function lineageReport(wsDir: string, options: { tagOrHash?: string } = {}): string[] {
  const { store } = lineageStoreAsOf(wsDir, options.tagOrHash);
  const title = options.tagOrHash === undefined ? "Lineage for current state" : `Lineage for ${options.tagOrHash}`;
  return formatLineageTable(lineageTableRows(store), title);
}

/**
 * The lineage table (1.6's `make_lineage_table`): rows of the current state,
 * or as of snapshot `tagOrHash`.
 *
 * @example
 * ```ts
 * const rows = await makeLineageTable({ workspaceDir: "/ws", tagOrHash: "S1" });
 * rows.filter((r) => r.type === "Step").map((r) => r.details);
 * ```
 */
export function makeLineageTable(
  options: { workspaceDir?: string; tagOrHash?: string } = {},
): Promise<LineageTableRow[]> {
  try {
    const { store } = lineageStoreAsOf(resolveWorkspaceDir(options.workspaceDir), options.tagOrHash);
    return Promise.resolve(lineageTableRows(store));
  } catch (e) {
    return Promise.reject(e);
  }
}
