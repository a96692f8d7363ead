/**
 * `dws pull` (spec §7): the workspace repository first, then resources:
 * those added elsewhere are cloned here, the others pulled; their current
 * lineage is cleared and imported lineage refreshed.
 *
 * @module
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { importLineage } from "../lineage/imported.ts";
import { ConfigurationError } from "../base/errors.ts";
import { gitConfigGet, isDirty } from "../git/git.ts";
import { pullRepo } from "../git/sync.ts";
import { CURRENT_LINEAGE_DIR, LineageStore } from "../lineage/store.ts";
import { fetchCurrentObjects } from "../store/object_sync.ts";
import { checkSelection, selectResources, type SyncSelection } from "../workspace/selection.ts";
import { Workspace } from "../workspace/workspace.ts";

/**
 * Bring local state of resources added elsewhere to this machine; returns
 * the names cloned.
 */
export async function cloneMissingResources(ws: Workspace, names: readonly string[]): Promise<string[]> {
  const cloned: string[] = [];
  for (const name of names) {
    const r = ws.getResource(name);
    if (!r.type.cloneLocal) continue;
    const local = await r.type.cloneLocal(ws, r.params);
    await ws.setResourceLocalParams(name, local);
    cloned.push(name);
  }
  return cloned;
}

/**
 * Pull the workspace and its selected resources; returns the reopened
 * workspace (its metadata may have changed).
 *
 * @example
 * ```ts
 * ws = await pullWorkspace(ws, {});
 * ```
 */
export async function pullWorkspace(ws: Workspace, selection: SyncSelection = {}): Promise<Workspace> {
  const { ctx } = ws;
  checkSelection(selection);
  ctx.output.info("Syncing workspace");
  if (!(await gitConfigGet(ctx, ws.dir, "remote.origin.url"))) {
    throw new ConfigurationError("The workspace has no origin remote to pull from; set one with 'dws publish URL'");
  }
  if (await isDirty(ctx, ws.dir)) {
    throw new ConfigurationError(`Data workspace at ${ws.dir} has uncommitted changes. Please commit before pulling.`);
  }
  await pullRepo(ctx, ws.dir, { branch: await ws.branch(), what: "Workspace" });
  for (const d of ["snapshots", "snapshot_metadata", "current_lineage"]) {
    mkdirSync(join(ws.dir, ".dataworkspace", d), { recursive: true });
  }
  let fresh = await Workspace.open(ws.dir, ctx);
  if (!selection.onlyWorkspace) {
    const selected = selectResources(fresh, selection);
    // The data of the newest snapshots first: resources cloned here are created from it.
    await fetchCurrentObjects(fresh, selected.map((r) => r.name));
    const toClone = selected.filter((r) => !fresh.hasLocalParams(r.name)).map((r) => r.name);
    const toPull = selected.filter((r) => fresh.hasLocalParams(r.name));
    if (toClone.length) {
      ctx.output.info(`Cloning new resources: ${toClone.join(", ")}`);
      await cloneMissingResources(fresh, toClone);
      fresh = await Workspace.open(ws.dir, ctx);
    }
    if (toPull.length) ctx.output.info(`Updating resources: ${toPull.map((r) => r.name).join(", ")}`);
    else ctx.output.info("No resources to update.");
    for (const r of toPull) await r.sync?.pullPrecheck();
    for (const r of toPull) {
      ctx.output.info(`[pull] pulling resource ${r.name}`);
      await r.sync?.pull();
    }
    ctx.output.info("[pull] all resources pulled successfully.");
    // What was known about pulled data no longer holds; imported lineage comes fresh from its source.
    const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
    for (const r of toPull) store.clearResource(r.name);
    store.save();
    for (const r of toPull) {
      if (r.params.imported === true && r.localPath && existsSync(join(r.localPath, "lineage.json"))) {
        importLineage(fresh.dir, r.name, r.localPath);
      }
    }
  }
  await fresh.save("Pull command");
  return fresh;
}
