/**
 * An interrupted push to an rclone object remote leaves `incoming/<session>/`
 * on the remote and a staging folder locally; the next push removes them
 * unless their push may still be running (issue 14.11).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { dwsOk, ignoreWithout, initWorkspace, run, sandbox, useLocalRcloneRemote } from "../test_utils.ts";

const ignore = ignoreWithout("rclone");

async function deadPid(): Promise<number> {
  const p = new Deno.Command("true").spawn();
  await p.status;
  return p.pid;
}

function plant(dir: string, size = 1 << 20): void {
  mkdirSync(join(dir, "objects", "ab"), { recursive: true });
  writeFileSync(join(dir, "objects", "ab", "cdef"), new Uint8Array(size));
}

Deno.test({
  name: "a push removes what interrupted pushes left, and keeps sessions that may still be running",
  ignore,
  async fn() {
    using sb = sandbox();
    useLocalRcloneRemote(sb);
    const data = join(sb.dir, "data");
    mkdirSync(data);
    writeFileSync(join(data, "a.csv"), "a\n".repeat(40_000));
    const ws = await initWorkspace(sb);
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
    await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    const origin = join(sb.dir, "origin.git");
    await run(sb, ["git", "init", "-q", "--bare", origin], { cwd: sb.dir });
    await dwsOk(sb, ["--batch", "publish", origin], { cwd: ws });
    const remote = join(sb.dir, "remote");
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `objremote:${remote}`], { cwd: ws });

    const now = Math.floor(Date.now() / 1000);
    const host = hostname();
    const dead = await deadPid();
    const incoming = join(remote, "incoming");
    const sessions = {
      oldFormat: "0f8fad5b-d9cb-469f-a165-70867728950e",
      deadHere: `${now}-${host}-${dead}-0a1b2c3d`,
      liveHere: `${now}-${host}-${Deno.pid}-0a1b2c3d`,
      recentElsewhere: `${now}-other-host-1-0a1b2c3d`,
      oldElsewhere: `${now - 2 * 86400}-other-host-1-0a1b2c3d`,
    };
    for (const s of Object.values(sessions)) plant(join(incoming, s));
    const stage = join(ws, "scratch", "objects", "tmp", `rclone-put-${sessions.deadHere}`);
    plant(stage);

    await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    assert.deepEqual(readdirSync(incoming).sort(), [sessions.liveHere, sessions.recentElsewhere].sort());
    assert.ok(!existsSync(stage), "the staging folder of the dead push is gone");
    assert.ok(readdirSync(join(remote, "objects")).length > 0 || existsSync(join(remote, "packs")), "pushed");
  },
});
