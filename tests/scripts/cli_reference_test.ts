import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cliReference, withReference } from "../../scripts/cli_reference.ts";
import { ROOT } from "../test_utils.ts";

Deno.test("the README's command reference matches the real --help output", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  assert.equal(withReference(readme, cliReference()), readme, "run 'deno task docs:cli' to update README.md");
});

Deno.test("package.json and core/base/version.ts agree on the version", async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const { DWS_VERSION } = await import("../../core/base/version.ts");
  assert.equal(DWS_VERSION, pkg.version);
});
