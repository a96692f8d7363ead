/** Tests of core/base/paths.ts. */
import assert from "node:assert/strict";
import { isInside, relativePosix } from "../../../core/base/paths.ts";

Deno.test("isInside: a folder and what lies below it", () => {
  assert.ok(isInside("/ws", "/ws"));
  assert.ok(isInside("/ws/", "/ws"));
  assert.ok(isInside("/ws/data", "/ws"));
  assert.ok(isInside("/ws/data/sub/file.txt", "/ws/"));
  assert.ok(isInside("/ws/a/../b", "/ws"));
});

Deno.test("isInside: /ws2 is not inside /ws (no string-prefix test)", () => {
  assert.ok(!isInside("/ws2", "/ws"));
  assert.ok(!isInside("/ws2/data", "/ws"));
  assert.ok(!isInside("/w", "/ws"));
});

Deno.test("isInside: parents, siblings and escapes are outside", () => {
  assert.ok(!isInside("/", "/ws"));
  assert.ok(!isInside("/other", "/ws"));
  assert.ok(!isInside("/ws/..", "/ws"));
  assert.ok(!isInside("/ws/../ws2", "/ws"));
  assert.ok(!isInside("/ws/data", "/ws/data/sub"));
});

Deno.test("isInside: names starting with '..' are ordinary children", () => {
  assert.ok(isInside("/ws/..data", "/ws"));
  assert.ok(isInside("/ws/...", "/ws"));
});

Deno.test("isInside: relative paths are resolved against the cwd", () => {
  assert.ok(isInside("data", "."));
  assert.ok(isInside(Deno.cwd() + "/x", "."));
  assert.ok(!isInside("..", "."));
});

Deno.test("relativePosix: child relative to parent with / separators", () => {
  assert.equal(relativePosix("/ws", "/ws/data/sub"), "data/sub");
  assert.equal(relativePosix("/ws/", "/ws/scratch"), "scratch");
  assert.equal(relativePosix("/ws", "/ws"), "");
});
