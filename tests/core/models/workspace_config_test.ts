/** Tests of core/models/workspace_config.ts: config.json (spec §1.1). */
import assert from "node:assert/strict";
import { CONFIG_FILE, parseWorkspaceConfig, serializeWorkspaceConfig } from "../../../core/models/workspace_config.ts";
import { ConfigurationError } from "../../../core/base/errors.ts";

// json.dumps(obj, indent=2) of the spec §1.1 example, produced by Python 3.11.
const SPEC_CONFIG =
  '{\n  "name": "ws",\n  "dws-version": "1.6.0",\n  "global_params": {\n    "results.dir_template": "snapshots/{HOSTNAME}-{TAG}",\n    "results.move_exclude_files": [\n      "README.txt",\n      "README.rst",\n      "README.md"\n    ],\n    "scratch_directory": "scratch",\n    "dws_git_branch": "master"\n  }\n}';

const namesFile = (e: unknown) => e instanceof ConfigurationError && e.message.includes(CONFIG_FILE);

Deno.test("parseWorkspaceConfig: the spec example", () => {
  const config = parseWorkspaceConfig(SPEC_CONFIG);
  assert.equal(config.name, "ws");
  assert.equal(config.dwsVersion, "1.6.0");
  assert.deepEqual(Object.keys(config.globalParams), [
    "results.dir_template",
    "results.move_exclude_files",
    "scratch_directory",
    "dws_git_branch",
  ]);
  assert.deepEqual(config.globalParams["results.move_exclude_files"], ["README.txt", "README.rst", "README.md"]);
});

Deno.test("serializeWorkspaceConfig: byte-identical round trip", () => {
  assert.equal(serializeWorkspaceConfig(parseWorkspaceConfig(SPEC_CONFIG)), SPEC_CONFIG);
});

Deno.test("serializeWorkspaceConfig: field order name, dws-version, global_params; non-ASCII escaped", () => {
  const text = serializeWorkspaceConfig({ globalParams: {}, dwsVersion: "1.6.0", name: "café" });
  assert.equal(text, '{\n  "name": "caf\\u00e9",\n  "dws-version": "1.6.0",\n  "global_params": {}\n}');
  assert.equal(parseWorkspaceConfig(text).name, "café");
});

Deno.test("parseWorkspaceConfig: missing global_params reads as empty", () => {
  assert.deepEqual(parseWorkspaceConfig('{"name": "ws", "dws-version": "1.6.0"}').globalParams, {});
});

Deno.test("parseWorkspaceConfig: corrupted files are ConfigurationErrors naming the file", () => {
  for (
    const text of [
      "not json",
      "",
      "[]",
      '"ws"',
      "null",
      '{"dws-version": "1.6.0", "global_params": {}}',
      '{"name": 3, "dws-version": "1.6.0"}',
      '{"name": "ws"}',
      '{"name": "ws", "dws-version": "1.6.0", "global_params": []}',
      '{"name": "ws", "dws-version": "1.6.0", "global_params": "x"}',
    ]
  ) {
    assert.throws(() => parseWorkspaceConfig(text), namesFile, text);
  }
});
