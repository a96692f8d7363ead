/**
 * Restore speed of a data folder next to `cp -r` of the same folder
 * (default 20,000 files x 100 KB = 2 GB) and DVC's checkout of it (when
 * `dvc` is on the PATH or in `DVC`): the whole folder deleted and
 * restored, an unchanged folder (every file skipped through the stat
 * cache), and 1% of the files edited (kept for `dws restore --undo`, then
 * restored). Prints median times, GB/s and the machine's load.
 *
 * Usage: deno run -A bench/restore.ts [files] [kb-per-file] [runs]
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const files = Number(Deno.args[0] ?? 20000);
const kb = Number(Deno.args[1] ?? 100);
const runs = Number(Deno.args[2] ?? 3);
const { base, env } = benchSandbox("restore");

function timed(argv: string[], cwd: string): number {
  const t0 = performance.now();
  const out = new Deno.Command(argv[0], { args: argv.slice(1), cwd, env, stdout: "null", stderr: "piped" })
    .outputSync();
  if (!out.success) throw new Error(`${argv.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return (performance.now() - t0) / 1000;
}
const dws = (args: string[], cwd: string) =>
  timed([DENO, "run", "-A", join(ROOT, "cli/main.ts"), "--batch", ...args], cwd);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Distinct content per file, 1,000 files per folder. */
function generate(data: string, block: Uint8Array): void {
  for (let i = 0; i < files; i++) {
    const dir = join(data, `d${String(Math.floor(i / 1000)).padStart(3, "0")}`);
    if (i % 1000 === 0) mkdirSync(dir, { recursive: true });
    new DataView(block.buffer).setUint32(0, i);
    writeFileSync(join(dir, `f${i}.bin`), block);
  }
}

/** Restore-only measurements: cp -r, deleted folder, unchanged folder, 1% edited. */
function measureRestore(ws: string, data: string, block: Uint8Array): Record<string, number[]> {
  const out: Record<string, number[]> = { cp: [], deleted: [], unchanged: [], edited: [] };
  for (let i = 0; i < runs; i++) {
    out.cp.push(timed(["cp", "-r", data, join(base, "copy")], base));
    rmSync(join(base, "copy"), { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
    out.deleted.push(dws(["restore", "S1"], ws));
    out.unchanged.push(dws(["restore", "S1"], ws));
    for (let f = 0; f < files; f += 100) {
      new DataView(block.buffer).setUint32(4, i + 1);
      writeFileSync(join(data, `d${String(Math.floor(f / 1000)).padStart(3, "0")}`, `f${f}.bin`), block);
    }
    out.edited.push(dws(["restore", "S1"], ws));
  }
  return out;
}

/** `dvc checkout` of the deleted folder (DVC's cache holds it), or undefined without DVC. */
function measureDvc(data: string): number[] | undefined {
  const dvc = Deno.env.get("DVC") ?? "dvc";
  try {
    timed([dvc, "--version"], base);
  } catch {
    return undefined;
  }
  const repo = join(base, "dvc");
  mkdirSync(repo);
  timed(["cp", "-r", data, join(repo, "data")], base);
  for (const argv of [["git", "init", "-q"], [dvc, "init", "-q"], [dvc, "add", "-q", "data"]]) timed(argv, repo);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    rmSync(join(repo, "data"), { recursive: true, force: true });
    out.push(timed([dvc, "checkout", "-q"], repo));
  }
  rmSync(repo, { recursive: true, force: true });
  return out;
}

const data = join(base, "data");
const ws = join(base, "ws");
mkdirSync(ws);
const block = new Uint8Array(kb * 1024);
crypto.getRandomValues(block.subarray(0, Math.min(65536, block.length)));
for (let i = 0; i < block.length; i += 65536) block.copyWithin(i, 0, Math.min(65536, block.length - i));
generate(data, block);
const totalGB = (files * kb * 1024) / 1e9;
// Data is normally older than the snapshot; make sure the stat cache may trust it.
await new Promise((r) => setTimeout(r, 1100));
dws(["init", "--hostname", "bench"], ws);
dws(["add", "local-files", "--role", "source-data", data], ws);
dws(["snapshot", "S1"], ws);
const m = measureRestore(ws, data, block);
const dvcCheckout = measureDvc(data);
const row = (name: string, xs: number[], gb?: number) =>
  console.log(
    `  ${name.padEnd(36)} ${median(xs).toFixed(3).padStart(7)} s  ${
      gb ? `${(gb / median(xs)).toFixed(2).padStart(5)} GB/s` : ""
    }  (${xs.map((x) => x.toFixed(2)).join(", ")})`,
  );
console.log(
  `${files} files x ${kb} KB = ${totalGB.toFixed(2)} GB; median of ${runs} runs; load ${loadavg()[0].toFixed(2)}`,
);
row("cp -r of the folder", m.cp, totalGB);
row("dws restore of the deleted folder", m.deleted, totalGB);
row("dws restore, nothing changed", m.unchanged);
row("dws restore, 1% of files edited", m.edited);
if (dvcCheckout) row("dvc checkout of the deleted folder", dvcCheckout, totalGB);
console.log(`  restore / cp -r: ${(median(m.deleted) / median(m.cp)).toFixed(2)}x (target <= 1.0x)`);
if (dvcCheckout) {
  console.log(`  restore / dvc checkout: ${(median(m.deleted) / median(dvcCheckout)).toFixed(2)}x (target <= 0.5x)`);
}
rmSync(base, { recursive: true, force: true });
