/** Tests of core/models/resources_file.ts: resources.json and resource_local_params.json (spec §1.2). */
import assert from "node:assert/strict";
import {
  parseResourceLocalParams,
  parseResourcesFile,
  RESOURCE_LOCAL_PARAMS_FILE,
  RESOURCES_FILE,
  serializeResourceLocalParams,
  serializeResourcesFile,
} from "../../../core/models/resources_file.ts";
import { ConfigurationError } from "../../../core/base/errors.ts";

// Python 3.11 json.dumps(obj, indent=2) of the spec §1.2 examples.
const SPEC_RESOURCES =
  '[\n  {\n    "resource_type": "git",\n    "name": "repo1",\n    "role": "code",\n    "export": false,\n    "remote_origin_url": "/home/user/coderepo.git",\n    "relative_local_path": "repo1",\n    "branch": "master",\n    "read_only": false,\n    "imported": false\n  },\n  {\n    "resource_type": "file",\n    "name": "lf",\n    "role": "source-data",\n    "global_local_path": "/home/user/ws2/lf",\n    "compute_hash": false,\n    "export": false,\n    "imported": false\n  },\n  {\n    "resource_type": "api-resource",\n    "name": "source-data-api",\n    "role": "source-data"\n  },\n  {\n    "resource_type": "git-subdirectory",\n    "name": "code",\n    "role": "code",\n    "export": false,\n    "relative_path": "code"\n  }\n]';
const SPEC_RESOURCE_LOCAL_PARAMS =
  '{\n  "repo1": {\n    "local_path": "repo1"\n  },\n  "lf": {\n    "local_path": null\n  },\n  "source-data-api": {},\n  "code": {\n    "local_path": "/abs/ws/code"\n  }\n}';

const namesFile = (file: string) => (e: unknown) => e instanceof ConfigurationError && e.message.includes(file);

Deno.test("resources.json: the spec example parses in order with keys in file order", () => {
  const entries = parseResourcesFile(SPEC_RESOURCES);
  assert.deepEqual(entries.map((e) => e.name), ["repo1", "lf", "source-data-api", "code"]);
  assert.deepEqual(entries.map((e) => e.role), ["code", "source-data", "source-data", "code"]);
  assert.deepEqual(Object.keys(entries[0]), [
    "resource_type",
    "name",
    "role",
    "export",
    "remote_origin_url",
    "relative_local_path",
    "branch",
    "read_only",
    "imported",
  ]);
  assert.equal(entries[1].global_local_path, "/home/user/ws2/lf");
});

Deno.test("resources.json: byte-identical round trip", () => {
  assert.equal(serializeResourcesFile(parseResourcesFile(SPEC_RESOURCES)), SPEC_RESOURCES);
  assert.equal(serializeResourcesFile(parseResourcesFile("[]")), "[]");
});

Deno.test("resources.json: not JSON / wrong top-level type", () => {
  for (const text of ["[", "", "{}", '{"name": "x"}', "null", '"x"']) {
    assert.throws(() => parseResourcesFile(text), namesFile(RESOURCES_FILE), text);
  }
});

Deno.test("resources.json: bad entries", () => {
  for (
    const text of [
      '["x"]',
      "[null]",
      "[[]]",
      '[{"name": "a", "role": "code"}]',
      '[{"resource_type": 1, "name": "a", "role": "code"}]',
      '[{"resource_type": "git", "role": "code"}]',
      '[{"resource_type": "git", "name": "", "role": "code"}]',
      '[{"resource_type": "git", "name": 5, "role": "code"}]',
      '[{"resource_type": "git", "name": "a"}]',
      '[{"resource_type": "git", "name": "a", "role": "c"}]',
      '[{"resource_type": "git", "name": "a", "role": "data"}]',
      '[{"resource_type": "git", "name": "a", "role": "code"}, {"resource_type": "file", "name": "a", "role": "results"}]',
    ]
  ) {
    assert.throws(() => parseResourcesFile(text), namesFile(RESOURCES_FILE), text);
  }
});

Deno.test("resources.json: error messages say what is wrong", () => {
  assert.throws(() => parseResourcesFile('[{"resource_type": "git", "name": "a", "role": "coder"}]'), /coder/);
  assert.throws(
    () =>
      parseResourcesFile(
        '[{"resource_type": "git", "name": "dup", "role": "code"}, {"resource_type": "git", "name": "dup", "role": "code"}]',
      ),
    /dup/,
  );
});

Deno.test("resource_local_params.json: the spec example round-trips byte for byte", () => {
  const params = parseResourceLocalParams(SPEC_RESOURCE_LOCAL_PARAMS);
  assert.deepEqual(Object.keys(params), ["repo1", "lf", "source-data-api", "code"]);
  assert.equal(params.lf.local_path, null);
  assert.deepEqual(params["source-data-api"], {});
  assert.equal(serializeResourceLocalParams(params), SPEC_RESOURCE_LOCAL_PARAMS);
  assert.equal(serializeResourceLocalParams(parseResourceLocalParams("{}")), "{}");
});

Deno.test("resource_local_params.json: corrupted inputs name the file", () => {
  for (const text of ["{", "", "[]", "null", '{"a": 1}', '{"a": []}', '{"a": null}', '{"a": {}, "b": "x"}']) {
    assert.throws(() => parseResourceLocalParams(text), namesFile(RESOURCE_LOCAL_PARAMS_FILE), text);
  }
});
