/**
 * The overhead of `dws run` (target: at most 0.15 s over the command): wall
 * time of `dws run -- true` next to `true` itself and to `deno run` of an
 * empty script (Deno's own start), and of a step with an input and an
 * output (whose versions dws records). Prints medians over many runs; the
 * machine may be shared, so compare the columns, not the absolute times.
 *
 * Usage: deno run -A bench/run.ts [runs]
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus, loadavg } from "node:os";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const runs = Number(Deno.args[0] ?? 20);
const { base, env } = benchSandbox("run");
const dws = [DENO, "run", "--allow-read", "--allow-write", "--allow-run", "--allow-env", "--allow-sys"];
const main = join(ROOT, "cli/main.ts");

function time(argv: string[], cwd: string): number {
  const t0 = performance.now();
  const out = new Deno.Command(argv[0], { args: argv.slice(1), cwd, env, stdout: "null", stderr: "piped" })
    .outputSync();
  if (!out.success) throw new Error(`${argv.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ws = join(base, "ws");
mkdirSync(ws);
time([...dws, main, "--batch", "init", "--create-resources", "source-data,intermediate-data,code,results"], ws);
writeFileSync(join(ws, "source-data", "data.csv"), "1\n2\n3\n");
writeFileSync(
  join(ws, "code", "step.sh"),
  "mkdir -p intermediate-data/s1 && cp source-data/data.csv intermediate-data/s1/\n",
);
const empty = join(base, "empty.ts");
writeFileSync(empty, "");

const cases: [string, string[]][] = [
  ["true", ["true"]],
  ["deno run (empty script)", [DENO, "run", empty]],
  ["dws run -- true", [...dws, main, "run", "--", "true"]],
  ["dws run, 1 input, 1 output", [
    ...dws,
    main,
    ...["run", "--input", "source-data/data.csv", "--output", "intermediate-data:s1", "--", "sh", "code/step.sh"],
  ]],
];
for (const [, argv] of cases) time(argv, ws); // warm Deno's module cache
const results = cases.map(([name, argv]) => {
  const samples = Array.from({ length: runs }, () => time(argv, ws));
  return { name, median: median(samples), min: Math.min(...samples) };
});
console.log(
  `dws run overhead over ${runs} runs each (median / min, ms); ${cpus().length} cores, ` +
    `load average ${loadavg()[0].toFixed(1)} (a shared machine inflates every number)`,
);
const command = results[0].median;
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(28)} ${r.median.toFixed(1).padStart(7)} ${r.min.toFixed(1).padStart(7)}   ` +
      `+${(r.median - command).toFixed(1)} over the command`,
  );
}
console.log(`  target: dws run -- true at most 150 ms over true`);
rmSync(base, { recursive: true, force: true });
