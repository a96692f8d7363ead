/**
 * Tests of core/base/python_repr.ts. Expected strings are Python 3.11's
 * `repr()` / `str()` output, generated once and hard-coded.
 */
import assert from "node:assert/strict";
import { pythonFloatRepr, pythonNumber, pythonRepr, pythonStr } from "../../../core/base/python_repr.ts";

Deno.test("pythonFloatRepr: matches Python repr(float)", () => {
  const cases: [number, string][] = [
    [0.1, "0.1"],
    [1e-5, "1e-05"],
    [1e-7, "1e-07"],
    [1e16, "1e+16"],
    [1.5e300, "1.5e+300"],
    [123456789.123, "123456789.123"],
    [-0.5, "-0.5"],
    [3, "3.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [1e-4, "0.0001"],
    [0.00012, "0.00012"],
    [9999999999999998, "9999999999999998.0"],
    [1e15 + 0.5, "1000000000000000.5"],
    [2.5e-5, "2.5e-05"],
    [1e22, "1e+22"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [0.30000000000000004, "0.30000000000000004"],
    [NaN, "nan"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [1 / 3, "0.3333333333333333"],
    [2 / 3 * 1e-10, "6.666666666666667e-11"],
    [123e18, "1.23e+20"],
    [-1e100, "-1e+100"],
  ];
  for (const [x, want] of cases) assert.equal(pythonFloatRepr(x), want, `repr(${x})`);
});

Deno.test("pythonNumber: integral values as ints, others as Python floats, JSON specials", () => {
  assert.equal(pythonNumber(3), "3");
  assert.equal(pythonNumber(-42), "-42");
  assert.equal(pythonNumber(0.1), "0.1");
  assert.equal(pythonNumber(1e-5), "1e-05");
  assert.equal(pythonNumber(1e16), "1e+16");
  assert.equal(pythonNumber(NaN), "NaN");
  assert.equal(pythonNumber(Infinity), "Infinity");
  assert.equal(pythonNumber(-Infinity), "-Infinity");
});

Deno.test("pythonRepr: strings pick their quotes like Python", () => {
  const cases: [string, string][] = [
    ["plain", "'plain'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ["back\\slash", "'back\\\\slash'"],
    ["tab\there", "'tab\\there'"],
    ["nl\nx", "'nl\\nx'"],
    ["cr\rx", "'cr\\rx'"],
    ["", "''"],
  ];
  for (const [s, want] of cases) assert.equal(pythonRepr(s), want, `repr(${JSON.stringify(s)})`);
});

Deno.test("pythonRepr: printable non-ASCII stays, non-printable characters are escaped", () => {
  const cases: [string, string][] = [
    ["\x00\x01\x1f\x7f", "'\\x00\\x01\\x1f\\x7f'"],
    ["café", "'café'"],
    ["\u{1F600}", "'\u{1F600}'"],
    ["\x80\x9f\xa0\xad", "'\\x80\\x9f\\xa0\\xad'"],
    ["\u200b\u2028\u2029\u3000", "'\\u200b\\u2028\\u2029\\u3000'"],
    ["\ud800", "'\\ud800'"],
    ["\ufeff", "'\\ufeff'"],
    ["\ue000", "'\\ue000'"],
    ["a b", "'a b'"],
  ];
  for (const [s, want] of cases) assert.equal(pythonRepr(s), want, `repr(${JSON.stringify(s)})`);
});

Deno.test("pythonRepr: lists, dicts, True/False/None", () => {
  assert.equal(pythonRepr(["a", true, null, 1, 2.5]), "['a', True, None, 1, 2.5]");
  assert.equal(
    pythonRepr({ k: "v", n: null, b: false, l: [1, "x"], d: {} }),
    "{'k': 'v', 'n': None, 'b': False, 'l': [1, 'x'], 'd': {}}",
  );
  assert.equal(pythonRepr([]), "[]");
  assert.equal(pythonRepr({}), "{}");
  assert.equal(pythonRepr({ "it's": ["a'b", 'q"'] }), `{"it's": ["a'b", 'q"']}`);
  assert.equal(pythonRepr(true), "True");
  assert.equal(pythonRepr(false), "False");
  assert.equal(pythonRepr(null), "None");
  assert.equal(pythonRepr(undefined), "None");
});

Deno.test("pythonRepr: numbers", () => {
  assert.equal(pythonRepr(1), "1");
  assert.equal(pythonRepr(-7), "-7");
  assert.equal(pythonRepr(0.5), "0.5");
  assert.equal(pythonRepr(1e-5), "1e-05");
  assert.equal(pythonRepr(NaN), "nan");
  assert.equal(pythonRepr(-Infinity), "-inf");
});

Deno.test("pythonStr: strings unchanged, other values as repr", () => {
  assert.equal(pythonStr('it\'s "x"\n'), 'it\'s "x"\n');
  assert.equal(pythonStr(""), "");
  assert.equal(pythonStr(["a", true, null, 1, 2.5]), "['a', True, None, 1, 2.5]");
  assert.equal(
    pythonStr({ k: "v", n: null, b: false, l: [1, "x"], d: {} }),
    "{'k': 'v', 'n': None, 'b': False, 'l': [1, 'x'], 'd': {}}",
  );
  assert.equal(pythonStr({ "it's": ["a'b", 'q"'] }), `{"it's": ["a'b", 'q"']}`);
  assert.equal(pythonStr(true), "True");
  assert.equal(pythonStr(null), "None");
  assert.equal(pythonStr(0.1), "0.1");
});
