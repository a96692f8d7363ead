/**
 * `dws gc` in a store shared by several workspaces (issue 14.5): it keeps
 * what every registered workspace needs and refuses when one is missing.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dwsOk, folderState, initWorkspace, readText, sandbox } from "../test_utils.ts";
import { expectFailure } from "./snapshot_helpers.ts";

async function workspaceWithData(sb: ReturnType<typeof sandbox>, name: string, store: string): Promise<string> {
  const ws = await initWorkspace(sb, name);
  await dwsOk(sb, ["config", "object_store.directory", store], { cwd: ws });
  const data = join(sb.dir, `${name}-data`);
  mkdirSync(data);
  writeFileSync(join(data, "only-here.csv"), `${name} data\n`);
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "data", data], { cwd: ws });
  await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
  return ws;
}

Deno.test("gc in one workspace keeps the objects of the others sharing its store", async () => {
  using sb = sandbox();
  const store = join(sb.dir, "shared-objects");
  const a = await workspaceWithData(sb, "a", store);
  const b = await workspaceWithData(sb, "b", store);
  const before = folderState(store);
  const r = await dwsOk(sb, ["gc"], { cwd: a });
  assert.match(r.stdout, /^Removed 0 object\(s\)/);
  assert.deepEqual(folderState(store), before, "no object of b was removed");
  // b still restores its data from the store.
  writeFileSync(join(sb.dir, "b-data", "only-here.csv"), "changed\n");
  await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: b });
  assert.equal(readText(join(sb.dir, "b-data", "only-here.csv")), "b data\n");
  // Each workspace registered itself in the store.
  assert.equal(readdirSync(join(store, "workspaces")).length, 2);
});

Deno.test("gc refuses, naming the workspace, when a workspace sharing the store is not reachable", async () => {
  using sb = sandbox();
  const store = join(sb.dir, "shared-objects");
  const a = await workspaceWithData(sb, "a", store);
  const b = await workspaceWithData(sb, "b", store);
  renameSync(b, join(sb.dir, "b-moved"));
  await expectFailure(sb, a, ["gc"], {
    stderr: new RegExp(`shared with the workspace ${b}, which is not reachable here: .*delete ${store}/workspaces/`),
    also: [store],
  });
});
