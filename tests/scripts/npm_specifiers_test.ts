/**
 * Every npm import of the sources is a versioned `npm:` specifier matching
 * package.json (so the sources resolve from any folder), and the rewrite
 * both ways is exact.
 */
import assert from "node:assert/strict";
import { bareSource, bareSpecifier, rewriteSpecifiers, specifierChanges } from "../../scripts/npm_specifiers.ts";
import { ROOT } from "../test_utils.ts";

Deno.test("the sources import npm packages only by the npm: specifiers of package.json's versions", () => {
  const changes = [...specifierChanges(ROOT)].map(([file, { changed }]) => `${file}: ${changed.join(", ")}`);
  assert.deepEqual(changes, [], "run: deno run -A scripts/npm_specifiers.ts");
});

Deno.test("npm: specifiers: bare and outdated imports are rewritten, comments and relative imports kept", () => {
  const versions = { "commander": "14.0.3", "@aws-sdk/client-s3": "3.1175.0", "libsvm-js": "0.2.1" };
  const text = [
    'import { Command } from "commander";',
    'import type { S3Client } from "npm:@aws-sdk/client-s3@3.0.0";',
    ' * import { Command } from "commander";',
    'const m = await import("libsvm-js/asm.js");',
    'import { x } from "./x.ts";',
    'import process from "node:process";',
  ].join("\n");
  const { text: out, changed } = rewriteSpecifiers(text, versions);
  assert.deepEqual(out.split("\n"), [
    'import { Command } from "npm:commander@14.0.3";',
    'import type { S3Client } from "npm:@aws-sdk/client-s3@3.1175.0";',
    ' * import { Command } from "commander";',
    'const m = await import("npm:libsvm-js@0.2.1/asm.js");',
    'import { x } from "./x.ts";',
    'import process from "node:process";',
  ]);
  assert.equal(changed.length, 3);
  assert.equal(bareSource(out), text.replace("npm:@aws-sdk/client-s3@3.0.0", "@aws-sdk/client-s3"));
  assert.equal(bareSpecifier("npm:@aws-sdk/client-s3@3.1175.0/dist"), "@aws-sdk/client-s3/dist");
  assert.throws(
    () => rewriteSpecifiers('import "left-pad";', versions),
    /left-pad is imported but not in package\.json/,
  );
});
