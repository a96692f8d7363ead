/**
 * The pipeline a workspace's lineage records, with what is true now: its
 * steps (the current lineage's, and the results steps of the newest
 * snapshot whose results that snapshot moved away), the current versions of
 * their inputs and code, the parameters files of `dws run` steps, and so
 * which steps are stale and why (the I/O around `stale.ts`).
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { ConfigurationError } from "../base/errors.ts";
import type { JsonObject } from "../base/json_value.ts";
import { isInside } from "../base/paths.ts";
import { parsePythonJson } from "../base/python_json.ts";
import { isJsonObject } from "../models/json_shape.ts";
import type { StepLineage } from "../models/lineage.ts";
import { readAllSnapshotMetadata } from "../snapshot/store.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { type PipelineStep, pipelineSteps, type StaleReason, staleStatus, type StepStatus } from "./stale.ts";
import { CURRENT_LINEAGE_DIR, LineageStore, SNAPSHOT_LINEAGE_DIR } from "./store.ts";
import { currentVersionsOf } from "./versions.ts";

/**
 * The parameters in a JSON file (an object), in file order.
 *
 * @example
 * ```ts
 * readParamsFile("params.json"); // { lr: 0.1, layers: [64, 10] }
 * ```
 */
export function readParamsFile(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigurationError((o) => `The parameters file ${path} (${o("paramsFile")}) cannot be read`);
  }
  let value;
  try {
    value = parsePythonJson(text, path);
  } catch {
    throw new ConfigurationError(`The parameters file ${path} is not valid JSON`);
  }
  if (!isJsonObject(value)) {
    throw new ConfigurationError(`The parameters file ${path} must hold a JSON object of parameters`);
  }
  return value;
}

/**
 * The folder a step ran in: its recorded folder (relative to the workspace,
 * which it may not leave, or absolute), else its run-from resource folder,
 * else the workspace.
 */
export function stepDirectory(ws: Workspace, step: StepLineage): string {
  if (step.dwsCwd !== undefined) {
    if (isAbsolute(step.dwsCwd)) return step.dwsCwd;
    const dir = join(ws.dir, step.dwsCwd);
    if (!isInside(dir, ws.dir)) {
      throw new ConfigurationError(`Step ${step.stepName} records a folder outside the workspace: ${step.dwsCwd}`);
    }
    return dir;
  }
  const from = step.runFromDirectory;
  const r = from ? ws.findResource(from.name) : undefined;
  return r?.localPath ? join(r.localPath, from!.subpath ?? "") : ws.dir;
}

/** Results steps of the newest snapshot for results resources that have no current lineage (moved). */
function movedResultsSteps(ws: Workspace, current: LineageStore): PipelineStep[] {
  const newest = readAllSnapshotMetadata(ws.dir).sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1)).at(-1);
  const dir = newest && join(ws.dir, SNAPSHOT_LINEAGE_DIR, newest.hash);
  if (!newest || !dir || !existsSync(dir)) return [];
  const snap = LineageStore.open(dir);
  const moved = ws.resources.filter((r) => r.role === "results" && current.entries(r.name).length === 0);
  const steps = pipelineSteps(moved.flatMap((r) => snap.entries(r.name).map((e) => ({ ...e, ref: e.cert.ref }))));
  const label = newest.tags[0] ?? newest.hash.slice(0, 7);
  return steps.map((s) => ({ ...s, outputs: s.step.outputResources.map((o) => o.ref), fromSnapshot: label }));
}

/**
 * The steps of the workspace's pipeline.
 *
 * @example
 * ```ts
 * (await loadPipeline(ws)).map((s) => s.step.stepName); // ["prep", "features", "train"]
 * ```
 */
export function loadPipeline(ws: Workspace): PipelineStep[] {
  const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
  const entries = store.resourceNames().flatMap((n) => store.entries(n).map((e) => ({ ...e, ref: e.cert.ref })));
  const steps = pipelineSteps(entries);
  const known = new Set(steps.map((s) => s.key));
  return [...steps, ...movedResultsSteps(ws, store).filter((s) => !known.has(s.key))];
}

/** What a `dws run` step reading a parameters file would run with now (unreadable files are left out). */
function paramsNow(ws: Workspace, steps: readonly PipelineStep[]): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const s of steps) {
    const run = s.step.dwsRun;
    if (!run?.paramsFile) continue;
    try {
      out.set(s.key, { ...readParamsFile(join(stepDirectory(ws, s.step), run.paramsFile)), ...run.params });
    } catch {
      // Re-running it says what is wrong with the file.
    }
  }
  return out;
}

/** Fill in how many files each changed input or code has, where its resource can tell. */
async function countChanges(ws: Workspace, statuses: readonly StepStatus[]): Promise<void> {
  for (const r of statuses.flatMap((s) => s.reasons)) {
    if ((r.kind !== "input" && r.kind !== "code") || !r.from || !r.to) continue;
    const resource = ws.findResource(r.ref.name);
    (r as StaleReason & { files?: number }).files = await resource?.changedFiles?.(r.ref.subpath, r.from, r.to);
  }
}

/**
 * Every step of the pipeline with the reasons it is stale (none: up to
 * date), in run order.
 *
 * @example
 * ```ts
 * const stale = (await pipelineStatus(ws)).filter((s) => s.reasons.length);
 * ```
 */
export async function pipelineStatus(ws: Workspace, steps: PipelineStep[] = loadPipeline(ws)): Promise<StepStatus[]> {
  const refs = steps.flatMap((s) => [...s.step.inputResources, ...s.step.codeResources].map((c) => c.ref));
  const versions = await currentVersionsOf(ws, refs);
  const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
  const statuses = staleStatus(steps, {
    versions,
    current: (ref) => store.lookup(ref)?.cert.certificate,
    params: paramsNow(ws, steps),
  });
  await countChanges(ws, statuses);
  return statuses;
}
