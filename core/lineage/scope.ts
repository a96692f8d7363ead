/**
 * Reading lineage for reports: the store of the current state or of a
 * snapshot, and lookups that see through imported lineage (the records of
 * another workspace, nested in an `imported` record, spec §8.7).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LineageNotFoundError } from "../base/errors.ts";
import { certsProvided, CURRENT_LINEAGE_DIR, type LineageEntry, LineageStore, SNAPSHOT_LINEAGE_DIR } from "./store.ts";
import {
  type Certificate,
  covers,
  type LineageRecord,
  refKey,
  type ResourceCert,
  type ResourceRef,
} from "../models/lineage.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import { findSnapshot } from "../snapshot/store.ts";

/** Where lineage lookups go: the store, or the records of one imported resource. */
export interface LineageScope {
  /** The entry for `ref`, or for a ref covering it. */
  lookup(ref: ResourceRef): LineageEntry | undefined;
}

/** The lineage store of the current state, or of snapshot `tagOrHash`. */
export interface LineageStoreAsOf {
  /** The store. */
  store: LineageStore;
  /** The snapshot, when one was asked for. */
  snapshot?: SnapshotMetadata;
}

/**
 * Open the current lineage store, or the copy taken with snapshot
 * `tagOrHash` (an error when that snapshot has no lineage folder).
 *
 * @example
 * ```ts
 * const { store } = lineageStoreAsOf("/ws", "S1");
 * ```
 */
export function lineageStoreAsOf(wsDir: string, tagOrHash?: string): LineageStoreAsOf {
  if (tagOrHash === undefined) return { store: LineageStore.open(join(wsDir, CURRENT_LINEAGE_DIR)) };
  const snapshot = findSnapshot(wsDir, tagOrHash);
  const dir = join(wsDir, SNAPSHOT_LINEAGE_DIR, snapshot.hash);
  if (!existsSync(dir)) {
    throw new LineageNotFoundError(`No lineage data found for snapshot ${tagOrHash} (${snapshot.hash.slice(0, 7)})`);
  }
  return { store: LineageStore.open(dir), snapshot };
}

/** Lookups in a store. */
export function storeScope(store: LineageStore): LineageScope {
  return { lookup: (ref) => store.lookup(ref) };
}

/** Every certificate a record gives to refs, of any resource. */
export function providedCerts(record: LineageRecord): ResourceCert[] {
  switch (record.type) {
    case "step":
      return record.outputResources;
    case "source_data":
    case "code":
      return [record.cert];
    case "imported":
      return certsProvided(record, record.resourceName);
  }
}

const scopes = new WeakMap<LineageRecord, LineageScope>();

/** Lookups among the records nested in an imported record (they name the other workspace's resources). */
export function importedScope(record: LineageRecord & { type: "imported" }): LineageScope {
  let scope = scopes.get(record);
  if (scope) return scope;
  const entries = new Map<string, LineageEntry>();
  for (const lineage of record.nestedLineage) {
    for (const cert of providedCerts(lineage)) {
      if (!entries.has(refKey(cert.ref))) entries.set(refKey(cert.ref), { cert, lineage });
    }
  }
  scope = {
    lookup(ref) {
      const exact = entries.get(refKey(ref));
      if (exact) return exact;
      for (const e of entries.values()) if (covers(e.cert.ref, ref)) return e;
      return undefined;
    },
  };
  scopes.set(record, scope);
  return scope;
}

/** An entry found by {@link resolveRef}, with the scope its own inputs are looked up in. */
export interface ResolvedEntry {
  /** The record standing for the ref (never an imported record). */
  lineage: Exclude<LineageRecord, { type: "imported" }>;
  /** The certificate it gives the ref. */
  certificate: Certificate;
  /** Where the record's inputs are looked up. */
  scope: LineageScope;
}

/**
 * The record standing for `ref`, looking inside imported lineage when the
 * store holds an imported record for it.
 */
export function resolveRef(scope: LineageScope, ref: ResourceRef): ResolvedEntry | undefined {
  let current = scope;
  for (let depth = 0; depth < 32; depth++) {
    const e = current.lookup(ref);
    if (!e) return undefined;
    if (e.lineage.type !== "imported") {
      return { lineage: e.lineage, certificate: e.cert.certificate, scope: current };
    }
    current = importedScope(e.lineage);
  }
  return undefined;
}
