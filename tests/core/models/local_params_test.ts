/** Tests of core/models/local_params.ts: local_params.json (spec §1.1). */
import assert from "node:assert/strict";
import { LOCAL_PARAMS_FILE, parseLocalParams, serializeLocalParams } from "../../../core/models/local_params.ts";
import { ConfigurationError } from "../../../core/base/errors.ts";

Deno.test("local_params.json: byte-identical round trips (Python json.dumps indent=2)", () => {
  for (
    const text of [
      '{\n  "hostname": "testhost"\n}',
      '{\n  "hostname": "testhost",\n  "local_scratch_directory": "/abs"\n}',
      "{}",
    ]
  ) {
    assert.equal(serializeLocalParams(parseLocalParams(text)), text);
  }
});

Deno.test("parseLocalParams: values", () => {
  assert.deepEqual(parseLocalParams('{"hostname": "laptop", "local_scratch_directory": null}'), {
    hostname: "laptop",
    local_scratch_directory: null,
  });
});

Deno.test("parseLocalParams: corrupted files are ConfigurationErrors naming the file", () => {
  for (const text of ["{", "", "[]", '["hostname"]', "null", "1", '"x"']) {
    assert.throws(
      () => parseLocalParams(text),
      (e: unknown) => e instanceof ConfigurationError && e.message.includes(LOCAL_PARAMS_FILE),
      text,
    );
  }
});
