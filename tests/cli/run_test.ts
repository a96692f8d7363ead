/**
 * `dws run` through the real command line (README §3; core/commands/run.ts): the
 * two-step pipeline of 1.6's lineage tests with plain shell scripts recorded
 * as steps, snapshot lineage, exit-code pass-through and abort on failure.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, readJson, type Sandbox, sandbox } from "../test_utils.ts";

const LINEAGE = ".dataworkspace/current_lineage";

/** source-data/data.csv × $1 → intermediate-data/s1/data.csv */
const STEP1 = `set -e
mkdir -p intermediate-data/s1
awk -v m="$1" '{ print $1 * m }' source-data/data.csv > intermediate-data/s1/data.csv
echo "step1 done"
`;
/** intermediate-data/s1 → results/results.json */
const STEP2 = `set -e
total=$(awk '{ s += $1 } END { print s }' intermediate-data/s1/data.csv)
printf '{"metrics": {"total": %s}}' "$total" > results/results.json
`;

async function pipelineWorkspace(sb: Sandbox): Promise<string> {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "source-data,intermediate-data,code,results"]);
  writeFileSync(join(ws, "source-data", "data.csv"), "1\n2\n3\n");
  writeFileSync(join(ws, "code", "step1.sh"), STEP1);
  writeFileSync(join(ws, "code", "step2.sh"), STEP2);
  return ws;
}

// deno-lint-ignore no-explicit-any
type Json = any;
const lineageFile = (ws: string, r: string): Json => readJson(join(ws, LINEAGE, `${r}.json`));
const read = (p: string) => readFileSync(p, "utf8");

Deno.test("dws run: the two-step pipeline is recorded step by step and snapshotted", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  const r1 = await dwsOk(sb, [
    "run",
    "--input",
    "source-data/data.csv",
    "--output",
    "intermediate-data/s1",
    "--param",
    "multiplier=2",
    "--param",
    "label=first run",
    "--param",
    "layers=[2, 3]",
    "--",
    "sh",
    "code/step1.sh",
    "2",
  ], { cwd: ws });
  assert.equal(r1.stdout, "step1 done\nStep step1 completed; recorded the lineage of intermediate-data:/s1\n");
  assert.equal(read(join(ws, "intermediate-data", "s1", "data.csv")), "2\n4\n6\n");
  const step1 = lineageFile(ws, "intermediate-data").lineages[0];
  assert.equal(step1.step_name, "step1");
  assert.deepEqual(step1.parameters, { multiplier: 2, label: "first run", layers: [2, 3] });
  assert.deepEqual(step1.command_line, ["sh", "code/step1.sh", "2"]);
  assert.equal(typeof step1.execution_time_seconds, "number");
  assert.ok(step1.execution_time_seconds >= 0);
  assert.equal(step1.run_from_directory, null);
  assert.deepEqual(step1.input_resources.map((c: Json) => [c.resource_name, c.subpath, c.certificate.cert_type]), [
    ["source-data", "data.csv", "placeholder"],
  ]);
  assert.deepEqual(step1.code_resources.map((c: Json) => [c.resource_name, c.subpath]), [["code", "step1.sh"]]);
  assert.deepEqual(step1.output_resources.map((c: Json) => [c.subpath, c.certificate.is_output]), [["s1", true]]);
  assert.equal(lineageFile(ws, "source-data").lineages[0].type, "source_data");
  assert.equal(lineageFile(ws, "code").lineages[0].type, "code");

  await dwsOk(sb, ["run", "--input", "intermediate-data/s1", "--output", "results", "--", "sh", "code/step2.sh"], {
    cwd: ws,
  });
  const step2 = lineageFile(ws, "results").lineages[0];
  assert.equal(step2.step_name, "step2");
  assert.deepEqual(step2.parameters, {});
  assert.deepEqual(step2.input_resources, step1.output_resources);

  const snap = await dwsOk(sb, ["snapshot", "S1"], { cwd: ws });
  assert.match(snap.stdout, /^Wrote lineage for results to lineage\.json$/m);
  const exported = readJson(join(ws, "results", "snapshots", "testhost-S1", "lineage.json")) as Json;
  assert.equal(exported.complete, true);
  assert.deepEqual(exported.lineages.map((l: Json) => l.step_name ?? `${l.type}:${l.subpath}`), [
    "step2",
    "step1",
    "code:step2.sh",
    "source_data:data.csv",
    "code:step1.sh",
  ]);
  assert.deepEqual(readJson(join(ws, "results", "snapshots", "testhost-S1", "results.json")), {
    metrics: { total: 12 },
  });
});

Deno.test("dws run: a failing command aborts the step and its exit code (or signal) is passed through", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  const step1 = ["run", "--input", "source-data/data.csv", "--output", "intermediate-data/s1", "--"];
  await dwsOk(sb, [...step1, "sh", "code/step1.sh", "2"], { cwd: ws });
  const inputs = read(join(ws, LINEAGE, "source-data.json"));

  const failed = await dws(sb, [...step1, "sh", "-c", "echo partial; exit 7"], { cwd: ws });
  assert.equal(failed.code, 7);
  assert.equal(failed.stdout, "partial\n");
  assert.equal(
    failed.stderr,
    "Step sh failed: 'sh -c echo partial; exit 7' exited with code 7; the lineage of its outputs is now unknown\n",
  );
  assert.equal(existsSync(join(ws, LINEAGE, "intermediate-data.json")), false, "s1's lineage is unknown");
  assert.equal(read(join(ws, LINEAGE, "source-data.json")), inputs, "input placeholders remain");

  await dwsOk(sb, [...step1, "sh", "code/step1.sh", "3"], { cwd: ws });
  const killed = await dws(sb, [
    "run",
    "--step-name",
    "killed",
    "--output",
    "intermediate-data/s1",
    "--",
    "sh",
    "-c",
    "kill -TERM $$",
  ], {
    cwd: ws,
  });
  assert.equal(killed.code, 143);
  assert.match(killed.stderr, /^Step killed failed: 'sh -c kill -TERM \$\$' was killed by SIGTERM; /);
  assert.equal(existsSync(join(ws, LINEAGE, "intermediate-data.json")), false);
});

Deno.test("dws run: commands that cannot run and bad arguments change no lineage", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  await dwsOk(sb, [
    "run",
    "--input",
    "source-data/data.csv",
    "--output",
    "intermediate-data/s1",
    "--",
    "sh",
    "code/step1.sh",
    "2",
  ], {
    cwd: ws,
  });
  const before = read(join(ws, LINEAGE, "intermediate-data.json"));

  const missing = await dws(sb, ["run", "--output", "intermediate-data/s1", "--", "no-such-command-xyz"], { cwd: ws });
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    "Configuration error: 'no-such-command-xyz' was not found on the PATH (or is not a file)\n",
  );

  const outside = await dws(sb, ["run", "--output", join(sb.dir, "elsewhere"), "--", "sh", "-c", "touch marker"], {
    cwd: ws,
  });
  assert.equal(outside.code, 1);
  assert.match(outside.stderr, /elsewhere is not inside any resource of the workspace/);
  assert.equal(existsSync(join(ws, "marker")), false, "the command did not run");

  const badParam = await dws(sb, ["run", "--param", "novalue", "--", "true"], { cwd: ws });
  assert.equal(badParam.code, 2);
  assert.equal(badParam.stderr, "error: --param expects NAME=VALUE, got 'novalue'\n");
  const noDashes = await dws(sb, ["run", "sh", "code/step1.sh", "--fast"], { cwd: ws });
  assert.equal(noDashes.code, 2, "options of the command need -- before it");
  assert.equal(
    noDashes.stderr,
    "error: put -- before the command, so its options are not taken for dws's: dws run [OPTIONS] -- sh code/step1.sh --fast\n",
  );
  const stolen = await dws(sb, ["run", "--input", "source-data", "sh", "x.sh", "--output", "results"], { cwd: ws });
  assert.equal(stolen.code, 2, "dws's own options after the command are ambiguous too");
  assert.match(stolen.stderr, /^error: put -- before the command/);
  const noCommand = await dws(sb, ["run", "--output", "intermediate-data/s1"], { cwd: ws });
  assert.equal(noCommand.code, 2);

  assert.equal(read(join(ws, LINEAGE, "intermediate-data.json")), before);
  assert.equal(existsSync(join(ws, LINEAGE, "results.json")), false);
});

Deno.test("dws run: --workspace-dir, --code, --step-name, run-from directory, no outputs", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  // From outside the workspace: paths are relative to the current directory.
  const copy = "mkdir -p ws/intermediate-data/s2 && cp ws/source-data/data.csv ws/intermediate-data/s2/";
  await dwsOk(sb, [
    "run",
    "--workspace-dir",
    "ws",
    "--step-name",
    "copy-data",
    "--code",
    "ws/code/step1.sh",
    "--input",
    "ws/source-data",
    "--output",
    "ws/intermediate-data/s2",
    "--",
    "sh",
    "-c",
    copy,
  ], { cwd: sb.dir });
  const step = lineageFile(ws, "intermediate-data").lineages[0];
  assert.equal(step.step_name, "copy-data");
  assert.deepEqual(step.command_line, ["sh", "-c", copy]);
  assert.deepEqual(step.input_resources.map((c: Json) => [c.resource_name, c.subpath]), [["source-data", null]]);
  assert.deepEqual(step.code_resources.map((c: Json) => c.resource_name), ["code"]);

  // Run from inside a resource: recorded as [name, subpath]; a script outside code resources is not code.
  mkdirSync(join(ws, "intermediate-data", "tools"));
  writeFileSync(join(ws, "intermediate-data", "tools", "make.sh"), "mkdir -p ../s3 && echo x > ../s3/x\n");
  await dwsOk(sb, ["run", "--output", "../s3", "--", "sh", "make.sh"], { cwd: join(ws, "intermediate-data", "tools") });
  const s3 = lineageFile(ws, "intermediate-data").lineages.find((l: Json) => l.step_name === "make");
  assert.deepEqual(s3.run_from_directory, ["intermediate-data", "tools"]);
  assert.deepEqual(s3.code_resources, []);
  assert.deepEqual(s3.input_resources, []);

  const none = await dwsOk(sb, ["run", "--", "sh", "-c", "echo hello"], { cwd: ws });
  assert.equal(none.stdout, "hello\n");
  assert.equal(none.stderr, "WARNING: step sh has no outputs (see --output); no lineage was recorded\n");
});

Deno.test("dws run as users type it: resource names and RESOURCE:SUBPATH, --params-file, the results.json hint", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  const raw = join(sb.dir, "raw");
  mkdirSync(raw);
  writeFileSync(join(raw, "a.csv"), "1\n2\n");
  writeFileSync(join(raw, "b.csv"), "3\n");
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "raw", raw], { cwd: ws });
  writeFileSync(join(ws, "params.json"), JSON.stringify({ lr: 0.1, layers: [64, 10], name: "base" }));
  // No "metrics" key: the step is recorded, with a one-line hint on where metrics go.
  const r = await dwsOk(sb, [
    ...["run", "--input", "raw", "--input", "source-data:data.csv", "--output", "results"],
    ...["--params-file", "params.json", "--param", "lr=0.01", "--"],
    ...["sh", "-c", `cat ${raw}/a.csv > /dev/null; echo '{"accuracy": 0.5}' > results/results.json`],
  ], { cwd: ws });
  assert.equal(
    r.stderr,
    `Note: ${join(ws, "results", "results.json")} has no "metrics" key; history and reports read metrics from ` +
      `{"metrics": {"accuracy": 0.9, ...}} (see "results.json" in the README)\n`,
  );
  assert.equal(r.stdout, "Step sh completed; recorded the lineage of results\n");
  const step = lineageFile(ws, "results").lineages[0];
  assert.deepEqual(step.input_resources.map((c: Json) => [c.resource_name, c.subpath]), [
    ["raw", null],
    ["source-data", "data.csv"],
  ]);
  assert.deepEqual(step.parameters, { lr: 0.01, layers: [64, 10], name: "base" });
  assert.deepEqual(step.dws_run, { params: { lr: 0.01 }, params_file: "params.json" });

  // With "metrics", no hint; a name that is neither a resource nor a path inside one says what it may be.
  const ok = await dwsOk(sb, [
    "run",
    "--output",
    "results",
    "--",
    "sh",
    "-c",
    `echo '{"metrics": {}}' > results/results.json`,
  ], {
    cwd: ws,
  });
  assert.equal(ok.stderr, "");
  const unknown = await dws(sb, ["run", "--input", "nope", "--", "true"], { cwd: ws });
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /nope is not inside any resource of the workspace .*; name a resource \(source-data, intermediate-data, code, results, raw\), RESOURCE:SUBPATH, or a path inside one\n$/,
  );
  const missingSub = await dws(sb, ["run", "--input", "raw:c.csv", "--", "true"], { cwd: ws });
  assert.match(missingSub.stderr, /raw:\/c\.csv does not exist in /);
  const badFile = await dws(sb, ["run", "--params-file", "code/step1.sh", "--", "true"], { cwd: ws });
  assert.match(badFile.stderr, /The parameters file .*step1\.sh is not valid JSON\n$/);
});
