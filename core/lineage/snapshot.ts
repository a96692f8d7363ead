/**
 * The lineage work of a snapshot (spec §8.5, §8.6): placeholders of the
 * current lineage replaced by the hashes just taken, the lineage copied
 * into the snapshot, `lineage.json` written into results snapshot folders
 * and at the root of exported resources.
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { isInside } from "../base/paths.ts";
import { git, gitDirOf, isTracked } from "../git/git.ts";
import { serializeExportedLineage } from "../models/lineage.ts";
import type { Resource, SnapshotHashes } from "../workspace/resource.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { CURRENT_LINEAGE_DIR, lineageForResource, LineageStore, snapshotLineage } from "./store.ts";
import { currentVersionsOf } from "./versions.ts";

/**
 * Lineage at snapshot time: placeholders replaced, the lineage copied under
 * the snapshot `hash`, `lineage.json` written, moved results started afresh.
 */
export async function recordLineage(
  ws: Workspace,
  s: { hash: string; hashes: Map<string, SnapshotHashes>; relDest: string; moved: string[] },
): Promise<void> {
  const store = await replacePlaceholders(ws, s.hashes);
  snapshotLineage(ws.dir, s.hash, ws.resources.map((r) => r.name));
  for (const r of ws.resources) {
    if (r.role !== "results") continue;
    if (await writeLineageJson(ws, r, store, join(s.relDest, "lineage.json"))) {
      ws.ctx.output.info(`Wrote lineage for ${r.name} to lineage.json`);
    }
  }
  await exportLineage(ws, store);
  // Results that moved start afresh; their lineage lives on in the snapshot.
  for (const name of s.moved) store.clearResource(name);
  store.save();
}

/**
 * The current lineage with the placeholders of hashed resources replaced
 * (and saved). A size-only folder's certificates get the snapshot's content
 * hash, so they change when a file changes at the same size. Results are
 * not checked against their current version: the snapshot moves them.
 */
export async function replacePlaceholders(ws: Workspace, hashes: Map<string, SnapshotHashes>): Promise<LineageStore> {
  const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
  const known = new Map<string, string>();
  for (const [name, h] of hashes) {
    const hash = h.contentHash ?? h.compareHash;
    if (hash !== null) known.set(name, hash);
  }
  const recorded = store.placeholders().filter((c) =>
    c.certificate.certType === "placeholder" && c.certificate.dwsVersion !== undefined &&
    ws.findResource(c.ref.name)?.role !== "results"
  );
  store.replacePlaceholders(known, await currentVersionsOf(ws, recorded.map((c) => c.ref)));
  store.save();
  return store;
}

/**
 * `lineage.json` at the root of every exported resource. Also on a snapshot
 * that matches an existing one: the stale file was removed before hashing.
 */
export async function exportLineage(ws: Workspace, store: LineageStore): Promise<void> {
  for (const r of ws.resources) {
    if (r.params.export !== true) continue;
    if (await writeLineageJson(ws, r, store, "lineage.json")) {
      ws.ctx.output.info(`Exported lineage for ${r.name} to lineage.json`);
    }
  }
}

/**
 * Write the lineage of `r` to `rel` inside it, when it has any; in a resource
 * with its own git repository the file is committed (as 1.6 does).
 */
async function writeLineageJson(ws: Workspace, r: Resource, store: LineageStore, rel: string): Promise<boolean> {
  if (!r.localPath) return false;
  const walk = lineageForResource(store, r.name);
  if (walk.lineages.length === 0) return false;
  for (const m of walk.messages) ws.ctx.output.warn(m);
  const file = join(r.localPath, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(
    file,
    serializeExportedLineage({ resourceName: r.name, complete: walk.warnings === 0, lineages: walk.lineages }),
  );
  await r.commitFile?.(rel, `Added ${rel}`);
  return true;
}

/** Remove a stale exported `lineage.json` (untracking it where git tracks it), so it is not hashed. */
export async function removeExportedLineage(ws: Workspace, root: string): Promise<void> {
  const file = join(root, "lineage.json");
  if (!existsSync(file)) return;
  const repo = gitDirOf(root) ? root : isInside(root, ws.dir) ? ws.dir : undefined;
  if (repo && await isTracked(ws.ctx, repo, file)) await git(ws.ctx, repo, ["rm", "-q", "-f", "--", file]);
  else rmSync(file, { force: true });
}
