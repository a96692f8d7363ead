/**
 * `dws restore`: bring resources back to a snapshot's state (spec §5, with
 * 1.6's bugs fixed: unknown names are errors, binary files restore).
 *
 * @module
 */
import { ConfigurationError, UsageError, UserAbort } from "../base/errors.ts";
import { restoreLineage } from "../lineage/store.ts";
import { fetchObjectsForRestore } from "../store/object_sync.ts";
import { findSnapshot, readManifest } from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { type ApiOptions, withApiWorkspace } from "../workspace/workspace.ts";

/** Options of {@link restoreWorkspace}. */
export interface RestoreOptions {
  /** Restore only these resources (implies strict). */
  only?: readonly string[];
  /** Restore everything but these. */
  leave?: readonly string[];
  /** Fail instead of skipping resources that cannot be restored. */
  strict?: boolean;
}

/**
 * Restore the snapshot `tagOrHash`; returns how many resources were restored.
 *
 * @example
 * ```ts
 * await restoreWorkspace(ws, "v1", { leave: ["big-data"] });
 * ```
 */
export async function restoreWorkspace(
  ws: Workspace,
  tagOrHash: string,
  options: RestoreOptions = {},
): Promise<number> {
  const { ctx } = ws;
  if (options.only && options.leave) {
    throw new UsageError((o) => `Use either ${o("only")} or ${o("leave")}, not both`);
  }
  const md = findSnapshot(ws.dir, tagOrHash);
  const manifest = readManifest(ws.dir, md.hash);
  const current = ws.resources.map((r) => r.name);
  const restorable = Object.entries(md.restoreHashes).filter(([, h]) => h !== null).map(([n]) => n);
  const known = [...new Set([...current, ...manifest.map((e) => e.name), ...Object.keys(md.restoreHashes)])];
  const named = options.only ?? options.leave ?? [];
  const unknown = named.filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new ConfigurationError(
      `Resource name(s) not found: ${unknown.join(", ")} (resources: ${known.join(", ")})`,
    );
  }
  const strict = options.strict === true || options.only !== undefined;
  const all = [...new Set([...current, ...restorable])];
  let set = options.only ? [...options.only] : all.filter((n) => !(options.leave ?? []).includes(n));

  const roleOf = (n: string) => ws.findResource(n)?.role ?? manifest.find((e) => e.name === n)?.role;
  const results = set.filter((n) => roleOf(n) === "results");
  if (results.length) {
    if (strict) {
      throw new ConfigurationError(
        `Restore set contains result resources, which cannot be restored. The following are result resources: ${
          results.join(", ")
        }`,
      );
    }
    ctx.output.info(
      `Skipping the restore of the following result resources, which are left in their latest state: ${
        results.join(", ")
      }`,
    );
    set = set.filter((n) => !results.includes(n));
  }
  const removed = set.filter((n) => !current.includes(n));
  if (removed.length) {
    if (strict) {
      throw new ConfigurationError(
        `Resources have been removed from the workspace since the snapshot, and strict mode is enabled: ${
          removed.join(", ")
        }`,
      );
    }
    ctx.output.warn(
      `Skipping restore of resources that have been removed from workspace or have no restore hash: ${
        removed.join(", ")
      }`,
    );
    set = set.filter((n) => !removed.includes(n));
  }
  const added = set.filter((n) => !restorable.includes(n));
  if (added.length) {
    if (strict) {
      throw new ConfigurationError(
        `Resources have been added to workspace since restore, and strict mode enabled. Added resources: ${
          added.join(", ")
        }`,
      );
    }
    ctx.output.warn(`Resources have been added to workspace since restore, will leave them as-is: ${added.join(", ")}`);
    set = set.filter((n) => !added.includes(n));
  }
  if (set.length === 0) {
    ctx.output.info("No resources to restore.");
    return 0;
  }
  const toRestore = ws.resources.filter((r) => set.includes(r.name));
  const leave = current.filter((n) => !set.includes(n)).sort();
  ctx.output.info(`Restoring snapshot ${md.hash}${md.tags.length ? ` (${md.tags.join(", ")})` : ""}`);
  ctx.output.info(`  Resources to restore: ${toRestore.map((r) => r.name).join(", ")}`);
  ctx.output.info(`  Resources to leave: ${leave.length ? leave.join(", ") : "None"}`);
  if (!ctx.batch && !(await ctx.prompter.confirm("Should I perform this restore?", true))) throw new UserAbort();

  // Contents missing from the object store come from the object remote, when there is one.
  await fetchObjectsForRestore(
    ws,
    toRestore.filter((r) => r.type.storesObjects === true).map((r) => md.restoreHashes[r.name]!),
  );
  for (const r of toRestore) {
    if (!r.snapshots) throw new ConfigurationError(`Resource '${r.name}' cannot be restored`);
    await r.snapshots.restorePrecheck(md.restoreHashes[r.name]!);
  }
  for (const r of toRestore) await r.snapshots!.restore(md.restoreHashes[r.name]!);
  if (!restoreLineage(ws.dir, md.hash, toRestore.map((r) => r.name))) {
    ctx.output.warn(`Snapshot ${md.hash.slice(0, 7)} has no recorded lineage; current lineage left as it is`);
  }
  await ws.save(`Restore to ${md.hash}`);
  ctx.output.info(`Restored ${toRestore.length} resource(s) to snapshot ${md.hash.slice(0, 7)}.`);
  return toRestore.length;
}

/**
 * Restore the snapshot `tagOrHash`; returns the number of resources restored.
 *
 * @example
 * ```ts
 * await restore("v1", { workspaceDir: "/ws", only: ["code"] });
 * ```
 */
export function restore(
  tagOrHash: string,
  options: ApiOptions & { only?: string[]; leave?: string[]; strict?: boolean } = {},
): Promise<number> {
  return withApiWorkspace(options, "restore()", (ws) => restoreWorkspace(ws, tagOrHash, options));
}
