/** Tests of core/models/gitignore.ts. */
import assert from "node:assert/strict";
import { addGitignoreEntry, hasGitignoreEntry } from "../../../core/models/gitignore.ts";

Deno.test("hasGitignoreEntry: exact line match by default", () => {
  const content = "local_params.json\nresource_local_params.json\ncurrent_lineage/\n";
  assert.ok(hasGitignoreEntry(content, "local_params.json"));
  assert.ok(hasGitignoreEntry(content, "current_lineage/"));
  assert.ok(!hasGitignoreEntry(content, "current_lineage"));
  assert.ok(!hasGitignoreEntry(content, "params.json"));
  assert.ok(!hasGitignoreEntry("", "a"));
});

Deno.test("hasGitignoreEntry: surrounding whitespace and CRLF line ends do not matter", () => {
  assert.ok(hasGitignoreEntry("a\r\n  /scratch  \r\n", "/scratch"));
  assert.ok(hasGitignoreEntry("/scratch", " /scratch "));
});

Deno.test("hasGitignoreEntry: with ignoreSlashes, leading and trailing slashes do not matter", () => {
  const opts = { ignoreSlashes: true };
  assert.ok(hasGitignoreEntry("/scratch\n", "scratch/", opts));
  assert.ok(hasGitignoreEntry("scratch\n", "/scratch/", opts));
  assert.ok(hasGitignoreEntry("/data/sub/\n", "data/sub", opts));
  assert.ok(!hasGitignoreEntry("/data/sub/\n", "data", opts));
  assert.ok(!hasGitignoreEntry("/scratch\n", "scratch/", {}));
});

Deno.test("addGitignoreEntry: appends a line, adding a missing final newline first", () => {
  assert.equal(addGitignoreEntry("", "/scratch"), "/scratch\n");
  assert.equal(addGitignoreEntry("a\n", "b"), "a\nb\n");
  assert.equal(addGitignoreEntry("a", "b"), "a\nb\n");
  assert.equal(addGitignoreEntry("a\nb", "c"), "a\nb\nc\n");
});

Deno.test("addGitignoreEntry: leaves content unchanged when the entry exists", () => {
  assert.equal(addGitignoreEntry("a\n/scratch\n", "/scratch"), "a\n/scratch\n");
  assert.equal(addGitignoreEntry("a\n/scratch", "/scratch"), "a\n/scratch");
  assert.equal(addGitignoreEntry("/data/\n", "data", { ignoreSlashes: true }), "/data/\n");
  assert.equal(addGitignoreEntry("/data/\n", "data"), "/data/\ndata\n");
});

Deno.test("addGitignoreEntry: repeated adds are idempotent", () => {
  const entries = ["/scratch", ".ipynb_checkpoints/", ".~*"];
  const once = entries.reduce((c, e) => addGitignoreEntry(c, e), "");
  assert.equal(once, "/scratch\n.ipynb_checkpoints/\n.~*\n");
  assert.equal(entries.reduce((c, e) => addGitignoreEntry(c, e), once), once);
});
