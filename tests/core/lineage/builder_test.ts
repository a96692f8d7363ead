/**
 * Tests of core/lineage/builder.ts end to end (spec §8.3-§8.6, §5 step 7; 1.6's
 * test_lineage.py): a two-step pipeline written as Deno scripts in the
 * workspace's `code/` folder, run as subprocesses (source-data →
 * intermediate-data:/s1 → results), snapshots S1 and S2, restore of S1,
 * a failing step, results.json; plus the builder's checks, called in process.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigurationError,
  LineageConflictError,
  LineageConsistencyError,
  PathNotAResourceError,
} from "../../../core/base/errors.ts";
import { memoryOutput } from "../../../core/base/output.ts";
import { LineageBuilder } from "../../../mod.ts";
import { dwsOk, initWorkspace, readJson, ROOT, run, type Sandbox, sandbox } from "../../test_utils.ts";
import { manifest, snapshotHash } from "../../cli/snapshot_helpers.ts";

const MOD_URL = pathToFileURL(join(ROOT, "mod.ts")).href;
const LINEAGE = ".dataworkspace/current_lineage";
const SNAPSHOT_LINEAGE = ".dataworkspace/snapshot_lineage";

/** Step 1: source-data/data.csv × multiplier → intermediate-data/s1/data.csv (`--fail` throws after writing). */
const STEP1 = `import { LineageBuilder } from "${MOD_URL}";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
const args = process.argv.slice(2);
const multiplier = args.includes("--multiplier") ? Number(args[args.indexOf("--multiplier") + 1]) : 1;
await new LineageBuilder().asScriptStep().withParameters({ multiplier }).withInputPath("source-data/data.csv")
  .run((lineage) => {
    const rows = readFileSync("source-data/data.csv", "utf8").trim().split("\\n").map(Number);
    mkdirSync("intermediate-data/s1", { recursive: true });
    writeFileSync("intermediate-data/s1/data.csv", rows.map((r) => r * multiplier).join("\\n") + "\\n");
    lineage.addOutputPath("intermediate-data/s1");
    if (args.includes("--fail")) throw new Error("step1 failed on purpose");
  });
`;

/** Step 2: intermediate-data/s1 → results/results.json (a results step). */
const STEP2 = `import { LineageBuilder } from "${MOD_URL}";
import { readFileSync } from "node:fs";
await new LineageBuilder().asScriptStep().withParameters({ threshold: 0.5, mode: "sum" })
  .withInputPath("intermediate-data/s1").asResultsStep("results", "two-step test")
  .run(async (lineage) => {
    const rows = readFileSync("intermediate-data/s1/data.csv", "utf8").trim().split("\\n").map(Number);
    await lineage.writeResults({ total: rows.reduce((a, b) => a + b, 0), count: rows.length, cm: { a: 1, b: 2 } });
  });
`;

/** A workspace with the four role folders, data and both step scripts in code/. */
async function pipelineWorkspace(sb: Sandbox): Promise<string> {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "source-data,intermediate-data,code,results"]);
  writeFileSync(join(ws, "source-data", "data.csv"), "1\n2\n3\n");
  writeFileSync(join(ws, "code", "step1.ts"), STEP1);
  writeFileSync(join(ws, "code", "step2.ts"), STEP2);
  return ws;
}

/** Run a step script with the sandbox's environment, in the workspace. */
function step(sb: Sandbox, ws: string, script: string, ...args: string[]) {
  return run(sb, [Deno.execPath(), "run", "--quiet", "-A", `code/${script}`, ...args], {
    cwd: ws,
    allowFailure: true,
  });
}

async function stepOk(sb: Sandbox, ws: string, script: string, ...args: string[]) {
  const r = await step(sb, ws, script, ...args);
  assert.equal(r.code, 0, `${script} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

// deno-lint-ignore no-explicit-any
type Json = any;
const lineageFile = (ws: string, r: string): Json => readJson(join(ws, LINEAGE, `${r}.json`));
const certTypes = (c: Json[]) => c.map((x) => x.certificate.cert_type);
const PLACEHOLDER_COMMENT = /^Step step1 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;

Deno.test("lineage e2e: two-step pipeline, snapshots S1 and S2, restore of S1 brings back data and lineage", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);

  // Step 1: input and code placeholders are stored at once, the step under its output.
  await stepOk(sb, ws, "step1.ts", "--multiplier", "2");
  const sd = lineageFile(ws, "source-data");
  assert.equal(sd.resource_name, "source-data");
  assert.equal(sd.lineages.length, 1);
  assert.deepEqual(Object.keys(sd.lineages[0]), ["resource_name", "subpath", "certificate", "type"]);
  assert.equal(sd.lineages[0].type, "source_data");
  assert.equal(sd.lineages[0].subpath, "data.csv");
  // dws_version (ignored by 1.6): the content hash of the data the step read.
  assert.deepEqual(Object.keys(sd.lineages[0].certificate), [
    "cert_type",
    "version",
    "comment",
    "is_output",
    "dws_version",
  ]);
  assert.equal(sd.lineages[0].certificate.version, 1);
  assert.equal(sd.lineages[0].certificate.is_output, false);
  assert.match(sd.lineages[0].certificate.comment, PLACEHOLDER_COMMENT);
  // The script itself is the code (not the whole code resource, as 1.6 records).
  assert.deepEqual(lineageFile(ws, "code").lineages.map((l: Json) => [l.type, l.subpath]), [["code", "step1.ts"]]);
  const inter = lineageFile(ws, "intermediate-data");
  assert.equal(inter.lineages.length, 1);
  const step1 = inter.lineages[0];
  assert.deepEqual(Object.keys(step1), [
    "type",
    "step_name",
    "start_time",
    "execution_time_seconds",
    "parameters",
    "input_resources",
    "code_resources",
    "output_resources",
    "command_line",
    "run_from_directory",
    "dws_cwd",
  ]);
  assert.equal(step1.step_name, "step1");
  assert.deepEqual(step1.parameters, { multiplier: 2 });
  assert.equal(typeof step1.execution_time_seconds, "number");
  // The command that runs the script again: Deno's granted permissions are written as flags.
  assert.deepEqual(step1.command_line, [
    Deno.execPath(),
    "run",
    "-A",
    join(ws, "code", "step1.ts"),
    "--multiplier",
    "2",
  ]);
  assert.equal(step1.run_from_directory, null);
  assert.equal(step1.dws_cwd, ".");
  assert.deepEqual(step1.input_resources, [sd.lineages[0]].map(({ type: _t, ...c }: Json) => c));
  assert.deepEqual(step1.output_resources.map((c: Json) => [c.resource_name, c.subpath, c.certificate.is_output]), [
    ["intermediate-data", "s1", true],
  ]);
  assert.equal(existsSync(join(ws, LINEAGE, "results.json")), false);

  // Step 2: a results step; its input cert is step 1's output cert.
  const r2 = await stepOk(sb, ws, "step2.ts");
  assert.equal(r2.stdout, "Wrote results to results:results.json\n");
  const results = readJson(join(ws, "results", "results.json")) as Json;
  assert.deepEqual(Object.keys(results), [
    "step",
    "start_time",
    "execution_time_seconds",
    "parameters",
    "run_description",
    "metrics",
  ]);
  assert.equal(results.step, "step2");
  assert.match(results.start_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  assert.equal(typeof results.execution_time_seconds, "number");
  assert.deepEqual(results.parameters, { threshold: 0.5, mode: "sum" });
  assert.equal(results.run_description, "two-step test");
  assert.deepEqual(results.metrics, { total: 12, count: 3, cm: { a: 1, b: 2 } });
  const step2 = lineageFile(ws, "results").lineages[0];
  assert.equal(step2.step_name, "step2");
  assert.equal(step2.start_time, results.start_time);
  assert.deepEqual(step2.input_resources, step1.output_resources);
  assert.deepEqual(step2.output_resources.map((c: Json) => [c.resource_name, c.subpath]), [["results", null]]);

  // Snapshot S1: placeholders become hashes; results' lineage.json has the whole pipeline.
  const s1 = await dwsOk(sb, ["snapshot", "S1"], { cwd: ws });
  assert.match(s1.stdout, /^Wrote lineage for results to lineage\.json$/m);
  const h1 = snapshotHash(s1);
  const hashes = Object.fromEntries(manifest(ws, h1).map((e: Json) => [e.name, e.hash]));
  const exported = readJson(join(ws, "results", "snapshots", "testhost-S1", "lineage.json")) as Json;
  assert.deepEqual(Object.keys(exported), ["resource_name", "complete", "lineages"]);
  assert.equal(exported.resource_name, "results");
  assert.equal(exported.complete, true);
  // Each step's script is its code: step2's, then step1's input and code.
  assert.deepEqual(exported.lineages.map((l: Json) => l.step_name ?? `${l.type}:${l.subpath}`), [
    "step2",
    "step1",
    "code:step2.ts",
    "source_data:data.csv",
    "code:step1.ts",
  ]);
  for (const l of exported.lineages) {
    const certs = l.type === "step" ? [...l.input_resources, ...l.code_resources, ...l.output_resources] : [l];
    for (const c of certs) {
      assert.equal(c.certificate.cert_type, "hash");
      assert.equal(c.certificate.hashval, hashes[c.resource_name], c.resource_name);
    }
  }
  assert.deepEqual(readJson(join(ws, "results", "snapshots", "testhost-S1", "results.json")), results);
  assert.deepEqual(Deno.readDirSync(join(ws, SNAPSHOT_LINEAGE, h1)).map((e) => e.name).toArray().sort(), [
    "code.json",
    "intermediate-data.json",
    "results.json",
    "source-data.json",
  ]);
  assert.deepEqual(certTypes(lineageFile(ws, "intermediate-data").lineages[0].output_resources), ["hash"]);
  assert.equal(existsSync(join(ws, LINEAGE, "results.json")), false, "moved results start afresh");
  const s1Lineage = (r: string) => readFileSync(join(ws, SNAPSHOT_LINEAGE, h1, `${r}.json`), "utf8");
  assert.equal(s1Lineage("intermediate-data"), readFileSync(join(ws, LINEAGE, "intermediate-data.json"), "utf8"));
  assert.equal(JSON.parse(s1Lineage("results")).lineages[0].step_name, "step2");
  const git = await run(sb, ["git", "status", "--porcelain"], { cwd: ws });
  assert.equal(git.stdout, "", "the snapshot commits everything, lineage included");

  // A new parameter: step 1's output gets a fresh placeholder (the stored cert is a hash).
  await stepOk(sb, ws, "step1.ts", "--multiplier", "5");
  const rerun = lineageFile(ws, "intermediate-data").lineages[0];
  assert.deepEqual(rerun.parameters, { multiplier: 5 });
  assert.deepEqual(rerun.output_resources[0].certificate.version, 1);
  assert.equal(rerun.input_resources[0].certificate.cert_type, "hash", "unchanged inputs keep their hash");
  await stepOk(sb, ws, "step2.ts");
  const s2 = await dwsOk(sb, ["snapshot", "S2"], { cwd: ws });
  const h2 = snapshotHash(s2);
  assert.notEqual(h2, h1);
  const exported2 = readJson(join(ws, "results", "snapshots", "testhost-S2", "lineage.json")) as Json;
  assert.deepEqual(exported2.lineages[1].parameters, { multiplier: 5 });
  assert.equal(readText(join(ws, "intermediate-data", "s1", "data.csv")), "5\n10\n15\n");

  // Restore S1: the intermediate data and the lineage of every restored resource come back.
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
  assert.equal(readText(join(ws, "intermediate-data", "s1", "data.csv")), "2\n4\n6\n");
  for (const r of ["source-data", "intermediate-data", "code"]) {
    assert.equal(readText(join(ws, LINEAGE, `${r}.json`)), s1Lineage(r), r);
  }
  assert.deepEqual(lineageFile(ws, "intermediate-data").lineages[0].parameters, { multiplier: 2 });
  assert.equal(existsSync(join(ws, LINEAGE, "results.json")), false, "results are not restored");
  assert.ok(existsSync(join(ws, "results", "snapshots", "testhost-S2", "lineage.json")));
});

function readText(path: string): string {
  return readFileSync(path, "utf8");
}

Deno.test("lineage e2e: a failing step leaves its outputs' lineage unknown; its input placeholders remain", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  // A first run that fails: inputs are recorded, the output never was.
  const first = await step(sb, ws, "step1.ts", "--fail");
  assert.notEqual(first.code, 0);
  assert.match(first.stderr, /step1 failed on purpose/);
  assert.equal(lineageFile(ws, "source-data").lineages[0].certificate.cert_type, "placeholder");
  assert.equal(lineageFile(ws, "code").lineages[0].type, "code");
  assert.equal(existsSync(join(ws, LINEAGE, "intermediate-data.json")), false);

  // Both steps run, then step 1 fails: s1's lineage is gone again, the inputs' placeholders stay.
  await stepOk(sb, ws, "step1.ts");
  assert.equal(lineageFile(ws, "intermediate-data").lineages.length, 1);
  await stepOk(sb, ws, "step2.ts");
  const inputs = readText(join(ws, LINEAGE, "source-data.json"));
  assert.notEqual((await step(sb, ws, "step1.ts", "--fail")).code, 0);
  assert.equal(existsSync(join(ws, LINEAGE, "intermediate-data.json")), false, "s1 is unknown");
  assert.equal(readText(join(ws, LINEAGE, "source-data.json")), inputs);

  // The snapshot notes the gap; a missing input lineage is no conflict, so the lineage is complete (as in 1.6).
  const snap = await dwsOk(sb, ["snapshot", "S1"], { cwd: ws });
  assert.equal(snap.stderr, "WARNING: step step2 references input intermediate-data:/s1, which has no lineage\n");
  const exported = readJson(join(ws, "results", "snapshots", "testhost-S1", "lineage.json")) as Json;
  assert.deepEqual(exported.lineages.map((l: Json) => l.step_name ?? l.type), ["step2", "code"]);
  assert.equal(exported.complete, true);

  // A step reading the unknown data records it as source data with a fresh input placeholder.
  await stepOk(sb, ws, "step2.ts");
  const in2 = lineageFile(ws, "results").lineages[0].input_resources[0];
  assert.deepEqual([in2.subpath, in2.certificate.cert_type, in2.certificate.is_output], ["s1", "placeholder", false]);
  assert.deepEqual(lineageFile(ws, "intermediate-data").lineages.map((l: Json) => [l.type, l.subpath]), [
    ["source_data", "s1"],
  ]);
});

// ---------------------------------------------------------------- the builder, in process

/** A builder for the workspace `ws`, quiet. */
function builder(ws: string): LineageBuilder {
  return new LineageBuilder().withWorkspaceDirectory(ws).withContext({ output: memoryOutput() });
}

async function inProcessStep(ws: string, name: string, inputs: string[], outputs: string[]): Promise<void> {
  await builder(ws).withStepName(name).withInputPaths(inputs.map((p) => join(ws, p))).run((lineage) => {
    for (const o of outputs) lineage.addOutputPath(join(ws, o));
  });
}

Deno.test("lineage: a step whose inputs depend on two versions of one ref is a LineageConsistencyError", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  await inProcessStep(ws, "a", ["source-data/data.csv"], ["intermediate-data/s1"]);
  await inProcessStep(ws, "b", ["intermediate-data/s1"], ["intermediate-data/s2"]);
  await inProcessStep(ws, "a", ["source-data/data.csv"], ["intermediate-data/s1"]); // s1 is now version 2
  const before = readText(join(ws, LINEAGE, "intermediate-data.json"));
  await assert.rejects(
    () => inProcessStep(ws, "c", ["intermediate-data/s1", "intermediate-data/s2"], ["results"]),
    (e) =>
      e instanceof LineageConsistencyError &&
      e.message === "Step c (transitively) depends on intermediate-data:/s1 which has two versions; " +
          "re-run the steps before it first ('dws report stale' lists them)",
  );
  // Transitively: d reads s2 (made from s1 v1) and s3 (made from s1 v2).
  await inProcessStep(ws, "e", ["intermediate-data/s1"], ["intermediate-data/s3"]);
  await assert.rejects(
    () => inProcessStep(ws, "d", ["intermediate-data/s2", "intermediate-data/s3"], ["results"]),
    (e) =>
      e instanceof LineageConsistencyError &&
      /depends on intermediate-data:\/s1 which has two versions/.test(e.message),
  );
  assert.equal(existsSync(join(ws, LINEAGE, "results.json")), false);
  assert.notEqual(readText(join(ws, LINEAGE, "intermediate-data.json")), before);
  // Consistent inputs are fine.
  await inProcessStep(ws, "f", ["intermediate-data/s1", "intermediate-data/s3"], ["results"]);
});

Deno.test("lineage: builder checks — inputs required, overlapping inputs/outputs, paths outside resources, code role", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  const p = (x: string) => join(ws, x);
  await assert.rejects(() => builder(ws).withStepName("s").eval(), ConfigurationError);
  await assert.rejects(
    () => builder(ws).withStepName("s").withInputPaths([p("source-data"), p("source-data/data.csv")]).eval(),
    LineageConflictError,
  );
  await assert.rejects(
    () => builder(ws).withStepName("s").withInputPath(join(sb.dir, "elsewhere.csv")).eval(),
    PathNotAResourceError,
  );
  await assert.rejects(
    () => builder(ws).withStepName("s").withNoInputs().withCodePath(p("source-data/data.csv")).eval(),
    (e) => e instanceof ConfigurationError && /not code/.test(e.message),
  );
  await assert.rejects(() => builder(ws).withNoInputs().eval(), /no name/);
  await assert.rejects(
    () => builder(ws).withNoInputs().withStepName("s").asResultsStep(p("intermediate-data")).eval(),
    /not a results resource/,
  );

  const lineage = await builder(ws).withStepName("s").withNoInputs().withCodePath(p("code/step1.ts")).eval();
  assert.equal(lineage.step.stepName, "s");
  assert.deepEqual(lineage.step.codeResources.map((c) => c.ref), [{ name: "code", subpath: "step1.ts" }]);
  lineage.addOutputPath(p("intermediate-data/s1"));
  assert.throws(() => lineage.addOutputPath(p("intermediate-data/s1/x")), LineageConflictError);
  assert.throws(() => lineage.addOutputPath(p("intermediate-data")), LineageConflictError);
  assert.throws(() => lineage.addOutputPath(p("intermediate-data/s1")), LineageConflictError);
  await lineage.complete();

  // Rewriting an output before a snapshot bumps its placeholder version.
  const again = await builder(ws).withStepName("s").withNoInputs().eval();
  again.addOutputPath(p("intermediate-data/s1"));
  const bumped = again.step.outputResources[0].certificate;
  assert.equal(bumped.certType === "placeholder" && bumped.version, 2);
  await again.complete();
});

Deno.test("lineage: run() returns the function's value, and aborts then rethrows when it throws", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  const value = await builder(ws).withStepName("ok").withNoInputs().run((l) => {
    l.addOutputPath(join(ws, "intermediate-data", "s1"));
    return 42;
  });
  assert.equal(value, 42);
  assert.equal(lineageFile(ws, "intermediate-data").lineages[0].step_name, "ok");
  const boom = new Error("boom");
  await assert.rejects(
    () =>
      builder(ws).withStepName("bad").withNoInputs().run(async (l) => {
        l.addOutputPath(join(ws, "intermediate-data", "s1"));
        await Promise.resolve();
        throw boom;
      }),
    (e) => e === boom,
  );
  assert.equal(existsSync(join(ws, LINEAGE, "intermediate-data.json")), false);
});
