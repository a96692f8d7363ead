/**
 * Build the single `dws` executable offline (`npm run build:binary`): a
 * Node single executable application. The CLI is bundled into one CommonJS
 * file (scripts/bundle.ts, esbuild from node_modules), Node turns it into a
 * preparation blob (with V8's code cache), and postject (from node_modules)
 * injects the blob into a copy of the `node` binary that runs this script's
 * Node. Nothing is downloaded; the result needs neither Node nor Deno at run
 * time, only git (and rclone for rclone resources).
 *
 * Usage: deno run -A scripts/build_binary.ts [--output dist/dws-linux-x64]
 *
 * @module
 */
import { copyFileSync, mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleCli } from "./bundle.ts";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// The fuse postject flips in the node binary so that it runs the injected blob (Node's documented value).
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/** `dist/dws-<os>-<arch>` for this machine, e.g. `dist/dws-linux-x64`. */
export function defaultBinaryPath(): string {
  const os = Deno.build.os === "darwin" ? "macos" : Deno.build.os;
  const arch = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  return `dist/dws-${os}-${arch}`;
}

function exec(argv: string[], what: string): string {
  const out = new Deno.Command(argv[0], { args: argv.slice(1), cwd: ROOT, stdout: "piped", stderr: "piped" })
    .outputSync();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${what} failed (${argv.join(" ")}):\n${text}`);
  return text;
}

/** The real path of the `node` on PATH (or `$DWS_NODE`): its binary becomes the executable. */
function nodeBinary(): string {
  const node = Deno.env.get("DWS_NODE") ?? "node";
  return realpathSync(exec([node, "-p", "process.execPath"], "node").trim());
}

/**
 * Build the executable at `output` (relative to the checkout or absolute);
 * returns its size in bytes.
 *
 * @example
 * ```ts
 * await buildBinary("dist/dws-linux-x64");
 * ```
 */
export async function buildBinary(output: string = defaultBinaryPath()): Promise<number> {
  if (Deno.build.os !== "linux") throw new Error("The single executable is built on Linux (postject flags differ)");
  const out = isAbsolute(output) ? output : join(ROOT, output);
  const work = `${out}.build`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const main = join(work, "dws.cjs");
    await bundleCli("node", main);
    const blob = join(work, "dws.blob");
    const config = { main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true };
    writeFileSync(join(work, "sea-config.json"), JSON.stringify(config));
    const node = nodeBinary();
    exec([node, "--experimental-sea-config", join(work, "sea-config.json")], "node --experimental-sea-config");
    rmSync(out, { force: true });
    copyFileSync(node, out);
    const postject = join(ROOT, "node_modules/postject/dist/cli.js");
    exec([node, postject, out, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE], "postject");
    Deno.chmodSync(out, 0o755);
    return statSync(out).size;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--output");
  const output = i >= 0 ? Deno.args[i + 1] : defaultBinaryPath();
  const bytes = await buildBinary(output);
  console.log(`Built ${output} (${(bytes / 1e6).toFixed(1)} MB); it runs without Node or Deno: ${output} --help`);
}
