/**
 * Build the Node package (`deno task build:npm`) into `npm/`: JavaScript and
 * `.d.ts` files compiled by TypeScript from the same sources (their `npm:`
 * specifiers turned into bare names, as dnt does), a package.json
 * with `exports` for the library and each kit, and a `bin` entry for `dws`.
 * Then `npm pack` in `npm/` makes the tarball.
 *
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bareSource, tsFiles } from "./npm_specifiers.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "npm");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Entry points of the package: subpath → source file. */
export function packageEntries(): Record<string, string> {
  const entries: Record<string, string> = { ".": "mod.ts" };
  const kits = join(root, "kits");
  if (existsSync(kits)) {
    for (const f of readdirSync(kits).sort()) {
      if (f.endsWith(".ts") && f !== "mod.ts") entries[`./kits/${f.slice(0, -3)}`] = `kits/${f}`;
    }
    if (existsSync(join(kits, "mod.ts"))) entries["./kits"] = "kits/mod.ts";
  }
  return entries;
}

/** Packages imported without types (Deno types them as any; tsc needs a declaration). */
const UNTYPED_PACKAGES = ["seek-bzip", "libsvm-js/asm.js"];

/** Copy the sources the package compiles into `dest`, with bare package names. */
function stageSources(dest: string): void {
  writeFileSync(join(dest, "untyped.d.ts"), UNTYPED_PACKAGES.map((p) => `declare module "${p}";\n`).join(""));
  for (const file of ["mod.ts", "cli", "core", "resources", "kits"].flatMap((s) => tsFiles(root, s))) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    writeFileSync(join(dest, file), bareSource(readFileSync(join(root, file), "utf8")));
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const entries = packageEntries();
const src = join(out, "src");
mkdirSync(src);
stageSources(src);
const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    rewriteRelativeImportExtensions: true,
    allowImportingTsExtensions: false,
    declaration: true,
    outDir: join(out, "esm"),
    rootDir: src,
    typeRoots: [join(root, "node_modules/@types")],
    strict: true,
    skipLibCheck: true,
    types: ["node"],
    lib: ["ES2023", "DOM"],
    noEmitOnError: true,
  },
  files: [...Object.values(entries), "cli/main.ts", "untyped.d.ts"].map((f) => join(src, f)),
};
const configPath = join(out, "tsconfig.build.json");
writeFileSync(configPath, JSON.stringify(tsconfig, null, 2));
const tsc = new Deno.Command("node", {
  args: [join(root, "node_modules/typescript/bin/tsc"), "-p", configPath],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).outputSync();
if (!tsc.success) {
  console.error("TypeScript could not compile the package");
  Deno.exit(1);
}
rmSync(configPath);
rmSync(src, { recursive: true });

const bin = join(out, "esm/cli/main.js");
writeFileSync(bin, "#!/usr/bin/env node\n" + readFileSync(bin, "utf8"));
chmodSync(bin, 0o755);

const exportsMap: Record<string, { types: string; import: string }> = {};
for (const [subpath, src] of Object.entries(entries)) {
  const js = `./esm/${src.replace(/\.ts$/, ".js")}`;
  exportsMap[subpath] = { types: js.replace(/\.js$/, ".d.ts"), import: js };
}
const npmPkg = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  type: "module",
  engines: pkg.engines,
  exports: exportsMap,
  bin: { dws: "./esm/cli/main.js" },
  files: ["esm/", "README.md"],
  dependencies: pkg.dependencies,
  peerDependencies: pkg.peerDependencies,
  peerDependenciesMeta: pkg.peerDependenciesMeta,
};
writeFileSync(join(out, "package.json"), JSON.stringify(npmPkg, null, 2) + "\n");
writeFileSync(join(out, "README.md"), readFileSync(join(root, "README.md"), "utf8"));
console.log(`Built the npm package in ${out} (${Object.keys(entries).join(", ")}); pack it with: cd npm && npm pack`);
