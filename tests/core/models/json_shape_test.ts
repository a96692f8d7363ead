/** Tests of core/models/json_shape.ts. */
import assert from "node:assert/strict";
import { corrupted, expectObject, isJsonObject } from "../../../core/models/json_shape.ts";
import { ConfigurationError } from "../../../core/base/errors.ts";

Deno.test("isJsonObject: only plain objects", () => {
  assert.ok(isJsonObject({}));
  assert.ok(isJsonObject({ a: 1 }));
  assert.ok(!isJsonObject([]));
  assert.ok(!isJsonObject(null));
  assert.ok(!isJsonObject(undefined));
  assert.ok(!isJsonObject("x"));
  assert.ok(!isJsonObject(1));
});

Deno.test("expectObject: returns objects, names the file and the part otherwise", () => {
  const obj = { a: 1 };
  assert.equal(expectObject(obj, "f.json"), obj);
  assert.throws(
    () => expectObject([], "f.json"),
    (e: unknown) => e instanceof ConfigurationError && e.message.includes("f.json") && e.message.includes("top level"),
  );
  assert.throws(() => expectObject(null, "f.json", "'global_params'"), /'global_params'/);
});

Deno.test("corrupted: a ConfigurationError telling how to restore the file", () => {
  const e = corrupted(".dataworkspace/resources.json", "entry 1 is bad");
  assert.ok(e instanceof ConfigurationError);
  assert.match(e.message, /^\.dataworkspace\/resources\.json is corrupted: entry 1 is bad\./);
  assert.match(e.message, /git checkout -- \.dataworkspace\/resources\.json/);
});
