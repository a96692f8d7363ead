/** Tests of core/base/names.ts: hostname/tag rule, hash-looking strings, roles. */
import assert from "node:assert/strict";
import {
  isFullHash,
  isRole,
  isShortHash,
  isValidHostname,
  parseRole,
  ROLE_PURPOSE,
  ROLES,
  validateHostname,
} from "../../../core/base/names.ts";
import { ConfigurationError } from "../../../core/base/errors.ts";

Deno.test("isValidHostname: accepted names", () => {
  for (
    const ok of [
      "a",
      "localhost",
      "this-host7",
      "foo.local",
      "192.168.1.9",
      "my-laptop.example.com",
      "A1-b2-C3",
      "v1.0",
      "0",
      "a".repeat(63),
      `${"a".repeat(63)}.${"b".repeat(63)}`,
      "a--b",
    ]
  ) {
    assert.ok(isValidHostname(ok), ok);
  }
});

Deno.test("isValidHostname: refused names", () => {
  for (
    const bad of [
      "",
      "-a",
      "a-",
      "a.-b",
      "a-.b",
      "foo..local",
      ".a",
      "a.",
      "my_host",
      "a b",
      "a/b",
      "café",
      "a".repeat(64),
      `ok.${"b".repeat(64)}`,
      "host\n",
    ]
  ) {
    assert.ok(!isValidHostname(bad), JSON.stringify(bad));
  }
});

Deno.test("validateHostname: returns the name or throws a ConfigurationError saying what is allowed", () => {
  assert.equal(validateHostname("my-laptop", "hostname"), "my-laptop");
  assert.throws(
    () => validateHostname("bad_tag", "tag"),
    (e: unknown) => e instanceof ConfigurationError && e.message.includes("'bad_tag'") && e.message.includes("tag"),
  );
});

Deno.test("isFullHash: exactly 40 hex digits of either case", () => {
  const h = "9a4e7dd1f31b7edf607443043d7c06f2eaa0c66d";
  assert.ok(isFullHash(h));
  assert.ok(isFullHash(h.toUpperCase()));
  assert.ok(isFullHash("0123456789abcdefABCDEF0123456789abcdefAB"));
  assert.ok(!isFullHash(h.slice(0, 39)));
  assert.ok(!isFullHash(h + "0"));
  assert.ok(!isFullHash(h.slice(0, 39) + "g"));
  assert.ok(!isFullHash(""));
});

Deno.test("isShortHash: at least 6 lowercase hex digits", () => {
  assert.ok(isShortHash("9a4e7d"));
  assert.ok(isShortHash("9a4e7dd"));
  assert.ok(isShortHash("123456"));
  assert.ok(!isShortHash("9a4e7"));
  assert.ok(!isShortHash("9A4E7DD"));
  assert.ok(!isShortHash("9a4e7z"));
  assert.ok(!isShortHash(""));
});

Deno.test("a 40-char lowercase hash is both full and short (spec §0)", () => {
  const h = "9a4e7dd1f31b7edf607443043d7c06f2eaa0c66d";
  assert.ok(isFullHash(h) && isShortHash(h));
  assert.ok(isFullHash(h.toUpperCase()) && !isShortHash(h.toUpperCase()));
});

Deno.test("parseRole: full names and short forms s, i, c, r", () => {
  assert.equal(parseRole("source-data"), "source-data");
  assert.equal(parseRole("intermediate-data"), "intermediate-data");
  assert.equal(parseRole("code"), "code");
  assert.equal(parseRole("results"), "results");
  assert.equal(parseRole("s"), "source-data");
  assert.equal(parseRole("i"), "intermediate-data");
  assert.equal(parseRole("c"), "code");
  assert.equal(parseRole("r"), "results");
});

Deno.test("parseRole: unknown roles are ConfigurationErrors naming the input", () => {
  for (const bad of ["", "x", "S", "Code", "data", "result", "source_data"]) {
    assert.throws(
      () => parseRole(bad),
      (e: unknown) => e instanceof ConfigurationError && e.message.includes(`'${bad}'`),
      JSON.stringify(bad),
    );
  }
});

Deno.test("ROLES, isRole and ROLE_PURPOSE", () => {
  assert.deepEqual([...ROLES], ["source-data", "intermediate-data", "code", "results"]);
  assert.ok(isRole("code"));
  assert.ok(!isRole("c"));
  assert.equal(ROLE_PURPOSE.results, "experimental results");
  assert.equal(ROLE_PURPOSE["source-data"], "source data");
});
