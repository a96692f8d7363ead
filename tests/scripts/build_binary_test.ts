/**
 * The offline single executable (scripts/build_binary.ts): built from
 * node_modules only, it runs the CLI story with a PATH that holds git and
 * coreutils and nothing else (no node, no deno).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readText, ROOT, run, sandbox } from "../test_utils.ts";

/** git and every coreutils program, linked into `bin` (the only folder of the story's PATH). */
function gitAndCoreutils(bin: string): void {
  mkdirSync(bin);
  const listed = new Deno.Command("dpkg", { args: ["-L", "coreutils"], stdout: "piped", stderr: "null" }).outputSync();
  const coreutils = new TextDecoder().decode(listed.stdout).split("\n").filter((p) => /^\/(usr\/)?bin\/[^/]+$/.test(p));
  assert.ok(coreutils.length > 50, "coreutils' programs (dpkg -L coreutils)");
  const git = new Deno.Command("sh", { args: ["-c", "command -v git"], stdout: "piped" }).outputSync();
  for (const p of [new TextDecoder().decode(git.stdout).trim(), ...coreutils]) {
    const name = p.split("/").pop()!;
    if (!existsSync(join(bin, name)) && existsSync(p)) symlinkSync(realpathSync(p), join(bin, name));
  }
  const names = readdirSync(bin);
  assert.ok(names.includes("git") && names.includes("cp") && !names.includes("node") && !names.includes("deno"));
}

Deno.test("the single executable (Node SEA) runs init, add, snapshot, restore, report html without node or deno", async () => {
  using sb = sandbox();
  const built = await run(sb, [Deno.execPath(), "run", "-A", join(ROOT, "scripts/build_binary.ts")], { cwd: ROOT });
  assert.match(built.stdout, /Built dist\/dws-linux-x64 \(\d+\.\d MB\)/);
  const exe = join(ROOT, "dist/dws-linux-x64");
  assert.ok(statSync(exe).size > 10e6);
  gitAndCoreutils(join(sb.dir, "bin"));
  sb.env.PATH = join(sb.dir, "bin");

  const ws = join(sb.dir, "ws");
  const data = join(sb.dir, "data");
  mkdirSync(ws);
  mkdirSync(data);
  writeFileSync(join(data, "x.csv"), "a,b\n1,2\n");
  const dws = (...args: string[]) => run(sb, [exe, ...args], { cwd: ws });
  await dws("--batch", "init", "--hostname", "h", "--create-resources", "code,results");
  await dws("--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data);
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.5 } }));
  assert.match((await dws("--batch", "snapshot", "-m", "first", "S1")).stdout, /tagged with 'S1'/);
  writeFileSync(join(data, "x.csv"), "a,b\n3,4\n");
  writeFileSync(join(ws, "results", "results.json"), JSON.stringify({ metrics: { accuracy: 0.75 } }));
  await dws("--batch", "snapshot", "-m", "second", "S2");

  await dws("--batch", "restore", "S1");
  assert.equal(readText(join(data, "x.csv")), "a,b\n1,2\n");
  const history = await dws("report", "history");
  assert.match(history.stdout, /\| S1 +\| .*\| +0\.5 +\| first +\|/);
  assert.match(history.stdout, /\| S2 +\| .*\| +0\.75 +\| second +\|/);
  await dws("report", "html", join(sb.dir, "report.html"));
  const html = readText(join(sb.dir, "report.html"));
  assert.match(html, /<html/);
  assert.match(html, /S2/);
  const bad = await run(sb, [exe, "restore", "NOPE"], { cwd: ws, allowFailure: true });
  assert.equal(bad.code, 1);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, "one line, no stack trace");
});
