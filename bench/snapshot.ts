/**
 * Snapshot speed on a generated local-files resource (default 20,000 files x
 * 100 KB = 2 GB, `--compute-hash`): first snapshot (nothing cached), an
 * unchanged re-snapshot, one changed file, restore of the whole folder from the
 * object store; and `report history --limit 20`
 * on 10,000 snapshots. Prints median times and GB/s.
 *
 * Usage: deno task bench:snapshot [files] [kb-per-file] [runs]
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dumpPythonJson } from "../core/base/python_json.ts";
import { statCachePath } from "../resources/folder_snapshot.ts";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const root = ROOT;
const deno = DENO;
const files = Number(Deno.args[0] ?? 20000);
const kb = Number(Deno.args[1] ?? 100);
const runs = Number(Deno.args[2] ?? 3);
const { base, env } = benchSandbox("snap");

function dws(args: string[], cwd: string): number {
  const t0 = performance.now();
  const out = new Deno.Command(deno, {
    args: ["run", "-A", join(root, "cli/main.ts"), "--batch", ...args],
    cwd,
    env,
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  if (!out.success) throw new Error(`dws ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return (performance.now() - t0) / 1000;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Data: distinct content per file so every hash is real work.
const data = join(base, "data");
const ws = join(base, "ws");
mkdirSync(ws);
const block = new Uint8Array(kb * 1024);
crypto.getRandomValues(block.subarray(0, Math.min(65536, block.length)));
for (let i = 0; i < block.length; i += 65536) block.copyWithin(i, 0, Math.min(65536, block.length - i));
const t0 = performance.now();
for (let i = 0; i < files; i++) {
  const dir = join(data, `d${String(Math.floor(i / 1000)).padStart(3, "0")}`);
  if (i % 1000 === 0) mkdirSync(dir, { recursive: true });
  new DataView(block.buffer).setUint32(0, i);
  writeFileSync(join(dir, `f${i}.bin`), block);
}
const totalGB = (files * kb * 1024) / 1e9;
console.log(
  `generated ${files} files x ${kb} KB = ${totalGB.toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
// Data is normally older than the snapshot; make sure the stat cache may trust it.
await new Promise((r) => setTimeout(r, 1100));

dws(["init", "--hostname", "bench"], ws);
dws(["add", "local-files", "--role", "source-data", "--compute-hash", data], ws);
let tag = 0;
const first: number[] = [];
for (let i = 0; i < runs; i++) {
  rmSync(statCachePath(ws, "data"), { force: true });
  first.push(dws(["snapshot", `first-${tag++}`], ws));
}
const unchanged: number[] = [];
for (let i = 0; i < runs; i++) unchanged.push(dws(["snapshot", `same-${tag++}`], ws));
const changed: number[] = [];
for (let i = 0; i < runs; i++) {
  new DataView(block.buffer).setUint32(4, i + 1);
  writeFileSync(join(data, "d000", "f0.bin"), block);
  changed.push(dws(["snapshot", `changed-${tag++}`], ws));
}

// Restore of the whole folder from the object store (the folder deleted first).
const restore: number[] = [];
for (let i = 0; i < runs; i++) {
  rmSync(data, { recursive: true, force: true });
  restore.push(dws(["restore", "first-0"], ws));
}

// History: 10,000 synthetic snapshots.
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
const history: number[] = [];
for (let i = 0; i < runs; i++) history.push(dws(["report", "history", "--limit", "20"], hist));

const row = (name: string, xs: number[], target: string, gb?: number) =>
  console.log(
    `  ${name.padEnd(34)} ${median(xs).toFixed(3).padStart(7)} s  ${
      gb ? `${(gb / median(xs)).toFixed(2).padStart(5)} GB/s` : "          "
    }  target ${target}`,
  );
console.log(`median of ${runs} runs:`);
row("first snapshot (no cache)", first, "< 2.5 s", totalGB);
row("unchanged re-snapshot", unchanged, "< 0.4 s");
row("one changed file", changed, "< 0.5 s");
row("restore of the deleted folder", restore, "< 3 s", totalGB);
row("report history --limit 20 (10k)", history, "< 0.3 s");
rmSync(base, { recursive: true, force: true });
