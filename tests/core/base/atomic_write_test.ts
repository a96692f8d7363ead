/** Tests of core/base/atomic_write.ts. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../../core/base/atomic_write.ts";

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "dws-atomic-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

Deno.test("writeFileAtomic: writes a new file and leaves no temporary files", () => {
  withTempDir((dir) => {
    const path = join(dir, "config.json");
    writeFileAtomic(path, '{\n  "name": "ws"\n}');
    assert.equal(readFileSync(path, "utf8"), '{\n  "name": "ws"\n}');
    assert.deepEqual(readdirSync(dir), ["config.json"]);
  });
});

Deno.test("writeFileAtomic: replaces existing content (also with shorter content)", () => {
  withTempDir((dir) => {
    const path = join(dir, "f.txt");
    writeFileSync(path, "a much longer old content\n");
    writeFileAtomic(path, "new");
    assert.equal(readFileSync(path, "utf8"), "new");
    writeFileAtomic(path, "");
    assert.equal(readFileSync(path, "utf8"), "");
    assert.deepEqual(readdirSync(dir), ["f.txt"]);
  });
});

Deno.test("writeFileAtomic: bytes and non-ASCII text are written exactly", () => {
  withTempDir((dir) => {
    const bin = join(dir, "b.bin");
    const bytes = new Uint8Array([0, 1, 2, 255, 254, 10, 13]);
    writeFileAtomic(bin, bytes);
    assert.deepEqual(new Uint8Array(readFileSync(bin)), bytes);
    const txt = join(dir, "t.txt");
    writeFileAtomic(txt, "café \u{1F600}");
    assert.deepEqual(new Uint8Array(readFileSync(txt)), new TextEncoder().encode("café \u{1F600}"));
  });
});

Deno.test("writeFileAtomic: a large write is complete", () => {
  withTempDir((dir) => {
    const path = join(dir, "big.txt");
    const data = "0123456789abcdef".repeat(1 << 16);
    writeFileAtomic(path, data);
    assert.equal(statSync(path).size, data.length);
    assert.equal(readFileSync(path, "utf8"), data);
  });
});

Deno.test("writeFileAtomic: many writes to the same file leave one file", () => {
  withTempDir((dir) => {
    const path = join(dir, "f.json");
    for (let i = 0; i < 20; i++) writeFileAtomic(path, String(i));
    assert.equal(readFileSync(path, "utf8"), "19");
    assert.deepEqual(readdirSync(dir), ["f.json"]);
  });
});

Deno.test("writeFileAtomic: applies the mode to new files", { ignore: Deno.build.os === "windows" }, () => {
  withTempDir((dir) => {
    const path = join(dir, "m.txt");
    writeFileAtomic(path, "x", { mode: 0o600 });
    assert.equal(statSync(path).mode & 0o777, 0o600 & ~Deno.umask());
  });
});

Deno.test("writeFileAtomic: missing directory throws and creates nothing", () => {
  withTempDir((dir) => {
    assert.throws(() => writeFileAtomic(join(dir, "missing", "f.txt"), "x"));
    assert.deepEqual(readdirSync(dir), []);
  });
});
