/**
 * A real workspace with lineage, for the report and graph tests: made with
 * the real `dws` command line and Deno step scripts in its `code/` folder
 * that record lineage through the library (source-data → intermediate-data:/s1
 * → results), like 1.6's lineage_step1.py / lineage_step2.py.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type CommandResult, dwsOk, initWorkspace, ROOT, run, type Sandbox } from "../test_utils.ts";
import { snapshotHash } from "./snapshot_helpers.ts";

/** The library, as step scripts import it. */
export const MOD_URL: string = pathToFileURL(join(ROOT, "mod.ts")).href;

/** Step 1: source-data/data.csv × multiplier → intermediate-data/s1/data.csv. */
export const STEP1 = `import { LineageBuilder } from "${MOD_URL}";
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
  });
`;

/** Step 2, a results step: intermediate-data/s1 → results/results.json with metrics from the arguments. */
export const STEP2 = `import { LineageBuilder, type ResultsLineage } from "${MOD_URL}";
import { readFileSync } from "node:fs";
import process from "node:process";
const metrics = JSON.parse(process.argv[2] ?? "{}");
await new LineageBuilder().asScriptStep().withParameters({ gamma: 0.01, n: 3 })
  .withInputPath("intermediate-data/s1").asResultsStep("results", "desc here")
  .run(async (l) => {
    const rows = readFileSync("intermediate-data/s1/data.csv", "utf8").trim().split("\\n").map(Number);
    await (l as ResultsLineage).writeResults({ total: rows.reduce((a, b) => a + b, 0), ...metrics });
  });
`;

/** Run a step script of `code/` in the workspace with the sandbox's environment; fails the test if it fails. */
export async function runStep(sb: Sandbox, ws: string, script: string, ...args: string[]): Promise<CommandResult> {
  const r = await run(sb, [Deno.execPath(), "run", "--quiet", "-A", `code/${script}`, ...args], {
    cwd: ws,
    allowFailure: true,
  });
  assert.equal(r.code, 0, `${script} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A workspace with the four role folders (git subdirectories), data and both step scripts in code/. */
export async function pipelineWorkspace(sb: Sandbox, name = "ws"): Promise<string> {
  const ws = await initWorkspace(sb, name, ["--create-resources", "source-data,intermediate-data,code,results"]);
  mkdirSync(join(ws, "source-data"), { recursive: true });
  writeFileSync(join(ws, "source-data", "data.csv"), "1\n2\n3\n");
  writeFileSync(join(ws, "code", "step1.ts"), STEP1);
  writeFileSync(join(ws, "code", "step2.ts"), STEP2);
  return ws;
}

/** Run both steps, the second writing `metrics`. */
export async function runPipeline(
  sb: Sandbox,
  ws: string,
  metrics: Record<string, unknown>,
  multiplier = 1,
): Promise<void> {
  await runStep(sb, ws, "step1.ts", "--multiplier", String(multiplier));
  await runStep(sb, ws, "step2.ts", JSON.stringify(metrics));
}

/** `dws --batch snapshot [-m message] TAG`; returns the hash. */
export async function snapshot(sb: Sandbox, ws: string, tag: string, message?: string): Promise<string> {
  const args = ["--batch", "snapshot", ...(message ? ["-m", message] : []), tag];
  return snapshotHash(await dwsOk(sb, args, { cwd: ws }));
}

/** In workspace A: prepare a file of the exported folder from A's source data. */
const PREP_STEP = (exchange: string) =>
  `import { LineageBuilder } from "${MOD_URL}";
import { writeFileSync } from "node:fs";
await new LineageBuilder().asScriptStep().withParameters({ scale: 2 }).withInputPath("source-data/data.csv")
  .run((l) => {
    writeFileSync(${JSON.stringify(join(exchange, "prepared.csv"))}, "2\\n4\\n");
    l.addOutputPath(${JSON.stringify(join(exchange, "prepared.csv"))});
  });
`;

/** In workspace B: a results step reading the imported file. */
const TRAIN_STEP = (exchange: string) =>
  `import { LineageBuilder, type ResultsLineage } from "${MOD_URL}";
await new LineageBuilder().asScriptStep().withParameters({}).withInputPath(${
    JSON.stringify(join(exchange, "prepared.csv"))
  }).asResultsStep("results").run(async (l) => {
    await (l as ResultsLineage).writeResults({ accuracy: 0.8 });
  });
`;

/** Workspace A exports intermediate data with lineage; workspace B imports it and trains on it. */
export async function importedWorkspaces(sb: Sandbox): Promise<{ a: string; b: string; exchange: string }> {
  const exchange = join(sb.dir, "exchange");
  mkdirSync(exchange);
  const a = await initWorkspace(sb, "wsa", ["--create-resources", "source-data,code"]);
  writeFileSync(join(a, "source-data", "data.csv"), "1\n2\n");
  await dwsOk(sb, [
    "--batch",
    "add",
    "local-files",
    "--role",
    "intermediate-data",
    "--export",
    "--name",
    "shared",
    exchange,
  ], {
    cwd: a,
  });
  writeFileSync(join(a, "code", "prep.ts"), PREP_STEP(exchange));
  await runStep(sb, a, "prep.ts");
  await snapshot(sb, a, "A1");
  const b = await initWorkspace(sb, "wsb", ["--create-resources", "code,results"]);
  await dwsOk(sb, ["--batch", "add", "local-files", "--imported", "--name", "shared", exchange], { cwd: b });
  writeFileSync(join(b, "code", "train.ts"), TRAIN_STEP(exchange));
  await runStep(sb, b, "train.ts");
  return { a, b, exchange };
}

/**
 * One script that records a wide pipeline of 40 steps through the library:
 * 14 raw files are cleaned, joined in pairs, turned into 8 feature sets,
 * 5 models are trained and one results step evaluates them all (54 versions).
 */
export const BIG_PIPELINE = `import { LineageBuilder, type ResultsLineage } from "${MOD_URL}";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
const write = (p: string) => {
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, p + "\\n");
};
async function step(name: string, params: Record<string, number>, inputs: string[], outputs: string[]) {
  await new LineageBuilder().asScriptStep().withStepName(name).withParameters(params).withInputPaths(inputs)
    .run((l) => {
      for (const o of outputs) {
        write(o);
        l.addOutputPath(o);
      }
    });
}
const raw = Array.from({ length: 14 }, (_, i) => "source-data/raw" + i + ".csv");
raw.forEach(write);
const clean = raw.map((_, i) => "intermediate-data/clean/c" + i + ".csv");
for (let i = 0; i < 14; i++) await step("clean_" + i, { i }, [raw[i]], [clean[i]]);
const joined = Array.from({ length: 12 }, (_, i) => "intermediate-data/joined/j" + i + ".csv");
for (let i = 0; i < 12; i++) await step("join_" + i, { i }, [clean[i], clean[i + 2]], [joined[i]]);
const features = Array.from({ length: 8 }, (_, i) => "intermediate-data/features/f" + i + ".csv");
for (let i = 0; i < 8; i++) {
  await step("features_" + i, { i }, i < 4 ? [joined[i], joined[i + 8]] : [joined[i]], [features[i]]);
}
const models = Array.from({ length: 5 }, (_, i) => "intermediate-data/models/m" + i + ".json");
for (let i = 0; i < 5; i++) {
  await step("train_" + i, { depth: i + 2 }, [features[i], features[i + 3]], [models[i]]);
}
await new LineageBuilder().asScriptStep().withStepName("evaluate").withParameters({ folds: 5 })
  .withInputPaths(models).asResultsStep("results", "evaluate all models")
  .run(async (l) => {
    await (l as ResultsLineage).writeResults({ accuracy: 0.93, loss: 0.21 });
  });
`;
