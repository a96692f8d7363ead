import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Matrix } from "ml-matrix";
import { ApiParamError } from "../../core/base/errors.ts";
import { frameColumns } from "../../kits/frames.ts";
import { hashAsConsumed, type HashTarget } from "../../kits/stream_hash.ts";
import { hashData } from "../../kits/data_hash.ts";
import { ROOT } from "../test_utils.ts";
import { tfjs } from "./tfjs_helpers.ts";

const sha1 = (...data: unknown[]) => {
  const h = createHash("sha1");
  for (const d of data) hashData(h, d);
  return h.digest("hex");
};

/** A hash target recording what it was given, and its SHA-1. */
function target(): HashTarget & { items: unknown[]; hex(): string } {
  const h = createHash("sha1");
  const items: unknown[] = [];
  return {
    items,
    update(d: unknown) {
      items.push(d);
      hashData(h, d);
    },
    hex: () => h.copy().digest("hex"),
  };
}

Deno.test("hashData: every in-memory input kind hashes its values (tensors, typed and nested arrays, matrices)", async () => {
  const tf = await tfjs();
  const f32 = new Float32Array([1, 2.5, -3, 4]);
  const t = tf.tensor2d(f32, [2, 2]);
  assert.equal(sha1(t), sha1(f32));
  assert.equal(sha1([t, tf.tensor1d([1, 0], "int32")]), sha1(f32, new Int32Array([1, 0])));
  assert.equal(sha1({ xs: t }), sha1(f32));
  assert.equal(sha1([[1, 2.5], [-3, 4]]), sha1(new Float64Array([1, 2.5, -3, 4])));
  assert.equal(sha1(new Matrix([[1, 2.5], [-3, 4]])), sha1(new Float64Array([1, 2.5, -3, 4])));
  assert.notEqual(sha1(t), sha1(new Float64Array([1, 2.5, -3, 4])), "float32 and float64 bytes differ");
  // Streams are not consumed by hashData: they are hashed as consumed.
  const gen = (function* () {
    yield 1;
  })();
  assert.throws(() => sha1(gen), (e: Error) => e instanceof ApiParamError && /hashAsConsumed/.test(e.message));
  assert.throws(() => sha1(tf.data.array([1, 2])), /hashAsConsumed/);
  assert.deepEqual(gen.next(), { value: 1, done: false });
  t.dispose();
});

Deno.test("hashAsConsumed: sync and async generators, iterables and generator functions give the same elements", async () => {
  const elements = [[1, 2], [3, 4], [5, 6]];
  const expected = sha1(...elements);

  const a = target();
  const wrapped = hashAsConsumed(
    (function* () {
      yield* elements;
    })(),
    a,
  );
  assert.deepEqual([...wrapped], elements);
  assert.equal(a.hex(), expected);

  const b = target();
  const asyncGen = hashAsConsumed(
    (async function* () {
      yield* elements;
    })(),
    b,
  );
  const got: number[][] = [];
  for await (const e of asyncGen) got.push(e);
  assert.deepEqual(got, elements);
  assert.equal(b.hex(), expected);

  // Re-iterable sources are hashed on their first pass only.
  const c = target();
  const iterable = hashAsConsumed(new Set(elements), c);
  assert.deepEqual([...iterable], elements);
  assert.deepEqual([...iterable], elements);
  assert.equal(c.hex(), expected);

  const d = target();
  const fn = hashAsConsumed(function* () {
    yield* elements;
  }, d);
  assert.deepEqual([...fn()], elements);
  assert.deepEqual([...fn()], elements);
  assert.equal(d.hex(), expected);

  const e = target();
  const asyncIterable = hashAsConsumed({
    async *[Symbol.asyncIterator]() {
      yield* elements;
    },
  }, e);
  for (let pass = 0; pass < 2; pass++) for await (const _ of asyncIterable) { /* consume */ }
  assert.equal(e.hex(), expected);

  // Plain data is hashed at once and returned as it is.
  const f = target();
  assert.equal(hashAsConsumed(elements, f), elements);
  assert.equal(f.hex(), sha1(elements));
});

Deno.test("hashAsConsumed: a tf.data dataset is hashed on its first pass, however often it is iterated", async () => {
  const tf = await tfjs();
  const ds = tf.data.array([[1, 2], [3, 4], [5, 6], [7, 8]]).map((x) => tf.tensor1d(x as number[])).batch(2);
  const expected = target();
  await ds.forEachAsync((x) => expected.update(x));
  const t = target();
  const wrapped = hashAsConsumed(ds, t);
  // tfjs' fitDataset asks for an iterator it does not use, then one per epoch.
  await wrapped.iterator();
  for (let epoch = 0; epoch < 3; epoch++) await wrapped.forEachAsync(() => {});
  assert.equal(t.items.length, 2);
  assert.equal(t.hex(), expected.hex());
  assert.equal(wrapped.size, ds.size);
  assert.deepEqual(await wrapped.map((x) => (x as TensorLike).dataSync()[0]).toArray(), [1, 5]);
});

interface TensorLike {
  dataSync(): ArrayLike<number>;
}

/** Objects shaped like nodejs-polars and apache-arrow ones (the members the kit reads). */
function polarsSeries(variant: string, values: unknown[]) {
  return {
    dtype: { variant },
    nullCount: () => values.filter((v) => v === null).length,
    toArray: () => values,
    toTypedArray: () => {
      if (variant !== "Float64" || values.includes(null)) throw new Error("panic: not numeric");
      return Float64Array.from(values as number[]);
    },
  };
}

Deno.test("frames: polars- and arrow-shaped data hash column by column; nulls are marked", () => {
  const a = polarsSeries("Float64", [1.5, 2, 3]);
  const b = polarsSeries("String", ["x", "y", "z"]);
  const c = polarsSeries("Float64", [1, null, 3]);
  const df = { columns: ["a", "b", "c"], height: 3, getColumns: () => [a, b, c] };
  assert.deepEqual(frameColumns(df), [
    new Float64Array([1.5, 2, 3]),
    ["x", "y", "z"],
    new Uint8Array([1, 0, 1]),
    [1, 0, 3],
  ]);
  assert.equal(sha1(df), sha1(new Float64Array([1.5, 2, 3]), ["x", "y", "z"], new Uint8Array([1, 0, 1]), [1, 0, 3]));
  assert.deepEqual(frameColumns(a), [new Float64Array([1.5, 2, 3])]);
  const vector = (values: unknown[], typed?: ArrayBufferView) => ({
    nullCount: values.filter((v) => v === null).length,
    length: values.length,
    data: [{}],
    type: { typeId: 1 },
    toArray: () => typed ?? values,
    [Symbol.iterator]: () => values[Symbol.iterator](),
  });
  const f = vector([1, 2], new Float32Array([1, 2]));
  const s = vector(["p", null]);
  const table = { schema: { fields: [{}, {}] }, numCols: 2, numRows: 2, getChildAt: (i: number) => [f, s][i] };
  assert.deepEqual(frameColumns(table), [new Float32Array([1, 2]), new Uint8Array([1, 0]), ["p", ""]]);
  assert.equal(frameColumns({ a: 1 }), undefined);
  assert.equal(frameColumns([1, 2]), undefined);
});

/** The real packages, when installed (they are optional: not dependencies of dws). */
function optional(name: string): unknown {
  try {
    return createRequire(join(Deno.env.get("DWS_FRAMES_MODULES") ?? ROOT, "package.json"))(name);
  } catch {
    return undefined;
  }
}

Deno.test("frames: real nodejs-polars and apache-arrow objects, when the packages are installed", () => {
  const pl = optional("nodejs-polars") as
    | { DataFrame(d: Record<string, unknown[]>): unknown; Series(n: string, v: unknown[]): unknown }
    | undefined;
  const arrow = optional("apache-arrow") as
    | { tableFromArrays(d: Record<string, unknown>): unknown; tableFromJSON(rows: unknown[]): unknown }
    | undefined;
  // apache-arrow is a dev dependency, so it is always there. nodejs-polars is too, but npm ci leaves
  // out its native addon on some machines; its shape is covered by the duck-typed test above.
  assert.ok(arrow, "apache-arrow must be installed (npm ci)");
  if (pl) {
    const df = pl.DataFrame({ a: [1.5, 2, 3], b: ["x", "y", "z"], c: [1, null, 3], d: [true, false, true] });
    assert.deepEqual(frameColumns(df), [
      new Float64Array([1.5, 2, 3]),
      ["x", "y", "z"],
      new Uint8Array([1, 0, 1]),
      [1, 0, 3],
      [true, false, true],
    ]);
    assert.equal(
      sha1(df),
      sha1(pl.DataFrame({ a: [1.5, 2, 3], b: ["x", "y", "z"], c: [1, null, 3], d: [true, false, true] })),
    );
  }
  if (arrow) {
    const t = arrow.tableFromArrays({ f: new Float32Array([1, 2, 3]), s: ["a", "b", "c"] });
    assert.deepEqual(frameColumns(t), [new Float32Array([1, 2, 3]), ["a", "b", "c"]]);
    const withNulls = arrow.tableFromJSON([{ a: 1, b: null }, { a: null, b: "q" }]);
    assert.deepEqual(frameColumns(withNulls), [new Uint8Array([1, 0]), [1, 0], new Uint8Array([0, 1]), ["", "q"]]);
  }
});
