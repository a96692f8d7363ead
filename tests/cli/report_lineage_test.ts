/**
 * `dws report lineage` through the real command line and the API's
 * `makeLineageTable` (spec §6, §16): current state and snapshots,
 * `(current)` / `(Hash:…)` / `(Placeholder:version=N)` inputs, steps with
 * several inputs, and imported lineage expanded into its rows.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeLineageTable } from "../../mod.ts";
import { dws, dwsOk, initWorkspace, sandbox } from "../test_utils.ts";
import { importedWorkspaces, MOD_URL, pipelineWorkspace, runPipeline, runStep, snapshot } from "./lineage_helpers.ts";

type Row = [resource: string, type: string, details: string, inputs: string];

/** The table as 1.6 lays it out: every column left-aligned, multi-line cells continued on extra lines. */
function table(title: string, rows: Row[]): string {
  const headers = ["Resource", "Type", "Details", "Inputs"];
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.flatMap((r) => r[i].split("\n").map((l) => l.length)))
  );
  const lines = [title, "|" + headers.map((h, i) => ` ${h.padEnd(widths[i])} `).join("|") + "|"];
  lines.push("|" + widths.map((w) => "_".repeat(w + 2)).join("|") + "|");
  for (const r of rows) {
    const cells = r.map((c) => c.split("\n"));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      lines.push("|" + cells.map((c, i) => ` ${(c[k] ?? "").padEnd(widths[i])} `).join("|") + "|");
    }
  }
  return lines.join("\n") + "\n";
}

// deno-lint-ignore no-explicit-any
type Json = any;
const lineage = (ws: string, resource: string, dir = ".dataworkspace/current_lineage"): Json =>
  JSON.parse(readFileSync(join(ws, dir, `${resource}.json`), "utf8"));
/** Start time of the (only) step recorded for `resource`, as the table prints it. */
const started = (ws: string, resource: string, dir?: string) =>
  (lineage(ws, resource, dir).lineages[0].start_time as string).replace("T", " ");
const hash8 = (ws: string, resource: string, dir?: string) =>
  `Hash:${(lineage(ws, resource, dir).lineages[0].certificate.hashval as string).slice(0, 8)}`;

/** The code rows of the pipeline: each step's script (dws records the script, not the whole code resource). */
const codeRows = (details: string): Row[] => [
  ["code:/step1.ts", "Code", details, "None"],
  ["code:/step2.ts", "Code", details, "None"],
];

Deno.test("report lineage: placeholders, (Placeholder:version=N), snapshots, (Hash:…) after data changed", async () => {
  using sb = sandbox();
  const ws = await pipelineWorkspace(sb);
  assert.equal(
    (await dwsOk(sb, ["report", "lineage"], { cwd: ws })).stdout,
    "Lineage for current state\n| Resource | Type | Details | Inputs |\n|__________|______|_________|________|\n",
  );

  await runPipeline(sb, ws, { accuracy: 0.5 });
  const t2 = started(ws, "results");
  assert.equal(
    (await dwsOk(sb, ["report", "lineage"], { cwd: ws })).stdout,
    table("Lineage for current state", [
      ...codeRows("Placeholder:version=1"),
      [
        "intermediate-data:/s1",
        "Step",
        `step1 at ${started(ws, "intermediate-data")}`,
        "source-data:/data.csv (current)",
      ],
      ["results", "Step", `step2 at ${t2}`, "intermediate-data:/s1 (current)"],
      ["source-data:/data.csv", "Source Data", "Placeholder:version=1", "None"],
    ]),
  );

  // Step 1 again: its output is now version 2; step 2 read version 1.
  await runStep(sb, ws, "step1.ts", "--multiplier", "2");
  const t1b = started(ws, "intermediate-data");
  const current = table("Lineage for current state", [
    ...codeRows("Placeholder:version=1"),
    ["intermediate-data:/s1", "Step", `step1 at ${t1b}`, "source-data:/data.csv (current)"],
    ["results", "Step", `step2 at ${t2}`, "intermediate-data:/s1 (Placeholder:version=1)"],
    ["source-data:/data.csv", "Source Data", "Placeholder:version=1", "None"],
  ]);
  assert.equal((await dwsOk(sb, ["report", "lineage"], { cwd: ws })).stdout, current);
  assert.deepEqual((await makeLineageTable({ workspaceDir: ws }))[3], {
    resource: "results",
    type: "Step",
    details: `step2 at ${t2}`,
    inputs: ["intermediate-data:/s1 (Placeholder:version=1)"],
  });

  // The snapshot replaces placeholders by hashes; its lineage keeps the results step.
  const h1 = await snapshot(sb, ws, "S1", "first");
  const snapDir = `.dataworkspace/snapshot_lineage/${h1}`;
  const code = codeRows(hash8(ws, "code", snapDir));
  // Step 2 read s1 before step 1 rewrote it: the snapshot does not claim it read the data it holds
  // (1.6 gives both the snapshot's hash), but names the version step 2 read (its dws_version).
  const read = lineage(ws, "results", snapDir).lineages[0].input_resources[0].certificate;
  assert.equal(read.hashval, read.dws_version);
  assert.notEqual(
    read.hashval,
    lineage(ws, "intermediate-data", snapDir).lineages[0].output_resources[0].certificate.hashval,
  );
  const atS1 = [
    ...code,
    ["intermediate-data:/s1", "Step", `step1 at ${t1b}`, "source-data:/data.csv (current)"],
    ["results", "Step", `step2 at ${t2}`, `intermediate-data:/s1 (Hash:${read.hashval.slice(0, 8)})`],
    ["source-data:/data.csv", "Source Data", hash8(ws, "source-data", snapDir), "None"],
  ] as Row[];
  assert.match(code[0][2], /^Hash:[0-9a-f]{8}$/);
  assert.equal(
    (await dwsOk(sb, ["report", "lineage", "--snapshot", "S1"], { cwd: ws })).stdout,
    table("Lineage for S1", atS1),
  );
  assert.equal(
    (await dwsOk(sb, ["report", "lineage", "--snapshot", h1.slice(0, 7)], { cwd: ws })).stdout,
    table(`Lineage for ${h1.slice(0, 7)}`, atS1),
  );
  // The moved results start afresh in the current state.
  assert.equal(
    (await dwsOk(sb, ["report", "lineage"], { cwd: ws })).stdout,
    table("Lineage for current state", [...code, atS1[2], atS1[4]]),
  );

  // Step 2 reads s1 at its snapshot hash; step 1 then rewrites s1.
  await runStep(sb, ws, "step2.ts", "{}");
  const t2b = started(ws, "results");
  const s1Hash = lineage(ws, "results").lineages[0].input_resources[0].certificate.hashval as string;
  assert.match(s1Hash, /^[0-9a-f]{40}$/);
  await runStep(sb, ws, "step1.ts");
  assert.equal(
    (await dwsOk(sb, ["report", "lineage"], { cwd: ws })).stdout,
    table("Lineage for current state", [
      ...code,
      [
        "intermediate-data:/s1",
        "Step",
        `step1 at ${started(ws, "intermediate-data")}`,
        "source-data:/data.csv (current)",
      ],
      ["results", "Step", `step2 at ${t2b}`, `intermediate-data:/s1 (Hash:${s1Hash.slice(0, 8)})`],
      atS1[4],
    ]),
  );

  const missing = await dws(sb, ["report", "lineage", "--snapshot", "S9"], { cwd: ws });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Configuration error: No snapshot with tag or hash 'S9'/);
});

/** A step with two inputs and two outputs, run in the workspace through the library. */
const MERGE_STEP = `import { LineageBuilder } from "${MOD_URL}";
import { mkdirSync, writeFileSync } from "node:fs";
await new LineageBuilder().asScriptStep().withParameters({})
  .withInputPaths(["source-data/a.csv", "source-data/b.csv"])
  .run((l) => {
    mkdirSync("intermediate-data/merged", { recursive: true });
    writeFileSync("intermediate-data/merged/m.csv", "1\\n");
    writeFileSync("intermediate-data/report.txt", "ok\\n");
    l.addOutputPath("intermediate-data/merged");
    l.addOutputPath("intermediate-data/report.txt");
  });
`;

Deno.test("report lineage: a step with several inputs lists one per line, and appears once per output", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "source-data,intermediate-data,code"]);
  writeFileSync(join(ws, "source-data", "a.csv"), "1\n");
  writeFileSync(join(ws, "source-data", "b.csv"), "2\n");
  writeFileSync(join(ws, "code", "merge.ts"), MERGE_STEP);
  await runStep(sb, ws, "merge.ts");
  const t = started(ws, "intermediate-data");
  const inputs = "source-data:/a.csv (current)\nsource-data:/b.csv (current)";
  assert.equal(
    (await dwsOk(sb, ["report", "lineage"], { cwd: ws })).stdout,
    table("Lineage for current state", [
      ["code:/merge.ts", "Code", "Placeholder:version=1", "None"],
      ["intermediate-data:/merged", "Step", `merge at ${t}`, inputs],
      ["intermediate-data:/report.txt", "Step", `merge at ${t}`, inputs],
      ["source-data:/a.csv", "Source Data", "Placeholder:version=1", "None"],
      ["source-data:/b.csv", "Source Data", "Placeholder:version=1", "None"],
    ]),
  );
});

Deno.test("report lineage: imported lineage is expanded into the other workspace's rows", async () => {
  using sb = sandbox();
  const { a, b } = await importedWorkspaces(sb);
  const exported = JSON.parse(readFileSync(join(sb.dir, "exchange", "lineage.json"), "utf8"));
  const prep = exported.lineages[0];
  assert.equal(prep.step_name, "prep");
  const certOf = (type: string) => exported.lineages.find((l: Json) => l.type === type).certificate.hashval.slice(0, 8);
  const train = lineage(b, "results").lineages[0];
  assert.equal(
    (await dwsOk(sb, ["report", "lineage"], { cwd: b })).stdout,
    table("Lineage for current state", [
      ["code:/train.ts", "Code", "Placeholder:version=1", "None"],
      ["results", "Step", `train at ${train.start_time.replace("T", " ")}`, "shared:/prepared.csv (current)"],
      [
        "shared:/prepared.csv",
        "Step",
        `prep at ${prep.start_time.replace("T", " ")}`,
        "source-data:/data.csv (current)",
      ],
      ["source-data:/data.csv", "Source Data", `Hash:${certOf("source_data")}`, "None"],
      ["code:/prep.ts", "Code", `Hash:${certOf("code")}`, "None"],
    ]),
  );
  // Workspace A's own table is unchanged by the import.
  assert.ok((await dwsOk(sb, ["report", "lineage"], { cwd: a })).stdout.includes("| shared:/prepared.csv  | Step "));
});
