/**
 * Tests of core/commands/run.ts helpers: default step names and `--param`
 * parsing (the command itself is run end to end in tests/cli/run_test.ts).
 */
import assert from "node:assert/strict";
import { UsageError } from "../../../core/base/errors.ts";
import { defaultStepName, parseStepParams, scriptOf } from "../../../core/commands/run.ts";

Deno.test("run_step: the step name is the script's base name, else the command's name", () => {
  assert.equal(defaultStepName(["python3", "-u", "prep/clean.py", "--fast"]), "clean");
  assert.equal(defaultStepName(["deno", "run", "-A", "code/step1.ts"]), "step1");
  assert.equal(defaultStepName(["./train.sh", "x.py"]), "train");
  assert.equal(defaultStepName(["Rscript", "fit.R"]), "fit");
  assert.equal(defaultStepName(["/usr/bin/make", "all"]), "make");
  assert.equal(defaultStepName(["sh", "-c", "exit 1"]), "sh");
  assert.equal(scriptOf(["node", "--require=x.js", "main.mjs"]), "main.mjs", "options are not scripts");
  assert.equal(scriptOf(["cp", "a.csv", "b.csv"]), undefined);
});

Deno.test("run_step: --param values are JSON when they parse, else strings, in order", () => {
  const p = parseStepParams([
    "n=3",
    "gamma=0.01",
    "on=true",
    "none=null",
    "kernel=rbf",
    "list=[1, 2]",
    "empty=",
    "eq=a=b",
  ]);
  assert.deepEqual(p, { n: 3, gamma: 0.01, on: true, none: null, kernel: "rbf", list: [1, 2], empty: "", eq: "a=b" });
  assert.deepEqual(Object.keys(p), ["n", "gamma", "on", "none", "kernel", "list", "empty", "eq"]);
  assert.deepEqual(parseStepParams(["x=1", "x=2"]), { x: 2 });
  assert.deepEqual(parseStepParams(['s="quoted"']), { s: "quoted" });
  for (const bad of ["novalue", "=3"]) {
    assert.throws(() => parseStepParams([bad]), (e) => e instanceof UsageError && e.exitCode === 2, bad);
  }
});
