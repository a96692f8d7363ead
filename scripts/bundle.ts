/**
 * Bundle the `dws` command into one JavaScript file with esbuild from
 * `node_modules` (a pinned dev dependency: nothing is downloaded at build
 * time). Two forms:
 *
 * - `deno`: an ES module for `deno run` (`dist/dws.js`, no node_modules
 *   needed; `deno task compile` and `dws deploy` use it);
 * - `node`: a CommonJS script for Node 20+ (`dist/dws.cjs`), the program
 *   injected into the single executable (scripts/build_binary.ts).
 *
 * Usage: deno run -A scripts/bundle.ts deno|node [OUTFILE]
 *
 * @module
 */
import * as esbuild from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bareSpecifier } from "./npm_specifiers.ts";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** The two bundle forms. */
export type BundleFormat = "deno" | "node";

/** `npm:name@version/sub` → what Node resolves for `name/sub` from the checkout's node_modules. */
const npmSpecifiers: esbuild.Plugin = {
  name: "npm-specifiers",
  setup(build) {
    build.onResolve(
      { filter: /^npm:/ },
      (args) =>
        build.resolve(bareSpecifier(args.path), {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
        }),
    );
  },
};

// Packages of the CJS world call require() for Node built-ins; an ES module has no require of its own.
const ESM_REQUIRE = 'import { createRequire as __dwsCreateRequire } from "node:module";\n' +
  "const require = __dwsCreateRequire(import.meta.url);";
// The CommonJS form runs the CLI without top-level await; import.meta.url is this file's URL.
const CJS_ENTRY = 'import process from "node:process";\nimport { runDws } from "./cli/run_dws.ts";\n' +
  "runDws(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n";
const CJS_META_URL = 'var __dwsMetaUrl = require("node:url").pathToFileURL(__filename).href;';

/**
 * Bundle the CLI into `outfile` (absolute or relative to the checkout);
 * returns the output's size in bytes.
 *
 * @example
 * ```ts
 * await bundleCli("deno", "dist/dws.js");
 * ```
 */
export async function bundleCli(format: BundleFormat, outfile: string): Promise<number> {
  const common: esbuild.BuildOptions = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    outfile: resolve(ROOT, outfile),
    plugins: [npmSpecifiers],
    logLevel: "warning",
    metafile: true,
    legalComments: "none",
  };
  const result = format === "deno"
    ? await esbuild.build({
      ...common,
      entryPoints: [join(ROOT, "cli/main.ts")],
      format: "esm",
      target: "esnext",
      banner: { js: ESM_REQUIRE },
    })
    : await esbuild.build({
      ...common,
      stdin: { contents: CJS_ENTRY, resolveDir: ROOT, sourcefile: "dws-entry.ts", loader: "ts" },
      format: "cjs",
      target: "node20",
      define: { "import.meta.url": "__dwsMetaUrl" },
      banner: { js: CJS_META_URL },
    });
  await esbuild.stop();
  return Object.values(result.metafile!.outputs).reduce((n, o) => n + o.bytes, 0);
}

if (import.meta.main) {
  const format = Deno.args[0] as BundleFormat;
  if (format !== "deno" && format !== "node") {
    console.error("Usage: deno run -A scripts/bundle.ts deno|node [OUTFILE]");
    Deno.exit(2);
  }
  const outfile = Deno.args[1] ?? (format === "deno" ? "dist/dws.js" : "dist/dws.cjs");
  const bytes = await bundleCli(format, outfile);
  console.log(`Built ${outfile} (${(bytes / 1e6).toFixed(2)} MB)`);
}
