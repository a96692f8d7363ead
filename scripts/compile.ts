/**
 * Build the single `dws` executable (`deno task compile`) into `dist/dws`.
 *
 * `deno compile` downloads its runtime (`denort`) from the internet; set
 * `DENORT_BIN` to a local denort binary where that is impossible, or build
 * the offline single executable (`npm run build:binary`,
 * scripts/build_binary.ts). Always built first, offline, is `dist/dws.js`:
 * one JavaScript file (esbuild from node_modules, scripts/bundle.ts) that
 * runs with a bare `deno run` (no node_modules needed).
 *
 * Usage: deno task compile [--bundle-only] [--target TRIPLE]...
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCli } from "./bundle.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const deno = Deno.execPath();
/** Exactly the permissions dws needs: files, git/rclone subprocesses, env, hostname, network (S3 buckets). */
export const DWS_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  "--allow-net",
];

function run(args: string[], env: Record<string, string> = {}): boolean {
  console.log(`$ deno ${args.join(" ")}`);
  return new Deno.Command(deno, { args, cwd: root, env, stdout: "inherit", stderr: "inherit" }).outputSync().success;
}

mkdirSync(join(root, "dist"), { recursive: true });
await bundleCli("deno", "dist/dws.js");
console.log("Built dist/dws.js (run it with: deno run " + DWS_PERMISSIONS.join(" ") + " dist/dws.js)");
if (Deno.args.includes("--bundle-only")) Deno.exit(0);

const targets: (string | undefined)[] = [];
for (let i = 0; i < Deno.args.length; i++) if (Deno.args[i] === "--target") targets.push(Deno.args[++i]);
if (targets.length === 0) targets.push(undefined);
const env: Record<string, string> = {};
const denort = Deno.env.get("DENORT_BIN");
if (denort) env.DENORT_BIN = denort;
let failed = false;
for (const target of targets) {
  const out = target ? `dist/dws-${target}` : "dist/dws";
  const args = ["compile", ...DWS_PERMISSIONS, "--output", out, ...(target ? ["--target", target] : []), "cli/main.ts"];
  if (!run(args, env)) {
    failed = true;
    console.error(
      `deno compile could not build ${out}: it downloads its runtime (denort) from the internet. ` +
        "Set DENORT_BIN to a local denort binary, or use dist/dws.js.",
    );
  }
}
Deno.exit(failed ? 1 : 0);
