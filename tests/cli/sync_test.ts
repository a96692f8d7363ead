/**
 * `dws publish|push|pull|clone` through the real command line (spec §7):
 * a team story between two workspaces on one machine, resource selection,
 * read-only and dirty resources, alternative branch names, git-lfs files,
 * git-fat refusal and bad input. Remotes are bare repositories in
 * temporary folders; rclone uses a temporary config with a local remote.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CommandResult,
  dws,
  dwsOk,
  gitRepoWithOrigin,
  ignoreWithout,
  initWorkspace,
  readJson,
  readText,
  run,
  type Sandbox,
  sandbox,
} from "../test_utils.ts";
import { expectFailure, git, head } from "./snapshot_helpers.ts";

const noRclone = ignoreWithout("rclone");
const noLfs = ignoreWithout("git-lfs");

/** A new empty bare repository under `<sandbox>/remotes`. */
async function bareRepo(sb: Sandbox, name: string): Promise<string> {
  const bare = join(sb.dir, "remotes", `${name}.git`);
  mkdirSync(bare, { recursive: true });
  await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
  return bare;
}

/** The commit a bare repository's branch points at. */
async function remoteHead(sb: Sandbox, bare: string, branch = "master"): Promise<string> {
  return (await git(sb, bare, "rev-parse", `refs/heads/${branch}`)).trim();
}

function localParams(ws: string): Record<string, Record<string, unknown>> {
  return readJson(join(ws, ".dataworkspace/resource_local_params.json")) as Record<string, Record<string, unknown>>;
}

function commitFile(sb: Sandbox, repo: string, file: string, content: string): Promise<CommandResult> {
  writeFileSync(join(repo, file), content);
  return run(sb, ["sh", "-c", `git add -A && git commit -q -m 'change ${file}'`], { cwd: repo });
}

/** A PATH holding only git (so rclone and git-lfs are missing). */
async function pathWithOnlyGit(sb: Sandbox): Promise<string> {
  const bin = join(sb.dir, "only-git-bin");
  mkdirSync(bin, { recursive: true });
  const gitPath = (await run(sb, ["sh", "-c", "command -v git"], { cwd: sb.dir })).stdout.trim();
  Deno.symlinkSync(gitPath, join(bin, "git"));
  return bin;
}

Deno.test({
  name: "team story: A publishes (git, git-subdirectory, local-files, rclone); B clones, snapshots, pushes; A pulls",
  ignore: noRclone,
  async fn() {
    using sb = sandbox();
    // rclone: a local-filesystem remote in a temporary config file.
    const conf = join(sb.dir, "rclone.conf");
    writeFileSync(conf, "[localremote]\ntype = local\n");
    const rRemote = join(sb.dir, "rclone-remote");
    mkdirSync(rRemote);
    writeFileSync(join(rRemote, "r1.txt"), "remote one\n");
    const lfData = join(sb.dir, "lf-data");
    mkdirSync(lfData);
    writeFileSync(join(lfData, "d.csv"), "x,y\n1,2\n");

    const wsA = await initWorkspace(sb, "wsA", ["--create-resources", "results"]);
    const code = await gitRepoWithOrigin(sb, "coderepo", wsA);
    const codeRemote = join(sb.dir, "remotes", "coderepo.git");
    await dwsOk(sb, ["--batch", "add", "git", "--role", "code", code], { cwd: wsA });
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "lf", lfData], { cwd: wsA });
    await dwsOk(
      sb,
      [
        "--batch",
        "add",
        "rclone",
        "--role",
        "s",
        "--master",
        "remote",
        "--config",
        conf,
        `localremote:${rRemote}`,
        "rdata",
      ],
      { cwd: wsA },
    );
    await commitFile(sb, code, "train.py", "print('v1')\n");
    await dwsOk(sb, ["--batch", "snapshot", "-m", "first from A", "S1"], { cwd: wsA });

    const wsRemote = await bareRepo(sb, "ws");
    const pub = await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: wsA });
    assert.match(pub.stdout, new RegExp(`^Set remote origin to ${wsRemote}\n`));
    assert.match(pub.stdout, /Pushing workspace and resources: results, coderepo, lf, rdata\n/);
    assert.match(pub.stdout, /Skiping push of resource rdata, master is remote\n/);
    assert.match(pub.stdout, /\[push\] all resources pushed successfully\.\n/);
    assert.equal(await remoteHead(sb, wsRemote), await head(sb, wsA));
    assert.equal(await remoteHead(sb, codeRemote), await head(sb, code));

    // B clones in batch mode with its own hostname: every resource arrives.
    const clone = await dwsOk(sb, ["--batch", "clone", "--hostname", "bob", wsRemote, "wsB"], { cwd: sb.dir });
    const wsB = join(sb.dir, "wsB");
    assert.match(clone.stdout, /Will clone the following resources: results, coderepo, lf, rdata\n/);
    assert.match(clone.stdout, /Successfully completed clone of workspace wsA\.\n$/);
    assert.deepEqual(readJson(join(wsB, ".dataworkspace/local_params.json")), { hostname: "bob" });
    assert.deepEqual(Object.keys(localParams(wsB)), ["results", "coderepo", "lf", "rdata"]);
    assert.deepEqual(localParams(wsB).coderepo, { local_path: "coderepo" });
    assert.equal(readText(join(wsB, "coderepo", "train.py")), "print('v1')\n");
    assert.ok(existsSync(join(wsB, "results", "README.txt")));
    assert.deepEqual(localParams(wsB).lf, { local_path: null });
    assert.equal(readText(join(wsA, "rdata", "r1.txt")), "remote one\n");
    assert.equal((await git(sb, wsB, "status", "--porcelain")).trim(), "");

    // B works, snapshots and pushes.
    await commitFile(sb, join(wsB, "coderepo"), "train.py", "print('v2')\n");
    writeFileSync(join(wsB, "results", "results.json"), '{"accuracy": 0.5}');
    writeFileSync(join(rRemote, "r2.txt"), "remote two\n");
    await dwsOk(sb, ["--batch", "snapshot", "-m", "second from B", "S2"], { cwd: wsB });
    const pushB = await dwsOk(sb, ["--batch", "push"], { cwd: wsB });
    assert.match(pushB.stdout, /\[push\] pushing resource coderepo\n/);
    assert.equal(await remoteHead(sb, codeRemote), await head(sb, join(wsB, "coderepo")));

    // A must pull before pushing.
    await expectFailure(sb, wsA, ["--batch", "push"], {
      stderr: new RegExp(`^Configuration error: Data workspace at ${wsA} requires a pull from remote origin$`),
    });
    const pullA = await dwsOk(sb, ["--batch", "pull"], { cwd: wsA });
    assert.match(pullA.stdout, /^Syncing workspace\n/);
    assert.match(pullA.stdout, /Updating resources: results, coderepo, lf, rdata\n/);
    assert.match(pullA.stdout, /\[pull\] all resources pulled successfully\.\n/);
    assert.equal(readText(join(code, "train.py")), "print('v2')\n");
    assert.equal(readText(join(wsA, "rdata", "r2.txt")), "remote two\n");
    assert.ok(existsSync(join(wsA, "results", "snapshots", "bob-S2", "results.json")));
    const history = await dwsOk(sb, ["--batch", "report", "history"], { cwd: wsA });
    assert.match(history.stdout, /S2/);
    assert.match(history.stdout, /second from B/);
    assert.match(history.stdout, /S1/);
    assert.equal(await head(sb, wsA), await remoteHead(sb, wsRemote));
    // Now A can push again (nothing new: the workspace only).
    await dwsOk(sb, ["--batch", "push"], { cwd: wsA });
  },
});

/** A published workspace with two git resources (with origins) inside it. */
async function twoRepoWorkspace(sb: Sandbox, readOnlySecond = false) {
  const ws = await initWorkspace(sb);
  // One at a time: the commit of an add takes every untracked file of the workspace along.
  const a = await gitRepoWithOrigin(sb, "repo-a", ws);
  await dwsOk(sb, ["--batch", "add", "git", "--role", "code", a], { cwd: ws });
  const b = await gitRepoWithOrigin(sb, "repo-b", ws);
  await dwsOk(sb, ["--batch", "add", "git", "--role", "s", ...(readOnlySecond ? ["--read-only"] : []), b], { cwd: ws });
  const wsRemote = await bareRepo(sb, "ws");
  await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  return {
    ws,
    a,
    b,
    wsRemote,
    aRemote: join(sb.dir, "remotes", "repo-a.git"),
    bRemote: join(sb.dir, "remotes", "repo-b.git"),
  };
}

Deno.test("push --only/--skip/--only-workspace pick resources; invalid names and two selections are refused", async () => {
  using sb = sandbox();
  const { ws, a, b, aRemote, bRemote, wsRemote } = await twoRepoWorkspace(sb);
  await commitFile(sb, a, "a.txt", "a\n");
  await commitFile(sb, b, "b.txt", "b\n");
  const onlyA = await dwsOk(sb, ["--batch", "push", "--only", "repo-a"], { cwd: ws });
  assert.match(onlyA.stdout, /^Pushing workspace and resources: repo-a\n/);
  assert.equal(await remoteHead(sb, aRemote), await head(sb, a));
  assert.notEqual(await remoteHead(sb, bRemote), await head(sb, b));
  const skipA = await dwsOk(sb, ["--batch", "push", "--skip", "repo-a"], { cwd: ws });
  assert.match(skipA.stdout, /^Pushing workspace and resources: repo-b\n/);
  assert.equal(await remoteHead(sb, bRemote), await head(sb, b));
  await commitFile(sb, a, "a2.txt", "a2\n");
  const wsOnly = await dwsOk(sb, ["--batch", "push", "--only-workspace"], { cwd: ws });
  assert.match(wsOnly.stdout, /^Pushing workspace\.\n/);
  assert.notEqual(await remoteHead(sb, aRemote), await head(sb, a));
  const skipBoth = await dwsOk(sb, ["--batch", "push", "--skip", "repo-a,repo-b"], { cwd: ws });
  assert.match(skipBoth.stdout, /^No resources to push, will still push workspace\n/);

  await expectFailure(sb, ws, ["--batch", "push", "--only", "repo-a,nope,other"], {
    stderr: /^Configuration error: Invalid resource names were included with --only\/--skip: nope, other$/,
    also: [aRemote, wsRemote],
  });
  await expectFailure(sb, ws, ["--batch", "pull", "--skip", "nope"], {
    stderr: /^Configuration error: Invalid resource names were included with --only\/--skip: nope$/,
  });
  await expectFailure(sb, ws, ["--batch", "push", "--only", "repo-a", "--skip", "repo-b"], {
    stderr: /at most one of --only, --skip and --only-workspace/,
    code: 2,
  });
  await expectFailure(sb, ws, ["--batch", "pull", "--only-workspace", "--only", "repo-b"], {
    stderr: /at most one of --only, --skip and --only-workspace/,
    code: 2,
  });
});

Deno.test("pull --only/--skip/--only-workspace pull the chosen resources only", async () => {
  using sb = sandbox();
  const { ws, a, b, aRemote, bRemote } = await twoRepoWorkspace(sb);
  // Someone else pushes to both resource remotes.
  const other = join(sb.dir, "other");
  mkdirSync(other);
  for (const [remote, name] of [[aRemote, "oa"], [bRemote, "ob"]]) {
    await run(sb, ["git", "clone", "-q", remote, name], { cwd: other });
    await commitFile(sb, join(other, name), `${name}.txt`, `${name}\n`);
    await run(sb, ["git", "push", "-q", "origin", "master"], { cwd: join(other, name) });
  }
  const wsOnly = await dwsOk(sb, ["--batch", "pull", "--only-workspace"], { cwd: ws });
  assert.doesNotMatch(wsOnly.stdout, /pulling resource/);
  assert.ok(!existsSync(join(a, "oa.txt")));
  const onlyA = await dwsOk(sb, ["--batch", "pull", "--only", "repo-a"], { cwd: ws });
  assert.match(onlyA.stdout, /Updating resources: repo-a\n\[pull\] pulling resource repo-a\n/);
  assert.ok(existsSync(join(a, "oa.txt")));
  assert.ok(!existsSync(join(b, "ob.txt")));
  const skipA = await dwsOk(sb, ["--batch", "pull", "--skip", "repo-a"], { cwd: ws });
  assert.match(skipA.stdout, /Updating resources: repo-b\n/);
  assert.ok(existsSync(join(b, "ob.txt")));
});

Deno.test("push: read-only git resources are not pushed; a dirty or behind git resource blocks the push", async () => {
  using sb = sandbox();
  const { ws, a, b, aRemote, bRemote, wsRemote } = await twoRepoWorkspace(sb, true);
  await commitFile(sb, b, "b.txt", "b\n");
  const before = await remoteHead(sb, bRemote);
  const push = await dwsOk(sb, ["--batch", "push"], { cwd: ws });
  assert.match(push.stdout, /\[push\] pushing resource repo-b\nSkipping push of resource repo-b, as it is read-only\n/);
  assert.equal(await remoteHead(sb, bRemote), before);

  writeFileSync(join(a, "dirty.txt"), "not committed\n");
  await commitFile(sb, ws, "notes.txt", "ws change\n");
  const wsBefore = await remoteHead(sb, wsRemote);
  await expectFailure(sb, ws, ["--batch", "push"], {
    stderr: /^Configuration error: Resource 'repo-a' has uncommitted changes in .*repo-a; commit them before pushing$/,
    also: [aRemote, wsRemote],
  });
  assert.equal(await remoteHead(sb, wsRemote), wsBefore);

  // The resource's remote moved on: pull first.
  Deno.removeSync(join(a, "dirty.txt"));
  const other = join(sb.dir, "other-a");
  await run(sb, ["git", "clone", "-q", aRemote, other], { cwd: sb.dir });
  await commitFile(sb, other, "o.txt", "o\n");
  await run(sb, ["git", "push", "-q", "origin", "master"], { cwd: other });
  await commitFile(sb, a, "mine.txt", "mine\n");
  await expectFailure(sb, ws, ["--batch", "push"], {
    stderr: /^Configuration error: Resource 'repo-a' requires a pull from the remote origin before pushing\.$/,
    also: [aRemote, wsRemote],
  });
});

Deno.test("alternative branches: workspace on 'dws', git resource on 'resource' survive snapshot, push and clone", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  await run(sb, ["git", "init", "-q", "-b", "dws", ws], { cwd: sb.dir });
  await dwsOk(sb, ["--batch", "init", "--hostname", "testhost", "--create-resources", "code"], { cwd: ws });
  assert.equal(
    (readJson(join(ws, ".dataworkspace/config.json")) as { global_params: Record<string, unknown> }).global_params
      .dws_git_branch,
    "dws",
  );
  const repo = await gitRepoWithOrigin(sb, "res", sb.dir);
  await run(sb, ["git", "checkout", "-q", "-b", "resource"], { cwd: repo });
  await commitFile(sb, repo, "r.txt", "on resource branch\n");
  await run(sb, ["git", "push", "-q", "origin", "resource"], { cwd: repo });
  await run(sb, ["git", "checkout", "-q", "master"], { cwd: repo });
  await dwsOk(sb, ["--batch", "add", "git", "--role", "s", "--branch", "resource", repo], { cwd: ws });
  assert.equal((await git(sb, repo, "symbolic-ref", "--short", "HEAD")).trim(), "resource");
  writeFileSync(join(ws, "code", "main.py"), "print(1)\n");
  await run(sb, ["git", "checkout", "-q", "master"], { cwd: repo });
  await dwsOk(sb, ["--batch", "snapshot", "T1"], { cwd: ws });
  assert.equal((await git(sb, repo, "symbolic-ref", "--short", "HEAD")).trim(), "resource");
  const wsRemote = await bareRepo(sb, "ws");
  await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  assert.equal(await remoteHead(sb, wsRemote, "dws"), await head(sb, ws));
  assert.equal((await git(sb, wsRemote, "branch", "--list", "master")).trim(), "");

  // The clone of the workspace's origin must not land in the resource's old place: move the original away.
  Deno.renameSync(repo, join(sb.dir, "res-original"));
  await dwsOk(sb, ["--batch", "clone", "--hostname", "h2", wsRemote, "ws2"], { cwd: sb.dir });
  const ws2 = join(sb.dir, "ws2");
  assert.equal((await git(sb, ws2, "symbolic-ref", "--short", "HEAD")).trim(), "dws");
  const res2 = join(ws2, "res");
  assert.equal((await git(sb, res2, "symbolic-ref", "--short", "HEAD")).trim(), "resource");
  assert.equal(readText(join(res2, "r.txt")), "on resource branch\n");
  assert.equal(readText(join(ws2, "code", "main.py")), "print(1)\n");
  await commitFile(sb, res2, "r2.txt", "more\n");
  await dwsOk(sb, ["--batch", "snapshot", "T2"], { cwd: ws2 });
  await dwsOk(sb, ["--batch", "push"], { cwd: ws2 });
  assert.equal(await remoteHead(sb, join(sb.dir, "remotes", "res.git"), "resource"), await head(sb, res2));
  assert.equal(await remoteHead(sb, wsRemote, "dws"), await head(sb, ws2));
});

Deno.test({
  name: "git-lfs: an lfs-tracked file round-trips through push, clone and pull with its content intact",
  ignore: noLfs,
  async fn() {
    using sb = sandbox();
    const ws = await initWorkspace(sb, "ws", ["--git-lfs-attributes", "*.bin", "--create-resources", "code"]);
    assert.match(readText(join(ws, ".gitattributes")), /^\*\.bin filter=lfs diff=lfs merge=lfs -text$/m);
    const v1 = "binary\u0000content v1\n";
    writeFileSync(join(ws, "code", "model.bin"), v1);
    await dwsOk(sb, ["--batch", "snapshot", "L1"], { cwd: ws });
    // The file is stored as an lfs pointer in git.
    const blob = await git(sb, ws, "show", "HEAD:code/model.bin");
    assert.match(blob, /^version https:\/\/git-lfs\.github\.com\/spec\/v1\n/);
    const wsRemote = await bareRepo(sb, "ws");
    await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
    assert.ok(readdirSync(join(wsRemote, "lfs", "objects")).length > 0, "lfs objects reached the remote");

    await dwsOk(sb, ["--batch", "clone", "--hostname", "h2", wsRemote, "ws2"], { cwd: sb.dir });
    const ws2 = join(sb.dir, "ws2");
    assert.equal(readText(join(ws2, "code", "model.bin")), v1);
    assert.equal((await git(sb, ws2, "status", "--porcelain")).trim(), "");
    const v2 = "binary\u0000content v2, longer\n";
    writeFileSync(join(ws2, "code", "model.bin"), v2);
    await dwsOk(sb, ["--batch", "snapshot", "L2"], { cwd: ws2 });
    await dwsOk(sb, ["--batch", "push"], { cwd: ws2 });

    await dwsOk(sb, ["--batch", "pull"], { cwd: ws });
    assert.equal(readText(join(ws, "code", "model.bin")), v2);
    assert.equal((await git(sb, ws, "status", "--porcelain")).trim(), "");

    // Without git-lfs on the PATH a clone of this workspace fails clearly and leaves nothing behind.
    const env = { PATH: await pathWithOnlyGit(sb) };
    const r = await dws(sb, ["--batch", "clone", "--hostname", "h3", wsRemote, "ws3"], { cwd: sb.dir, env });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stderr,
      "Configuration error: git-lfs is not installed: install it (for example 'apt-get install git-lfs') and try again\n",
    );
    assert.ok(!existsSync(join(sb.dir, "ws3")));
  },
});

Deno.test("git-fat: a .gitfat in the workspace or a git resource is refused by add, snapshot, push, pull and clone", async () => {
  using sb = sandbox();
  const FAT = /uses git-fat, which dws does not support; move its large files to git-lfs$/;
  const ws = await initWorkspace(sb);
  const wsRemote = await bareRepo(sb, "ws");
  await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  // A git resource using git-fat cannot be added.
  const fatRepo = await gitRepoWithOrigin(sb, "fatrepo");
  await commitFile(sb, fatRepo, ".gitfat", "[rsync]\nremote = host:/fat\n");
  await expectFailure(sb, ws, ["--batch", "add", "git", "--role", "s", fatRepo], {
    stderr: new RegExp(`^Configuration error: Repository at ${fatRepo} ${FAT.source}`),
  });
  // A resource that started using git-fat after it was added.
  const repo = await gitRepoWithOrigin(sb, "repo");
  await dwsOk(sb, ["--batch", "add", "git", "--role", "s", repo], { cwd: ws });
  await commitFile(sb, repo, ".gitfat", "[rsync]\nremote = host:/fat\n");
  for (const cmd of [["snapshot"], ["push"], ["pull"]]) {
    await expectFailure(sb, ws, ["--batch", ...cmd], {
      stderr: new RegExp(`^Configuration error: Resource 'repo' at ${repo} ${FAT.source}`),
      also: [repo],
    });
  }
  await run(sb, ["git", "rm", "-q", ".gitfat"], { cwd: repo });
  await run(sb, ["git", "commit", "-q", "-m", "no fat"], { cwd: repo });
  // The workspace itself.
  await commitFile(sb, ws, ".gitfat", "[rsync]\nremote = host:/fat\n");
  for (const cmd of [["snapshot"], ["push"], ["pull"]]) {
    await expectFailure(sb, ws, ["--batch", ...cmd], {
      stderr: new RegExp(`^Configuration error: Workspace at ${ws} ${FAT.source}`),
    });
  }
  // Pushed by plain git, then cloned: refused, and nothing is left behind.
  await run(sb, ["git", "push", "-q", "origin", "master"], { cwd: ws });
  const r = await dws(sb, ["--batch", "clone", "--hostname", "h2", wsRemote, "ws2"], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr.trimEnd(), new RegExp(`^Configuration error: Workspace at \\S+ ${FAT.source}`));
  assert.ok(!existsSync(join(sb.dir, "ws2")));
});

Deno.test("clone: unreachable remote, a repository that is no workspace, an existing target; nothing left behind", async () => {
  using sb = sandbox();
  const before = readdirSync(sb.dir).sort();
  const missing = join(sb.dir, "no-such-remote.git");
  let r = await dws(sb, ["--batch", "clone", "--hostname", "h", missing, "target"], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Configuration error: Unable to access remote repository ${missing}\n`);
  assert.deepEqual(readdirSync(sb.dir).sort(), before);

  const plain = await gitRepoWithOrigin(sb, "plain");
  const plainRemote = join(sb.dir, "remotes", "plain.git");
  const entries = readdirSync(sb.dir).sort();
  r = await dws(sb, ["--batch", "clone", "--hostname", "h", plainRemote, "target"], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Configuration error: \S+plain\.git is not a data workspace/);
  assert.deepEqual(readdirSync(sb.dir).sort(), entries);
  // Without a DIRECTORY the temporary clone folder is removed too.
  r = await dws(sb, ["--batch", "clone", "--hostname", "h", plainRemote], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.deepEqual(readdirSync(sb.dir).sort(), entries);

  const ws = await initWorkspace(sb, "ws");
  const wsRemote = await bareRepo(sb, "ws");
  await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  r = await dws(sb, ["--batch", "clone", "--hostname", "h", wsRemote, "plain"], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Configuration error: \S+plain already exists; pick another directory\n$/);
  assert.ok(existsSync(join(plain, "README.md")));
  // Without a DIRECTORY the workspace's name is used; it exists here, and it is left as it was
  // (uncommitted work and the object store included): a failed clone removes only what it made.
  writeFileSync(join(ws, "unsaved.txt"), "work in progress\n");
  const wsBefore = readdirSync(ws).sort();
  r = await dws(sb, ["--batch", "clone", "--hostname", "h", wsRemote], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ws already exists; give a DIRECTORY to clone into\n$/);
  assert.deepEqual(readdirSync(ws).sort(), wsBefore);
  assert.equal(readFileSync(join(ws, "unsaved.txt"), "utf8"), "work in progress\n");
  assert.equal(readdirSync(sb.dir).filter((n) => n.startsWith(".dws-clone-")).length, 0);
  // A bad hostname is refused before anything happens.
  r = await dws(sb, ["--batch", "clone", "--hostname", "bad_host", wsRemote, "x"], { cwd: sb.dir });
  assert.equal(r.code, 1);
  assert.ok(!existsSync(join(sb.dir, "x")));
  // Without --hostname in batch mode the machine's short name is used.
  const sub = join(sb.dir, "sub");
  mkdirSync(sub);
  await dwsOk(sb, ["--batch", "clone", wsRemote], { cwd: sub });
  assert.ok(existsSync(join(sub, "ws", ".dataworkspace")));
  assert.deepEqual(Object.keys(readJson(join(sub, "ws", ".dataworkspace/local_params.json")) as object), ["hostname"]);
});

Deno.test("publish: refused when origin is set or the remote is unreachable; push and pull need an origin", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  await expectFailure(sb, ws, ["--batch", "push"], { stderr: /has no origin remote; set one with 'dws publish URL'/ });
  await expectFailure(sb, ws, ["--batch", "pull"], { stderr: /has no origin remote to pull from/ });
  await expectFailure(sb, ws, ["--batch", "publish", join(sb.dir, "missing.git")], {
    stderr: /^Configuration error: Unable to access remote repository \S+missing\.git/,
  });
  const wsRemote = await bareRepo(sb, "ws");
  const pub = await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  assert.match(pub.stdout, /No resources to push, will still push workspace\n/);
  const other = await bareRepo(sb, "other");
  await expectFailure(sb, ws, ["--batch", "publish", other], {
    stderr: new RegExp(`^Configuration error: The workspace already has origin ${wsRemote}; use 'dws push'$`),
  });
  assert.equal((await git(sb, other, "for-each-ref")).trim(), "");
});

Deno.test("pull: a workspace with uncommitted changes is refused; resources added elsewhere are cloned", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const wsRemote = await bareRepo(sb, "ws");
  await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  await dwsOk(sb, ["--batch", "clone", "--hostname", "h2", wsRemote, "ws2"], { cwd: sb.dir });
  const ws2 = join(sb.dir, "ws2");
  const repo = await gitRepoWithOrigin(sb, "added", ws2);
  await dwsOk(sb, ["--batch", "add", "git", "--role", "code", repo], { cwd: ws2 });
  await dwsOk(sb, ["--batch", "push"], { cwd: ws2 });
  writeFileSync(join(ws, "untracked-note.txt"), "x\n");
  await run(sb, ["git", "add", "untracked-note.txt"], { cwd: ws });
  await expectFailure(sb, ws, ["--batch", "pull"], {
    stderr: /^Configuration error: Data workspace at \S+ has uncommitted changes\. Please commit before pulling\.$/,
  });
  await run(sb, ["git", "commit", "-q", "-m", "note"], { cwd: ws });
  const pull = await dwsOk(sb, ["--batch", "pull"], { cwd: ws });
  assert.match(pull.stdout, /Cloning new resources: added\n/);
  assert.equal(readText(join(ws, "added", "README.md")), "# added\n");
  assert.deepEqual(localParams(ws).added, { local_path: "added" });
  assert.match(readText(join(ws, ".gitignore")), /^\/added\/$/m);
});

Deno.test("clone: an origin whose config names the workspace '../x' (or '.', '..', 'a/b') reaches no other folder", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws");
  const wsRemote = await bareRepo(sb, "ws");
  await dwsOk(sb, ["--batch", "publish", wsRemote], { cwd: ws });
  const victim = join(sb.dir, "x");
  mkdirSync(victim);
  writeFileSync(join(victim, "keep.txt"), "mine\n");
  const sub = join(sb.dir, "sub");
  mkdirSync(sub);
  for (const name of ["../x", "..", ".", "a/b", "/tmp/abs"]) {
    const config = join(ws, ".dataworkspace", "config.json");
    const text = readFileSync(config, "utf8").replace(/"name": "[^"]*"/, `"name": ${JSON.stringify(name)}`);
    writeFileSync(config, text);
    await git(sb, ws, "commit", "-qam", `hostile name ${name}`);
    await git(sb, ws, "push", "-q", "origin", "HEAD");
    const r = await dws(sb, ["--batch", "clone", "--hostname", "h", wsRemote], { cwd: sub });
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, /is not a plain name; give a DIRECTORY to clone into\n$/, name);
    assert.deepEqual(readdirSync(sub), [], name);
    assert.deepEqual(readdirSync(victim), ["keep.txt"], name);
  }
  // With a DIRECTORY the name does not matter.
  await dwsOk(sb, ["--batch", "clone", "--hostname", "h", wsRemote, "mine"], { cwd: sub });
  assert.ok(existsSync(join(sub, "mine", ".dataworkspace")));
});
