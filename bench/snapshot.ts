/**
 * Snapshot and restore speed of a data folder, side by side with the
 * machine's limits and with peers, in one run:
 *
 * - limits: `sha1sum` over every file on 2 processes (the hash limit) and
 *   `cp -r` of the folder (the copy limit);
 * - dws in the default copy mode and in protected link mode
 *   (`object_store.link hardlink`): first snapshot, unchanged re-snapshot,
 *   one file changed, restore of the deleted folder;
 * - DVC (`dvc add`, `dvc checkout` of the deleted folder) and Data
 *   Workspaces 1.6 (`dws snapshot`, which only hashes), when installed in
 *   the peers' virtual environment;
 * - the ratios the targets are stated in; and `report history --limit 20`
 *   on 10,000 snapshots.
 *
 * Usage: deno run -A bench/snapshot.ts [--files N] [--kb K] [--peers VENV]
 * (or DWS_BENCH_FILES, DWS_BENCH_KB, DWS_BENCH_PEERS). Default: 20,000
 * files x 100 KB (2 GB); peers from /tmp/peers. Install them with
 * `python3 -m venv /tmp/peers && /tmp/peers/bin/pip install dvc dataworkspaces==1.6.0`.
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dumpPythonJson } from "../core/base/python_json.ts";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: { files: { type: "string" }, kb: { type: "string" }, peers: { type: "string" } },
});
const files = Number(flags.files ?? Deno.env.get("DWS_BENCH_FILES") ?? 20000);
const kb = Number(flags.kb ?? Deno.env.get("DWS_BENCH_KB") ?? 100);
const peers = flags.peers ?? Deno.env.get("DWS_BENCH_PEERS") ?? "/tmp/peers";
const { base, env } = benchSandbox("snap", { DVC_NO_ANALYTICS: "1", PYTHONWARNINGS: "ignore" });

/** Run a program; returns seconds, or undefined when it failed and `mayFail` (its exit code is then ignored). */
function timed(cmd: string, args: string[], cwd: string, mayFail = false): number {
  const t0 = performance.now();
  const out = new Deno.Command(cmd, { args, cwd, env, stdout: "null", stderr: "piped" }).outputSync();
  const seconds = (performance.now() - t0) / 1000;
  if (!out.success && !mayFail) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return seconds;
}

const sh = (script: string, cwd = base) => timed("sh", ["-c", script], cwd);
const dws = (args: string[], cwd: string) =>
  timed(DENO, ["run", "-A", join(ROOT, "cli/main.ts"), "--batch", ...args], cwd);

/** Distinct content per file (so every hash is real work), 1,000 files per folder. */
function generate(dir: string): void {
  const block = new Uint8Array(kb * 1024);
  crypto.getRandomValues(block.subarray(0, Math.min(65536, block.length)));
  for (let i = 65536; i < block.length; i += 65536) block.copyWithin(i, 0, Math.min(65536, block.length - i));
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `d${String(Math.floor(i / 1000)).padStart(3, "0")}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    new DataView(block.buffer).setUint32(0, i);
    writeFileSync(join(sub, `f${i}.bin`), block);
  }
}

/** Rewrite one file in place (after `prepare`, e.g. making it writable). */
function changeOneFile(data: string, round: number): void {
  const bytes = new Uint8Array(kb * 1024).fill(round);
  writeFileSync(join(data, "d000", "f0.bin"), bytes);
}

/** The four times of one tool. */
interface Row {
  first?: number;
  unchanged?: number;
  changed?: number;
  restore?: number;
}

/** A copy of the generated data for one tool, older than a second (so stat caches may trust it). */
async function dataCopy(name: string): Promise<string> {
  const dir = join(base, name);
  mkdirSync(dir);
  sh(`cp -r ${join(base, "gen")} ${join(dir, "data")}`);
  await new Promise((r) => setTimeout(r, 1100));
  return dir;
}

async function dwsRow(link: boolean): Promise<Row> {
  const dir = await dataCopy(link ? "dws-link" : "dws-copy");
  const data = join(dir, "data");
  const ws = join(dir, "ws");
  mkdirSync(ws);
  dws(["init", "--hostname", "bench"], ws);
  dws(["add", "local-files", "--role", "source-data", "--compute-hash", data], ws);
  if (link) dws(["config", "object_store.link", "hardlink"], ws);
  const row: Row = { first: dws(["snapshot", "first"], ws), unchanged: dws(["snapshot", "same"], ws) };
  if (link) dws(["unprotect", join(data, "d000", "f0.bin")], ws);
  changeOneFile(data, 1);
  row.changed = dws(["snapshot", "changed"], ws);
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data); // dws restores into the folder the resource names
  row.restore = dws(["restore", "first"], ws);
  return row;
}

async function dvcRow(): Promise<Row | undefined> {
  const dvc = join(peers, "bin", "dvc");
  if (!existsSync(dvc)) return undefined;
  const dir = await dataCopy("dvc");
  timed("git", ["init", "-q"], dir);
  timed(dvc, ["init", "-q"], dir);
  timed(dvc, ["config", "core.analytics", "false"], dir);
  const row: Row = { first: timed(dvc, ["add", "-q", "data"], dir), unchanged: timed(dvc, ["add", "-q", "data"], dir) };
  changeOneFile(join(dir, "data"), 1);
  row.changed = timed(dvc, ["add", "-q", "data"], dir);
  rmSync(join(dir, "data"), { recursive: true, force: true });
  row.restore = timed(dvc, ["checkout", "-q", "data.dvc"], dir);
  return row;
}

async function dws16Row(): Promise<Row | undefined> {
  const dws16 = join(peers, "bin", "dws");
  if (!existsSync(dws16)) return undefined;
  const dir = await dataCopy("dws16");
  const ws = join(dir, "ws");
  mkdirSync(ws);
  timed(dws16, ["--batch", "init", "--hostname", "bench"], ws);
  timed(dws16, ["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", join(dir, "data")], ws);
  const row: Row = {
    first: timed(dws16, ["--batch", "snapshot", "first"], ws),
    unchanged: timed(dws16, ["--batch", "snapshot", "same"], ws, true),
  };
  changeOneFile(join(dir, "data"), 1);
  row.changed = timed(dws16, ["--batch", "snapshot", "changed"], ws);
  return row;
}

/** `report history --limit 20` over 10,000 synthetic snapshots. */
function historyTime(): number {
  const hist = join(base, "hist");
  mkdirSync(hist);
  dws(["init", "--hostname", "bench"], hist);
  for (let i = 0; i < 10000; i++) {
    const hash = (i.toString(16).padStart(8, "0") + "0".repeat(32)).slice(0, 40);
    writeFileSync(
      join(hist, ".dataworkspace/snapshot_metadata", `${hash}_md.json`),
      dumpPythonJson({
        hash,
        tags: [`t${i}`],
        message: `run ${i}`,
        hostname: "bench",
        timestamp: `2026-01-01T00:00:00.${String(i).padStart(6, "0")}`,
        relative_destination_path: `snapshots/bench-t${i}`,
        restore_hashes: {},
        metrics: { accuracy: i / 10000, loss: 1 - i / 10000 },
      }),
    );
  }
  return dws(["report", "history", "--limit", "20"], hist);
}

const fmt = (s: number | undefined) => (s === undefined ? "—" : `${s.toFixed(3)} s`).padStart(10);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? "   n/a" : `${(a / b).toFixed(2)}x`.padStart(6);

function report(limits: { hash: number; copy: number }, rows: Record<string, Row | undefined>, history: number) {
  console.log("machine limits");
  console.log(`  hash limit (sha1sum, 2 processes)   ${fmt(limits.hash)}`);
  console.log(`  copy limit (cp -r)                  ${fmt(limits.copy)}`);
  const names = Object.keys(rows);
  console.log(`\n${"".padEnd(34)}${names.map((n) => n.padStart(12)).join("")}`);
  const line = (label: string, key: keyof Row) =>
    console.log(`  ${label.padEnd(32)}${names.map((n) => fmt(rows[n]?.[key]).padStart(12)).join("")}`);
  line("first snapshot", "first");
  line("unchanged re-snapshot", "unchanged");
  line("one file changed", "changed");
  line("restore of the deleted folder", "restore");
  for (const [n, r] of Object.entries(rows)) if (!r) console.log(`  (${n}: not installed in ${peers})`);
  const [copy, link, dvc] = [rows["dws copy"], rows["dws link"], rows["DVC"]];
  console.log("\ntargets");
  const target = (label: string, value: string, goal: string) =>
    console.log(`  ${label.padEnd(44)}${value}   target ${goal}`);
  target("first snapshot (copy) / cp -r", ratio(copy?.first, limits.copy), "<= 1.1x");
  target("first snapshot (copy) / dvc add", ratio(copy?.first, dvc?.first), "<= 0.5x");
  target("first snapshot (link) / hash limit", ratio(link?.first, limits.hash), "<= 1.3x");
  target("restore (link) / cp -r", ratio(link?.restore, limits.copy), "<= 0.1x");
  target("unchanged re-snapshot (copy) / dvc add", ratio(copy?.unchanged, dvc?.unchanged), "<= 0.15x");
  target("one file changed (copy) / dvc add", ratio(copy?.changed, dvc?.changed), "<= 0.15x");
  target("report history --limit 20 (10k snapshots)", fmt(history), "< 0.3 s");
}

try {
  const t0 = performance.now();
  generate(join(base, "gen"));
  const gb = (files * kb * 1024) / 1e9;
  console.log(
    `data: ${files} files x ${kb} KB = ${gb.toFixed(2)} GB (generated in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s); one run each`,
  );
  const limits = {
    hash: sh("find gen -type f -print0 | xargs -0 -n 500 -P 2 sha1sum > /dev/null"),
    copy: sh("cp -r gen copy-limit"),
  };
  rmSync(join(base, "copy-limit"), { recursive: true, force: true });
  const rows: Record<string, Row | undefined> = {
    "dws copy": await dwsRow(false),
    "dws link": await dwsRow(true),
    "DVC": await dvcRow(),
    "dws 1.6": await dws16Row(),
  };
  report(limits, rows, historyTime());
} finally {
  rmSync(base, { recursive: true, force: true });
}
