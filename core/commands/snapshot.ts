/**
 * `dws snapshot`: record every resource at once (spec §4). Order: tag checks
 * and prechecks for all resources; results planned; an unchanged workspace
 * detected before anything moves; results moved (journalled); each resource
 * snapshotted; manifest, metadata and one workspace commit.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { checkNoGitFat } from "../git/sync.ts";
import { exportLineage, recordLineage, removeExportedLineage, replacePlaceholders } from "../lineage/snapshot.ts";
import { userInfo } from "node:os";
import { join } from "node:path";
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
import { expandTemplate, templateProblem, templateRegexSource } from "../snapshot/results_template.ts";
import { plainNameProblem, relativePathProblem } from "../base/paths.ts";
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

/** What a snapshot is about to record, settled before anything changes. */
interface SnapshotPlan {
  tag?: string;
  message: string;
  /** The snapshot that holds the tag now and loses it (interactive only). */
  moveTagFrom?: SnapshotMetadata;
  timestamp: string;
  /** The results snapshot folder (`results.dir_template` expanded). */
  relDest: string;
  /** Metrics of the first root `results.json`. */
  metrics: JsonObject | null;
  /** Results to move into `relDest`, per results resource. */
  moves: JournalResource[];
}

/** Check the tag; a tag another snapshot holds moves only when the user says so. */
async function checkTag(ws: Workspace, tag: string | undefined): Promise<SnapshotMetadata | undefined> {
  if (tag === undefined) return undefined;
  validateTag(tag);
  const holder = findSnapshotByTag(readAllSnapshotMetadata(ws.dir), tag);
  if (!holder) return undefined;
  const text = `Tag '${tag}' already exists for snapshot ${holder.hash} taken ${holder.timestamp}`;
  if (ws.ctx.batch) throw new ConfigurationError(text);
  if (!(await ws.ctx.prompter.confirm(`${text}. Remove this tag so we can add it to the new snapshot?`, false))) {
    throw new UserAbort();
  }
  return holder;
}

/** The results moves and metrics of a snapshot into `relDest`. */
function planResults(ws: Workspace, relDest: string): { metrics: JsonObject | null; moves: JournalResource[] } {
  const template = ws.getParam("results.dir_template") as string;
  const templateRegex = templateRegexSource(template);
  const excludeFiles = ws.getParam("results.move_exclude_files") as string[];
  let metrics: JsonObject | null = null;
  const moves: JournalResource[] = [];
  for (const r of ws.resources.filter((r) => r.role === "results" && r.localPath)) {
    const m = readMetrics(r);
    if (metrics === null && m) metrics = m;
    const files = planResultsMove(r.localPath!, { templateRegex, excludeFiles });
    if (files.length) {
      moves.push({
        name: r.name,
        root: r.localPath!,
        copy: r.params.export === true,
        moves: resultMoves(r.localPath!, files, relDest),
      });
    }
  }
  return { metrics, moves };
}

/**
 * The folder this snapshot's results move to: `results.dir_template`
 * expanded. It must be new in every results resource, so that no snapshot
 * overwrites or later deletes another's results: a number taken by an
 * existing folder (after a deleted snapshot) is skipped; anything else
 * already there is refused before anything moves.
 */
function resultsDestination(ws: Workspace, options: { tag?: string; now: Date }): string {
  const template = ws.getParam("results.dir_template") as string;
  const roots = ws.resources.filter((r) => r.role === "results" && r.localPath);
  const problem = templateProblem(template);
  if (problem && roots.length) {
    throw new ConfigurationError(
      `results.dir_template ${problem}. Change it with 'dws config results.dir_template "snapshots/{HOSTNAME}-{TAG}"'`,
    );
  }
  const expand = (n: number) =>
    expandTemplate(template, {
      username: username(),
      hostname: ws.hostname(),
      timestamp: options.now,
      snapshotNumber: n,
      tag: options.tag,
    });
  for (let n = listSnapshotHashes(ws.dir).length + 1;; n++) {
    const relDest = expand(n);
    const pathProblem = relativePathProblem(relDest) ??
      relDest.split("/").map(plainNameProblem).find((p) => p !== undefined);
    if (pathProblem) {
      throw new ConfigurationError(
        `The results folder of this snapshot cannot be made: ${pathProblem}; use a shorter tag or hostname, or another results.dir_template`,
      );
    }
    const taken = roots.find((r) => existsSync(join(r.localPath!, relDest)));
    if (!taken) return relDest;
    if (expand(n + 1) === relDest) {
      throw new ConfigurationError(
        `The results folder ${relDest} already exists in resource ${taken.name}, from an earlier snapshot; ` +
          `use another tag, or a results.dir_template with {SNAPSHOT_NO}`,
      );
    }
  }
}

/** Tag, time, results folder, prechecks and plans: everything before the first change. */
async function planSnapshot(ws: Workspace, options: SnapshotOptions): Promise<SnapshotPlan> {
  const moveTagFrom = await checkTag(ws, options.tag);
  const now = new Date();
  const relDest = resultsDestination(ws, { tag: options.tag, now });
  checkNoGitFat(ws.dir, "Workspace");
  for (const r of ws.resources) await r.snapshots?.snapshotPrecheck();
  // A stale exported lineage.json must not end up in this snapshot's hashes.
  for (const r of ws.resources) {
    if (r.params.export === true && r.localPath) await removeExportedLineage(ws, r.localPath);
  }
  return {
    tag: options.tag,
    message: options.message ?? "",
    moveTagFrom,
    timestamp: isoTimestamp(now, nowMicros()),
    relDest,
    ...planResults(ws, relDest),
  };
}

/**
 * The hashes every resource would record now, when taking them changes
 * nothing (no results to move, no commit needed); undefined otherwise.
 */
async function unchangedHashes(ws: Workspace, plan: SnapshotPlan): Promise<Map<string, SnapshotHashes> | undefined> {
  if (plan.moves.length) return undefined;
  const hashes = new Map<string, SnapshotHashes>();
  for (const r of ws.resources) {
    const h = r.snapshots ? await r.snapshots.currentHashes() : NO_HASHES;
    if (!h) return undefined;
    hashes.set(r.name, h);
  }
  return hashes;
}

const NO_HASHES: SnapshotHashes = { compareHash: null, restoreHash: null };

/** Move the results (journalled by the caller) and snapshot every resource. */
async function snapshotResources(ws: Workspace, plan: SnapshotPlan): Promise<Map<string, SnapshotHashes>> {
  for (const move of plan.moves) {
    applyResultMoves(move.root, move.moves, { copy: move.copy });
    const verb = move.copy ? "Copy" : "Move";
    await ws.getResource(move.name).snapshots?.commitResults?.(`${verb} current results to ${plan.relDest}`);
  }
  faultPoint("after-results-moved");
  const hashes = new Map<string, SnapshotHashes>();
  for (const r of ws.resources) {
    ws.ctx.output.info(`[snapshot] Taking snapshot of resource ${r.name}`);
    hashes.set(r.name, r.snapshots ? await r.snapshots.snapshot() : NO_HASHES);
  }
  ws.ctx.output.info("[shapshot] all resources snapshotted successfully.");
  return hashes;
}

/** Write the manifest, metadata and lineage of a new snapshot and commit them. */
async function recordSnapshot(
  ws: Workspace,
  plan: SnapshotPlan,
  snapshot: { hash: string; content: string; hashes: Map<string, SnapshotHashes> },
): Promise<SnapshotResult> {
  const { hash, hashes } = snapshot;
  const moved = plan.moves.filter((p) => !p.copy).map((p) => p.name);
  await recordLineage(ws, { hash, hashes, relDest: plan.relDest, moved });
  const metadata: SnapshotMetadata = {
    hash,
    tags: plan.tag !== undefined ? [plan.tag] : [],
    message: plan.message,
    hostname: ws.hostname(),
    timestamp: plan.timestamp,
    relativeDestinationPath: plan.relDest,
    ...restoreHashesOf(hashes),
    metrics: plan.metrics,
  };
  if (plan.moveTagFrom) removeTag(ws, plan.moveTagFrom, plan.tag!);
  writeManifest(ws.dir, hash, snapshot.content);
  writeSnapshotMetadata(ws.dir, metadata);
  faultPoint("before-commit");
  await ws.save(`Completed snapshot ${hash}`);
  endSnapshotJournal(ws.dir);
  reportTaken(ws, plan.tag, hash);
  return { hash, metadata, merged: false };
}

/** The restore hashes of a snapshot, and those 1.6 must read instead where they differ. */
function restoreHashesOf(
  hashes: Map<string, SnapshotHashes>,
): Pick<SnapshotMetadata, "restoreHashes" | "compatRestoreHashes"> {
  const restoreHashes = Object.fromEntries([...hashes].map(([n, h]) => [n, h.restoreHash]));
  const compat = [...hashes].filter(([, h]) =>
    h.compatRestoreHash !== undefined && h.compatRestoreHash !== h.restoreHash
  );
  if (!compat.length) return { restoreHashes };
  return { restoreHashes, compatRestoreHashes: Object.fromEntries(compat.map(([n, h]) => [n, h.compatRestoreHash!])) };
}

function reportTaken(ws: Workspace, tag: string | undefined, hash: string): void {
  ws.ctx.output.info(
    tag !== undefined
      ? `Have successfully taken snapshot of workspace, tagged with '${tag}', hash is ${hash}.`
      : `Have successfully taken snapshot of workspace, hash is ${hash}.`,
  );
}

/** Record `hashes` as a new snapshot, or merge tags and message into the existing one with the same hash. */
async function completeSnapshot(
  ws: Workspace,
  plan: SnapshotPlan,
  hashes: Map<string, SnapshotHashes>,
): Promise<SnapshotResult> {
  const { hash, content } = manifestFor(ws, hashes);
  const existing = readSnapshotMetadata(ws.dir, hash);
  if (!existing) return await recordSnapshot(ws, plan, { hash, content, hashes });
  await exportLineage(ws, await replacePlaceholders(ws, hashes));
  return await mergeIntoExisting(ws, existing, plan, hashes);
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
  const plan = await planSnapshot(ws, options);
  const unchanged = await unchangedHashes(ws, plan);
  if (unchanged && readSnapshotMetadata(ws.dir, manifestFor(ws, unchanged).hash)) {
    return await completeSnapshot(ws, plan, unchanged);
  }
  // Journal even when no results move: a crash after the metadata is written must not leave it dangling.
  await beginSnapshotJournal(ws.ctx, ws.dir, plan.moves);
  try {
    return await completeSnapshot(ws, plan, await snapshotResources(ws, plan));
  } catch (e) {
    // Put moved results back and unstage what was written now rather than at the next command.
    await recoverInterruptedSnapshot(ws.ctx, ws.dir, { quiet: true }).catch(() => {});
    throw e;
  }
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

async function mergeIntoExisting(
  ws: Workspace,
  old: SnapshotMetadata,
  plan: SnapshotPlan,
  hashes: Map<string, SnapshotHashes>,
): Promise<SnapshotResult> {
  const { ctx } = ws;
  const tags = [...old.tags];
  if (plan.tag !== undefined && !tags.includes(plan.tag)) tags.push(plan.tag);
  let message = old.message;
  if (!ctx.batch && plan.message && plan.message !== old.message) {
    const question =
      `A snapshot with this hash already exists. Do you want to update the message from '${old.message}' to '${plan.message}'?`;
    if (await ctx.prompter.confirm(question, false)) message = plan.message;
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
    ...restoreHashesOf(hashes),
    metrics: old.metrics ?? plan.metrics,
    updatedTimestamp: plan.timestamp,
  };
  if (plan.moveTagFrom && plan.moveTagFrom.hash !== old.hash) removeTag(ws, plan.moveTagFrom, plan.tag!);
  writeSnapshotMetadata(ws.dir, metadata);
  await ws.save(`Completed snapshot ${old.hash}`);
  endSnapshotJournal(ws.dir);
  reportTaken(ws, plan.tag, old.hash);
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
