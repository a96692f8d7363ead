/**
 * Lineage names the versions a step really read (issue 15 §1): a step reads
 * a local-files folder (content hashes), a size-only folder, a folder of the
 * workspace (git-subdirectory) and a git repository, and runs a script of
 * the code resource; snapshot S1; one file of each input and the script
 * change; the step runs again; snapshot S2. S2's lineage must give each
 * input and the code S2's version (1.6 gives S1's, marked "(current)"), and
 * the recorded content versions must be those the resources report.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, gitRepoWithOrigin, initWorkspace, readJson, run, type Sandbox, sandbox } from "../../test_utils.ts";
import { manifest, snapshotHash } from "../../cli/snapshot_helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Reads every input, writes results/results.json. */
const STEP = `set -e
n=$(cat "$1"/a.csv "$2"/a.csv source-data/a.csv "$3"/a.csv | wc -c)
printf '{"metrics": {"bytes": %s}}' "$n" > results/results.json
`;

async function storyWorkspace(sb: Sandbox): Promise<{ ws: string; inputs: Record<string, string> }> {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "source-data,code,results"]);
  const hashed = join(sb.dir, "hashed");
  const sized = join(sb.dir, "sized");
  for (const d of [hashed, sized]) {
    mkdirSync(d);
    writeFileSync(join(d, "a.csv"), "1,2\n");
    writeFileSync(join(d, "b.csv"), "3,4\n");
  }
  writeFileSync(join(ws, "source-data", "a.csv"), "5,6\n");
  const repo = await gitRepoWithOrigin(sb, "repo");
  writeFileSync(join(repo, "a.csv"), "7,8\n");
  const add = (...args: string[]) => dwsOk(sb, ["--batch", "add", ...args], { cwd: ws });
  await add("local-files", "--role", "source-data", "--name", "hashed", "--compute-hash", hashed);
  await add("local-files", "--role", "source-data", "--name", "sized", sized);
  await add("git", "--role", "source-data", "--name", "repo", repo);
  writeFileSync(join(ws, "code", "step.sh"), STEP);
  return { ws, inputs: { hashed, sized, repo } };
}

const runStep = (sb: Sandbox, ws: string, inputs: Record<string, string>) =>
  dwsOk(sb, [
    "run",
    ...["--input", inputs.hashed, "--input", inputs.sized, "--input", "source-data", "--input", inputs.repo],
    ...["--output", "results", "--", "sh", "code/step.sh", inputs.hashed, inputs.sized, inputs.repo],
  ], { cwd: ws });

/** The certificates of the results step as of snapshot `hash`, by resource name (code: the script's). */
function certsAt(ws: string, hash: string): Record<string, Json> {
  const step = (readJson(join(ws, ".dataworkspace/snapshot_lineage", hash, "results.json")) as Json).lineages[0];
  const certs = [...step.input_resources, ...step.code_resources];
  return Object.fromEntries(certs.map((c: Json) => [c.resource_name, c.certificate]));
}

/** What the snapshot's manifest records for each resource (the content hash of a size-only folder). */
function versionsIn(ws: string, hash: string): Record<string, string> {
  return Object.fromEntries(manifest(ws, hash).map((e) => [e.name, String(e.content_hash ?? e.hash)]));
}

Deno.test("lineage story: after an edit, each input and the code have the version the step read, not S1's", async () => {
  using sb = sandbox();
  const { ws, inputs } = await storyWorkspace(sb);
  await runStep(sb, ws, inputs);
  const s1 = snapshotHash(await dwsOk(sb, ["snapshot", "S1"], { cwd: ws }));

  // One data file of each input changes (the size-only folder's at the same size), and the script.
  writeFileSync(join(inputs.hashed, "a.csv"), "1,2,3\n");
  writeFileSync(join(inputs.sized, "a.csv"), "9,9\n");
  writeFileSync(join(ws, "source-data", "a.csv"), "5,6,7\n");
  writeFileSync(join(inputs.repo, "a.csv"), "7,8,9\n"); // uncommitted: the snapshot commits it
  writeFileSync(join(ws, "code", "step.sh"), STEP + "# v2\n");
  await runStep(sb, ws, inputs);
  const s2 = snapshotHash(await dwsOk(sb, ["snapshot", "S2"], { cwd: ws }));

  const [at1, at2] = [certsAt(ws, s1), certsAt(ws, s2)];
  const [v1, v2] = [versionsIn(ws, s1), versionsIn(ws, s2)];
  for (const name of ["hashed", "sized", "source-data", "repo", "code"]) {
    assert.equal(at1[name].hashval, v1[name], `${name} at S1`);
    assert.equal(at2[name].hashval, v2[name], `${name} at S2 is S2's version`);
    assert.notEqual(v2[name], v1[name], `${name} changed`);
    assert.notEqual(at2[name].dws_version, at1[name].dws_version, `${name}: the content version changed`);
  }
  // The content versions are what git would record: the edited file's blob, the folder's tree.
  const git = async (cwd: string, ...args: string[]) => (await run(sb, ["git", ...args], { cwd })).stdout.trim();
  assert.equal(at2.code.dws_version, await git(ws, "rev-parse", `${s2Commit(ws, s2)}:code/step.sh`));
  assert.equal(at2["source-data"].dws_version, await git(ws, "rev-parse", `${s2Commit(ws, s2)}:source-data`));
  assert.equal(at2.repo.dws_version, await git(inputs.repo, "rev-parse", "HEAD^{tree}"));
  // A content-hashed folder's version is its snapshot hash; a size-only folder's its SHA-1 tree.
  assert.equal(at2.hashed.dws_version, v2.hashed);

  const report = (await dwsOk(sb, ["report", "lineage", "--snapshot", "S2"], { cwd: ws })).stdout;
  assert.match(report, new RegExp(`\\| hashed +\\| Source Data \\| Hash:${v2.hashed.slice(0, 8)} `));
  assert.match(report, new RegExp(`\\| code:/step.sh +\\| Code +\\| Hash:${v2.code.slice(0, 8)} `));
  assert.match(report, /\| results +\| Step .*\| hashed \(current\) /);
});

/** The workspace commit recorded by snapshot `hash` for its git-subdirectories. */
function s2Commit(ws: string, hash: string): string {
  const md = readJson(join(ws, ".dataworkspace/snapshot_metadata", `${hash}_md.json`)) as Json;
  return md.restore_hashes.code;
}
