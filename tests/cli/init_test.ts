import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

const CONFIG_JSON = (name: string) =>
  `{
  "name": "${name}",
  "dws-version": "1.6.0",
  "global_params": {
    "results.dir_template": "snapshots/{HOSTNAME}-{TAG}",
    "results.move_exclude_files": [
      "README.txt",
      "README.rst",
      "README.md"
    ],
    "scratch_directory": "scratch",
    "dws_git_branch": "master"
  }
}`;

async function gitLines(sb: Sandbox, cwd: string, args: string[]): Promise<string[]> {
  return (await run(sb, ["git", ...args], { cwd })).stdout.split("\n").filter((l) => l);
}

Deno.test("init writes the 1.6 layout byte for byte", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws");
  const md = join(ws, ".dataworkspace");
  assert.equal(readText(join(md, "config.json")), CONFIG_JSON("ws"));
  assert.equal(readText(join(md, "local_params.json")), '{\n  "hostname": "testhost"\n}');
  assert.equal(readText(join(md, "resources.json")), "[]");
  assert.equal(readText(join(md, "resource_local_params.json")), "{}");
  assert.equal(readText(join(md, ".gitignore")), "local_params.json\nresource_local_params.json\ncurrent_lineage/\n");
  assert.equal(readText(join(ws, ".gitignore")), "/scratch\n.ipynb_checkpoints/\n.~*\n");
  for (const d of ["snapshots", "snapshot_metadata", "current_lineage"]) assert.ok(existsSync(join(md, d)), d);
  assert.ok(existsSync(join(ws, "scratch")));
  assert.deepEqual(await gitLines(sb, ws, ["ls-files"]), [
    ".dataworkspace/.gitignore",
    ".dataworkspace/config.json",
    ".dataworkspace/resources.json",
    ".gitignore",
  ]);
  assert.deepEqual(await gitLines(sb, ws, ["log", "--format=%s"]), ["dws init (config.json)", "dws init"]);
  assert.deepEqual(await gitLines(sb, ws, ["status", "--porcelain"]), []);
});

Deno.test("init --create-resources makes git-subdirectory resources with 1.6 READMEs (golden tree hash)", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  const r = await dwsOk(sb, ["--batch", "init", "--hostname", "testhost", "--create-resources=code,results"], {
    cwd: ws,
  });
  assert.equal(
    r.stdout,
    "Will now create sub-directory resources for code, results\nFinished initializing resources:\n" +
      "  code: ./code\n  results: ./results\nWorkspace ws initialized successfully.\n",
  );
  assert.equal(
    readText(join(ws, ".dataworkspace/resources.json")),
    `[
  {
    "resource_type": "git-subdirectory",
    "name": "code",
    "role": "code",
    "export": false,
    "relative_path": "code"
  },
  {
    "resource_type": "git-subdirectory",
    "name": "results",
    "role": "results",
    "export": false,
    "relative_path": "results"
  }
]`,
  );
  assert.deepEqual(readJson(join(ws, ".dataworkspace/resource_local_params.json")), {
    code: { local_path: join(ws, "code") },
    results: { local_path: join(ws, "results") },
  });
  // The spec's golden subtree hash of a results folder holding only its README.
  const tree = (await run(sb, ["git", "rev-parse", "HEAD:results"], { cwd: ws })).stdout.trim();
  assert.equal(tree, "ae07c1a2b945141aa39c1647a749c94e57d98b51");
  writeFileSync(join(ws, "code", "test.py"), "print('this is a test')\n");
  await run(sb, ["git", "add", "code/test.py"], { cwd: ws });
  const codeTree = (await run(sb, ["git", "write-tree", "--prefix=code/"], { cwd: ws })).stdout.trim();
  assert.equal(codeTree, "dd5d25bc085034482914d944729ad843efb7aa45");
});

Deno.test("init --create-resources accepts all and short forms", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "a", ["--create-resources", "all"]);
  const names = (readJson(join(ws, ".dataworkspace/resources.json")) as { name: string }[]).map((r) => r.name);
  assert.deepEqual(names, ["source-data", "intermediate-data", "code", "results"]);
  assert.equal(
    readText(join(ws, "source-data", "README.txt")).split("\n")[0],
    "This directory is for source data.",
  );
  const ws2 = await initWorkspace(sb, "b", ["--create-resources", "s,i"]);
  const names2 = (readJson(join(ws2, ".dataworkspace/resources.json")) as { name: string }[]).map((r) => r.name);
  assert.deepEqual(names2, ["source-data", "intermediate-data"]);
  const bad = join(sb.dir, "c");
  mkdirSync(bad);
  const r = await dws(sb, ["--batch", "init", "--create-resources", "code,bogus"], { cwd: bad });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bogus/);
  assert.ok(!existsSync(join(bad, ".dataworkspace")));
});

Deno.test("init takes the workspace name and says when the folder is already a git repository", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "folder");
  mkdirSync(ws);
  await run(sb, ["git", "init", "-q"], { cwd: ws });
  writeFileSync(join(ws, "notes.txt"), "mine\n");
  const r = await dwsOk(sb, ["--batch", "init", "--hostname", "h1", "my-project"], { cwd: ws });
  assert.match(r.stdout, /is already a git repository, will just add to it/);
  assert.match(r.stdout, /Workspace my-project initialized successfully\./);
  assert.equal((readJson(join(ws, ".dataworkspace/config.json")) as { name: string }).name, "my-project");
  assert.ok(!(await gitLines(sb, ws, ["ls-files"])).includes("notes.txt"));
  assert.match(r.stdout, /dws init committed only its own files; 1 other file is left uncommitted/);
});

Deno.test("init in a Node/Python project: dependency folders go into .gitignore first, only dws's files are committed", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "node-project");
  mkdirSync(join(ws, "node_modules", "left-pad"), { recursive: true });
  mkdirSync(join(ws, "__pycache__"));
  writeFileSync(join(ws, "package.json"), '{ "name": "p" }\n');
  writeFileSync(join(ws, "node_modules", "left-pad", "index.js"), "module.exports = 1;\n");
  writeFileSync(join(ws, "__pycache__", "prep.cpython-312.pyc"), "x");
  writeFileSync(join(ws, "prep.py"), "print(1)\n");
  await run(sb, ["git", "init", "-q"], { cwd: ws });
  writeFileSync(join(ws, "staged.txt"), "staged by the user\n");
  await run(sb, ["git", "add", "staged.txt"], { cwd: ws });
  const r = await dwsOk(sb, ["--batch", "init", "--hostname", "h1", "--create-resources", "code"], { cwd: ws });
  assert.match(r.stdout, /^Added node_modules\/, __pycache__\/ to \.gitignore: installed dependencies and caches/m);
  assert.match(r.stdout, /dws init committed only its own files; 2 other files are left uncommitted/);
  assert.deepEqual(readText(join(ws, ".gitignore")).split("\n").slice(-3), ["node_modules/", "__pycache__/", ""]);
  const committed = await gitLines(sb, ws, ["log", "--name-only", "--format="]);
  assert.deepEqual(committed.sort(), [
    ".dataworkspace/.gitignore",
    ".dataworkspace/config.json",
    ".dataworkspace/resources.json",
    ".dataworkspace/resources.json",
    ".gitignore",
    "code/README.txt",
  ]);
  // What the user had staged stays staged, not swept into dws's commits.
  assert.deepEqual(await gitLines(sb, ws, ["diff", "--cached", "--name-only"]), ["staged.txt"]);
  assert.deepEqual(await gitLines(sb, ws, ["status", "--porcelain", "--untracked-files=all"]), [
    "A  staged.txt",
    "?? package.json",
    "?? prep.py",
  ]);
});

Deno.test("init refuses a workspace that exists and leaves it as it was", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws");
  const before = treeSnapshot(ws);
  const log = await gitLines(sb, ws, ["log", "--oneline"]);
  const r = await dws(sb, ["--batch", "init"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Has this workspace already been initialized\?/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.deepEqual(treeSnapshot(ws), before);
  assert.deepEqual(await gitLines(sb, ws, ["log", "--oneline"]), log);
});

Deno.test("init --scratch-directory inside, outside and equal to the workspace", async () => {
  using sb = sandbox();
  const inside = await initWorkspace(sb, "in", ["--scratch-directory", "tmp/scr"]);
  const cfg = readJson(join(inside, ".dataworkspace/config.json")) as { global_params: Record<string, unknown> };
  assert.equal(cfg.global_params.scratch_directory, "tmp/scr");
  assert.equal(readText(join(inside, ".gitignore")).split("\n")[0], "/tmp/scr");
  assert.ok(existsSync(join(inside, "tmp/scr")));

  const outsideDir = join(sb.dir, "scratch-elsewhere");
  const outside = await initWorkspace(sb, "out", ["--scratch-directory", outsideDir]);
  const cfg2 = readJson(join(outside, ".dataworkspace/config.json")) as { global_params: Record<string, unknown> };
  assert.equal(cfg2.global_params.scratch_directory, undefined);
  assert.deepEqual(readJson(join(outside, ".dataworkspace/local_params.json")), {
    hostname: "testhost",
    local_scratch_directory: outsideDir,
  });
  assert.equal(readText(join(outside, ".gitignore")), ".ipynb_checkpoints/\n.~*\n");
  assert.ok(existsSync(outsideDir));

  const same = join(sb.dir, "same");
  mkdirSync(same);
  const r = await dws(sb, ["--batch", "init", "--scratch-directory", "."], { cwd: same });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /scratch directory cannot be the workspace/);
  assert.deepEqual(treeSnapshot(same), {});
  assert.ok(!existsSync(join(same, ".git")));
});

Deno.test("init without a git identity: batch fails cleanly, interactive asks", async () => {
  using sb = sandbox();
  writeFileSync(sb.env.GIT_CONFIG_GLOBAL, "[init]\n\tdefaultBranch = master\n");
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  const r = await dws(sb, ["--batch", "init", "--hostname", "h"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /git user\.name is not set; set it with 'git config --global user\.name VALUE'/);
  assert.ok(!existsSync(join(ws, ".dataworkspace")));
  assert.ok(!existsSync(join(ws, ".git")));

  const r2 = await dwsOk(sb, ["init", "--hostname", "h"], { cwd: ws, stdin: "Ada Lovelace\nada@example.com\n" });
  assert.match(r2.stdout, /initialized successfully/);
  const cfg = readText(sb.env.GIT_CONFIG_GLOBAL);
  assert.match(cfg, /name = Ada Lovelace/);
  assert.match(cfg, /email = ada@example.com/);
});

Deno.test("init asks for the hostname when interactive and validates it", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  const r = await dwsOk(sb, ["init"], { cwd: ws, stdin: "bad_name\nlab-pc\n" });
  assert.match(r.stdout, /What name do you want to use for this machine in snapshot directory paths\?/);
  assert.deepEqual(readJson(join(ws, ".dataworkspace/local_params.json")), { hostname: "lab-pc" });
  const ws2 = join(sb.dir, "ws2");
  mkdirSync(ws2);
  const bad = await dws(sb, ["--batch", "init", "--hostname", "under_score"], { cwd: ws2 });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not a valid hostname/);
  assert.deepEqual(treeSnapshot(ws2), {});
});

Deno.test("init: git-fat is refused with a pointer to git-lfs; fat options without a remote are usage errors", async () => {
  using sb = sandbox();
  const ws = join(sb.dir, "ws");
  mkdirSync(ws);
  const r = await dws(sb, ["--batch", "init", "--git-fat-remote", "host:/fat"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /git-fat is not supported .*--git-lfs-attributes/);
  const r2 = await dws(sb, ["--batch", "init", "--git-fat-user", "me"], { cwd: ws });
  assert.equal(r2.code, 2);
  assert.deepEqual(treeSnapshot(ws), {});
});

Deno.test({
  name: "init --git-lfs-attributes tracks the patterns with git-lfs",
  ignore: ignoreWithout("git-lfs"),
  fn: async () => {
    using sb = sandbox();
    const ws = await initWorkspace(sb, "ws", ["--git-lfs-attributes", "*.bin,*.h5"]);
    const attrs = readText(join(ws, ".gitattributes"));
    assert.match(attrs, /^\*\.bin filter=lfs diff=lfs merge=lfs -text$/m);
    assert.match(attrs, /^\*\.h5 filter=lfs diff=lfs merge=lfs -text$/m);
    assert.ok((await gitLines(sb, ws, ["ls-files"])).includes(".gitattributes"));
    assert.match(readText(sb.env.GIT_CONFIG_GLOBAL), /\[filter "lfs"\]/);
    assert.deepEqual(await gitLines(sb, ws, ["status", "--porcelain"]), []);
  },
});
