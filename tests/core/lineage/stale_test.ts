/**
 * Tests of core/lineage/stale.ts: the pipeline planned from lineage records
 * alone — which step reads what another wrote, the order, and why a step is
 * stale (content versions, a newer certificate when versions are unknown, a
 * parameters file, an upstream step), and the steps a target needs.
 */
import assert from "node:assert/strict";
import {
  dependencies,
  orderSteps,
  type PipelineFacts,
  type PipelineStep,
  pipelineSteps,
  reasonText,
  selectSteps,
  staleStatus,
} from "../../../core/lineage/stale.ts";
import type { Certificate, ResourceCert, ResourceRef, StepLineage } from "../../../core/models/lineage.ts";

const ref = (name: string, subpath: string | null = null): ResourceRef => ({ name, subpath });
const read = (r: ResourceRef, dwsVersion?: string): ResourceCert => ({
  ref: r,
  certificate: { certType: "placeholder", version: 1, comment: "", isOutput: false, dwsVersion },
});

function step(name: string, start: string, io: { in?: ResourceCert[]; code?: ResourceCert[]; out: ResourceRef[] }) {
  const s: StepLineage = {
    type: "step",
    stepName: name,
    startTime: start,
    executionTimeSeconds: 1,
    parameters: {},
    inputResources: io.in ?? [],
    codeResources: io.code ?? [],
    outputResources: io.out.map((o) => ({ ...read(o), certificate: { ...read(o).certificate, isOutput: true } })),
    commandLine: ["true"],
    runFromDirectory: null,
  };
  return s;
}

/** prep (raw → mid:/p) → feat (mid:/p → mid:/f) → train (mid:/f, code:/t.py → results). */
function threeSteps(): PipelineStep[] {
  const prep = step("prep", "2026-01-01T00:00:01", { in: [read(ref("raw"), "r1")], out: [ref("mid", "p")] });
  const feat = step("feat", "2026-01-01T00:00:02", { in: [read(ref("mid", "p"), "p1")], out: [ref("mid", "f")] });
  const train = step("train", "2026-01-01T00:00:03", {
    in: [read(ref("mid", "f"), "f1")],
    code: [read(ref("code", "t.py"), "t1")],
    out: [ref("results")],
  });
  // Listed out of order, as a store lists them (by resource, then file order).
  return pipelineSteps([train, feat, prep].flatMap((s) => s.outputResources.map((o) => ({ ref: o.ref, lineage: s }))));
}

const facts = (versions: Record<string, string | null>, more: Partial<PipelineFacts> = {}): PipelineFacts => ({
  versions: new Map(Object.entries(versions)),
  current: () => undefined,
  params: new Map(),
  ...more,
});
const UNCHANGED = { raw: "r1", "mid:/p": "p1", "mid:/f": "f1", "code:/t.py": "t1" };
const why = (statuses: ReturnType<typeof staleStatus>) =>
  Object.fromEntries(statuses.map((s) => [s.entry.step.stepName, s.reasons.map(reasonText)]));

Deno.test("stale: dependencies and run order come from what each step reads and writes", () => {
  const steps = threeSteps();
  const deps = dependencies(steps);
  const names = (keys: Set<string>) => [...keys].map((k) => k.split("\0")[0]);
  assert.deepEqual(steps.map((s) => names(deps.get(s.key)!)), [["feat"], ["prep"], []]);
  assert.deepEqual(orderSteps(steps, deps).map((s) => s.step.stepName), ["prep", "feat", "train"]);
  // A cycle is broken at its oldest step instead of looping.
  const a = step("a", "2026-01-01T00:00:01", { in: [read(ref("x", "b"))], out: [ref("x", "a")] });
  const b = step("b", "2026-01-01T00:00:02", { in: [read(ref("x", "a"))], out: [ref("x", "b")] });
  const cyclic = pipelineSteps([b, a].map((s) => ({ ref: s.outputResources[0].ref, lineage: s })));
  assert.deepEqual(orderSteps(cyclic, dependencies(cyclic)).map((s) => s.step.stepName), ["a", "b"]);
});

Deno.test("stale: a changed input makes its step and every step after it stale; a changed script only its step", () => {
  const steps = threeSteps();
  assert.deepEqual(why(staleStatus(steps, facts(UNCHANGED))), { prep: [], feat: [], train: [] });
  assert.deepEqual(why(staleStatus(steps, facts({ ...UNCHANGED, raw: "r2" }))), {
    prep: ["input raw changed"],
    feat: ["upstream step prep is stale"],
    train: ["upstream step feat is stale"],
  });
  assert.deepEqual(why(staleStatus(steps, facts({ ...UNCHANGED, "code:/t.py": "t2", "mid:/f": null }))), {
    prep: [],
    feat: [],
    train: ["input mid:/f is missing", "code:/t.py changed"],
  });
  // Unknown current versions (a type that cannot tell) are not a change.
  assert.deepEqual(why(staleStatus(steps, facts({}))), { prep: [], feat: [], train: [] });
});

Deno.test("stale: without content versions a newer certificate is a change; a parameters file is compared", () => {
  const legacy = step("old", "2026-01-01T00:00:01", { in: [read(ref("s3"))], out: [ref("out")] });
  legacy.dwsRun = { params: { lr: 0.1 }, paramsFile: "params.json" };
  legacy.parameters = { epochs: 3, lr: 0.1 };
  const steps = pipelineSteps([{ ref: ref("out"), lineage: legacy }]);
  const newer: Certificate = { certType: "hash", hashval: "h2", comment: "" };
  assert.deepEqual(why(staleStatus(steps, facts({}, { current: () => newer }))), { old: ["input s3 changed"] });
  const params = new Map([[steps[0].key, { epochs: 5, lr: 0.1 }]]);
  assert.deepEqual(why(staleStatus(steps, facts({}, { params }))), { old: ["parameters in params.json changed"] });
  const same = new Map([[steps[0].key, { epochs: 3, lr: 0.1 }]]);
  assert.deepEqual(why(staleStatus(steps, facts({}, { params: same }))), { old: [] });
});

Deno.test("stale: targets bring in every step before them; reasons read as lines", () => {
  const steps = threeSteps();
  const names = (keys: Set<string>) => steps.filter((s) => keys.has(s.key)).map((s) => s.step.stepName).sort();
  assert.deepEqual(names(selectSteps(steps, {})), ["feat", "prep", "train"]);
  assert.deepEqual(names(selectSteps(steps, { stepNames: ["feat"] })), ["feat", "prep"]);
  assert.deepEqual(names(selectSteps(steps, { resources: ["results"] })), ["feat", "prep", "train"]);
  assert.deepEqual(names(selectSteps(steps, { resources: ["raw"] })), []);
  assert.equal(
    reasonText({ kind: "input", ref: ref("raw"), from: "a", to: "b", files: 3 }),
    "input raw changed: 3 files",
  );
  assert.equal(
    reasonText({ kind: "code", ref: ref("code", "train.py"), to: "b", files: 1 }),
    "code:/train.py changed: 1 file",
  );
});
