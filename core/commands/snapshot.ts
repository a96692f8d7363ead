/**
 * `dws snapshot`: record every resource at once (spec §4). Order: tag checks
 * and prechecks for all resources; results planned; an unchanged workspace
 * detected before anything moves; results moved (journalled); each resource
 * snapshotted; manifest, metadata and one workspace commit.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { git, gitDirOf, isTracked } from "../git/git.ts";
import { checkNoGitFat } from "../git/sync.ts";
import { CURRENT_LINEAGE_DIR, lineageForResource, LineageStore, snapshotLineage } from "../lineage/store.ts";
import { serializeExportedLineage } from "../models/lineage.ts";
import { isInside } from "../base/paths.ts";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";
import { ConfigurationError, UserAbort } from "../base/errors.ts";
import { faultPoint } from "../base/fault.ts";
import { type ManifestEntry, serializeManifest } from "../models/manifest.ts";
import { isoTimestamp, nowMicros, type SnapshotMetadata } from "../models/snapshot_metadata.ts";
import { isJsonObject } from "../models/json_shape.ts";
import { applyResultMoves, planResultsMove, resultMoves } from "../snapshot/results_move.ts";
import { isFullHash, isShortHash, validateHostname } from "../base/names.ts";
import type { JsonObject } from "../base/json_value.ts";
import { parsePythonJson } from "../base/python_json.ts";
import type { Resource, SnapshotHashes } from "../workspace/resource.ts";
import { expandTemplate, templateRegexSource } from "../snapshot/results_template.ts";
import {
  beginSnapshotJournal,
  endSnapshotJournal,
  type JournalResource,
  recoverInterruptedSnapshot,
} from "../snapshot/journal.ts";
import {
  findSnapshotByTag,
  listSnapshotHashes,
  readAllSnapshotMetadata,
  readSnapshotMetadata,
  writeManifest,
  writeSnapshotMetadata,
} from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { type ApiOptions, withApiWorkspace } from "../workspace/workspace.ts";

/** Options of {@link snapshotWorkspace}. */
export interface SnapshotOptions {
  /** A tag for the snapshot (hostname rules; must not look like a hash). */
  tag?: string;
  /** A message describing the snapshot. */
  message?: string;
}

/** What a snapshot produced. */
export interface SnapshotResult {
  /** The snapshot hash. */
  hash: string;
  /** The metadata as written. */
  metadata: SnapshotMetadata;
  /** True when the workspace matched an existing snapshot and only its tags or message changed. */
  merged: boolean;
}

function username(): string {
  try {
    return userInfo().username;
  } catch {
    return "user";
  }
}

/** Check a tag: hostname rules, not hash-like. */
export function validateTag(tag: string): void {
  validateHostname(tag, "tag");
  if (isFullHash(tag) || isShortHash(tag)) {
    throw new ConfigurationError(`Tag '${tag}' looks like a git hash. Please pick something else.`);
  }
}

function readMetrics(r: Resource): JsonObject | null | undefined {
  if (!r.localPath) return undefined;
  const file = join(r.localPath, "results.json");
  if (!existsSync(file)) return undefined;
  let data;
  try {
    data = parsePythonJson(readFileSync(file, "utf8"), file);
  } catch {
    throw new ConfigurationError(`Parse error when reading results.json in resource ${r.name}`);
  }
  return isJsonObject(data) && isJsonObject(data.metrics) ? data.metrics : undefined;
}

/**
 * Take a snapshot of the workspace. Returns its hash and metadata.
 *
 * @example
 * ```ts
 * const { hash } = await snapshotWorkspace(ws, { tag: "v1", message: "baseline" });
 * ```
 */
export async function snapshotWorkspace(ws: Workspace, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const { ctx } = ws;
  const tag = options.tag;
  const message = options.message ?? "";
  const all = readAllSnapshotMetadata(ws.dir);
  let moveTagFrom: SnapshotMetadata | undefined;
  if (tag !== undefined) {
    validateTag(tag);
    const holder = findSnapshotByTag(all, tag);
    if (holder) {
      const text = `Tag '${tag}' already exists for snapshot ${holder.hash} taken ${holder.timestamp}`;
      if (ctx.batch) throw new ConfigurationError(text);
      if (!(await ctx.prompter.confirm(`${text}. Remove this tag so we can add it to the new snapshot?`, false))) {
        throw new UserAbort();
      }
      moveTagFrom = holder;
    }
  }

  const number = listSnapshotHashes(ws.dir).length + 1;
  const now = new Date();
  const timestamp = isoTimestamp(now, nowMicros());
  const template = ws.getParam("results.dir_template") as string;
  const relDest = expandTemplate(template, {
    username: username(),
    hostname: ws.hostname(),
    timestamp: now,
    snapshotNumber: number,
    tag,
  });
  const templateRegex = templateRegexSource(template);
  const excludeFiles = ws.getParam("results.move_exclude_files") as string[];

  checkNoGitFat(ws.dir, "Workspace");
  for (const r of ws.resources) await r.snapshots?.snapshotPrecheck();
  // A stale exported lineage.json must not end up in this snapshot's hashes.
  for (const r of ws.resources) {
    if (r.params.export === true && r.localPath) await removeExportedLineage(ws, r.localPath);
  }

  // Metrics and results moves are planned before anything changes.
  let metrics: JsonObject | null = null;
  const plans: JournalResource[] = [];
  const resultsResources = ws.resources.filter((r) => r.role === "results" && r.localPath);
  for (const r of resultsResources) {
    const m = readMetrics(r);
    if (metrics === null && m) metrics = m;
    const files = planResultsMove(r.localPath!, { templateRegex, excludeFiles });
    if (files.length) {
      plans.push({
        name: r.name,
        root: r.localPath!,
        copy: r.params.export === true,
        moves: resultMoves(r.localPath!, files, relDest),
      });
    }
  }

  const hashes = new Map<string, SnapshotHashes>();
  if (plans.length === 0) {
    // Nothing to move: if no resource needs a commit either, this may be a known snapshot.
    let unchanged = true;
    for (const r of ws.resources) {
      const h = r.snapshots ? await r.snapshots.currentHashes() : { compareHash: null, restoreHash: null };
      if (!h) {
        unchanged = false;
        break;
      }
      hashes.set(r.name, h);
    }
    if (unchanged) {
      const { hash } = manifestFor(ws, hashes);
      const existing = readSnapshotMetadata(ws.dir, hash);
      if (existing) {
        await exportLineage(ws, replacePlaceholders(ws, hashes));
        return await mergeIntoExisting(ws, existing, {
          tag,
          message,
          timestamp,
          relDest,
          hashes,
          metrics,
          moveTagFrom,
        });
      }
    }
    hashes.clear();
  }

  // Journal even when no results move: a crash after the metadata is written must not leave it dangling.
  await beginSnapshotJournal(ctx, ws.dir, plans);
  try {
    for (const plan of plans) {
      applyResultMoves(plan.root, plan.moves, { copy: plan.copy });
      const verb = plan.copy ? "Copy" : "Move";
      await ws.getResource(plan.name).snapshots?.commitResults?.(`${verb} current results to ${relDest}`);
    }
    faultPoint("after-results-moved");

    for (const r of ws.resources) {
      ctx.output.info(`[snapshot] Taking snapshot of resource ${r.name}`);
      hashes.set(r.name, r.snapshots ? await r.snapshots.snapshot() : { compareHash: null, restoreHash: null });
    }
    ctx.output.info("[shapshot] all resources snapshotted successfully.");

    const { hash, content } = manifestFor(ws, hashes);
    const existing = readSnapshotMetadata(ws.dir, hash);
    if (existing) {
      await exportLineage(ws, replacePlaceholders(ws, hashes));
      return await mergeIntoExisting(ws, existing, { tag, message, timestamp, relDest, hashes, metrics, moveTagFrom });
    }
    await recordLineage(ws, { hash, hashes, relDest, moved: plans.filter((p) => !p.copy).map((p) => p.name) });
    const metadata: SnapshotMetadata = {
      hash,
      tags: tag !== undefined ? [tag] : [],
      message,
      hostname: ws.hostname(),
      timestamp,
      relativeDestinationPath: relDest,
      restoreHashes: Object.fromEntries([...hashes].map(([n, h]) => [n, h.restoreHash])),
      metrics,
    };
    if (moveTagFrom) removeTag(ws, moveTagFrom, tag!);
    writeManifest(ws.dir, hash, content);
    writeSnapshotMetadata(ws.dir, metadata);
    faultPoint("before-commit");
    await ws.save(`Completed snapshot ${hash}`);
    endSnapshotJournal(ws.dir);
    ctx.output.info(
      tag !== undefined
        ? `Have successfully taken snapshot of workspace, tagged with '${tag}', hash is ${hash}.`
        : `Have successfully taken snapshot of workspace, hash is ${hash}.`,
    );
    return { hash, metadata, merged: false };
  } catch (e) {
    // Put moved results back now rather than at the next command.
    if (plans.length) await recoverInterruptedSnapshot(ctx, ws.dir).catch(() => {});
    else endSnapshotJournal(ws.dir);
    throw e;
  }
}

/** Lineage at snapshot time (spec §8.5, §8.6). */
async function recordLineage(
  ws: Workspace,
  s: { hash: string; hashes: Map<string, SnapshotHashes>; relDest: string; moved: string[] },
): Promise<void> {
  const store = replacePlaceholders(ws, s.hashes);
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

/** The current lineage with the placeholders of hashed resources replaced (and saved). */
function replacePlaceholders(ws: Workspace, hashes: Map<string, SnapshotHashes>): LineageStore {
  const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
  const known = new Map<string, string>();
  for (const [name, h] of hashes) if (h.compareHash !== null) known.set(name, h.compareHash);
  store.replacePlaceholders(known);
  store.save();
  return store;
}

/**
 * `lineage.json` at the root of every exported resource. Also on a snapshot
 * that matches an existing one: the stale file was removed before hashing.
 */
async function exportLineage(ws: Workspace, store: LineageStore): Promise<void> {
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

async function removeExportedLineage(ws: Workspace, root: string): Promise<void> {
  const file = join(root, "lineage.json");
  if (!existsSync(file)) return;
  const repo = gitDirOf(root) ? root : isInside(root, ws.dir) ? ws.dir : undefined;
  if (repo && await isTracked(ws.ctx, repo, file)) await git(ws.ctx, repo, ["rm", "-q", "-f", "--", file]);
  else rmSync(file, { force: true });
}

function manifestFor(ws: Workspace, hashes: Map<string, SnapshotHashes>): { hash: string; content: string } {
  const entries: ManifestEntry[] = ws.resources.map((r) => ({
    ...r.params,
    hash: hashes.get(r.name)?.compareHash ?? null,
    // Sizes alone cannot tell two contents apart; the stored content's listing can.
    ...(hashes.get(r.name)?.contentHash ? { content_hash: hashes.get(r.name)!.contentHash! } : {}),
  }));
  return serializeManifest(entries);
}

function removeTag(ws: Workspace, md: SnapshotMetadata, tag: string): void {
  // Only this tag moves; the old snapshot keeps its others (1.6 dropped them all).
  writeSnapshotMetadata(ws.dir, { ...md, tags: md.tags.filter((t) => t !== tag) });
}

interface MergeInput {
  tag?: string;
  message: string;
  timestamp: string;
  relDest: string;
  hashes: Map<string, SnapshotHashes>;
  metrics: JsonObject | null;
  moveTagFrom?: SnapshotMetadata;
}

async function mergeIntoExisting(ws: Workspace, old: SnapshotMetadata, input: MergeInput): Promise<SnapshotResult> {
  const { ctx } = ws;
  const tags = [...old.tags];
  if (input.tag !== undefined && !tags.includes(input.tag)) tags.push(input.tag);
  let message = old.message;
  if (!ctx.batch && input.message && input.message !== old.message) {
    if (
      await ctx.prompter.confirm(
        `A snapshot with this hash already exists. Do you want to update the message from '${old.message}' to '${input.message}'?`,
        false,
      )
    ) message = input.message;
  }
  if (tags.length === old.tags.length && message === old.message) {
    throw new ConfigurationError("No differences from previous snapshot, doing nothing.");
  }
  ctx.output.info(`Snapshot ${old.hash} already exists, updating metadata...`);
  const metadata: SnapshotMetadata = {
    ...old,
    tags,
    message,
    hostname: ws.hostname(),
    // Nothing moved this time: the results (and their metrics) are still those of the old snapshot.
    relativeDestinationPath: old.relativeDestinationPath,
    restoreHashes: Object.fromEntries([...input.hashes].map(([n, h]) => [n, h.restoreHash])),
    metrics: old.metrics ?? input.metrics,
    updatedTimestamp: input.timestamp,
  };
  if (input.moveTagFrom && input.moveTagFrom.hash !== old.hash) removeTag(ws, input.moveTagFrom, input.tag!);
  writeSnapshotMetadata(ws.dir, metadata);
  await ws.save(`Completed snapshot ${old.hash}`);
  endSnapshotJournal(ws.dir);
  ctx.output.info(
    input.tag !== undefined
      ? `Have successfully taken snapshot of workspace, tagged with '${input.tag}', hash is ${old.hash}.`
      : `Have successfully taken snapshot of workspace, hash is ${old.hash}.`,
  );
  return { hash: old.hash, metadata, merged: true };
}

/**
 * Take a snapshot; returns its hash.
 *
 * @example
 * ```ts
 * const hash = await takeSnapshot({ workspaceDir: "/ws", tag: "v1", message: "baseline" });
 * ```
 */
export async function takeSnapshot(options: ApiOptions & { tag?: string; message?: string } = {}): Promise<string> {
  const r = await withApiWorkspace(options, "takeSnapshot()", (ws) => snapshotWorkspace(ws, options));
  return r.hash;
}
