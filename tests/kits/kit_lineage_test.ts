/**
 * Kit steps record what they ran and the versions they read (issue 15 §1,
 * §2): a training script in the code resource wraps an ml.js predictor; its
 * results step names the script as code, the command line that runs it
 * again and the working folder; after a snapshot, an edit of the data and of
 * the script, and a second run, the next snapshot's lineage has the new
 * versions. The same for an api-resource fed in memory.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GaussianNB } from "ml-naivebayes";
import { memoryOutput } from "../../core/base/output.ts";
import { LineagePredictor } from "../../kits/predictor.ts";
import { trainTestSplit } from "../../kits/model_selection.ts";
import { dwsOk, initWorkspace, readJson, run, type Sandbox, sandbox } from "../test_utils.ts";
import { manifest, snapshotHash } from "../cli/snapshot_helpers.ts";
import { KIT_TRAIN_SCRIPT, writeIris } from "./kit_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const resultsStep = (ws: string, dir = ".dataworkspace/current_lineage"): Json =>
  (readJson(join(ws, dir, "results.json")) as Json).lineages[0];

/** Run the kit's training script (code/train.ts) with Deno, in the workspace. */
async function train(sb: Sandbox, ws: string): Promise<void> {
  const r = await run(sb, [Deno.execPath(), "run", "--quiet", "-A", "code/train.ts"], { cwd: ws, allowFailure: true });
  assert.equal(r.code, 0, `train.ts failed:\n${r.stdout}\n${r.stderr}`);
}

Deno.test("kit story: a LineagePredictor script records its script, command line and the data versions it read", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  const raw = join(sb.dir, "raw");
  writeIris(raw);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "raw", "--compute-hash", raw], {
    cwd: ws,
  });
  writeFileSync(join(ws, "code", "train.ts"), KIT_TRAIN_SCRIPT);
  await train(sb, ws);
  const step = resultsStep(ws);
  assert.deepEqual(step.code_resources.map((c: Json) => [c.resource_name, c.subpath]), [["code", "train.ts"]]);
  assert.deepEqual(step.command_line, [Deno.execPath(), "run", "-A", join(ws, "code", "train.ts")]);
  assert.equal(step.dws_cwd, ".");
  assert.deepEqual(step.input_resources.map((c: Json) => c.resource_name), ["raw"]);
  const s1 = snapshotHash(await dwsOk(sb, ["snapshot", "S1"], { cwd: ws }));

  // One value of the data and the script change; the script runs again.
  const data = join(raw, "data.csv");
  writeFileSync(data, Deno.readTextFileSync(data).replace(/^5\.1,/, "5.2,"));
  writeFileSync(join(ws, "code", "train.ts"), KIT_TRAIN_SCRIPT + "// tuned\n");
  await train(sb, ws);
  const s2 = snapshotHash(await dwsOk(sb, ["snapshot", "S2"], { cwd: ws }));
  const hashes = (h: string) => Object.fromEntries(manifest(ws, h).map((e) => [e.name, e.hash]));
  const at2 = resultsStep(ws, `.dataworkspace/snapshot_lineage/${s2}`);
  const [v1, v2] = [hashes(s1), hashes(s2)];
  for (const [name, cert] of [["raw", at2.input_resources[0]], ["code", at2.code_resources[0]]]) {
    assert.notEqual(v2[name], v1[name]);
    assert.equal(cert.certificate.hashval, v2[name], `${name}: S2's version`);
  }
});

Deno.test("kit story: api-resource data that changed between snapshots has the new hash in the next snapshot", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
  await dwsOk(sb, ["--batch", "add", "api-resource", "--role", "source-data", "--name", "api"], { cwd: ws });
  const X = Array.from({ length: 40 }, (_, i) => [i % 7, (i * 3) % 5, i / 4]);
  const y = X.map((r) => (r[0] + r[1] > 5 ? 1 : 0));
  const fitAndScore = async (data: number[][]) => {
    const s = trainTestSplit(data, y, { testSize: 0.25, shuffle: false });
    const model = new LineagePredictor(new GaussianNB(false, {}), "binary_classification", "api", {
      workspaceDir: ws,
      stepName: "api_step",
      context: { output: memoryOutput() },
    });
    await model.fit(s.xTrain, s.yTrain);
    await model.score(s.xTest, s.yTest);
  };
  const apiCert = (hash: string) => resultsStep(ws, `.dataworkspace/snapshot_lineage/${hash}`).input_resources[0];
  const apiHash = (hash: string) => manifest(ws, hash).find((e) => e.name === "api")?.hash;
  await fitAndScore(X);
  const s1 = snapshotHash(await dwsOk(sb, ["snapshot", "S1"], { cwd: ws }));
  const changed = X.map((r) => [...r]);
  changed[3][2] += 1;
  await fitAndScore(changed);
  const s2 = snapshotHash(await dwsOk(sb, ["snapshot", "S2"], { cwd: ws }));
  assert.notEqual(apiHash(s2), apiHash(s1));
  assert.equal(apiCert(s1).certificate.hashval, apiHash(s1));
  assert.equal(apiCert(s2).certificate.hashval, apiHash(s2), "not S1's hash, as 1.6 records");
});
