/**
 * How fast stale steps are found (target: a 20,000-file input with a warm
 * stat cache well under a second): a step reads a local-files folder of
 * 20,000 files; then `dws report stale` (whole command) and the library's
 * `pipelineStatus` (in process) are timed with the folder unchanged and
 * after one file changed. Medians over a few runs; the machine may be
 * shared, so read the numbers with its load in mind.
 *
 * Usage: deno run -A bench/stale.ts [files] [runs]
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createContext } from "../core/base/context.ts";
import { pipelineStatus } from "../core/lineage/pipeline.ts";
import { Workspace } from "../core/workspace/workspace.ts";
import "../resources/register.ts";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const files = Number(Deno.args[0] ?? 20000);
const runs = Number(Deno.args[1] ?? 5);
const { base, env } = benchSandbox("stale");
const dws = [DENO, "run", "-A", join(ROOT, "cli/main.ts")];

function run(args: string[], cwd: string): number {
  const t0 = performance.now();
  const out = new Deno.Command(dws[0], { args: [...dws.slice(1), ...args], cwd, env, stdout: "null", stderr: "piped" })
    .outputSync();
  if (!out.success) throw new Error(`dws ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const ws = join(base, "ws");
const raw = join(base, "raw");
mkdirSync(ws);
for (let d = 0; d < files / 100; d++) {
  mkdirSync(join(raw, `d${d}`), { recursive: true });
  for (let f = 0; f < 100; f++) writeFileSync(join(raw, `d${d}`, `f${f}.csv`), `${d},${f}\n`);
}
run(["--batch", "init", "--create-resources", "results"], ws);
run(["--batch", "add", "local-files", "--role", "source-data", "--name", "raw", raw], ws);
const first = run(["run", "--input", "raw", "--output", "results", "--", "true"], ws);

async function inProcess(): Promise<number> {
  const t0 = performance.now();
  const statuses = await pipelineStatus(await Workspace.open(ws, createContext()));
  if (statuses.length !== 1 || statuses[0].reasons.length) throw new Error("expected one step, up to date");
  return performance.now() - t0;
}

const warmCommand = median(Array.from({ length: runs }, () => run(["report", "stale"], ws)));
const library: number[] = [];
for (let i = 0; i < runs; i++) library.push(await inProcess());
const warmLibrary = median(library);
writeFileSync(join(raw, "d0", "f0.csv"), "changed\n");
const changed = median(Array.from({ length: runs }, () => run(["report", "stale"], ws)));
console.log(`stale steps over a ${files}-file input, median of ${runs} (ms); load average ${loadavg()[0].toFixed(1)}`);
console.log(`  dws run recording the step (cold stat cache)   ${first.toFixed(0).padStart(7)}`);
console.log(`  dws report stale, warm cache, unchanged        ${warmCommand.toFixed(0).padStart(7)}`);
console.log(`  pipelineStatus in process, warm, unchanged     ${warmLibrary.toFixed(0).padStart(7)}`);
console.log(`  dws report stale, one file changed             ${changed.toFixed(0).padStart(7)}`);
console.log(`  target: well under 1000 ms`);
if (Deno.env.get("KEEP")) console.log(ws);
else rmSync(base, { recursive: true, force: true });
