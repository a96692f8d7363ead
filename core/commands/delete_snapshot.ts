/**
 * `dws delete-snapshot`: remove a snapshot's manifest, metadata and lineage,
 * and (unless told not to) its results folders.
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { UserAbort } from "../base/errors.ts";
import { git, isTracked } from "../git/git.ts";
import { type ManifestEntry, manifestPath } from "../models/manifest.ts";
import { metadataPath } from "../models/snapshot_metadata.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import { findSnapshot, readAllSnapshotMetadata, readManifest } from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { type ApiOptions, withApiWorkspace } from "../workspace/workspace.ts";

/** Options of {@link deleteWorkspaceSnapshot}. */
export interface DeleteSnapshotOptions {
  /** Also delete the snapshot's results folders (default true). */
  includeResources?: boolean;
}

/**
 * Let each resource recorded in the snapshot forget what it keeps for it
 * (S3: its snapshot file), unless another snapshot records the same
 * restore hash for that resource and so still needs it.
 */
async function deleteResourceSnapshotData(
  ws: Workspace,
  md: SnapshotMetadata,
  records: { manifest: readonly ManifestEntry[]; others: readonly SnapshotMetadata[] },
): Promise<void> {
  const { manifest, others } = records;
  for (const r of ws.resources) {
    const entry = manifest.find((e) => e.name === r.name);
    if (!r.snapshots?.deleteSnapshot || (!entry && !(r.name in md.restoreHashes))) continue;
    const hashes = { compareHash: entry?.hash ?? null, restoreHash: md.restoreHashes[r.name] ?? null };
    const user = hashes.restoreHash === null
      ? undefined
      : others.find((m) => m.restoreHashes[r.name] === hashes.restoreHash);
    if (user) {
      ws.ctx.output.info(
        `Keeping the snapshot data of resource ${r.name}: snapshot ${user.hash.slice(0, 7)} also uses it.`,
      );
      continue;
    }
    await r.snapshots.deleteSnapshot(hashes);
  }
}

/**
 * Remove the snapshot's results folders, unless another snapshot records the
 * same folder (a template without a unique part, from 1.6 or older dws).
 */
async function deleteResultsFolders(
  ws: Workspace,
  md: SnapshotMetadata,
  others: readonly SnapshotMetadata[],
): Promise<void> {
  const dest = md.relativeDestinationPath;
  if (!dest) return;
  const sharer = others.find((m) => m.relativeDestinationPath === dest);
  if (sharer) {
    ws.ctx.output.warn(`Keeping the results folder ${dest}: snapshot ${sharer.hash.slice(0, 7)} also records it.`);
    return;
  }
  for (const r of ws.resources) {
    if (r.role !== "results" || !(r.name in md.restoreHashes) || !r.snapshots) continue;
    await r.snapshots.deleteSnapshotFolder(dest);
  }
}

/**
 * Delete the snapshot `tagOrHash`; returns its hash.
 *
 * @example
 * ```ts
 * await deleteWorkspaceSnapshot(ws, "v1");
 * ```
 */
export async function deleteWorkspaceSnapshot(
  ws: Workspace,
  tagOrHash: string,
  options: DeleteSnapshotOptions = {},
): Promise<string> {
  const { ctx } = ws;
  const md = findSnapshot(ws.dir, tagOrHash);
  // Read (and so check) every record before the first change.
  const manifest = existsSync(join(ws.dir, manifestPath(md.hash))) ? readManifest(ws.dir, md.hash) : [];
  const others = readAllSnapshotMetadata(ws.dir).filter((m) => m.hash !== md.hash);
  const name = md.tags.length ? `${md.hash.slice(0, 7)} (Tagged as: ${md.tags.join(", ")})` : md.hash.slice(0, 7);
  if (!ctx.batch && !(await ctx.prompter.confirm(`Should I delete snapshot ${name}? This is not reversible.`, false))) {
    throw new UserAbort();
  }
  if (options.includeResources ?? true) {
    await deleteResultsFolders(ws, md, others);
    await deleteResourceSnapshotData(ws, md, { manifest, others });
  }
  const files = [manifestPath(md.hash), metadataPath(md.hash)];
  for (const f of files) {
    if (await isTracked(ctx, ws.dir, f)) await git(ctx, ws.dir, ["rm", "-q", "-f", "--", f]);
    else if (existsSync(join(ws.dir, f))) rmSync(join(ws.dir, f), { force: true });
  }
  const lineage = `.dataworkspace/snapshot_lineage/${md.hash}`;
  if (existsSync(join(ws.dir, lineage))) await git(ctx, ws.dir, ["rm", "-r", "-q", "-f", "--", lineage]);
  // git forgets empty folders; later commands expect these to exist.
  for (const d of ["snapshots", "snapshot_metadata"]) mkdirSync(join(ws.dir, ".dataworkspace", d), { recursive: true });
  await ws.save(`Deleted snapshot ${name}`);
  ctx.output.info(`Successfully deleted snapshot ${name}.`);
  return md.hash;
}

/**
 * Delete the snapshot `tagOrHash` (and its results folders unless
 * `includeResources` is false); returns its hash.
 *
 * @example
 * ```ts
 * await deleteSnapshot("v1", { workspaceDir: "/ws" });
 * ```
 */
export function deleteSnapshot(
  tagOrHash: string,
  options: ApiOptions & { includeResources?: boolean } = {},
): Promise<string> {
  return withApiWorkspace(options, "deleteSnapshot()", (ws) => deleteWorkspaceSnapshot(ws, tagOrHash, options));
}
