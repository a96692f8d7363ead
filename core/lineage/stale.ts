/**
 * Stale steps, from the lineage alone (no pipeline file): the steps of the
 * current lineage, which step reads what another wrote, and why a step is
 * out of date — an input or its code has another version than the one it
 * read, its parameters file changed, or a step before it is stale. Pure
 * planning: the versions of the data and the parameters files are read by
 * the caller (`pipeline.ts`).
 *
 * @module
 */
import type { JsonObject } from "../base/json_value.ts";
import {
  type Certificate,
  covers,
  formatRef,
  refKey,
  type ResourceCert,
  type ResourceRef,
  sameRef,
  sameVersion,
  type StepLineage,
} from "../models/lineage.ts";
import type { Versions } from "./versions.ts";

/** A step of the pipeline: its record and the refs it stands for now. */
export interface PipelineStep {
  /** `<name>\0<start time>`: one run of a step. */
  key: string;
  /** The record. */
  step: StepLineage;
  /** Refs whose current lineage is this step (all its outputs for a step kept in a snapshot). */
  outputs: ResourceRef[];
  /** For a results step whose results the newest snapshot moved: that snapshot (tag or short hash). */
  fromSnapshot?: string;
}

/** Why a step is stale. */
export type StaleReason =
  | {
    kind: "input" | "code";
    ref: ResourceRef;
    /** The version the step read; undefined when only the lineage says a newer one exists. */
    from?: string;
    /** The version now; null when the data is gone, undefined when it cannot be read. */
    to?: string | null;
    /** How many files changed, when known. */
    files?: number;
  }
  | { kind: "upstream"; step: string }
  | { kind: "params"; file: string };

/** A step and why it is stale (no reasons: up to date). */
export interface StepStatus {
  /** The step. */
  entry: PipelineStep;
  /** Why it must run again; empty when it is up to date. */
  reasons: StaleReason[];
}

/** What the caller found out about the data now. */
export interface PipelineFacts {
  /** Current versions of the steps' inputs and code. */
  versions: Versions;
  /** The certificate the current lineage gives a ref (for types whose version cannot be read). */
  current(ref: ResourceRef): Certificate | undefined;
  /** The parameters a `dws run` step would run with now, by step key (when it reads a parameters file). */
  params: ReadonlyMap<string, JsonObject>;
}

/** The key of one run of a step. */
export function stepKey(step: StepLineage): string {
  return `${step.stepName}\0${step.startTime}`;
}

/**
 * The steps standing for refs, once each, with the refs they stand for.
 *
 * @example
 * ```ts
 * pipelineSteps(store.entries("results").map((e) => ({ ref: e.cert.ref, lineage: e.lineage })));
 * ```
 */
export function pipelineSteps(entries: Iterable<{ ref: ResourceRef; lineage: { type: string } }>): PipelineStep[] {
  const steps = new Map<string, PipelineStep>();
  for (const { ref, lineage } of entries) {
    if (lineage.type !== "step") continue;
    const step = lineage as StepLineage;
    const key = stepKey(step);
    const known = steps.get(key) ?? { key, step, outputs: [] };
    if (!known.outputs.some((o) => sameRef(o, ref))) known.outputs.push(ref);
    steps.set(key, known);
  }
  return [...steps.values()];
}

const overlaps = (a: ResourceRef, b: ResourceRef) => sameRef(a, b) || covers(a, b) || covers(b, a);

/** For each step (by key), the steps whose outputs it reads. */
export function dependencies(steps: readonly PipelineStep[]): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const s of steps) {
    const before = new Set<string>();
    for (const input of s.step.inputResources) {
      for (const t of steps) if (t !== s && t.outputs.some((o) => overlaps(o, input.ref))) before.add(t.key);
    }
    deps.set(s.key, before);
  }
  return deps;
}

/** The steps in an order where each comes after those it reads from (oldest first among equals). */
export function orderSteps(steps: readonly PipelineStep[], deps: ReadonlyMap<string, Set<string>>): PipelineStep[] {
  const pending = [...steps].sort((a, b) => (a.step.startTime < b.step.startTime ? -1 : 1));
  const done = new Set<string>();
  const order: PipelineStep[] = [];
  while (pending.length) {
    // A cycle (which lineage allows) is broken at its oldest step.
    const i = Math.max(0, pending.findIndex((s) => [...deps.get(s.key) ?? []].every((d) => done.has(d))));
    const [next] = pending.splice(i, 1);
    done.add(next.key);
    order.push(next);
  }
  return order;
}

/** How the data behind `cert` changed since the step read it, if it did. */
function changeOf(cert: ResourceCert, kind: "input" | "code", facts: PipelineFacts): StaleReason | undefined {
  const now = facts.versions.get(refKey(cert.ref));
  const read = cert.certificate.dwsVersion;
  if (read !== undefined && now !== undefined) {
    return now === read ? undefined : { kind, ref: cert.ref, from: read, to: now };
  }
  // No content versions (lineage of 1.6, or a type that cannot tell): a newer certificate says it changed.
  const recorded = facts.current(cert.ref);
  return recorded && !sameVersion(recorded, cert.certificate) ? { kind, ref: cert.ref, to: now } : undefined;
}

function paramsChanged(s: PipelineStep, facts: PipelineFacts): StaleReason | undefined {
  const now = facts.params.get(s.key);
  const file = s.step.dwsRun?.paramsFile;
  return file && now && JSON.stringify(now) !== JSON.stringify(s.step.parameters)
    ? { kind: "params", file }
    : undefined;
}

/**
 * Every step with the reasons it is stale, in run order; a step is stale
 * when its own inputs, code or parameters changed, or a step it reads from
 * is stale.
 *
 * @example
 * ```ts
 * staleStatus(steps, facts).filter((s) => s.reasons.length).map((s) => s.entry.step.stepName);
 * ```
 */
export function staleStatus(steps: readonly PipelineStep[], facts: PipelineFacts): StepStatus[] {
  const deps = dependencies(steps);
  const statuses = new Map<string, StepStatus>();
  for (const s of orderSteps(steps, deps)) {
    const own = [
      ...s.step.inputResources.map((c) => changeOf(c, "input", facts)),
      ...s.step.codeResources.map((c) => changeOf(c, "code", facts)),
      paramsChanged(s, facts),
    ].filter((r): r is StaleReason => r !== undefined);
    const upstream = [...deps.get(s.key) ?? []].map((k) => statuses.get(k)).filter((u) => u?.reasons.length);
    const reasons = [...own, ...upstream.map((u) => ({ kind: "upstream" as const, step: u!.entry.step.stepName }))];
    statuses.set(s.key, { entry: s, reasons });
  }
  return [...statuses.values()];
}

/**
 * The keys of the steps asked for and of every step before them: those
 * standing for refs of `resources`, those named in `stepNames`, or all
 * when neither is given.
 */
export function selectSteps(
  steps: readonly PipelineStep[],
  targets: { resources?: readonly string[]; stepNames?: readonly string[] },
): Set<string> {
  const all = !targets.resources?.length && !targets.stepNames?.length;
  const deps = dependencies(steps);
  const chosen = new Set<string>();
  const add = (key: string) => {
    if (chosen.has(key)) return;
    chosen.add(key);
    for (const d of deps.get(key) ?? []) add(d);
  };
  for (const s of steps) {
    const wanted = all || targets.stepNames?.includes(s.step.stepName) ||
      s.outputs.some((o) => targets.resources?.includes(o.name));
    if (wanted) add(s.key);
  }
  return chosen;
}

/**
 * A reason as a line: `input raw changed: 3 files`, `code:/train.py
 * changed`, `upstream step prep is stale`, `parameters in params.json
 * changed`.
 */
export function reasonText(r: StaleReason): string {
  switch (r.kind) {
    case "upstream":
      return `upstream step ${r.step} is stale`;
    case "params":
      return `parameters in ${r.file} changed`;
    default: {
      const what = r.kind === "input" ? `input ${formatRef(r.ref)}` : formatRef(r.ref);
      if (r.to === null) return `${what} is missing`;
      const files = r.files === undefined ? "" : `: ${r.files} file${r.files === 1 ? "" : "s"}`;
      return `${what} changed${files}`;
    }
  }
}
