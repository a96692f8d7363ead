import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashFiles, readFiles } from "../../../core/hash/pool.ts";
import { fanOutPath, type ReadJob } from "../../../core/hash/file_read.ts";
import { gitBlobHash, hashFile, hashFileSync, sha1Hex } from "../../../core/base/hashing.ts";

Deno.test("gitBlobHash equals git hash-object", () => {
  assert.equal(gitBlobHash(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  assert.equal(gitBlobHash("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
  assert.equal(sha1Hex("hello\n"), "f572d396fae9206628714fb2ce00f72e94f2258f");
});

Deno.test("worker pool and inline hashing agree on many files, in job order", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dws-pool-"));
  try {
    const jobs: { path: string; size: number }[] = [];
    // Enough data (> 64 MB) to use the worker threads.
    const block = new Uint8Array(3 << 20);
    for (let i = 0; i < 24; i++) {
      block[0] = i;
      const path = join(dir, `f${i}`);
      writeFileSync(path, i % 5 === 0 ? block.subarray(0, 10 + i) : block);
      jobs.push({ path, size: i % 5 === 0 ? 10 + i : block.length });
    }
    let done = 0;
    const pooled = await hashFiles(jobs, { threads: 2, onDone: () => done++ });
    assert.equal(done, jobs.length);
    const inline = jobs.map((j) => hashFileSync(j.path));
    assert.deepEqual(pooled, inline);
    assert.equal(await hashFile(jobs[3].path), inline[3]);
    await assert.rejects(
      () => hashFiles([...jobs, { path: join(dir, "missing"), size: 1 << 26 }], { threads: 2 }),
      /Cannot hash .*missing/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("worker pool keeps what it hashed: copies byte for byte, or protected hard links", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dws-pool-"));
  try {
    const jobs: ReadJob[] = [];
    const block = new Uint8Array(3 << 20);
    for (let i = 0; i < 24; i++) {
      block[0] = i;
      const path = join(dir, `f${i}`);
      writeFileSync(path, block);
      // Every other file is kept by protected hard link, the others by copy.
      jobs.push({ path, size: block.length, keep: join(dir, `kept${i}`), protect: i % 2 ? 0o444 : undefined });
    }
    const results = await readFiles(jobs, { threads: 2 });
    results.forEach((r, i) => {
      assert.equal(r.error, undefined);
      assert.ok(r.stable);
      assert.equal(r.hash, hashFileSync(jobs[i].path));
      assert.equal(hashFileSync(jobs[i].keep!), r.hash);
      assert.equal(r.linked, i % 2 === 1);
      const same = statSync(jobs[i].keep!).ino === statSync(jobs[i].path).ino;
      assert.equal(same, i % 2 === 1);
      assert.equal(statSync(jobs[i].path).mode & 0o777, i % 2 ? 0o444 : 0o644);
    });
    const [gone] = await readFiles([{ path: join(dir, "missing"), size: 1, keep: join(dir, "k") }]);
    assert.equal(gone.code, "ENOENT");
    assert.ok(!existsSync(join(dir, "k")), "nothing kept for a file that could not be read");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("a large file to keep is copied by the kernel and its copy hashed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dws-pool-"));
  try {
    const path = join(dir, "big");
    writeFileSync(path, new Uint8Array(9 << 20).map((_, i) => i % 249));
    const [r] = await readFiles([{ path, size: 9 << 20, keep: join(dir, "kept") }]);
    assert.ok(r.stable && !r.linked);
    assert.equal(r.hash, hashFileSync(path));
    assert.equal(hashFileSync(join(dir, "kept")), r.hash);
    assert.equal(statSync(join(dir, "kept")).mode & 0o777, 0o444);
    assert.notEqual(statSync(join(dir, "kept")).ino, statSync(path).ino);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("reading threads move what they kept to its key; a content kept twice is stored once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dws-pool-"));
  try {
    mkdirSync(join(dir, "tmp"));
    const jobs: ReadJob[] = [];
    for (let i = 0; i < 24; i++) {
      const path = join(dir, `f${i}`);
      writeFileSync(path, new Uint8Array(3 << 20).fill(i % 12));
      // Every other content is kept by protected hard link, the others by copy.
      const protect = i % 2 ? 0o444 : undefined;
      jobs.push({ path, size: 3 << 20, keep: join(dir, "tmp", `${i}`), store: join(dir, "objects"), protect });
    }
    const results = await readFiles(jobs, { threads: 2 });
    assert.deepEqual(readdirSync(join(dir, "tmp")), []);
    const byHash = new Map<string, number>();
    results.forEach((r, i) => {
      assert.ok(r.stable && r.error === undefined);
      const object = fanOutPath(join(dir, "objects"), r.hash);
      assert.equal(hashFileSync(object), r.hash);
      assert.equal(statSync(object).mode & 0o777, 0o444);
      if (r.kept === "new") byHash.set(r.hash, i);
      // A linked file's recorded stat is its stat after the link moved: what the stat cache must see.
      if (r.linked) assert.equal(r.stat[3], statSync(jobs[i].path).ctimeMs);
    });
    assert.equal(byHash.size, 12);
    assert.equal(results.filter((r) => r.kept === "present").length, 12);
    for (const [hash, i] of byHash) {
      const linked = statSync(fanOutPath(join(dir, "objects"), hash)).ino === statSync(jobs[i].path).ino;
      assert.equal(linked, results[i].linked);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
