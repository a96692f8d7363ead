/**
 * Tests of core/lineage/store.ts (spec §8.2-§8.5, 1.6's test_lineage_utils.py):
 * the current-lineage store on real files — basic workflow and reload,
 * placeholder replacement at snapshot time, conflicting writes, clearing
 * ("unknown" state), snapshot/restore copies, and the breadth-first walk
 * behind `lineage.json` with its warnings.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LineageConflictError, LineagePlaceHolderError } from "../../../core/base/errors.ts";
import {
  CURRENT_LINEAGE_DIR,
  lineageForResource,
  LineageStore,
  restoreLineage,
  SNAPSHOT_LINEAGE_DIR,
  snapshotLineage,
} from "../../../core/lineage/store.ts";
import {
  type Certificate,
  type CodeLineage,
  type LineageRecord,
  parseLineageFile,
  type ResourceCert,
  type ResourceRef,
  type SourceDataLineage,
  type StepLineage,
} from "../../../core/models/lineage.ts";
import { sandbox } from "../../test_utils.ts";

const ref = (name: string, subpath: string | null = null): ResourceRef => ({ name, subpath });
const comment = (step: string) => `Step ${step} at 2026-11-25 14:50:11.767411`;
const placeholder = (version: number, isOutput: boolean, step = "step1"): Certificate => ({
  certType: "placeholder",
  version,
  comment: comment(step),
  isOutput,
});
const cert = (r: ResourceRef, c: Certificate): ResourceCert => ({ ref: r, certificate: c });
const sourceData = (r: ResourceRef, step = "step1"): SourceDataLineage => ({
  type: "source_data",
  cert: cert(r, placeholder(1, false, step)),
});
const code = (r: ResourceRef, step = "step1"): CodeLineage => ({
  type: "code",
  cert: cert(r, placeholder(1, false, step)),
});

function step(
  name: string,
  parts: { inputs?: ResourceCert[]; code?: ResourceCert[]; outputs: (ResourceRef | ResourceCert)[] },
): StepLineage {
  return {
    type: "step",
    stepName: name,
    startTime: "2026-11-25T14:50:11.767411",
    executionTimeSeconds: 1.5,
    parameters: { n: 1 },
    inputResources: parts.inputs ?? [],
    codeResources: parts.code ?? [],
    outputResources: parts.outputs.map((o) => "ref" in o ? o : cert(o, placeholder(1, true, name))),
    commandLine: ["deno", `${name}.ts`],
    runFromDirectory: null,
  };
}

const SD = ref("source-data", "data.csv");
const S1 = ref("intermediate-data", "s1");
const CODE = ref("code");
const RESULTS = ref("results");

/** The two-step pipeline of 1.6's tests: source-data → intermediate-data:/s1 → results, both steps using code. */
function pipeline(store: LineageStore) {
  const sd = sourceData(SD);
  const cd = code(CODE);
  store.putInputRecord(sd);
  store.putInputRecord(cd);
  const step1 = step("step1", { inputs: [sd.cert], code: [cd.cert], outputs: [S1] });
  store.putStep(step1);
  const step2 = step("step2", { inputs: [step1.outputResources[0]], code: [cd.cert], outputs: [RESULTS] });
  store.putStep(step2);
  return { sd, cd, step1, step2 };
}

function names(records: readonly LineageRecord[]): string[] {
  return records.map((r) => r.type === "step" ? r.stepName : r.type);
}

function withStore(fn: (store: LineageStore, dir: string, ws: string) => void): void {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  const dir = join(ws, CURRENT_LINEAGE_DIR);
  fn(LineageStore.open(dir), dir, ws);
}

Deno.test("store: basic workflow — entries are saved per resource and read back after a reload", () => {
  withStore((store, dir) => {
    const { sd, cd, step1, step2 } = pipeline(store);
    assert.equal(existsSync(dir), false, "nothing is written before save()");
    store.save();
    assert.deepEqual(readdirSync(dir).sort(), [
      "code.json",
      "intermediate-data.json",
      "results.json",
      "source-data.json",
    ]);
    const file = (n: string) => parseLineageFile(readFileSync(join(dir, `${n}.json`), "utf8"), n);
    assert.deepEqual(file("source-data"), { resourceName: "source-data", lineages: [sd] });
    assert.deepEqual(file("code"), { resourceName: "code", lineages: [cd] });
    assert.deepEqual(file("intermediate-data"), { resourceName: "intermediate-data", lineages: [step1] });
    assert.deepEqual(file("results"), { resourceName: "results", lineages: [step2] });

    const again = LineageStore.open(dir);
    assert.deepEqual(again.resourceNames(), ["code", "intermediate-data", "results", "source-data"]);
    assert.deepEqual(again.lookup(S1)?.cert, step1.outputResources[0]);
    assert.deepEqual(again.lookup(S1)?.lineage, step1);
    assert.deepEqual(again.lookup(ref("intermediate-data", "s1/part-0.csv"))?.lineage, step1, "covered refs count");
    assert.equal(again.lookup(ref("intermediate-data")), undefined, "a path says nothing about the whole resource");
    assert.equal(again.lookup(ref("intermediate-data", "s10")), undefined);
    assert.deepEqual(again.lookup(ref("code", "sub/x.ts"))?.lineage, cd);
    assert.equal(again.lookup(ref("other")), undefined);
  });
});

Deno.test("store: a step with several outputs in one resource is listed once per ref; a rerun replaces it", () => {
  withStore((store, dir) => {
    const two = step("split", { outputs: [ref("intermediate-data", "train"), ref("intermediate-data", "test")] });
    store.putStep(two);
    store.save();
    const file = parseLineageFile(readFileSync(join(dir, "intermediate-data.json"), "utf8"), "f");
    assert.deepEqual(file.lineages, [two, two]);
    const rerun = step("split2", { outputs: [ref("intermediate-data", "train")] });
    store.putStep(rerun);
    store.save();
    const again = LineageStore.open(dir);
    assert.equal((again.lookup(ref("intermediate-data", "train"))?.lineage as StepLineage).stepName, "split2");
    assert.equal((again.lookup(ref("intermediate-data", "test"))?.lineage as StepLineage).stepName, "split");
  });
});

Deno.test("store: snapshot time — every placeholder of a hashed resource becomes a hash cert with its comment", () => {
  withStore((store, dir) => {
    pipeline(store);
    store.save();
    const hashes = new Map([
      ["source-data", "1".repeat(40)],
      ["intermediate-data", "2".repeat(40)],
      ["code", "3".repeat(40)],
      ["results", "4".repeat(40)],
    ]);
    const again = LineageStore.open(dir);
    again.replacePlaceholders(hashes);
    again.save();
    const reread = LineageStore.open(dir);
    for (const n of reread.resourceNames()) {
      for (const e of reread.entries(n)) {
        const all = e.lineage.type === "step"
          ? [...e.lineage.inputResources, ...e.lineage.codeResources, ...e.lineage.outputResources]
          : e.lineage.type === "imported"
          ? []
          : [e.lineage.cert];
        for (const c of [e.cert, ...all]) {
          assert.equal(c.certificate.certType, "hash", `${n}: ${JSON.stringify(c)}`);
          assert.equal(c.certificate.certType === "hash" && c.certificate.hashval, hashes.get(c.ref.name));
          assert.match(c.certificate.comment, /^Step step[12] at 2026-11-25 14:50:11\.767411$/);
        }
      }
    }
    const step2 = reread.lookup(RESULTS)!.lineage as StepLineage;
    assert.deepEqual(step2.inputResources[0].certificate, {
      certType: "hash",
      hashval: "2".repeat(40),
      comment: comment("step1"),
    });
    assert.equal(readFileSync(join(dir, "results.json"), "utf8").includes("placeholder"), false);
  });
});

Deno.test("store: snapshot time — a step with a placeholder no hash can replace is a LineagePlaceHolderError", () => {
  withStore((store, dir) => {
    const api = sourceData(ref("api-data"));
    const sd = sourceData(SD);
    store.putInputRecord(api);
    store.putInputRecord(sd);
    store.putStep(step("train", { inputs: [api.cert, sd.cert], outputs: [S1] }));
    // A step that mentions no hashed resource is left alone.
    const other = sourceData(ref("elsewhere"), "lonely");
    store.putInputRecord(other);
    store.putStep(step("lonely", { inputs: [other.cert], outputs: [ref("scratchpad")] }));
    store.save();
    const hashes = new Map([["source-data", "1".repeat(40)], ["intermediate-data", "2".repeat(40)]]);
    assert.throws(
      () => LineageStore.open(dir).replacePlaceholders(hashes),
      (e) =>
        e instanceof LineagePlaceHolderError &&
        e.message === "Lineage step train will be included in snapshot, but has unmapped placeholders: api-data",
    );
    const withApi = new Map([...hashes, ["api-data", "5".repeat(40)]]);
    LineageStore.open(dir).replacePlaceholders(withApi);
  });
});

Deno.test("store: conflicting writes — an existing parent or child path of an output is a LineageConflictError", () => {
  withStore((store) => {
    store.putStep(step("step1", { outputs: [S1] }));
    assert.throws(
      () => store.putStep(step("deeper", { outputs: [ref("intermediate-data", "s1/part")] })),
      (e) =>
        e instanceof LineageConflictError &&
        /Step deeper writes intermediate-data:\/s1\/part, but existing lineage data for intermediate-data:\/s1 is a parent path/
          .test(e.message),
    );
    assert.throws(
      () => store.putStep(step("whole", { outputs: [ref("intermediate-data")] })),
      (e) => e instanceof LineageConflictError && /intermediate-data:\/s1 is a child path/.test(e.message),
    );
    // Nothing of a rejected step is stored, not even its other outputs.
    assert.throws(() => store.putStep(step("mixed", { outputs: [ref("other", "x"), ref("intermediate-data")] })));
    assert.equal(store.lookup(ref("other", "x")), undefined);
    // The same ref and a sibling are fine; after clearing, the child path is too.
    store.putStep(step("again", { outputs: [S1] }));
    store.putStep(step("sibling", { outputs: [ref("intermediate-data", "s10")] }));
    store.clear(S1);
    store.putStep(step("deeper", { outputs: [ref("intermediate-data", "s1/part")] }));
    assert.equal((store.lookup(ref("intermediate-data", "s1/part"))?.lineage as StepLineage).stepName, "deeper");
  });
});

Deno.test("store: clear (what an aborted step does) makes a ref and the refs it covers unknown", () => {
  withStore((store, dir) => {
    const { sd } = pipeline(store);
    store.putStep(step("more", { outputs: [ref("intermediate-data", "s2/a"), ref("intermediate-data", "s2/b")] }));
    store.putStep(step("near", { outputs: [ref("intermediate-data", "s20")] }));
    store.save();

    store.clear(ref("intermediate-data", "s2"));
    store.save();
    let again = LineageStore.open(dir);
    assert.equal(again.lookup(ref("intermediate-data", "s2/a")), undefined);
    assert.equal(again.lookup(ref("intermediate-data", "s2/b")), undefined);
    assert.ok(again.lookup(S1), "siblings keep their lineage");
    assert.ok(again.lookup(ref("intermediate-data", "s20")), "s20 is not under s2");

    store.clear(ref("intermediate-data"));
    store.save();
    assert.equal(existsSync(join(dir, "intermediate-data.json")), false, "a resource with nothing left has no file");
    again = LineageStore.open(dir);
    assert.equal(again.lookup(S1), undefined);
    assert.deepEqual(again.lookup(SD)?.lineage, sd, "inputs keep their placeholders");

    store.clearResource("results");
    store.save();
    assert.equal(existsSync(join(dir, "results.json")), false);
  });
});

Deno.test("store: snapshot and restore copies of the current lineage", () => {
  withStore((store, dir, ws) => {
    pipeline(store);
    store.save();
    const all = ["source-data", "intermediate-data", "code", "results", "extra"];
    snapshotLineage(ws, "h1", all);
    const snap = join(ws, SNAPSHOT_LINEAGE_DIR, "h1");
    assert.deepEqual(readdirSync(snap).sort(), all.map((n) => `${n}.json`).sort());
    for (const n of ["source-data", "intermediate-data", "code", "results"]) {
      assert.equal(readFileSync(join(snap, `${n}.json`), "utf8"), readFileSync(join(dir, `${n}.json`), "utf8"));
    }
    assert.equal(readFileSync(join(snap, "extra.json"), "utf8"), '{\n  "resource_name": "extra",\n  "lineages": []\n}');
    snapshotLineage(ws, "h0", []);
    assert.equal(
      readFileSync(join(ws, SNAPSHOT_LINEAGE_DIR, "h0", "placeholder.txt"), "utf8"),
      "No resources for lineage snapshot h0\n",
    );

    // Later work changes the current lineage; restoring brings back the snapshot's, file for file.
    const saved = readFileSync(join(dir, "intermediate-data.json"), "utf8");
    const next = LineageStore.open(dir);
    next.clear(S1);
    next.putStep(step("step1b", { outputs: [ref("intermediate-data", "s9")] }));
    next.save();
    writeFileSync(join(dir, "extra.json"), '{"resource_name": "extra", "lineages": []}');
    assert.equal(restoreLineage(ws, "h1", ["intermediate-data", "extra"]), true);
    assert.equal(readFileSync(join(dir, "intermediate-data.json"), "utf8"), saved);
    assert.equal(existsSync(join(dir, "extra.json")), false, "no lineage in the snapshot: none now");
    assert.ok(existsSync(join(dir, "results.json")), "resources not restored keep their lineage");
    assert.equal(restoreLineage(ws, "no-such-hash", ["intermediate-data"]), false);
    assert.equal(readFileSync(join(dir, "intermediate-data.json"), "utf8"), saved);
  });
});

Deno.test("lineageForResource: breadth first over inputs and code — step2, step1, code, source_data", () => {
  withStore((store, dir) => {
    pipeline(store);
    store.save();
    const walk = lineageForResource(LineageStore.open(dir), "results");
    assert.deepEqual(names(walk.lineages), ["step2", "step1", "code", "source_data"]);
    assert.equal(walk.warnings, 0);
    assert.deepEqual(walk.messages, []);
    assert.deepEqual(names(lineageForResource(store, "intermediate-data").lineages), ["step1", "source_data", "code"]);
    assert.deepEqual(names(lineageForResource(store, "source-data").lineages), ["source_data"]);
  });
});

Deno.test("lineageForResource: warnings for missing lineage, two versions and no lineage at all", () => {
  withStore((store) => {
    assert.deepEqual(lineageForResource(store, "results"), {
      lineages: [],
      warnings: 1,
      messages: ["WARNING: no lineage data found for resource 'results'"],
    });

    const { step1 } = pipeline(store);
    // step1 runs again after step2 read its output: results depend on an older s1.
    store.putStep(step("step1", {
      inputs: step1.inputResources,
      code: step1.codeResources,
      outputs: [cert(S1, placeholder(2, true))],
    }));
    const twoVersions = lineageForResource(store, "results");
    assert.equal(twoVersions.warnings, 1);
    assert.deepEqual(twoVersions.messages, [
      "WARNING: Resource results (transitively) depends on intermediate-data:/s1, which has two versions",
    ]);
    assert.deepEqual(names(twoVersions.lineages), ["step2", "code"]);

    // s1 unknown (its step aborted): a note, but the lineage still counts as complete.
    store.clear(S1);
    const missing = lineageForResource(store, "results");
    assert.equal(missing.warnings, 0);
    assert.deepEqual(missing.messages, [
      "WARNING: step step2 references input intermediate-data:/s1, which has no lineage",
    ]);
    assert.deepEqual(names(missing.lineages), ["step2", "code"]);
  });
});

Deno.test("store: imported lineage stands for the refs its nested steps wrote", () => {
  withStore((store, dir) => {
    const nested = [
      step("upstream", { outputs: [cert(ref("shared"), { certType: "hash", hashval: "9".repeat(40), comment: "c" })] }),
    ];
    store.putImported("shared", nested);
    store.save();
    const again = LineageStore.open(dir);
    const e = again.lookup(ref("shared", "out.csv"));
    assert.equal(e?.lineage.type, "imported");
    assert.equal(e?.cert.certificate.certType === "hash" && e.cert.certificate.hashval, "9".repeat(40));
    again.putStep(
      step("downstream", { inputs: [cert(ref("shared", "out.csv"), e!.cert.certificate)], outputs: [RESULTS] }),
    );
    const walk = lineageForResource(again, "results");
    assert.deepEqual(names(walk.lineages), ["downstream", "imported"]);
    assert.equal(walk.warnings, 0);
  });
});

Deno.test("lineageForResource: a step with outputs in two resources is listed once", () => {
  withStore((store, dir) => {
    store.putStep(step("split", { outputs: [S1, ref("results", "r")] }));
    store.save();
    const again = LineageStore.open(dir); // the step is now read from two files
    const both = [cert(S1, placeholder(1, true, "split")), cert(ref("results", "r"), placeholder(1, true, "split"))];
    again.putStep(step("join", { inputs: both, outputs: [ref("other")] }));
    assert.deepEqual(names(lineageForResource(again, "other").lineages), ["join", "split"]);
  });
});
