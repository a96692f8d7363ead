import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ConfigurationError } from "../../core/base/errors.ts";
import {
  DatasetFormatError,
  loadDatasetFromResource,
  npyToNested,
  readNpy,
  readNumericCsv,
} from "../../kits/dataset.ts";
import { sandbox } from "../test_utils.ts";
import { copyDigits, DIGITS, ignoreWithoutDigits, kitWorkspace } from "./kit_helpers.ts";

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

// Small .npy and .bz2 files made once with numpy / Python's bz2.
const NPY = {
  f8:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAACkAAAAAAAAAQQA==",
  i8:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAP7/////////AwAAAAAAAAA=",
  i4Fortran:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAwAAAAEAAAAEAAAAAgAAAAUAAAA=",
  f4BigEndian:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/gAAAQCAAAA==",
  bool:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=",
  u1:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/AA==",
  scalar:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAeQA==",
};
const BZ2_DATA = "QlpoOTFBWSZTWVAq+LsAAANYAAAQAAQ/ACAAMQwIGmjCVpyygkeLuSKcKEgoFXxdgA=="; // "1,2,3\n4,5,6\n"
const BZ2_TARGET = "QlpoOTFBWSZTWeUTzt8AAAFIAAAQYAAgADDMDHqCcXckU4UJDlE87fA="; // "0\n1\n"

Deno.test(".npy files: float, int, bool, Fortran order, big-endian, scalar", () => {
  const load = (k: keyof typeof NPY) => npyToNested(readNpy(b64(NPY[k])));
  assert.deepEqual(load("f8"), [[1.5, -2], [3.25, 4]]);
  assert.deepEqual(load("i8"), [1, -2, 3]);
  assert.deepEqual(load("i4Fortran"), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(load("f4BigEndian"), [1, 2.5]);
  assert.deepEqual(load("bool"), [1, 0, 1]);
  assert.deepEqual(load("u1"), [[255, 0]]);
  assert.equal(load("scalar"), 7.5);
  const a = readNpy(b64(NPY.f8));
  assert.deepEqual([a.dtype, a.shape, a.fortranOrder], ["<f8", [2, 2], false]);
  assert.throws(() => readNpy(new TextEncoder().encode("not numpy data"), "x.npy"), /x\.npy: not a \.npy file/);
});

Deno.test("loadDatasetFromResource: data, target, extras (text, CSV, .npy), gz and bz2, subpaths", async () => {
  using sb = sandbox();
  const { ws, src } = await kitWorkspace(sb);
  const d = join(src, "small");
  mkdirSync(d);
  writeFileSync(join(d, "data.csv"), "# a comment\n1.5,2,3\n\n4,5e-1,-6\r\n7,8,nan\n");
  writeFileSync(join(d, "target.csv.gz"), gzipSync("0\n1\n1\n"));
  writeFileSync(join(d, "DESCR.rst"), "A small dataset.\n");
  writeFileSync(join(d, "README.txt"), "read me");
  writeFileSync(join(d, "feature_names.csv"), "length\nwidth\nheight\n");
  writeFileSync(join(d, "target_names.csv"), "0\n1\n");
  writeFileSync(join(d, "table.csv"), "a,b\n1,2\n3,4\n");
  writeFileSync(join(d, "images.npy"), b64(NPY.f8));
  writeFileSync(join(d, "notes.md"), "ignored");
  const ds = await loadDatasetFromResource("source-data", "small", ws);
  assert.deepEqual(ds.data, [[1.5, 2, 3], [4, 0.5, -6], [7, 8, NaN]]);
  assert.deepEqual(ds.target, [0, 1, 1]);
  assert.deepEqual(ds.resource, { name: "source-data", subpath: "small" });
  assert.deepEqual(ds.extras, {
    DESCR: "A small dataset.\n",
    README: "read me",
    feature_names: ["length", "width", "height"],
    images: [[1.5, -2], [3.25, 4]],
    table: [[1, 2], [3, 4]],
    target_names: [0, 1],
  });

  const z = join(src, "bz");
  mkdirSync(z);
  writeFileSync(join(z, "data.csv.bz2"), b64(BZ2_DATA));
  writeFileSync(join(z, "target.csv.bz2"), b64(BZ2_TARGET));
  writeFileSync(join(z, "names.csv.bz2"), b64(BZ2_TARGET));
  const bz = await loadDatasetFromResource("source-data", "/bz", ws);
  assert.deepEqual([bz.data, bz.target, bz.extras], [[[1, 2, 3], [4, 5, 6]], [0, 1], { names: [0, 1] }]);
});

Deno.test("a large CSV is streamed (100,000 rows)", async () => {
  using sb = sandbox();
  const file = join(sb.dir, "big.csv.gz");
  const rows: string[] = [];
  for (let i = 0; i < 100_000; i++) rows.push(`${i},${i * 0.5},${i % 7}`);
  writeFileSync(file, gzipSync(rows.join("\n") + "\n"));
  const t0 = performance.now();
  const { rows: parsed, columns } = await readNumericCsv(file);
  const ms = performance.now() - t0;
  assert.equal(parsed.length, 100_000);
  assert.equal(columns, 3);
  assert.deepEqual(parsed[99_999], [99_999, 49_999.5, 99_999 % 7]);
  assert.ok(ms < 5000, `took ${ms} ms`);
});

Deno.test("bad datasets: a malformed field (file, line, column), ragged rows, missing data.csv, row counts", async () => {
  using sb = sandbox();
  const { ws, src } = await kitWorkspace(sb);
  writeFileSync(join(src, "data.csv"), "1,2\n3,4\n5,x\n");
  writeFileSync(join(src, "target.csv"), "0\n1\n0\n");
  await assert.rejects(
    () => loadDatasetFromResource("source-data", undefined, ws),
    (e: Error) =>
      e instanceof DatasetFormatError && e.message.startsWith("data.csv line 3, column 2: 'x' is not a number"),
  );
  writeFileSync(join(src, "data.csv"), "1,2\n3\n");
  await assert.rejects(
    () => loadDatasetFromResource("source-data", undefined, ws),
    /data\.csv line 2: 1 columns, expected 2/,
  );
  writeFileSync(join(src, "data.csv"), "1,2\n3,4\n");
  await assert.rejects(
    () => loadDatasetFromResource("source-data", undefined, ws),
    /Data matrix at '.*data\.csv' has 2 rows, but target at '.*target\.csv' has 3 rows/,
  );
  mkdirSync(join(src, "empty"));
  await assert.rejects(
    () => loadDatasetFromResource("source-data", "empty", ws),
    (e: Error) =>
      e instanceof ConfigurationError &&
      e.message ===
        `Did not find data file for Resource source-data subpath empty at '${join(src, "empty", "data.csv")}'`,
  );
  await assert.rejects(
    () => loadDatasetFromResource("source-data", "nowhere", ws),
    /source-data:\/nowhere is not a folder/,
  );
  await assert.rejects(
    () => loadDatasetFromResource("nosuch", undefined, ws),
    /A resource by the name 'nosuch' does not exist/,
  );
});

Deno.test({
  name: "the digits dataset loads like scikit-learn's load_digits (data, target, images.npy, text)",
  ignore: ignoreWithoutDigits(),
  fn: async () => {
    using sb = sandbox();
    const { ws, src } = await kitWorkspace(sb);
    copyDigits(join(src, "digits"));
    const ds = await loadDatasetFromResource("source-data", "digits", ws);
    assert.equal(ds.data.length, 1797);
    assert.equal(ds.data[0].length, 64);
    assert.deepEqual(ds.data[0].slice(0, 8), [0, 0, 5, 13, 9, 1, 0, 0]);
    assert.deepEqual(ds.target.slice(0, 12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const images = ds.extras.images as number[][][];
    assert.equal(images.length, 1797);
    assert.deepEqual(images[5].flat(), ds.data[5]);
    assert.deepEqual(ds.extras.target_names, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(ds.extras.DESCR, readFileSync(join(DIGITS, "DESCR.rst"), "utf8"));
    assert.match(ds.extras.README as string, /digits dataset/);
  },
});
