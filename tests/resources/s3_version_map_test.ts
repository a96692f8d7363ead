/**
 * The S3 snapshot file format and its folder view (no S3 server needed):
 * the bytes 1.6 writes with `json.dumps(versions, sort_keys=True, indent=2)`,
 * the git blob hash, gzip round trip, and 1.6's snapfs listing rules.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { PathError } from "../../mod.ts";
import {
  compareCodePoints,
  decodeVersionMap,
  encodeVersionMap,
  serializeVersionMap,
  VersionTree,
} from "../../resources/s3_version_map.ts";

Deno.test("s3 version map: Python's sort_keys/indent=2/ensure_ascii bytes, integer-like keys in string order", () => {
  const m = new Map([["b/x", "v2"], ["2024", "v0"], ["a", "v1"], ["é", "v3"], ["10", "v4"]]);
  assert.equal(
    serializeVersionMap(m),
    '{\n  "10": "v4",\n  "2024": "v0",\n  "a": "v1",\n  "b/x": "v2",\n  "\\u00e9": "v3"\n}',
  );
  assert.equal(serializeVersionMap(new Map()), "{}");
});

Deno.test("s3 version map: keys sort by code point like Python (astral characters after U+FFFF-range BMP ones)", () => {
  // UTF-16 order would put the emoji (surrogates D83D...) before U+FF5E; Python puts it after.
  const keys = ["\u{1F600}", "\uFF5E", "z"];
  assert.deepEqual([...keys].sort(compareCodePoints), ["z", "\uFF5E", "\u{1F600}"]);
  const text = serializeVersionMap(new Map(keys.map((k) => [k, "v"])));
  assert.equal(text, '{\n  "z": "v",\n  "\\uff5e": "v",\n  "\\ud83d\\ude00": "v"\n}');
});

Deno.test("s3 version map: hash is the git blob hash of the JSON; gzip round trip", async () => {
  const m = new Map([["a.txt", "v1"]]);
  const { hash, gzipped } = encodeVersionMap(m);
  const json = '{\n  "a.txt": "v1"\n}';
  assert.equal(new TextDecoder().decode(gunzipSync(gzipped)), json);
  const p = new Deno.Command("git", { args: ["hash-object", "--stdin"], stdin: "piped", stdout: "piped" }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(json));
  await w.close();
  const out = await p.output();
  assert.equal(new TextDecoder().decode(out.stdout).trim(), hash);
  assert.deepEqual(decodeVersionMap(gzipped, "x.json.gz"), m);
});

Deno.test("s3 version map: a corrupt snapshot file is a PathError naming it", () => {
  assert.throws(() => decodeVersionMap(new Uint8Array([1, 2, 3]), "bad.json.gz"), /bad\.json\.gz is not a gzip'd/);
});

Deno.test("s3 version tree: ls of root, folder, file; exists/isFile/isDir; missing → PathError", () => {
  const t = new VersionTree(new Map([["a.txt", "1"], ["d/b.txt", "2"], ["d/e/c.txt", "3"], ["z", "4"]]));
  assert.equal(t.size, 4);
  assert.deepEqual(t.ls(""), ["a.txt", "d", "z"]);
  assert.deepEqual(t.ls("d"), ["d/b.txt", "d/e"]);
  assert.deepEqual(t.ls("d/"), ["d/b.txt", "d/e"]);
  assert.deepEqual(t.ls("d/e/c.txt"), ["d/e/c.txt"]);
  assert.equal(t.versionId("d/e/c.txt"), "3");
  assert.ok(t.exists("d") && t.exists("d/e") && t.exists("a.txt") && t.exists(""));
  assert.ok(!t.exists("d/x") && !t.exists("q/r"));
  assert.ok(t.isFile("a.txt") && !t.isFile("d") && !t.isFile(""));
  assert.ok(t.isDir("d/e") && t.isDir("") && !t.isDir("a.txt"));
  assert.throws(() => t.ls("nope"), PathError);
  assert.throws(() => t.ls("d/nope"), PathError);
  assert.throws(() => t.versionId("d"), PathError);
});
