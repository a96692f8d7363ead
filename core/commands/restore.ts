/**
 * `dws restore`: bring resources back to a snapshot's state (spec §5, with
 * 1.6's bugs fixed: unknown names are errors, binary files restore).
 *
 * @module
 */
import { ConfigurationError, UsageError, UserAbort } from "../base/errors.ts";
import { restoreLineage } from "../lineage/store.ts";
import { fetchObjectsForRestore, openObjectRemote } from "../store/object_sync.ts";
import { CorruptObjectError } from "../store/object_store.ts";
import { readUndoRecord, type UndoFolder } from "../store/restore_undo.ts";
import { findSnapshot, readManifest } from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { Resource } from "../workspace/resource.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
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

/** Leave out `drop` from `set`: refused in strict mode, else reported. */
function leaveOut(
  ws: Workspace,
  set: string[],
  drop: string[],
  messages: { strict: string; skip: string; level: "info" | "warn" },
  strict: boolean,
): string[] {
  if (!drop.length) return set;
  if (strict) throw new ConfigurationError(`${messages.strict}${drop.join(", ")}`);
  ws.ctx.output[messages.level](`${messages.skip}${drop.join(", ")}`);
  return set.filter((n) => !drop.includes(n));
}

/**
 * The names of the resources to restore: `only`, or all but `leave`,
 * without results, resources removed since the snapshot and resources
 * added since (each an error in strict mode).
 */
function restoreSet(ws: Workspace, md: SnapshotMetadata, options: RestoreOptions): string[] {
  const manifest = readManifest(ws.dir, md.hash);
  const current = ws.resources.map((r) => r.name);
  const restorable = Object.entries(md.restoreHashes).filter(([, h]) => h !== null).map(([n]) => n);
  const known = [...new Set([...current, ...manifest.map((e) => e.name), ...Object.keys(md.restoreHashes)])];
  const unknown = (options.only ?? options.leave ?? []).filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new ConfigurationError(`Resource name(s) not found: ${unknown.join(", ")} (resources: ${known.join(", ")})`);
  }
  const strict = options.strict === true || options.only !== undefined;
  const all = [...new Set([...current, ...restorable])];
  let set = options.only ? [...options.only] : all.filter((n) => !(options.leave ?? []).includes(n));
  const roleOf = (n: string) => ws.findResource(n)?.role ?? manifest.find((e) => e.name === n)?.role;
  set = leaveOut(ws, set, set.filter((n) => roleOf(n) === "results"), {
    strict: "Restore set contains result resources, which cannot be restored. The following are result resources: ",
    skip: "Skipping the restore of the following result resources, which are left in their latest state: ",
    level: "info",
  }, strict);
  set = leaveOut(ws, set, set.filter((n) => !current.includes(n)), {
    strict: "Resources have been removed from the workspace since the snapshot, and strict mode is enabled: ",
    skip: "Skipping restore of resources that have been removed from workspace or have no restore hash: ",
    level: "warn",
  }, strict);
  return leaveOut(ws, set, set.filter((n) => !restorable.includes(n)), {
    strict: "Resources have been added to workspace since restore, and strict mode enabled. Added resources: ",
    skip: "Resources have been added to workspace since restore, will leave them as-is: ",
    level: "warn",
  }, strict);
}

/** Say what will be restored and what left, and ask (unless in batch mode). */
async function confirmRestore(ws: Workspace, md: SnapshotMetadata, toRestore: Resource[]): Promise<void> {
  const { ctx } = ws;
  const names = toRestore.map((r) => r.name);
  const leave = ws.resources.map((r) => r.name).filter((n) => !names.includes(n)).sort();
  ctx.output.info(`Restoring snapshot ${md.hash}${md.tags.length ? ` (${md.tags.join(", ")})` : ""}`);
  ctx.output.info(`  Resources to restore: ${names.join(", ")}`);
  ctx.output.info(`  Resources to leave: ${leave.length ? leave.join(", ") : "None"}`);
  if (!ctx.batch && !(await ctx.prompter.confirm("Should I perform this restore?", true))) throw new UserAbort();
}

/**
 * Restore one resource; objects found corrupted on the way (set aside, the
 * folder unchanged) are fetched again from the object remote, when there is
 * one, and the restore tried once more.
 */
async function restoreResource(ws: Workspace, r: Resource, hash: string): Promise<void> {
  try {
    return await r.snapshots!.restore(hash);
  } catch (e) {
    const remote = e instanceof CorruptObjectError ? await openObjectRemote(ws) : undefined;
    if (!remote) throw e;
    ws.ctx.output.warn(
      `${(e as CorruptObjectError).keys.length} corrupted object(s) of '${r.name}' set aside ` +
        `(first: ${(e as CorruptObjectError).keys[0]}); fetching them again from ${remote.location}`,
    );
  }
  await fetchObjectsForRestore(ws, [hash]);
  await r.snapshots!.restore(hash);
}

/** Fetch missing contents, check every resource can be restored, then restore them and their lineage. */
async function applyRestore(ws: Workspace, md: SnapshotMetadata, toRestore: Resource[]): Promise<void> {
  const hashOf = (r: Resource) => md.restoreHashes[r.name]!;
  // Contents missing from the object store come from the object remote, when there is one.
  await fetchObjectsForRestore(ws, toRestore.filter((r) => r.type.storesObjects === true).map(hashOf));
  for (const r of toRestore) {
    if (!r.snapshots) throw new ConfigurationError(`Resource '${r.name}' cannot be restored`);
    await r.snapshots.restorePrecheck(hashOf(r));
  }
  for (const r of toRestore) {
    await (r.type.storesObjects ? restoreResource(ws, r, hashOf(r)) : r.snapshots!.restore(hashOf(r)));
  }
  if (!restoreLineage(ws.dir, md.hash, toRestore.map((r) => r.name))) {
    ws.ctx.output.warn(`Snapshot ${md.hash.slice(0, 7)} has no recorded lineage; current lineage left as it is`);
  }
  await ws.save(`Restore to ${md.hash}`);
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
  if (options.only && options.leave) {
    throw new UsageError((o) => `Use either ${o("only")} or ${o("leave")}, not both`);
  }
  const md = findSnapshot(ws.dir, tagOrHash);
  const set = restoreSet(ws, md, options);
  if (set.length === 0) {
    ws.ctx.output.info("No resources to restore.");
    return 0;
  }
  const toRestore = ws.resources.filter((r) => set.includes(r.name));
  await confirmRestore(ws, md, toRestore);
  await applyRestore(ws, md, toRestore);
  ws.ctx.output.info(`Restored ${toRestore.length} resource(s) to snapshot ${md.hash.slice(0, 7)}.`);
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

/** The resource of a folder in the undo record; it must still be there, at the same folder. */
function undoTarget(ws: Workspace, folder: UndoFolder): Resource {
  const r = ws.findResource(folder.name);
  if (!r?.snapshots || r.type.storesObjects !== true) {
    throw new ConfigurationError(
      `Cannot undo the last restore: resource '${folder.name}' is no longer a data folder here`,
    );
  }
  if (r.localPath !== folder.root) {
    throw new ConfigurationError(
      `Cannot undo the last restore: the folder of '${folder.name}' moved from ${folder.root} to ${r.localPath}`,
    );
  }
  return r;
}

/**
 * Bring the data folders the last restore changed back to their state
 * before it (what it overwrote or removed was kept); returns how many. The
 * undo is itself a restore: undoing again redoes.
 *
 * @example
 * ```ts
 * await undoLastRestore(ws);
 * ```
 */
export async function undoLastRestore(ws: Workspace): Promise<number> {
  const record = readUndoRecord(ws.dir);
  if (!record?.folders.length) {
    throw new ConfigurationError("There is no restore to undo: no restore has changed a data folder here yet");
  }
  const targets = record.folders.map((f) => [undoTarget(ws, f), f] as const);
  const names = record.folders.map((f) => f.name).join(", ");
  ws.ctx.output.info(`Undoing the restore of ${record.at}: ${names}`);
  for (const [r, f] of targets) await r.snapshots!.restorePrecheck(f.before);
  for (const [r, f] of targets) await r.snapshots!.restore(f.before);
  ws.ctx.output.info(
    `Undone: ${names} ${
      targets.length > 1 ? "are" : "is"
    } as before the restore; 'dws restore --undo' again redoes it.`,
  );
  return targets.length;
}

/**
 * Undo the last restore of data folders (see {@link undoLastRestore});
 * returns how many folders were brought back.
 *
 * @example
 * ```ts
 * await undoRestore({ workspaceDir: "/ws" });
 * ```
 */
export function undoRestore(options: ApiOptions = {}): Promise<number> {
  return withApiWorkspace(options, "undoRestore()", (ws) => undoLastRestore(ws));
}
