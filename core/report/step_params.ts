/**
 * The parameters of a snapshot's experiment: those of the results steps in
 * its lineage (what `report history --params`, the HTML report and `dws
 * diff` compare), and which of them differ between snapshots.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { LineageStore, SNAPSHOT_LINEAGE_DIR } from "../lineage/store.ts";
import { readManifest } from "../snapshot/store.ts";

/**
 * The parameters of the results steps recorded in snapshot `hash` (a step
 * recorded first wins a name both have); empty without lineage.
 *
 * @example
 * ```ts
 * snapshotParams("/ws", hash); // { lr: 0.1, "model.layers": "Dense(16, relu) > Dense(10, softmax)" }
 * ```
 */
export function snapshotParams(wsDir: string, hash: string): JsonObject {
  const dir = join(wsDir, SNAPSHOT_LINEAGE_DIR, hash);
  if (!existsSync(dir)) return {};
  const store = LineageStore.open(dir);
  const params: JsonObject = {};
  for (const entry of readManifest(wsDir, hash).filter((e) => e.role === "results")) {
    for (const e of store.entries(entry.name)) {
      if (e.lineage.type !== "step") continue;
      for (const [k, v] of Object.entries(e.lineage.parameters)) if (!(k in params)) params[k] = v;
    }
  }
  return params;
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The names of the parameters whose values are not the same in all of
 * `params` (missing counts as a value), in first-seen order.
 *
 * @example
 * ```ts
 * differingParams([{ lr: 0.1, seed: 1 }, { lr: 0.01, seed: 1 }]); // ["lr"]
 * ```
 */
export function differingParams(params: readonly JsonObject[]): string[] {
  const names = [...new Set(params.flatMap((p) => Object.keys(p)))];
  return names.filter((n) => params.some((p) => !same(p[n], params[0][n])));
}

/** A value that differs between two snapshots (undefined: absent there). */
export interface ValueChange {
  /** The metric or parameter. */
  name: string;
  /** Its value in the first snapshot. */
  before?: JsonValue;
  /** Its value in the second snapshot. */
  after?: JsonValue;
}

/**
 * The entries that differ between `a` and `b`, in first-seen order.
 *
 * @example
 * ```ts
 * valueChanges({ acc: 0.9, n: 3 }, { acc: 0.95, n: 3 }); // [{ name: "acc", before: 0.9, after: 0.95 }]
 * ```
 */
export function valueChanges(a: JsonObject, b: JsonObject): ValueChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.filter((n) => !same(a[n], b[n])).map((name) => ({ name, before: a[name], after: b[name] }));
}
