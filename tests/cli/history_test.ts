/**
 * `dws report history` and `dws status --history` through the real command
 * line (spec §6, README §2).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, initWorkspace, sandbox } from "../test_utils.ts";
import { git, MD_DIR, metadata, snapshotHash } from "./snapshot_helpers.ts";

const EMPTY_HISTORY = "History of snapshots\n| Hash | Tags | Created | Message |\n" +
  "|______|______|_________|_________|\n0 snapshots total\n";

type Row = [hash: string, tags: string, created: string, accuracy: string, loss: string, message: string];

/** The history table as 1.6 lays it out: metric columns right-aligned, the others left-aligned. */
function table(rows: Row[], footer: string): string {
  const headers = ["Hash", "Tags", "Created", "accuracy", "loss", "Message"];
  const right = [false, false, false, true, true, false];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], header: boolean) =>
    "|" + cells.map((c, i) => ` ${right[i] && !header ? c.padStart(widths[i]) : c.padEnd(widths[i])} `).join("|") +
    "|";
  return [
    "History of snapshots",
    line(headers, true),
    "|" + widths.map((w) => "_".repeat(w + 2)).join("|") + "|",
    ...rows.map((r) => line(r, false)),
    footer,
    "",
  ].join("\n");
}

Deno.test("report history: newest first, two most frequent metrics, --limit footer, status --history", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  assert.equal((await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout, EMPTY_HISTORY);

  const results = join(ws, "results", "results.json");
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  writeFileSync(results, JSON.stringify({ metrics: { accuracy: 0.91, loss: 0.3 } }));
  const h1 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "first", "S1"], { cwd: ws }));
  writeFileSync(join(ws, "code", "a.py"), "a = 2\n");
  const h2 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "second run", "S2"], { cwd: ws }));
  writeFileSync(join(ws, "code", "a.py"), "a = 3\n");
  writeFileSync(results, JSON.stringify({ metrics: { accuracy: 0.123456, loss: 1.5, cm: { a: 1 } } }));
  const h3 = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S3"], { cwd: ws }));

  const created = (h: string) => (metadata(ws, h).timestamp as string).slice(0, 19);
  const rows: Row[] = [
    [h3.slice(0, 7), "S3", created(h3), "0.123", "1.5", ""],
    [h2.slice(0, 7), "S2", created(h2), "", "", "second run"],
    [h1.slice(0, 7), "S1", created(h1), "0.91", "0.3", "first"],
  ];
  const full = (await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout;
  assert.equal(full, table(rows, "3 snapshots total"));
  assert.equal((await dwsOk(sb, ["report", "history", "--limit", "5"], { cwd: ws })).stdout, full);
  assert.equal(
    (await dwsOk(sb, ["report", "history", "--limit", "3"], { cwd: ws })).stdout,
    table(rows, "Showing first 3 snapshots"),
  );
  assert.equal(
    (await dwsOk(sb, ["report", "history", "--limit", "2"], { cwd: ws })).stdout,
    table(rows.slice(0, 2), "Showing first 2 snapshots"),
  );

  const status = (await dwsOk(sb, ["report", "status"], { cwd: ws })).stdout;
  const s = await dwsOk(sb, ["status", "--history"], { cwd: ws });
  assert.equal(s.stdout, `${status}\n\n${full}`);
  const s1 = await dwsOk(sb, ["status", "--history", "--limit", "1"], { cwd: ws });
  assert.equal(s1.stdout, `${status}\n\n${table(rows.slice(0, 1), "Showing first 1 snapshots")}`);
  assert.equal((await dwsOk(sb, ["status"], { cwd: ws })).stdout, status);
});

Deno.test("report history with zero snapshots, also via status --history", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  assert.equal((await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout, EMPTY_HISTORY);
  assert.equal((await dwsOk(sb, ["report", "history", "--limit", "1"], { cwd: ws })).stdout, EMPTY_HISTORY);
  const status = (await dwsOk(sb, ["report", "status"], { cwd: ws })).stdout;
  assert.equal((await dwsOk(sb, ["status", "--history"], { cwd: ws })).stdout, `${status}\n\n${EMPTY_HISTORY}`);
});

Deno.test("report history reads 1.6 metadata, timestamps without microseconds included", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFileSync(join(ws, "code", "a.py"), "a = 1\n");
  const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "-m", "now", "NOW"], { cwd: ws }));
  const old = "0123456789abcdef0123456789abcdef01234567";
  writeFileSync(
    join(ws, MD_DIR, `${old}_md.json`),
    JSON.stringify(
      {
        hash: old,
        tags: ["OLD", "V0"],
        message: "from 1.6",
        hostname: "elsewhere",
        timestamp: "2020-01-02T03:04:05",
        relative_destination_path: "snapshots/elsewhere-OLD",
        restore_hashes: {},
        metrics: { loss: 2.5 },
      },
      null,
      2,
    ),
  );
  await git(sb, ws, "add", MD_DIR);
  await git(sb, ws, "commit", "-q", "-m", "metadata from another machine");
  const out = (await dwsOk(sb, ["report", "history"], { cwd: ws })).stdout;
  const lines = out.split("\n");
  assert.match(lines[1], /^\| Hash +\| Tags +\| Created +\| loss \| Message +\|$/);
  assert.match(lines[3], new RegExp(`^\\| ${h.slice(0, 7)} \\| NOW +\\| \\d{4}-.{14} \\| +\\| now +\\|$`));
  assert.equal(lines[4], "| 0123456 | OLD, V0 | 2020-01-02T03:04:05 |  2.5 | from 1.6 |");
  assert.equal(lines[5], "2 snapshots total");
});
