import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix } from "ml-matrix";
import { ApiParamError } from "../../core/base/errors.ts";
import { numSamples, toRows, toVector } from "../../kits/arrays.ts";
import { ApiResourceHash, hashData } from "../../kits/data_hash.ts";
import { metricsToJson } from "../../kits/model_state.ts";
import { sandbox } from "../test_utils.ts";

const sha1 = (...data: unknown[]) => {
  const h = createHash("sha1");
  for (const d of data) hashData(h, d);
  return h.digest("hex");
};

Deno.test("hashData: nested arrays, typed arrays and matrices of the same float64 values hash alike", () => {
  const rows = [[1, 2.5, -3], [4, 5, 6]];
  const packed = sha1(new Float64Array([1, 2.5, -3, 4, 5, 6]));
  assert.equal(sha1(rows), packed);
  assert.equal(sha1(new Matrix(rows)), packed);
  assert.equal(sha1([new Float64Array([1, 2.5, -3]), [4, 5, 6]]), packed);
  assert.equal(sha1({ dataSync: () => new Float64Array([1, 2.5, -3, 4, 5, 6]) }), packed);
  assert.equal(sha1(1, 2.5, -3, 4, 5, 6), packed);
  // Other dtypes hash as their own bytes, as numpy buffers do.
  assert.equal(
    sha1(new Int32Array([1, 2])),
    createHash("sha1").update(new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0])).digest("hex"),
  );
  assert.equal(sha1("héllo"), createHash("sha1").update("héllo", "utf8").digest("hex"));
  assert.equal(sha1({ a: [1], b: "x" }), sha1([1], "x"));
  assert.notEqual(sha1([[1, 2], [3, 4]]), sha1([[1, 2], [3, 4.000001]]));
});

Deno.test("hashData: other types are an error naming the type", () => {
  const h = createHash("sha1");
  for (
    const [value, name] of [[new Map(), "Map"], [undefined, "undefined"], [() => 1, "Function"], [
      null,
      "null",
    ]] as const
  ) {
    assert.throws(
      () => hashData(h, value),
      (e: Error) => e instanceof ApiParamError && e.message === `Unable to hash data type ${name}`,
    );
  }
});

Deno.test("ApiResourceHash: reset, dup/pop, save writes hashval.txt and handles comment.txt", () => {
  using sb = sandbox();
  const scratch = join(sb.dir, ".dataworkspace/scratch/api");
  mkdirSync(scratch, { recursive: true });
  const h = new ApiResourceHash(sb.dir, "api");
  assert.equal(h.hasState, false);
  assert.throws(() => h.update([1]), /No hash state for api-resource 'api': reset\(\) must come first/);
  h.reset();
  h.update([1, 2]);
  const train = h.save("first run");
  assert.equal(readFileSync(join(scratch, "hashval.txt"), "utf8").trim(), train);
  assert.equal(readFileSync(join(scratch, "comment.txt"), "utf8"), "first run\n");
  h.dup();
  h.update([3]);
  const both = h.save();
  assert.equal(both, sha1([1, 2], [3]));
  assert.ok(!existsSync(join(scratch, "comment.txt")));
  h.pop();
  assert.equal(h.hexDigest(), train);
  writeFileSync(join(scratch, "comment.txt"), "x\n");
  h.save();
  assert.ok(!existsSync(join(scratch, "comment.txt")));
});

Deno.test("toVector, toRows, numSamples and metricsToJson accept the usual shapes", () => {
  assert.deepEqual(toVector(Matrix.columnVector([1, 2])), [1, 2]);
  assert.deepEqual(toVector([[1], [2]]), [1, 2]);
  assert.deepEqual(toVector(new Int8Array([3, -1])), [3, -1]);
  assert.throws(() => toVector(new Matrix([[1, 2]])), /one column of labels/);
  assert.deepEqual(toRows(new Matrix([[1, 2], [3, 4]])), [[1, 2], [3, 4]]);
  assert.deepEqual(toRows([new Float32Array([0.5])]), [[0.5]]);
  assert.equal(numSamples(new Matrix(3, 2)), 3);
  assert.throws(() => numSamples("abc"), /Expected an array, a typed array or a matrix of samples, got string/);
  assert.deepEqual(metricsToJson({ n: 3n, a: new Float32Array([0.5]), m: new Map([["k", 1]]), u: undefined }), {
    n: 3,
    a: [0.5],
    m: { k: 1 },
  });
  assert.equal(metricsToJson(new Date(2026, 0, 2, 3, 4, 5, 6)), "2026-01-02T03:04:05.006000");
});
