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
 * This VM's write speed varies 2-5x from minute to minute (`cp -r` of the
 * same folder took 1.2 s to 9 s), so each tool runs `--rounds` times, the
 * limits are measured again in every round, every timed command starts
 * after a `sync`, and the table shows medians (with the range); a ratio is
 * the median of the ratios within each round.
 *
 * Usage: deno run -A bench/snapshot.ts [--files N] [--kb K] [--rounds R] [--peers VENV]
 * (or DWS_BENCH_FILES, DWS_BENCH_KB, DWS_BENCH_ROUNDS, DWS_BENCH_PEERS).
 * Default: 20,000 files x 100 KB (2 GB), 3 rounds; peers from /tmp/peers.
 * Install them with
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
  options: { files: { type: "string" }, kb: { type: "string" }, rounds: { type: "string" }, peers: { type: "string" } },
});
const files = Number(flags.files ?? Deno.env.get("DWS_BENCH_FILES") ?? 20000);
const kb = Number(flags.kb ?? Deno.env.get("DWS_BENCH_KB") ?? 100);
const rounds = Number(flags.rounds ?? Deno.env.get("DWS_BENCH_ROUNDS") ?? 3);
const peers = flags.peers ?? Deno.env.get("DWS_BENCH_PEERS") ?? "/tmp/peers";
const { base, env } = benchSandbox("snap", { DVC_NO_ANALYTICS: "1", PYTHONWARNINGS: "ignore" });

/** Run a program after a `sync` (so no earlier writes are flushed on its time); returns seconds. */
function timed(cmd: string, args: string[], cwd: string, mayFail = false): number {
  new Deno.Command("sync").outputSync();
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);

/** The median of some runs, with their range when there are several. */
function fmt(xs: (number | undefined)[], unit = " s", digits = 2): string {
  const ys = defined(xs);
  if (!ys.length) return "—";
  const range = ys.length > 1 ? ` (${Math.min(...ys).toFixed(digits)}-${Math.max(...ys).toFixed(digits)})` : "";
  return `${median(ys).toFixed(digits)}${unit}${range}`;
}

/** One round: the limits and every tool's row, measured one after the other. */
interface Round {
  limits: { hash: number; copy: number };
  rows: Record<string, Row | undefined>;
}

/** The ratio of two cells within each round, summarised over the rounds. */
function ratio(all: Round[], a: (r: Round) => number | undefined, b: (r: Round) => number | undefined): string {
  const xs = all.map((r) => {
    const [x, y] = [a(r), b(r)];
    return x === undefined || y === undefined ? undefined : x / y;
  });
  return defined(xs).length ? fmt(xs, "x") : "n/a";
}

function report(all: Round[], history: number) {
  const cell = (f: (r: Round) => number | undefined) => fmt(all.map(f)).padStart(24);
  console.log("machine limits");
  console.log(`  hash limit (sha1sum, 2 processes)   ${cell((r) => r.limits.hash)}`);
  console.log(`  copy limit (cp -r)                  ${cell((r) => r.limits.copy)}`);
  const names = Object.keys(all[0].rows);
  console.log(`\n${"".padEnd(34)}${names.map((n) => n.padStart(24)).join("")}`);
  const line = (label: string, key: keyof Row) =>
    console.log(`  ${label.padEnd(32)}${names.map((n) => cell((r) => r.rows[n]?.[key])).join("")}`);
  line("first snapshot", "first");
  line("unchanged re-snapshot", "unchanged");
  line("one file changed", "changed");
  line("restore of the deleted folder", "restore");
  for (const [n, r] of Object.entries(all[0].rows)) if (!r) console.log(`  (${n}: not installed in ${peers})`);
  const row = (name: string, key: keyof Row) => (r: Round) => r.rows[name]?.[key];
  const [copy, hash] = [(r: Round) => r.limits.copy, (r: Round) => r.limits.hash];
  console.log("\ntargets (median ratio within a round, and the range)");
  const target = (label: string, value: string, goal: string) =>
    console.log(`  ${label.padEnd(44)}${value.padEnd(24)} target ${goal}`);
  target("first snapshot (copy) / cp -r", ratio(all, row("dws copy", "first"), copy), "<= 1.1x");
  target("first snapshot (copy) / dvc add", ratio(all, row("dws copy", "first"), row("DVC", "first")), "<= 0.5x");
  target("restore (copy) / cp -r", ratio(all, row("dws copy", "restore"), copy), "<= 1.0x");
  target("restore (copy) / dvc checkout", ratio(all, row("dws copy", "restore"), row("DVC", "restore")), "<= 0.5x");
  target("first snapshot (link) / hash limit", ratio(all, row("dws link", "first"), hash), "<= 1.3x");
  target("restore (link) / cp -r", ratio(all, row("dws link", "restore"), copy), "<= 0.1x");
  const dvc = (key: keyof Row) => ratio(all, row("dws copy", key), row("DVC", key));
  target("unchanged re-snapshot (copy) / dvc add", dvc("unchanged"), "<= 0.15x");
  target("one file changed (copy) / dvc add", dvc("changed"), "<= 0.15x");
  target("report history --limit 20 (10k snapshots)", fmt([history]), "< 0.3 s");
}

/** Measure the limits, then each tool, in one round; the tools' folders are removed after. */
async function round(): Promise<Round> {
  const limits = {
    hash: sh("find gen -type f -print0 | xargs -0 -n 500 -P 2 sha1sum > /dev/null"),
    copy: sh("cp -r gen copy-limit"),
  };
  rmSync(join(base, "copy-limit"), { recursive: true, force: true });
  const rows: Record<string, Row | undefined> = {};
  for (const [name, run] of Object.entries(TOOLS)) {
    rows[name] = await run();
    rmSync(join(base, FOLDERS[name]), { recursive: true, force: true });
  }
  return { limits, rows };
}

const TOOLS: Record<string, () => Promise<Row | undefined>> = {
  "dws copy": () => dwsRow(false),
  "dws link": () => dwsRow(true),
  "DVC": dvcRow,
  "dws 1.6": dws16Row,
};
const FOLDERS: Record<string, string> = {
  "dws copy": "dws-copy",
  "dws link": "dws-link",
  "DVC": "dvc",
  "dws 1.6": "dws16",
};

try {
  const t0 = performance.now();
  generate(join(base, "gen"));
  const gb = (files * kb * 1024) / 1e9;
  console.log(
    `data: ${files} files x ${kb} KB = ${gb.toFixed(2)} GB (generated in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s); ${rounds} round(s)`,
  );
  const all: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    all.push(await round());
    console.log(`round ${i + 1}/${rounds} done`);
  }
  report(all, historyTime());
} finally {
  rmSync(base, { recursive: true, force: true });
}
