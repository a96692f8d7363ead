/**
 * Startup cost: wall time of `dws report status` next to `deno run` of an
 * empty script (target: dws within 1.5x). Prints medians over many runs.
 *
 * Usage: deno task bench [runs]
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const root = ROOT;
const deno = DENO;
const runs = Number(Deno.args[0] ?? 30);
const { base, env } = benchSandbox("startup");
const dwsPerms = ["--allow-read", "--allow-write", "--allow-run", "--allow-env", "--allow-sys"];

function time(args: string[], cwd: string): number {
  const t0 = performance.now();
  const out = new Deno.Command(deno, { args, cwd, env, stdout: "null", stderr: "piped" }).outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ws = join(base, "ws");
mkdirSync(ws);
time(["run", "-A", join(root, "cli/main.ts"), "--batch", "init", "--create-resources", "all"], ws);
const empty = join(base, "empty.ts");
writeFileSync(empty, "");
// The floor for any CLI built on node: built-ins and commander under Deno: Deno initialises its
// Node compatibility layer on the first node: import (about 20 ms here).
const floor = join(base, "floor.ts");
writeFileSync(
  floor,
  `import { Command } from "${join(root, "node_modules/commander/index.js")}";\n` +
    `import { readFileSync } from "node:fs";\nimport process from "node:process";\n` +
    `new Command("x").parse(["a", "b"]);\nprocess.stdout.write(String(readFileSync("${empty}").length));\n`,
);

const cases: [string, string[]][] = [
  ["deno run (empty script)", ["run", empty]],
  ["node:fs + commander, no work", ["run", "-A", floor]],
  ["dws report status", ["run", ...dwsPerms, join(root, "cli/main.ts"), "report", "status"]],
  ["dws version", ["run", ...dwsPerms, join(root, "cli/main.ts"), "version"]],
];
for (const [, args] of cases) time(args, ws); // warm the module cache
const results = cases.map(([name, args]) => {
  const samples = Array.from({ length: runs }, () => time(args, ws));
  return { name, median: median(samples), min: Math.min(...samples) };
});
const baseline = results[0].median;
console.log(`startup over ${runs} runs each (median / min, ms):`);
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(26)} ${r.median.toFixed(1).padStart(7)} ${r.min.toFixed(1).padStart(7)}   ${
      (r.median / baseline).toFixed(2)
    }x`,
  );
}
rmSync(base, { recursive: true, force: true });
