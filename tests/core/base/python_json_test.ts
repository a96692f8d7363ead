/**
 * Tests of core/base/python_json.ts. Every expected string was produced by
 * running Python 3.11's `json.dumps(obj, indent=2)` and is hard-coded here.
 */
import assert from "node:assert/strict";
import { dumpPythonJson, parsePythonJson, pythonJsonString } from "../../../core/base/python_json.ts";
import { ConfigurationError } from "../../../core/base/errors.ts";

Deno.test("dumpPythonJson: nested lists and dicts", () => {
  const value = { a: [1, 2, { b: [], c: {} }], d: { e: { f: [[], [[]], {}] } }, g: "x" };
  assert.equal(
    dumpPythonJson(value),
    '{\n  "a": [\n    1,\n    2,\n    {\n      "b": [],\n      "c": {}\n    }\n  ],\n  "d": {\n    "e": {\n      "f": [\n        [],\n        [\n          []\n        ],\n        {}\n      ]\n    }\n  },\n  "g": "x"\n}',
  );
});

Deno.test("dumpPythonJson: empty containers", () => {
  assert.equal(dumpPythonJson([]), "[]");
  assert.equal(dumpPythonJson({}), "{}");
  assert.equal(dumpPythonJson([[], {}]), "[\n  [],\n  {}\n]");
});

Deno.test("dumpPythonJson: non-ASCII is escaped as \\uXXXX, astral chars as surrogate pairs", () => {
  const value = { "café": "naïve été", emoji: "\u{1F600}", cjk: "中文", nbsp: "\u00a0" };
  assert.equal(
    dumpPythonJson(value),
    '{\n  "caf\\u00e9": "na\\u00efve \\u00e9t\\u00e9",\n  "emoji": "\\ud83d\\ude00",\n  "cjk": "\\u4e2d\\u6587",\n  "nbsp": "\\u00a0"\n}',
  );
});

Deno.test("dumpPythonJson: control characters and DEL", () => {
  assert.equal(
    dumpPythonJson("a\x00b\x01c\x1fd\x7fe\b\f\n\r\t"),
    '"a\\u0000b\\u0001c\\u001fd\\u007fe\\b\\f\\n\\r\\t"',
  );
});

Deno.test("dumpPythonJson: quotes and backslashes; slash not escaped", () => {
  assert.equal(
    dumpPythonJson("He said \"hi\" and 'bye' \\ back\\slash /slash"),
    '"He said \\"hi\\" and \'bye\' \\\\ back\\\\slash /slash"',
  );
});

Deno.test("dumpPythonJson: lone surrogate", () => {
  assert.equal(dumpPythonJson("\ud800x"), '"\\ud800x"');
});

Deno.test("dumpPythonJson: floats in Python repr", () => {
  const floats = [
    0.1,
    1e-5,
    1e-7,
    1e16,
    1.5e300,
    123456789.123,
    -0.5,
    0.0001,
    1e-4,
    2.5e-5,
    1e22,
    5e-324,
    1.7976931348623157e308,
    12345678901234567,
    0.30000000000000004,
    100.5,
    -1.5e-10,
  ];
  assert.equal(
    dumpPythonJson(floats),
    "[\n  0.1,\n  1e-05,\n  1e-07,\n  1e+16,\n  1.5e+300,\n  123456789.123,\n  -0.5,\n  0.0001,\n  0.0001,\n  2.5e-05,\n  1e+22,\n  5e-324,\n  1.7976931348623157e+308,\n  1.2345678901234568e+16,\n  0.30000000000000004,\n  100.5,\n  -1.5e-10\n]",
  );
});

Deno.test("dumpPythonJson: ints", () => {
  assert.equal(
    dumpPythonJson([0, 1, -1, 42, 9007199254740991, -123456]),
    "[\n  0,\n  1,\n  -1,\n  42,\n  9007199254740991,\n  -123456\n]",
  );
});

Deno.test("dumpPythonJson: NaN and infinities", () => {
  assert.equal(dumpPythonJson([NaN, Infinity, -Infinity]), "[\n  NaN,\n  Infinity,\n  -Infinity\n]");
});

Deno.test("dumpPythonJson: null, booleans, strings", () => {
  assert.equal(dumpPythonJson([null, true, false, "", "s"]), '[\n  null,\n  true,\n  false,\n  "",\n  "s"\n]');
  assert.equal(dumpPythonJson("just a string"), '"just a string"');
  assert.equal(dumpPythonJson(7), "7");
  assert.equal(dumpPythonJson(null), "null");
});

Deno.test("dumpPythonJson: key insertion order is kept", () => {
  assert.equal(dumpPythonJson({ z: 1, a: 2, m: 3 }), '{\n  "z": 1,\n  "a": 2,\n  "m": 3\n}');
});

Deno.test("dumpPythonJson: no trailing newline", () => {
  assert.ok(!dumpPythonJson({ a: [1] }).endsWith("\n"));
  assert.ok(!dumpPythonJson([]).endsWith("\n"));
});

Deno.test("dumpPythonJson: the config.json of spec §1.1 byte for byte", () => {
  const config = {
    name: "ws",
    "dws-version": "1.6.0",
    global_params: {
      "results.dir_template": "snapshots/{HOSTNAME}-{TAG}",
      "results.move_exclude_files": ["README.txt", "README.rst", "README.md"],
      scratch_directory: "scratch",
      dws_git_branch: "master",
    },
  };
  assert.equal(
    dumpPythonJson(config),
    '{\n  "name": "ws",\n  "dws-version": "1.6.0",\n  "global_params": {\n    "results.dir_template": "snapshots/{HOSTNAME}-{TAG}",\n    "results.move_exclude_files": [\n      "README.txt",\n      "README.rst",\n      "README.md"\n    ],\n    "scratch_directory": "scratch",\n    "dws_git_branch": "master"\n  }\n}',
  );
});

Deno.test("pythonJsonString: escapes as json.dumps with ensure_ascii", () => {
  assert.equal(pythonJsonString(""), '""');
  assert.equal(pythonJsonString("abc ~"), '"abc ~"');
  assert.equal(pythonJsonString("\x7f"), '"\\u007f"');
  assert.equal(pythonJsonString("\u{1F600}"), '"\\ud83d\\ude00"');
  assert.equal(pythonJsonString('"\\'), '"\\"\\\\"');
  assert.equal(pythonJsonString("\u0080\uffff"), '"\\u0080\\uffff"');
});

Deno.test("parsePythonJson: ordinary JSON", () => {
  assert.deepEqual(parsePythonJson('{"a": [1, 2.5, "x", null, true]}', "f.json"), {
    a: [1, 2.5, "x", null, true],
  });
});

Deno.test("parsePythonJson: NaN, Infinity and -Infinity are accepted", () => {
  const v = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity"}', "f.json") as {
    a: number;
    b: number[];
    c: string;
  };
  assert.ok(Number.isNaN(v.a));
  assert.deepEqual(v.b, [Infinity, -Infinity]);
  assert.equal(v.c, "NaN Infinity");
});

Deno.test("parsePythonJson: string escapes survive the special-float path", () => {
  const v = parsePythonJson('{"q": "say \\"NaN\\"", "n": NaN}', "f.json") as { q: string; n: number };
  assert.equal(v.q, 'say "NaN"');
  assert.ok(Number.isNaN(v.n));
});

Deno.test("parsePythonJson: round trip of dumped values", () => {
  const value = { "café": ["\u{1F600}", 1e-5, -0.5, { x: null }], "": [] };
  assert.deepEqual(parsePythonJson(dumpPythonJson(value), "f.json"), value);
});

Deno.test("parsePythonJson: invalid JSON is a ConfigurationError naming the file", () => {
  for (const text of ["{", "", "{'a': 1}", "[1,]", '{"a": NaN,}', "nan"]) {
    assert.throws(
      () => parsePythonJson(text, ".dataworkspace/config.json"),
      (e: unknown) => e instanceof ConfigurationError && e.message.includes(".dataworkspace/config.json"),
      `text ${JSON.stringify(text)}`,
    );
  }
});
