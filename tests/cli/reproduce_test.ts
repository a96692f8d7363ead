/**
 * `dws report stale`, `dws status` and `dws reproduce` through the real
 * command line (issue 15 §3): a three-step pipeline prep → features →
 * train recorded with `dws run` in a temporary workspace; a change of the
 * raw data makes all three stale and re-runs them; a change of the
 * training script only train; `--dry-run`; a failing middle step; a step
 * recorded by the kit (a Deno script) re-run like the others.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dws, dwsOk, initWorkspace, readJson, run, type Sandbox, sandbox } from "../test_utils.ts";
import { KIT_TRAIN_SCRIPT, writeIris } from "../kits/kit_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const LINEAGE = ".dataworkspace/current_lineage";

/** raw/*.csv → intermediate-data/prep/all.csv (sorted lines); appends to runs.log. */
const PREP = `set -e
echo prep >> runs.log
mkdir -p intermediate-data/prep
cat "$1"/*.csv | sort > intermediate-data/prep/all.csv
`;
/** prep → intermediate-data/features/f.csv (line count and sum). */
const FEATURES = `set -e
echo features >> runs.log
mkdir -p intermediate-data/features
[ -z "$FAIL_FEATURES" ] || exit 3
awk '{ s += $1 } END { print NR "," s }' intermediate-data/prep/all.csv > intermediate-data/features/f.csv
`;
/** features → results/results.json. */
const TRAIN = `set -e
echo train >> runs.log
sum=$(cut -d, -f2 intermediate-data/features/f.csv)
printf '{"metrics": {"sum": %s}}' "$sum" > results/results.json
`;

async function pipeline(sb: Sandbox): Promise<{ ws: string; raw: string }> {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,intermediate-data,results"]);
  writeFileSync(join(ws, ".gitignore"), "runs.log\n");
  const raw = join(sb.dir, "raw");
  mkdirSync(raw);
  for (const [f, v] of [["a.csv", "1\n2\n"], ["b.csv", "3\n"], ["c.csv", "4\n5\n"]]) writeFileSync(join(raw, f), v);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "raw", "--compute-hash", raw], {
    cwd: ws,
  });
  writeFileSync(join(ws, "code", "prep.sh"), PREP);
  writeFileSync(join(ws, "code", "features.sh"), FEATURES);
  writeFileSync(join(ws, "code", "train.sh"), TRAIN);
  const run = (...args: string[]) => dwsOk(sb, ["run", ...args], { cwd: ws });
  await run("--input", "raw", "--output", "intermediate-data:prep", "--", "sh", "code/prep.sh", raw);
  await run(
    "--input",
    "intermediate-data:prep",
    "--output",
    "intermediate-data:features",
    "--",
    "sh",
    "code/features.sh",
  );
  await run("--input", "intermediate-data:features", "--output", "results", "--", "sh", "code/train.sh");
  writeFileSync(join(ws, "runs.log"), "");
  return { ws, raw };
}

const runs = (ws: string) => readFileSync(join(ws, "runs.log"), "utf8").trim().split("\n").filter((l) => l);
const sum = (ws: string) => (readJson(join(ws, "results", "results.json")) as Json).metrics.sum;

Deno.test("reproduce: a raw data change re-runs prep, features and train in order; then all are up to date", async () => {
  using sb = sandbox();
  const { ws, raw } = await pipeline(sb);
  assert.equal(
    (await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout,
    "All 3 steps of the lineage are up to date.\n",
  );
  writeFileSync(join(raw, "b.csv"), "30\n");
  writeFileSync(join(raw, "d.csv"), "6\n");
  const stale = (await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout;
  assert.equal(
    stale,
    [
      "Stale steps (3 of 3 steps)",
      "| Step     | Writes                      | Why                             |",
      "|__________|_____________________________|_________________________________|",
      "| prep     | intermediate-data:/prep     | input raw changed: 2 files      |",
      "| features | intermediate-data:/features | upstream step prep is stale     |",
      "| train    | results                     | upstream step features is stale |",
      "Run 'dws reproduce' to run them again ('dws reproduce --dry-run' shows the plan).",
      "",
    ].join("\n"),
  );
  // dws status ends with the same table.
  assert.ok((await dwsOk(sb, ["report", "status"], { cwd: ws })).stdout.endsWith(stale));

  const r = await dwsOk(sb, ["reproduce"], { cwd: ws });
  assert.deepEqual(runs(ws), ["prep", "features", "train"]);
  assert.match(r.stdout, /^Running step prep \(input raw changed: 2 files\): sh code\/prep\.sh /m);
  assert.match(r.stdout, /^Reproduced 3 steps: prep, features, train\.$/m);
  assert.equal(sum(ws), 1 + 2 + 30 + 4 + 5 + 6);
  assert.equal(
    (await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout,
    "All 3 steps of the lineage are up to date.\n",
  );
  assert.equal(
    (await dwsOk(sb, ["reproduce"], { cwd: ws })).stdout,
    "Nothing to reproduce: every step is up to date.\n",
  );
  assert.deepEqual(runs(ws), ["prep", "features", "train"], "nothing ran again");
});

Deno.test("reproduce: a changed training script re-runs only train; --dry-run; --force; --step", async () => {
  using sb = sandbox();
  const { ws } = await pipeline(sb);
  writeFileSync(join(ws, "code", "train.sh"), TRAIN + "# tuned\n");
  const dry = await dwsOk(sb, ["reproduce", "--dry-run"], { cwd: ws });
  assert.equal(
    dry.stdout,
    "Would run 1 step, in this order:\n  train: sh code/train.sh — code:/train.sh changed\n",
  );
  assert.deepEqual(runs(ws), [], "a dry run runs nothing");
  await dwsOk(sb, ["reproduce"], { cwd: ws });
  assert.deepEqual(runs(ws), ["train"]);

  // --force with a resource: that resource's step and every step before it, up to date or not.
  const forced = await dwsOk(sb, ["reproduce", "--force", "--dry-run", "intermediate-data"], { cwd: ws });
  assert.match(
    forced.stdout,
    /^Would run 2 steps, in this order:\n {2}prep: .* — forced\n {2}features: .* — forced\n$/,
  );
  await dwsOk(sb, ["reproduce", "--force", "--step", "features"], { cwd: ws });
  assert.deepEqual(runs(ws), ["train", "prep", "features"]);

  const unknown = await dws(sb, ["reproduce", "--step", "nope"], { cwd: ws });
  assert.equal(unknown.code, 1);
  assert.equal(
    unknown.stderr,
    "Configuration error: No step named 'nope' in the lineage (steps: features, prep, train)\n",
  );
});

Deno.test("reproduce: a failing middle step stops the run, its outputs become unknown, train is left untouched", async () => {
  using sb = sandbox();
  const { ws, raw } = await pipeline(sb);
  const trainBefore = readFileSync(join(ws, LINEAGE, "results.json"), "utf8");
  writeFileSync(join(raw, "a.csv"), "10\n");
  const failed = await dws(sb, ["reproduce"], { cwd: ws, env: { FAIL_FEATURES: "1" } });
  assert.equal(failed.code, 1);
  assert.equal(
    failed.stderr,
    "Step features failed: 'sh code/features.sh' exited with code 3; the lineage of its outputs is now unknown; " +
      "not run: train\n",
  );
  assert.deepEqual(runs(ws), ["prep", "features"]);
  const inter = (readJson(join(ws, LINEAGE, "intermediate-data.json")) as Json).lineages;
  assert.deepEqual(inter.map((l: Json) => l.step_name ?? l.type), ["prep"], "features' output is unknown");
  assert.equal(readFileSync(join(ws, LINEAGE, "results.json"), "utf8"), trainBefore, "train untouched");
});

Deno.test("reproduce: a kit step (a Deno script recording its own lineage) is re-run when its data changes", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const raw = join(sb.dir, "raw");
  writeIris(raw);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "raw", raw], { cwd: ws });
  writeFileSync(join(ws, "code", "train.ts"), KIT_TRAIN_SCRIPT);
  const first = await run(sb, [Deno.execPath(), "run", "--quiet", "-A", "code/train.ts"], { cwd: ws });
  assert.match(first.stdout, /^accuracy /m);
  const before = (readJson(join(ws, LINEAGE, "results.json")) as Json).lineages[0];
  assert.equal(before.dws_run, undefined, "recorded by the kit, not by dws run");

  const data = join(raw, "data.csv");
  writeFileSync(data, readFileSync(data, "utf8").replace(/^5\.1,/, "5.3,"));
  const stale = (await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout;
  assert.match(stale, /\| train \| results \| input raw changed: 1 file \|/);
  const r = await dwsOk(sb, ["reproduce"], { cwd: ws });
  assert.match(r.stdout, /^Running step train \(input raw changed: 1 file\): .*deno run -A .*code\/train\.ts$/m);
  assert.match(r.stdout, /^accuracy /m);
  const after = (readJson(join(ws, LINEAGE, "results.json")) as Json).lineages[0];
  assert.ok(after.start_time > before.start_time);
  assert.notEqual(after.input_resources[0].certificate.dws_version, before.input_resources[0].certificate.dws_version);
  assert.ok(existsSync(join(ws, "results", "results.json")));
  assert.equal((await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout, "The lineage's only step is up to date.\n");
});

/** Marks `$1` started, then waits (up to 5 s) for `$2` to start too: passes only when both run at once. */
const MEET = `set -e
touch "started-$1"
for i in $(seq 50); do [ -e "started-$2" ] && break; sleep 0.1; done
[ -e "started-$2" ]
mkdir -p intermediate-data/$1 && echo "$1" > intermediate-data/$1/out
`;

Deno.test("reproduce --jobs 2: independent steps run side by side, the step reading both after them", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "source-data,code,intermediate-data,results"]);
  writeFileSync(join(ws, ".gitignore"), "started-*\n");
  writeFileSync(join(ws, "source-data", "x.csv"), "1\n");
  writeFileSync(join(ws, "code", "meet.sh"), MEET);
  const step = (...args: string[]) => dws(sb, ["run", ...args], { cwd: ws });
  // Recorded one at a time, each first waits 5 s for the other and fails; record them without waiting.
  writeFileSync(join(ws, "started-a"), "");
  writeFileSync(join(ws, "started-b"), "");
  for (const [me, other] of [["a", "b"], ["b", "a"]]) {
    const r = await step(
      "--step-name",
      me,
      "--input",
      "source-data",
      "--output",
      `intermediate-data:${me}`,
      "--",
      "sh",
      "code/meet.sh",
      me,
      other,
    );
    assert.equal(r.code, 0, r.stderr);
  }
  const both = await step(
    "--step-name",
    "both",
    "--input",
    "intermediate-data:a",
    "--input",
    "intermediate-data:b",
    "--output",
    "results",
    "--",
    "sh",
    "-c",
    "cat intermediate-data/a/out intermediate-data/b/out > results/both.txt",
  );
  assert.equal(both.code, 0, both.stderr);
  Deno.removeSync(join(ws, "started-a"));
  Deno.removeSync(join(ws, "started-b"));

  writeFileSync(join(ws, "source-data", "x.csv"), "2\n");
  const r = await dwsOk(sb, ["reproduce", "--jobs", "2"], { cwd: ws });
  assert.match(r.stdout, /^Reproduced 3 steps: a, b, both\.$/m);
  assert.equal(readFileSync(join(ws, "results", "both.txt"), "utf8"), "a\nb\n");
  assert.equal(
    (await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout,
    "All 3 steps of the lineage are up to date.\n",
  );
});

Deno.test("reproduce: a recorded folder outside the workspace is refused before anything runs", async () => {
  using sb = sandbox();
  const { ws } = await pipeline(sb);
  const file = join(ws, LINEAGE, "results.json");
  const hostile = readJson(file) as Json;
  hostile.lineages[0].dws_cwd = "../..";
  writeFileSync(file, JSON.stringify(hostile));
  for (const args of [["reproduce", "--force"], ["reproduce", "--force", "--dry-run"]]) {
    const r = await dws(sb, args, { cwd: ws });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Configuration error: Step train records a folder outside the workspace: ../..\n");
  }
  assert.deepEqual(runs(ws), [], "nothing ran");
});

Deno.test("reproduce: a step without a recorded command line cannot be re-run automatically, and says what to do", async () => {
  using sb = sandbox();
  const { ws } = await pipeline(sb);
  const file = join(ws, LINEAGE, "results.json");
  const recorded = readJson(file) as Json;
  recorded.lineages[0].command_line = null; // as the lineage API records a step without asScriptStep()
  writeFileSync(file, JSON.stringify(recorded));
  writeFileSync(join(ws, "code", "train.sh"), TRAIN + "# tuned\n");
  const todo = "cannot be re-run automatically: no command line was recorded; run it yourself, " +
    "or record it with 'dws run' or LineageBuilder.asScriptStep()";
  const stale = (await dwsOk(sb, ["report", "stale"], { cwd: ws })).stdout;
  assert.ok(stale.includes(`| ${todo} |`), stale);
  const dry = await dwsOk(sb, ["reproduce", "--dry-run"], { cwd: ws });
  assert.equal(dry.stdout, `Would run 1 step, in this order:\n  train: ${todo} (code:/train.sh changed)\n`);
  const r = await dws(sb, ["reproduce"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Configuration error: Step train ${todo}\n`);
  assert.deepEqual(runs(ws), []);
});
