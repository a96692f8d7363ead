/**
 * Startup cost: wall time of `dws report history` run from the sources, from
 * the single-file bundle (`deno run dist/dws.js`) and as the single
 * executable (dist/dws-linux-x64, Node SEA), next to `deno run` and `node`
 * of an empty script (target: dws within 1.5x of the bare runtime). Prints
 * medians over many runs, and the executable's size.
 *
 * Usage: deno task bench [runs]
 *
 * @module
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleCli } from "../scripts/bundle.ts";
import { buildBinary, defaultBinaryPath } from "../scripts/build_binary.ts";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const runs = Number(Deno.args[0] ?? 30);
const { base, env: sandboxEnv } = benchSandbox("startup");
// NODE_EXTRA_CA_CERTS makes Node parse a CA bundle before anything else (about 100 ms on this machine); it is
// left out so that the node and single-executable rows show the program's cost, not this machine's setting.
const env: Record<string, string> = { ...Deno.env.toObject(), ...sandboxEnv };
delete env.NODE_EXTRA_CA_CERTS;
const dwsPerms = ["--allow-read", "--allow-write", "--allow-run", "--allow-env", "--allow-sys", "--allow-net"];

function time(argv: string[], cwd: string): number {
  const t0 = performance.now();
  const out = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd,
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  })
    .outputSync();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

await bundleCli("deno", "dist/dws.js");
const exe = join(ROOT, defaultBinaryPath());
const exeBytes = await buildBinary(exe);
const ws = join(base, "ws");
mkdirSync(ws);
time([DENO, "run", "-A", join(ROOT, "cli/main.ts"), "--batch", "init", "--create-resources", "all"], ws);
const empty = join(base, "empty.js");
writeFileSync(empty, "");
// The floor for any program on node: built-ins under Deno: its Node compatibility layer starts on the first import.
const nodeFloor = join(base, "node_floor.js");
writeFileSync(nodeFloor, 'import "node:fs";\nimport "node:child_process";\n');

const history = ["report", "history"];
const cases: [string, string[]][] = [
  ["deno run (empty script)", [DENO, "run", empty]],
  ["deno run (node: imports only)", [DENO, "run", nodeFloor]],
  ["node (empty script)", ["node", empty]],
  ["dws: deno run cli/main.ts", [DENO, "run", ...dwsPerms, join(ROOT, "cli/main.ts"), ...history]],
  ["dws: deno run dist/dws.js", [DENO, "run", "--no-config", ...dwsPerms, join(ROOT, "dist/dws.js"), ...history]],
  ["dws: dist/dws-linux-x64", [exe, ...history]],
];
for (const [, argv] of cases) time(argv, ws); // warm the module and code caches
const results = cases.map(([name, argv]) => {
  const samples = Array.from({ length: runs }, () => time(argv, ws));
  return { name, median: median(samples), min: Math.min(...samples) };
});
const baseline = results[0].median;
console.log(`startup of 'dws report history' over ${runs} runs each (median / min ms, median vs deno run):`);
for (const r of results) {
  const ratio = (r.median / baseline).toFixed(2);
  console.log(`  ${r.name.padEnd(30)} ${r.median.toFixed(1).padStart(7)} ${r.min.toFixed(1).padStart(7)}   ${ratio}x`);
}
console.log("  (NODE_EXTRA_CA_CERTS is unset for every row: here it adds about 100 ms to each start of Node)");
console.log(
  `single executable ${defaultBinaryPath()}: ${(exeBytes / 1e6).toFixed(1)} MB (${statSync(exe).size} bytes)`,
);
rmSync(base, { recursive: true, force: true });
