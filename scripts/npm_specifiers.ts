/**
 * npm packages in the sources are imported by versioned `npm:` specifiers
 * (`npm:commander@14.0.3`), the Deno convention that makes a module
 * importable from any folder, by path or by URL: Deno resolves them without
 * the checkout's `package.json` or `node_modules`. The versions are those of
 * `package.json` (one place); the Node package and the bundles turn them back
 * into bare names ({@link bareSpecifier}), as dnt does.
 *
 * `deno run -A scripts/npm_specifiers.ts` rewrites every bare or outdated
 * package specifier of the sources in place (run it after changing a version
 * in package.json, or after a rebase brought bare imports); `--check` only
 * lists them and exits 1 if there are any.
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The source files and folders whose imports must resolve from anywhere. */
export const PORTABLE_SOURCES = ["mod.ts", "cli", "core", "resources", "kits", "examples"];

// `from "x"`, `import "x"`, `import("x")` and `export … from "x"` in code (comments are skipped line by line).
const SPECIFIER_RE = /(\bfrom\s+|^\s*import\s+|\bimport\s*\(\s*)"([^"]+)"/g;
const NOT_A_PACKAGE = /^(\.|\/|node:|jsr:|https?:|file:|data:)/;

/** package name → exact version, from package.json's dependencies, devDependencies and peerDependencies. */
export type PackageVersions = Record<string, string>;

/** The pinned versions of package.json at `root`. */
export function packageVersions(root: string): PackageVersions {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return { ...pkg.peerDependencies, ...pkg.devDependencies, ...pkg.dependencies };
}

/** Split a bare or `npm:` specifier into package name, version (if any) and subpath. */
function parsePackageSpecifier(spec: string): { name: string; version?: string; subpath: string } {
  const rest = spec.startsWith("npm:") ? spec.slice(4) : spec;
  const m = /^((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?(\/.*)?$/.exec(rest);
  if (!m) throw new Error(`Not a package specifier: ${spec}`);
  return { name: m[1], version: m[2], subpath: m[3] ?? "" };
}

/**
 * The bare name Node resolves for an `npm:` specifier (other specifiers are
 * returned as they are).
 *
 * @example
 * ```ts
 * bareSpecifier("npm:@aws-sdk/client-s3@3.1175.0"); // "@aws-sdk/client-s3"
 * bareSpecifier("npm:libsvm-js@0.2.1/asm.js"); // "libsvm-js/asm.js"
 * ```
 */
export function bareSpecifier(spec: string): string {
  if (!spec.startsWith("npm:")) return spec;
  const { name, subpath } = parsePackageSpecifier(spec);
  return name + subpath;
}

/** The versioned `npm:` specifier for a package import, or undefined when `spec` is no package or already right. */
function portableSpecifier(spec: string, versions: PackageVersions): string | undefined {
  if (NOT_A_PACKAGE.test(spec)) return undefined;
  const { name, subpath } = parsePackageSpecifier(spec);
  const version = versions[name];
  if (!version) throw new Error(`${name} is imported but not in package.json`);
  const wanted = `npm:${name}@${version}${subpath}`;
  return wanted === spec ? undefined : wanted;
}

/**
 * `text` with every package import turned into its versioned `npm:`
 * specifier, and the specifiers that changed.
 *
 * @example
 * ```ts
 * rewriteSpecifiers('import { Command } from "commander";', { commander: "14.0.3" }).text;
 * // 'import { Command } from "npm:commander@14.0.3";'
 * ```
 */
export function rewriteSpecifiers(text: string, versions: PackageVersions): { text: string; changed: string[] } {
  const changed: string[] = [];
  const lines = text.split("\n").map((line) => {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return line;
    return line.replace(SPECIFIER_RE, (all, lead: string, spec: string) => {
      const wanted = portableSpecifier(spec, versions);
      if (!wanted) return all;
      changed.push(`${spec} -> ${wanted}`);
      return `${lead}"${wanted}"`;
    });
  });
  return { text: lines.join("\n"), changed };
}

/**
 * `text` with every `npm:` import specifier turned into its bare name, for
 * Node and bundlers.
 *
 * @example
 * ```ts
 * bareSource('import { Command } from "npm:commander@14.0.3";'); // 'import { Command } from "commander";'
 * ```
 */
export function bareSource(text: string): string {
  return text.replace(
    SPECIFIER_RE,
    (all, lead: string, spec: string) => spec.startsWith("npm:") ? `${lead}"${bareSpecifier(spec)}"` : all,
  );
}

/** The `.ts` files under `rel` (a file or folder of `root`), repository-relative. */
export function tsFiles(root: string, rel: string): string[] {
  if (rel.endsWith(".ts")) return [rel];
  return readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(root, join(rel, e.name)) : e.name.endsWith(".ts") ? [join(rel, e.name)] : []
  );
}

/** Every file of {@link PORTABLE_SOURCES} with a bare or outdated package specifier, with its changes. */
export function specifierChanges(root: string): Map<string, { text: string; changed: string[] }> {
  const versions = packageVersions(root);
  const out = new Map<string, { text: string; changed: string[] }>();
  for (const file of PORTABLE_SOURCES.flatMap((s) => tsFiles(root, s))) {
    const result = rewriteSpecifiers(readFileSync(join(root, file), "utf8"), versions);
    if (result.changed.length) out.set(file, result);
  }
  return out;
}

if (import.meta.main) {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const check = Deno.args.includes("--check");
  const changes = specifierChanges(root);
  for (const [file, { text, changed }] of changes) {
    console.log(`${file}: ${changed.join(", ")}`);
    if (!check) writeFileSync(join(root, file), text);
  }
  if (check && changes.size) Deno.exit(1);
}
