import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, readJson, ROOT, run, sandbox } from "../test_utils.ts";
import { kitWorkspace } from "./kit_helpers.ts";

Deno.test("examples/tfjs_digits.ts trains with the one-line wrapper and a checkpoint config", async () => {
  using sb = sandbox();
  const { ws, results } = await kitWorkspace(sb);
  await dwsOk(sb, ["--batch", "add", "api-resource", "--role", "source-data", "--name", "digits-api"], { cwd: ws });
  const r = await run(sb, [
    Deno.execPath(),
    "run",
    "-A",
    join(ROOT, "examples/tfjs_digits.ts"),
    "--workspace-dir",
    ws,
    "--epochs",
    "3",
  ], { cwd: ROOT });
  assert.match(r.stdout, /^Digits: 1797 images from /m);
  assert.match(r.stdout, /^dws> Removed 0 old checkpoint files for model digits ahead of training$/m);
  const copied = /^dws> Copied checkpoint (digits_\d) to resource results$/m.exec(r.stdout);
  assert.ok(copied, r.stdout);
  assert.ok(existsSync(join(results, `${copied[1]}.json`)));
  const res = readJson(join(results, "results.json")) as { step: string; metrics: Record<string, number> };
  assert.equal(res.step, "tfjs_digits");
  assert.deepEqual(Object.keys(res.metrics), ["loss", "acc"]);
  assert.match(readFileSync(join(ws, ".dataworkspace/scratch/digits-api/hashval.txt"), "utf8"), /^[0-9a-f]{40}\n$/);
});
