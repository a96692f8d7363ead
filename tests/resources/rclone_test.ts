/**
 * The rclone resource (`dws add rclone`, push, pull, clone, snapshot) with
 * the real rclone binary and a local-filesystem remote defined in a
 * temporary config file: never the machine's own rclone config.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  dws,
  dwsOk,
  ignoreWithout,
  initWorkspace,
  readJson,
  readText,
  run,
  type Sandbox,
  sandbox,
  treeSnapshot,
} from "../test_utils.ts";
import { expectFailure, logSubjects, manifest, snapshotHash } from "../cli/snapshot_helpers.ts";

const ignore = ignoreWithout("rclone");
const RCLONE_KEYS = [
  "resource_type",
  "name",
  "role",
  "global_local_path",
  "compute_hash",
  "export",
  "imported",
  "remote_origin",
  "config",
  "master",
  "sync_mode",
  "size_only",
];

/** A temporary rclone config with one local-filesystem remote, and a folder on that "remote". */
interface Remote {
  /** The config file. */
  conf: string;
  /** The remote folder, as a local path. */
  dir: string;
  /** The remote folder as an rclone location. */
  origin: string;
}

function makeRemote(sb: Sandbox, files: Record<string, string> = {}): Remote {
  const conf = join(sb.dir, "rclone.conf");
  writeFileSync(conf, "[localremote]\ntype = local\n");
  const dir = join(sb.dir, "remote-data");
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
  return { conf, dir, origin: `localremote:${dir}` };
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

type Entry = Record<string, unknown>;

function entryOf(ws: string, name: string): Entry {
  const e = (readJson(join(ws, ".dataworkspace/resources.json")) as Entry[]).find((r) => r.name === name);
  assert.ok(e, `no resource ${name}`);
  return e;
}

function localParamsOf(ws: string): Record<string, Entry> {
  return readJson(join(ws, ".dataworkspace/resource_local_params.json")) as Record<string, Entry>;
}

/** A workspace published to a bare remote, so push and pull work. */
async function publishedWorkspace(sb: Sandbox): Promise<string> {
  const ws = await initWorkspace(sb);
  const bare = join(sb.dir, "remotes", "ws.git");
  mkdirSync(bare, { recursive: true });
  await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
  await dwsOk(sb, ["--batch", "publish", bare], { cwd: ws });
  return ws;
}

async function addRclone(sb: Sandbox, ws: string, remote: Remote, local: string, extra: string[] = []) {
  return await dwsOk(
    sb,
    ["--batch", "add", "rclone", "--role", "source-data", "--config", remote.conf, ...extra, remote.origin, local],
    { cwd: ws },
  );
}

Deno.test({
  name: "add rclone --master remote: copies the remote in, records 1.6's parameters in order",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n", "sub/b.txt": "beta\n" });
    const ws = await initWorkspace(sb);
    const r = await addRclone(sb, ws, remote, "data", ["--master", "remote"]);
    assert.match(r.stdout, /Successful added resource 'data' to workspace\.\n$/);
    assert.deepEqual(treeSnapshot(join(ws, "data")), { "a.txt": "alpha\n", "sub/b.txt": "beta\n" });
    const e = entryOf(ws, "data");
    assert.deepEqual(Object.keys(e), RCLONE_KEYS);
    assert.deepEqual(e, {
      resource_type: "rclone",
      name: "data",
      role: "source-data",
      global_local_path: join(ws, "data"),
      compute_hash: false,
      export: false,
      imported: false,
      remote_origin: remote.origin,
      config: remote.conf,
      master: "remote",
      sync_mode: "copy",
      size_only: false,
    });
    assert.deepEqual(localParamsOf(ws).data, { local_path: null });
    assert.equal(
      readText(join(ws, ".dataworkspace/file/source-data/data/dummy.txt")),
      "Placeholder to ensure directory is added to git\n",
    );
    assert.match(readText(join(ws, ".gitignore")), /^\/data\/$/m);
    assert.equal((await logSubjects(sb, ws))[0], "add of data");
    const status = await run(sb, ["git", "status", "--porcelain"], { cwd: ws });
    assert.equal(status.stdout, "");
  },
});

Deno.test({
  name: "add rclone --master remote: sync mode deletes local extras, copy mode keeps them",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n" });
    const ws = await initWorkspace(sb);
    const copyDir = join(sb.dir, "copy-local");
    const syncDir = join(sb.dir, "sync-local");
    writeFiles(copyDir, { "extra.txt": "mine\n" });
    writeFiles(syncDir, { "extra.txt": "mine\n" });
    await addRclone(sb, ws, remote, copyDir, ["--master", "remote", "--sync-mode", "copy"]);
    await addRclone(sb, ws, remote, syncDir, ["--master", "remote", "--sync-mode", "sync"]);
    assert.deepEqual(treeSnapshot(copyDir), { "a.txt": "alpha\n", "extra.txt": "mine\n" });
    assert.deepEqual(treeSnapshot(syncDir), { "a.txt": "alpha\n" });
    assert.equal(entryOf(ws, "sync-local").sync_mode, "sync");
    // Folders outside the workspace get no .gitignore entry.
    assert.doesNotMatch(readText(join(ws, ".gitignore")), /local/);
  },
});

Deno.test({
  name: "add rclone --master none copies only into a missing folder; --master local only makes it",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n" });
    const ws = await initWorkspace(sb);
    const missing = join(sb.dir, "none-missing");
    const existing = join(sb.dir, "none-existing");
    writeFiles(existing, { "mine.txt": "mine\n" });
    const localMaster = join(sb.dir, "local-missing");
    await addRclone(sb, ws, remote, missing);
    await addRclone(sb, ws, remote, existing);
    await addRclone(sb, ws, remote, localMaster, ["--master", "local"]);
    assert.deepEqual(treeSnapshot(missing), { "a.txt": "alpha\n" });
    assert.deepEqual(treeSnapshot(existing), { "mine.txt": "mine\n" });
    assert.deepEqual(readdirSync(localMaster), []);
    assert.equal(entryOf(ws, "none-missing").master, "none");
    assert.deepEqual(treeSnapshot(remote.dir), { "a.txt": "alpha\n" });
  },
});

Deno.test({
  name: "rclone --master local: push copies (or syncs) the folder to the remote; pull skips",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "old.txt": "old\n" });
    const ws = await publishedWorkspace(sb);
    const copyDir = join(sb.dir, "out-copy");
    const syncDir = join(sb.dir, "out-sync");
    writeFiles(copyDir, { "new.txt": "new\n" });
    writeFiles(syncDir, { "s.txt": "s\n" });
    const syncRemote = { ...remote, dir: join(sb.dir, "remote-sync"), origin: `localremote:${sb.dir}/remote-sync` };
    writeFiles(syncRemote.dir, { "stale.txt": "stale\n" });
    await addRclone(sb, ws, remote, copyDir, ["--master", "local"]);
    await addRclone(sb, ws, syncRemote, syncDir, ["--master", "local", "--sync-mode", "sync"]);
    const push = await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    assert.match(push.stdout, /\[push\] pushing resource out-copy\n/);
    assert.deepEqual(treeSnapshot(remote.dir), { "new.txt": "new\n", "old.txt": "old\n" });
    assert.deepEqual(treeSnapshot(syncRemote.dir), { "s.txt": "s\n" });
    const pull = await dwsOk(sb, ["--batch", "pull"], { cwd: ws });
    assert.match(pull.stdout, /Skipping pull of resource out-copy, master is local\n/);
  },
});

Deno.test({
  name: "rclone --master remote: pull brings remote changes (sync removes deleted files); push is skipped",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n", "gone.txt": "gone\n" });
    const ws = await publishedWorkspace(sb);
    await addRclone(sb, ws, remote, "data", ["--master", "remote", "--sync-mode", "sync"]);
    writeFiles(remote.dir, { "b.txt": "beta\n" });
    rmSync(join(remote.dir, "gone.txt"));
    const pull = await dwsOk(sb, ["--batch", "pull"], { cwd: ws });
    assert.match(pull.stdout, /\[pull\] pulling resource data\n/);
    assert.deepEqual(treeSnapshot(join(ws, "data")), { "a.txt": "alpha\n", "b.txt": "beta\n" });
    writeFiles(join(ws, "data"), { "local-only.txt": "x\n" });
    const push = await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    assert.match(push.stdout, /Skiping push of resource data, master is remote\n/);
    assert.ok(!existsSync(join(remote.dir, "local-only.txt")));
  },
});

Deno.test({
  name: "rclone --size-only: a changed file of the same size is not transferred; the flag reaches rclone",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "aaaa\n" });
    const ws = await publishedWorkspace(sb);
    await addRclone(sb, ws, remote, "sized", ["--master", "remote", "--size-only"]);
    await addRclone(sb, ws, { ...remote }, "timed", ["--master", "remote"]);
    assert.equal(entryOf(ws, "sized").size_only, true);
    // Same size, new content and a newer modification time on the remote.
    writeFileSync(join(remote.dir, "a.txt"), "bbbb\n");
    const future = new Date(Date.now() + 60_000);
    Deno.utimeSync(join(remote.dir, "a.txt"), future, future);
    const pull = await dwsOk(sb, ["--batch", "--verbose", "pull"], { cwd: ws });
    assert.match(pull.stdout + pull.stderr, /rclone copy \S+ \S+sized --size-only --verbose/);
    assert.equal(readText(join(ws, "sized", "a.txt")), "aaaa\n");
    assert.equal(readText(join(ws, "timed", "a.txt")), "bbbb\n");
  },
});

Deno.test({
  name: "rclone snapshot: the same hash tree as local-files (golden size tree 1643c31...)",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb);
    const ws = await initWorkspace(sb);
    const data = join(sb.dir, "tree");
    writeFiles(data, { "f1": "hello\n", "sub/f2": "world\n" });
    mkdirSync(join(data, "empty"));
    await addRclone(sb, ws, remote, data, ["--master", "local"]);
    const h = snapshotHash(await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws }));
    const entry = manifest(ws, h).find((e) => e.name === "tree")!;
    assert.equal(entry.hash, "1643c31747c55015fa6fc841f66d27a2111dfd27");
    assert.equal(entry.resource_type, "rclone");
    const hashDir = join(ws, ".dataworkspace/file/source-data/tree");
    assert.ok(existsSync(join(hashDir, "1643c31747c55015fa6fc841f66d27a2111dfd27")));
    assert.ok(existsSync(join(hashDir, "09f2a7367b2275574a49e8ef925a7e9be905e794")));
    const tracked = await run(sb, ["git", "ls-files", ".dataworkspace/file"], { cwd: ws });
    assert.match(tracked.stdout, /1643c31747c55015fa6fc841f66d27a2111dfd27/);
  },
});

Deno.test({
  name: "rclone without --config uses RCLONE_CONFIG (config stays null)",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n" });
    const ws = await initWorkspace(sb);
    const env = { RCLONE_CONFIG: remote.conf };
    await dwsOk(sb, ["--batch", "add", "rclone", "--role", "s", remote.origin, "data"], { cwd: ws, env });
    assert.equal(entryOf(ws, "data").config, null);
    assert.deepEqual(treeSnapshot(join(ws, "data")), { "a.txt": "alpha\n" });
  },
});

Deno.test({
  name: "add rclone: unknown remote, missing ':', missing config, a file as folder and bad --master are refused",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n" });
    const ws = await initWorkspace(sb);
    writeFileSync(join(sb.dir, "a-file"), "x");
    const base = ["--batch", "add", "rclone", "--role", "s"];
    const also = [remote.dir];
    await expectFailure(sb, ws, [...base, "--config", remote.conf, "other:x", "data"], {
      stderr: /^Configuration error: Remote 'other' is not known to rclone .*known remotes: localremote/,
      also,
    });
    await expectFailure(sb, ws, [...base, "--config", remote.conf, "no-colon", "data"], {
      stderr: /^Configuration error: 'no-colon' is not an rclone location of the form remote:path/,
      also,
    });
    await expectFailure(sb, ws, [...base, "--config", join(sb.dir, "nope.conf"), remote.origin, "data"], {
      stderr: /^Configuration error: rclone config file \S+nope\.conf does not exist/,
      also,
    });
    await expectFailure(sb, ws, [...base, "--config", remote.conf, remote.origin, join(sb.dir, "a-file")], {
      stderr: /is not a directory/,
      also,
    });
    await expectFailure(sb, ws, [...base, "--master", "both", remote.origin, "data"], { stderr: /both/, code: 2 });
    await expectFailure(sb, ws, [...base, "--sync-mode", "move", remote.origin, "data"], { stderr: /move/, code: 2 });
    await expectFailure(sb, ws, [...base.filter((a) => a !== "s" && a !== "--role"), remote.origin, "data"], {
      stderr: /--batch mode, but user input required for --role/,
    });
  },
});

Deno.test({
  name: "rclone missing from the PATH: one line naming the package to install",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n" });
    const ws = await publishedWorkspace(sb);
    await addRclone(sb, ws, remote, "data", ["--master", "remote"]);
    // A PATH with git but no rclone.
    const bin = join(sb.dir, "bin");
    mkdirSync(bin);
    const gitPath = (await run(sb, ["sh", "-c", "command -v git"], { cwd: sb.dir })).stdout.trim();
    Deno.symlinkSync(gitPath, join(bin, "git"));
    const env = { PATH: bin };
    const add = await dws(
      sb,
      ["--batch", "add", "rclone", "--role", "s", "--config", remote.conf, remote.origin, "d2"],
      {
        cwd: ws,
        env,
      },
    );
    assert.equal(add.code, 1);
    assert.equal(
      add.stderr,
      "Configuration error: rclone is not installed: install it (for example 'apt-get install rclone') and try again\n",
    );
    assert.ok(!existsSync(join(ws, "d2")));
    const pull = await dws(sb, ["--batch", "pull"], { cwd: ws, env });
    assert.equal(pull.code, 1);
    assert.match(pull.stderr, /^Configuration error: rclone is not installed: .*apt-get install rclone/);
    assert.equal(pull.stderr.trimEnd().split("\n").length, 1);
  },
});

Deno.test({
  name: "rclone clone: a missing folder is recreated from the remote (batch) or put where the user says",
  ignore,
  async fn() {
    using sb = sandbox();
    const remote = makeRemote(sb, { "a.txt": "alpha\n" });
    const ws = await publishedWorkspace(sb);
    await addRclone(sb, ws, remote, join(sb.dir, "shared-data"));
    await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    rmSync(join(sb.dir, "shared-data"), { recursive: true });
    const bare = join(sb.dir, "remotes", "ws.git");
    const clone = await dwsOk(sb, ["--batch", "clone", "--hostname", "bob", bare, "ws2"], { cwd: sb.dir });
    assert.match(clone.stdout, /Will clone the following resources: shared-data\n/);
    assert.deepEqual(treeSnapshot(join(sb.dir, "shared-data")), { "a.txt": "alpha\n" });
    assert.deepEqual(localParamsOf(join(sb.dir, "ws2"))["shared-data"], { local_path: null });
    // Interactive: the recorded folder is missing, the user names another one.
    rmSync(join(sb.dir, "shared-data"), { recursive: true });
    const elsewhere = join(sb.dir, "elsewhere");
    await dwsOk(sb, ["clone", "--hostname", "carol", bare, "ws3"], { cwd: sb.dir, stdin: `${elsewhere}\n` });
    assert.deepEqual(treeSnapshot(elsewhere), { "a.txt": "alpha\n" });
    assert.deepEqual(localParamsOf(join(sb.dir, "ws3"))["shared-data"], { local_path: elsewhere });
    assert.ok(!existsSync(join(sb.dir, "shared-data")));
  },
});
