/**
 * Export and import of lineage (spec §8.6, §8.7, §3.2; 1.6's test_export.py
 * and test_import.py): a resource added with `--export` gets its lineage as
 * `lineage.json` at its root at each snapshot (`core/commands/snapshot.ts`); another
 * workspace adds the same data with `--imported` (`core/commands/add.ts`) and its own
 * steps and snapshots then carry the nested lineage along.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  dws,
  dwsOk,
  gitRepoWithOrigin,
  initWorkspace,
  readJson,
  ROOT,
  run,
  type Sandbox,
  sandbox,
} from "../../test_utils.ts";
import { manifest, snapshotHash } from "../../cli/snapshot_helpers.ts";

const MOD_URL = pathToFileURL(join(ROOT, "mod.ts")).href;
const LINEAGE = ".dataworkspace/current_lineage";

/** `produce.ts OUT [--scale N] [--fail]`: source-data/data.csv × scale → OUT. */
const PRODUCE = `import { LineageBuilder } from "${MOD_URL}";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
const [out, ...args] = process.argv.slice(2);
const scale = args.includes("--scale") ? Number(args[args.indexOf("--scale") + 1]) : 1;
await new LineageBuilder().asScriptStep().withParameters({ scale }).withInputPath("source-data/data.csv")
  .run((lineage) => {
    const rows = readFileSync("source-data/data.csv", "utf8").trim().split("\\n").map(Number);
    writeFileSync(out, rows.map((r) => r * scale).join("\\n") + "\\n");
    lineage.addOutputPath(out);
    if (args.includes("--fail")) throw new Error("produce failed on purpose");
  });
`;

/** `consume.ts IN`: a results step summing IN. */
const CONSUME = `import { LineageBuilder } from "${MOD_URL}";
import { readFileSync } from "node:fs";
import process from "node:process";
const input = process.argv[2];
await new LineageBuilder().asScriptStep().withParameters({}).withInputPath(input).asResultsStep("results")
  .run(async (lineage) => {
    const rows = readFileSync(input, "utf8").trim().split("\\n").map(Number);
    await lineage.writeResults({ total: rows.reduce((a, b) => a + b, 0) });
  });
`;

// deno-lint-ignore no-explicit-any
type Json = any;
const names = (lineages: Json[]) => lineages.map((l) => l.step_name ?? l.type);

async function script(sb: Sandbox, ws: string, name: string, ...args: string[]) {
  return await run(sb, [Deno.execPath(), "run", "--quiet", "-A", `code/${name}`, ...args], { cwd: ws });
}

/** Workspace A: source data and the producing step. */
async function producer(sb: Sandbox): Promise<string> {
  const ws = await initWorkspace(sb, "wsA", ["--create-resources", "source-data,code,results"]);
  writeFileSync(join(ws, "source-data", "data.csv"), "1\n2\n3\n");
  writeFileSync(join(ws, "code", "produce.ts"), PRODUCE);
  return ws;
}

/** Workspace B: the consuming step. */
async function consumer(sb: Sandbox): Promise<string> {
  const ws = await initWorkspace(sb, "wsB", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "consume.ts"), CONSUME);
  return ws;
}

/** Checks common to both resource types: B imports A's exported lineage and carries it into its results. */
async function importAndUse(sb: Sandbox, wsB: string, type: string, path: string, exported: Json): Promise<void> {
  // The resource must have the name it was exported under.
  const wrong = await dws(sb, ["--batch", "add", type, "--imported", "--name", "other", path], { cwd: wsB });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /was exported for resource 'shared-data', but this resource is named 'other'/);
  assert.equal(wrong.stderr.trimEnd().split("\n").length, 1);
  assert.equal(existsSync(join(wsB, LINEAGE, "other.json")), false);

  await dwsOk(sb, ["--batch", "add", type, "--imported", "--name", "shared-data", path], { cwd: wsB });
  const resources = readJson(join(wsB, ".dataworkspace", "resources.json")) as Json[];
  assert.equal(resources.find((r) => r.name === "shared-data").role, "source-data");
  const imported = readJson(join(wsB, LINEAGE, "shared-data.json")) as Json;
  assert.deepEqual(Object.keys(imported), ["resource_name", "lineages"]);
  assert.equal(imported.resource_name, "shared-data");
  assert.equal(imported.lineages.length, 1);
  assert.deepEqual(Object.keys(imported.lineages[0]), ["type", "resource_name", "nested_lineage"]);
  assert.deepEqual(imported.lineages[0], {
    type: "imported",
    resource_name: "shared-data",
    nested_lineage: exported.lineages,
  });

  // A step in B reads the imported data: its input cert is the one A's step wrote.
  await script(sb, wsB, "consume.ts", join(path, "out.csv"));
  const step = (readJson(join(wsB, LINEAGE, "results.json")) as Json).lineages[0];
  const produced = exported.lineages[0].output_resources[0];
  assert.deepEqual(step.input_resources, [produced]);

  const snap = await dwsOk(sb, ["snapshot", "S1"], { cwd: wsB });
  assert.match(snap.stdout, /^Wrote lineage for results to lineage\.json$/m);
  const results = readJson(join(wsB, "results", "snapshots", "testhost-S1", "lineage.json")) as Json;
  assert.equal(results.complete, true);
  assert.deepEqual(names(results.lineages), ["consume", "imported", "code"]);
  assert.deepEqual(results.lineages[1].nested_lineage, exported.lineages);
  assert.equal(results.lineages[0].input_resources[0].certificate.hashval, produced.certificate.hashval);
}

Deno.test("export/import: local-files — lineage.json at the root, imported elsewhere, stale files replaced", async () => {
  using sb = sandbox();
  const wsA = await producer(sb);
  const shared = join(sb.dir, "shared");
  mkdirSync(shared);
  const out = join(shared, "out.csv");
  await dwsOk(sb, [
    "--batch",
    "add",
    "local-files",
    "--role",
    "intermediate-data",
    "--export",
    "--name",
    "shared-data",
    shared,
  ], {
    cwd: wsA,
  });
  await script(sb, wsA, "produce.ts", out, "--scale", "2");
  const s1 = await dwsOk(sb, ["snapshot", "S1"], { cwd: wsA });
  assert.match(s1.stdout, /^Exported lineage for shared-data to lineage\.json$/m);
  const exported = readJson(join(shared, "lineage.json")) as Json;
  assert.deepEqual(Object.keys(exported), ["resource_name", "complete", "lineages"]);
  assert.equal(exported.resource_name, "shared-data");
  assert.equal(exported.complete, true);
  assert.deepEqual(names(exported.lineages), ["produce", "source_data", "code"]);
  const output = exported.lineages[0].output_resources[0];
  assert.deepEqual([output.resource_name, output.subpath, output.certificate.cert_type], [
    "shared-data",
    "out.csv",
    "hash",
  ]);
  assert.deepEqual(exported.lineages[0].parameters, { scale: 2 });

  const wsB = await consumer(sb);
  await importAndUse(sb, wsB, "local-files", shared, exported);

  // A's next snapshot replaces the stale file. Sizes are unchanged, but the stored content differs
  // (the manifest's content_hash), so this is a new snapshot, and the lineage names the new content
  // (1.6 records the size-only hash, equal for both).
  await script(sb, wsA, "produce.ts", out, "--scale", "3");
  const s2 = await dwsOk(sb, ["snapshot", "S2"], { cwd: wsA });
  assert.match(s2.stdout, /tagged with 'S2', hash is [0-9a-f]{40}\./);
  assert.match(s2.stdout, /^Exported lineage for shared-data to lineage\.json$/m);
  let again = readJson(join(shared, "lineage.json")) as Json;
  assert.deepEqual(again.lineages[0].parameters, { scale: 3 });
  const scale3 = again.lineages[0].output_resources[0].certificate.hashval;
  assert.notEqual(scale3, output.certificate.hashval);
  assert.equal(scale3, manifest(wsA, snapshotHash(s2)).find((e) => e.name === "shared-data")?.content_hash);
  // New data, a new snapshot: the file describes it.
  await script(sb, wsA, "produce.ts", out, "--scale", "5");
  await dwsOk(sb, ["snapshot", "S3"], { cwd: wsA });
  again = readJson(join(shared, "lineage.json")) as Json;
  assert.deepEqual(again.lineages[0].parameters, { scale: 5 });
  assert.notEqual(again.lineages[0].output_resources[0].certificate.hashval, output.certificate.hashval);

  // A failed run leaves nothing to export: the stale file is removed, not rewritten.
  const failed = await run(sb, [Deno.execPath(), "run", "--quiet", "-A", "code/produce.ts", out, "--fail"], {
    cwd: wsA,
    allowFailure: true,
  });
  assert.notEqual(failed.code, 0);
  const s4 = await dwsOk(sb, ["snapshot", "S4"], { cwd: wsA });
  assert.doesNotMatch(s4.stdout, /Exported lineage/);
  assert.equal(existsSync(join(shared, "lineage.json")), false);
});

Deno.test("export/import: a git repository — the exported lineage.json is committed, pushed and imported from a clone", async () => {
  using sb = sandbox();
  const wsA = await producer(sb);
  const repo = await gitRepoWithOrigin(sb, "shared-repo");
  const git = async (cwd: string, ...args: string[]) => (await run(sb, ["git", ...args], { cwd })).stdout;
  await dwsOk(sb, ["--batch", "add", "git", "--role", "intermediate-data", "--export", "--name", "shared-data", repo], {
    cwd: wsA,
  });
  await script(sb, wsA, "produce.ts", join(repo, "out.csv"), "--scale", "2");
  const s1 = await dwsOk(sb, ["snapshot", "S1"], { cwd: wsA });
  assert.match(s1.stdout, /^Exported lineage for shared-data to lineage\.json$/m);
  const exported = readJson(join(repo, "lineage.json")) as Json;
  assert.deepEqual(names(exported.lineages), ["produce", "source_data", "code"]);
  const snapshotCommit = exported.lineages[0].output_resources[0].certificate.hashval;
  assert.equal(await git(repo, "status", "--porcelain"), "", "lineage.json is committed");
  assert.equal(await git(repo, "ls-files", "lineage.json"), "lineage.json\n");
  assert.equal((await git(repo, "log", "-1", "--format=%s")).trim(), "Added lineage.json");
  assert.equal((await git(repo, "rev-parse", "HEAD~1")).trim(), snapshotCommit, "the cert is the snapshot's commit");

  await git(repo, "push", "-q", "origin", "master");
  const clone = join(sb.dir, "clone", "shared-repo");
  await git(sb.dir, "clone", "-q", join(sb.dir, "remotes", "shared-repo.git"), clone);
  const wsB = await consumer(sb);
  await importAndUse(sb, wsB, "git", clone, exported);

  // The next snapshot in A removes the stale file before hashing and commits the new one.
  await script(sb, wsA, "produce.ts", join(repo, "out.csv"), "--scale", "4");
  await dwsOk(sb, ["snapshot", "S2"], { cwd: wsA });
  const again = readJson(join(repo, "lineage.json")) as Json;
  assert.deepEqual(again.lineages[0].parameters, { scale: 4 });
  const commit2 = again.lineages[0].output_resources[0].certificate.hashval;
  assert.equal(await git(repo, "status", "--porcelain"), "");
  const stale = await run(sb, ["git", "cat-file", "-e", `${commit2}:lineage.json`], { cwd: repo, allowFailure: true });
  assert.notEqual(stale.code, 0, "the commit the snapshot recorded has no stale lineage.json");
  assert.equal(readFileSync(join(repo, "out.csv"), "utf8"), "4\n8\n12\n");
});
