/**
 * `dws add git|local-files` through the real command line, with real git
 * repositories and bare remotes in temporary folders (spec §3.2).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CommandResult,
  dws,
  dwsOk,
  gitRepoWithOrigin,
  initWorkspace,
  readJson,
  readText,
  run,
  type Sandbox,
  sandbox,
  treeSnapshot,
} from "../test_utils.ts";

const RESOURCES = ".dataworkspace/resources.json";
const LOCAL_PARAMS = ".dataworkspace/resource_local_params.json";
const GIT_KEYS = [
  "resource_type",
  "name",
  "role",
  "export",
  "remote_origin_url",
  "relative_local_path",
  "branch",
  "read_only",
  "imported",
];
const SUBDIR_KEYS = ["resource_type", "name", "role", "export", "relative_path"];
const FILE_KEYS = ["resource_type", "name", "role", "global_local_path", "compute_hash", "export", "imported"];
const INIT_GITIGNORE = "/scratch\n.ipynb_checkpoints/\n.~*\n";
const DUMMY = "Placeholder to ensure directory is added to git\n";

type Entry = Record<string, unknown>;

function resources(ws: string): Entry[] {
  return readJson(join(ws, RESOURCES)) as Entry[];
}

function resource(ws: string, name: string): Entry {
  const e = resources(ws).find((r) => r.name === name);
  assert.ok(e, `resource ${name} not in resources.json`);
  return e;
}

function localParams(ws: string): Record<string, Entry> {
  return readJson(join(ws, LOCAL_PARAMS)) as Record<string, Entry>;
}

/** The metadata is written as Python's `json.dump(indent=2)` writes it (ASCII only here). */
function assertPythonJson(path: string): void {
  const text = readText(path);
  assert.equal(text, JSON.stringify(JSON.parse(text), null, 2));
}

async function git(sb: Sandbox, cwd: string, ...args: string[]): Promise<string> {
  return (await run(sb, ["git", ...args], { cwd })).stdout;
}

async function logSubjects(sb: Sandbox, ws: string): Promise<string[]> {
  return (await git(sb, ws, "log", "--format=%s")).trim().split("\n");
}

async function tracked(sb: Sandbox, ws: string): Promise<string[]> {
  return (await git(sb, ws, "ls-files")).trim().split("\n");
}

async function branchOf(sb: Sandbox, repo: string): Promise<string> {
  return (await git(sb, repo, "symbolic-ref", "--short", "HEAD")).trim();
}

/** Everything that must not change when a command fails. */
async function state(sb: Sandbox, dirs: string[]) {
  const out: Record<string, unknown> = {};
  for (const d of dirs) {
    out[d] = {
      tree: treeSnapshot(d),
      log: existsSync(join(d, ".git")) ? await git(sb, d, "log", "--oneline", "--all") : "",
      status: existsSync(join(d, ".git")) ? await git(sb, d, "status", "--porcelain") : "",
      head: existsSync(join(d, ".git")) ? readText(join(d, ".git", "HEAD")) : "",
    };
  }
  return out;
}

function assertOneLine(r: CommandResult): void {
  assert.ok(r.stderr.endsWith("\n"), `stderr should end with a newline: ${JSON.stringify(r.stderr)}`);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `stderr should be one line:\n${r.stderr}`);
}

/**
 * Run a dws command that must fail with `code` and a one-line stderr matching
 * `stderr`, leaving the workspace (and `also`) exactly as it was.
 */
async function expectFailure(
  sb: Sandbox,
  ws: string,
  args: string[],
  expected: { stderr: RegExp; code?: number; cwd?: string; stdin?: string; also?: string[] },
): Promise<CommandResult> {
  const dirs = [ws, ...(expected.also ?? [])];
  const before = await state(sb, dirs);
  const r = await dws(sb, args, { cwd: expected.cwd ?? ws, stdin: expected.stdin });
  assert.equal(r.code, expected.code ?? 1, `dws ${args.join(" ")}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assertOneLine(r);
  assert.match(r.stderr, expected.stderr);
  assert.deepEqual(await state(sb, dirs), before, `dws ${args.join(" ")} changed the workspace`);
  return r;
}

function successLine(name: string): string {
  return `Successful added resource '${name}' to workspace.\n`;
}

/** A git repository with one commit and no remote. */
async function repoWithoutOrigin(sb: Sandbox, path: string): Promise<string> {
  mkdirSync(path, { recursive: true });
  await git(sb, sb.dir, "init", "-q", path);
  writeFileSync(join(path, "f.txt"), "x\n");
  await git(sb, path, "add", "f.txt");
  await git(sb, path, "commit", "-q", "-m", "first");
  return path;
}

/** A plain folder with one file. */
function dataDir(path: string, file = "data.csv"): string {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, file), "a,b\n1,2\n");
  return path;
}

// ---------------------------------------------------------------------------------------------
// git

/** A lineage.json as exported for `name`: one step that wrote it. */
function exportedLineage(name: string): string {
  const cert = (resource: string) => ({
    resource_name: resource,
    subpath: null,
    certificate: { cert_type: "hash", hashval: "0".repeat(40), comment: "Step s at 2026-01-01 00:00:00.000000" },
  });
  return JSON.stringify({
    resource_name: name,
    complete: true,
    lineages: [{
      type: "step",
      step_name: "s",
      start_time: "2026-01-01T00:00:00.000000",
      execution_time_seconds: 1,
      parameters: {},
      input_resources: [cert("source-data")],
      code_resources: [],
      output_resources: [cert(name)],
      command_line: null,
      run_from_directory: null,
    }],
  });
}

Deno.test("add git: repository inside the workspace", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const repo = await gitRepoWithOrigin(sb, "coderepo", ws);
  const r = await dwsOk(sb, ["--batch", "add", "git", "coderepo", "--role", "code"], { cwd: ws });
  assert.equal(r.stdout, successLine("coderepo"));
  assert.equal(r.stderr, "");

  const entries = resources(ws);
  assert.equal(entries.length, 1);
  assert.deepEqual(Object.keys(entries[0]), GIT_KEYS);
  assert.deepEqual(entries[0], {
    resource_type: "git",
    name: "coderepo",
    role: "code",
    export: false,
    remote_origin_url: join(sb.dir, "remotes", "coderepo.git"),
    relative_local_path: "coderepo",
    branch: "master",
    read_only: false,
    imported: false,
  });
  assertPythonJson(join(ws, RESOURCES));
  assert.deepEqual(localParams(ws), { coderepo: { local_path: "coderepo" } });
  assertPythonJson(join(ws, LOCAL_PARAMS));

  assert.equal(readText(join(ws, ".gitignore")), INIT_GITIGNORE + "/coderepo/\n");
  assert.equal((await logSubjects(sb, ws))[0], "add of coderepo");
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
  const files = await tracked(sb, ws);
  assert.ok(files.includes(".gitignore"));
  assert.ok(files.includes(RESOURCES));
  assert.ok(!files.includes(LOCAL_PARAMS), "resource_local_params.json is ignored");
  assert.ok(!files.some((f) => f.startsWith("coderepo")), `repository content must not be tracked: ${files}`);
  assert.equal(await branchOf(sb, repo), "master");
});

Deno.test("add git: repository in a nested folder of the workspace", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  mkdirSync(join(ws, "libs"));
  await gitRepoWithOrigin(sb, "lib1", join(ws, "libs"));
  await dwsOk(sb, ["--batch", "add", "git", "libs/lib1/", "--role", "code"], { cwd: ws });
  assert.equal(resource(ws, "lib1").relative_local_path, "libs/lib1");
  assert.deepEqual(localParams(ws), { lib1: { local_path: "libs/lib1" } });
  assert.equal(readText(join(ws, ".gitignore")), INIT_GITIGNORE + "/libs/lib1/\n");
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("add git: repository outside the workspace", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const repo = await gitRepoWithOrigin(sb, "ext-code");
  const r = await dwsOk(sb, ["--batch", "add", "git", repo, "--role", "code"], { cwd: ws });
  assert.equal(r.stdout, successLine("ext-code"));
  const e = resource(ws, "ext-code");
  assert.deepEqual(Object.keys(e), GIT_KEYS);
  assert.equal(e.relative_local_path, null);
  assert.equal(e.remote_origin_url, join(sb.dir, "remotes", "ext-code.git"));
  assert.deepEqual(localParams(ws), { "ext-code": { local_path: repo } });
  assert.equal(readText(join(ws, ".gitignore")), INIT_GITIGNORE);
  assert.equal((await logSubjects(sb, ws))[0], "add of ext-code");
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("add git --branch: an existing branch is checked out, a missing one is refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const repo = await gitRepoWithOrigin(sb, "repo");
  await git(sb, repo, "branch", "dev");

  await expectFailure(sb, ws, ["--batch", "add", "git", repo, "--role", "code", "--branch", "nope"], {
    stderr: /^Configuration error: Branch 'nope' does not exist in .*repo$/m,
    also: [repo],
  });
  assert.equal(await branchOf(sb, repo), "master");

  await dwsOk(sb, ["--batch", "add", "git", repo, "--role", "code", "--branch", "dev"], { cwd: ws });
  assert.equal(await branchOf(sb, repo), "dev");
  assert.equal(resource(ws, "repo").branch, "dev");
});

Deno.test("add git --branch on a dirty repository warns and leaves its branch", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const repo = await gitRepoWithOrigin(sb, "repo");
  await git(sb, repo, "branch", "dev");
  writeFileSync(join(repo, "README.md"), "changed\n");
  const r = await dwsOk(sb, ["--batch", "add", "git", repo, "--role", "code", "--branch", "dev"], { cwd: ws });
  assert.match(r.stderr, /WARNING: .*uncommitted changes/);
  assert.equal(await branchOf(sb, repo), "master");
  assert.equal(resource(ws, "repo").branch, "dev");
});

Deno.test("add git --read-only", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const repo = await gitRepoWithOrigin(sb, "repo");
  await dwsOk(sb, ["--batch", "add", "git", repo, "--role", "source-data", "--read-only"], { cwd: ws });
  const e = resource(ws, "repo");
  assert.equal(e.read_only, true);
  assert.equal(e.role, "source-data");
  assert.equal(e.imported, false);
});

Deno.test("add git --export: intermediate-data and results only", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const inter = await gitRepoWithOrigin(sb, "inter");
  const res = await gitRepoWithOrigin(sb, "res");
  const src = await gitRepoWithOrigin(sb, "src");

  for (const role of ["source-data", "code", "s", "c"]) {
    await expectFailure(sb, ws, ["--batch", "add", "git", src, "--role", role, "--export"], {
      stderr: /^Configuration error: --export is only for intermediate-data and results resources/,
      also: [src],
    });
  }
  await dwsOk(sb, ["--batch", "add", "git", inter, "--role", "intermediate-data", "--export"], { cwd: ws });
  await dwsOk(sb, ["--batch", "add", "git", res, "--role", "r", "-e"], { cwd: ws });
  assert.equal(resource(ws, "inter").export, true);
  assert.equal(resource(ws, "inter").role, "intermediate-data");
  assert.equal(resource(ws, "res").export, true);
  assert.equal(resource(ws, "res").role, "results");
  assert.deepEqual((await logSubjects(sb, ws)).slice(0, 2), ["add of res", "add of inter"]);
});

Deno.test("add git --imported: needs a matching lineage.json; implies read-only source-data", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const repo = await gitRepoWithOrigin(sb, "imp");

  await expectFailure(sb, ws, ["--batch", "add", "git", repo, "--imported"], {
    stderr: /^Configuration error: .*lineage\.json is missing/,
    also: [repo],
  });
  writeFileSync(join(repo, "lineage.json"), JSON.stringify({ resource_name: "other", lineages: [] }, null, 2));
  await expectFailure(sb, ws, ["--batch", "add", "git", repo, "--imported"], {
    stderr: /^Configuration error: .*was exported for resource 'other'/,
    also: [repo],
  });
  writeFileSync(join(repo, "lineage.json"), exportedLineage("imp"));
  await expectFailure(sb, ws, ["--batch", "add", "git", repo, "--imported", "--export"], {
    stderr: /^Configuration error: .*--export.*--imported|--imported.*--export/,
    also: [repo],
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", repo, "--imported", "--role", "code"], {
    stderr: /^Configuration error: --imported resources must have the role source-data/,
    also: [repo],
  });

  await dwsOk(sb, ["--batch", "add", "git", repo, "--imported"], { cwd: ws });
  const e = resource(ws, "imp");
  assert.deepEqual(Object.keys(e), GIT_KEYS);
  assert.equal(e.role, "source-data");
  assert.equal(e.read_only, true);
  assert.equal(e.imported, true);
  assert.equal(e.export, false);
});

Deno.test("add git: refused without an origin, for remote URLs, and for non-repositories outside", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const plain = await repoWithoutOrigin(sb, join(sb.dir, "plain"));
  await expectFailure(sb, ws, ["--batch", "add", "git", plain, "--role", "code"], {
    stderr: /^Configuration error: .*plain has no remote 'origin'/,
    also: [plain],
  });
  for (const url of ["https://github.com/someone/repo.git", "git@github.com:someone/repo.git"]) {
    await expectFailure(sb, ws, ["--batch", "add", "git", url, "--role", "code"], {
      stderr: /^Configuration error: .* is a remote URL/,
    });
  }
  const notRepo = dataDir(join(sb.dir, "notrepo"));
  await expectFailure(sb, ws, ["--batch", "add", "git", notRepo, "--role", "code"], {
    stderr: /^Configuration error: .*notrepo is not a git repository/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", join(sb.dir, "missing"), "--role", "code"], {
    stderr: /^Configuration error: .*missing does not exist/,
  });
});

Deno.test("add git: the workspace itself and paths overlapping a resource are refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code"]);
  await expectFailure(sb, ws, ["--batch", "add", "git", ".", "--role", "code"], {
    stderr: /^Configuration error: .* is the workspace itself/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", ws, "--role", "code"], {
    stderr: /^Configuration error: .* is the workspace itself/,
  });
  // a repository inside the folder of the git-subdirectory resource 'code'
  const inner = await gitRepoWithOrigin(sb, "inner", join(ws, "code"));
  await expectFailure(sb, ws, ["--batch", "add", "git", inner, "--role", "code"], {
    stderr: /^Configuration error: .*inner overlaps the folder of resource 'code'/,
  });
  // a repository inside the folder of another git resource
  const outer = await gitRepoWithOrigin(sb, "outer");
  await dwsOk(sb, ["--batch", "add", "git", outer, "--role", "source-data"], { cwd: ws });
  const nested = await gitRepoWithOrigin(sb, "nested", outer);
  await expectFailure(sb, ws, ["--batch", "add", "git", nested, "--role", "code"], {
    stderr: /^Configuration error: .*nested overlaps the folder of resource 'outer'/,
    also: [outer],
  });
  // the same repository twice
  await expectFailure(sb, ws, ["--batch", "add", "git", outer, "--role", "code", "--name", "again"], {
    stderr: /overlaps the folder of resource 'outer'/,
    also: [outer],
  });
});

Deno.test("add git: a repository tracked by the workspace is refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const path = dataDir(join(ws, "tracked"));
  await git(sb, ws, "add", "tracked");
  await git(sb, ws, "commit", "-q", "-m", "track it");
  await git(sb, path, "init", "-q");
  await git(sb, path, "add", ".");
  await git(sb, path, "commit", "-q", "-m", "first");
  await git(sb, path, "remote", "add", "origin", join(sb.dir, "somewhere.git"));
  await expectFailure(sb, ws, ["--batch", "add", "git", "tracked", "--role", "code"], {
    stderr: /^Configuration error: .*tracked is tracked by the workspace repository/,
  });
});

// ---------------------------------------------------------------------------------------------
// git-subdirectory

Deno.test("add git: a plain folder of the workspace becomes a git-subdirectory resource", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  dataDir(join(ws, "sub"));
  const r = await dwsOk(sb, ["--batch", "add", "git", "./sub", "--role", "source-data"], { cwd: ws });
  assert.equal(r.stdout, successLine("sub"));
  const e = resource(ws, "sub");
  assert.deepEqual(Object.keys(e), SUBDIR_KEYS);
  assert.deepEqual(e, {
    resource_type: "git-subdirectory",
    name: "sub",
    role: "source-data",
    export: false,
    relative_path: "sub",
  });
  assertPythonJson(join(ws, RESOURCES));
  assert.deepEqual(localParams(ws), { sub: { local_path: join(ws, "sub") } });
  assert.equal(readText(join(ws, ".gitignore")), INIT_GITIGNORE, "no .gitignore entry for a subdirectory");
  assert.equal((await logSubjects(sb, ws))[0], "add of sub");
  assert.ok((await tracked(sb, ws)).includes("sub/data.csv"));
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("add git: nested subdirectory with --export and --branch equal to the workspace branch", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  dataDir(join(ws, "a", "b"));
  await dwsOk(sb, ["--batch", "add", "git", "a/b", "--role", "results", "--export", "--branch", "master"], {
    cwd: ws,
  });
  assert.deepEqual(resource(ws, "b"), {
    resource_type: "git-subdirectory",
    name: "b",
    role: "results",
    export: true,
    relative_path: "a/b",
  });
  assert.deepEqual(localParams(ws), { b: { local_path: join(ws, "a", "b") } });
});

Deno.test("add git: a missing subdirectory is an error in batch mode, created after confirmation otherwise", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  await expectFailure(sb, ws, ["--batch", "add", "git", "./newsub", "--role", "source-data"], {
    stderr: /^Configuration error: Subdirectory .*newsub does not exist/,
  });
  assert.ok(!existsSync(join(ws, "newsub")));

  // answering no leaves everything alone
  await expectFailure(sb, ws, ["add", "git", "./newsub", "--role", "source-data", "--name", "newsub"], {
    stdin: "n\n",
    stderr: /Configuration error: Subdirectory .*newsub does not exist/,
  });
  assert.ok(!existsSync(join(ws, "newsub")));

  // the name is asked first (empty answer = the suggestion), then the confirmation
  const r = await dwsOk(sb, ["add", "git", "./newsub", "--role", "source-data"], { cwd: ws, stdin: "\ny\n" });
  assert.match(r.stdout, /Please enter a short, unique name for this resource/);
  assert.match(r.stdout, /does not exist\. Should I create it\?/);
  assert.ok(r.stdout.endsWith(successLine("newsub")), r.stdout);
  assert.equal(
    readText(join(ws, "newsub", "README.txt")),
    "This directory is for source data.\n" +
      "This README file ensures the directory is added to the git repository, as git does not support empty directories.\n",
  );
  assert.equal(resource(ws, "newsub").resource_type, "git-subdirectory");
  assert.ok((await tracked(sb, ws)).includes("newsub/README.txt"));
  assert.equal((await logSubjects(sb, ws))[0], "add of newsub");
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("add git: subdirectory refuses another --branch, --read-only, --imported and metadata folders", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code"]);
  dataDir(join(ws, "sub"));
  await expectFailure(sb, ws, ["--batch", "add", "git", "sub", "--role", "source-data", "--branch", "other"], {
    stderr: /^Configuration error: .*branch 'master', not 'other'/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", "sub", "--role", "source-data", "--read-only"], {
    stderr: /^Configuration error: --read-only is not supported for a subdirectory/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", "sub", "--imported"], {
    stderr: /^Configuration error: --imported is not supported for a subdirectory/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", "sub", "--role", "code", "--export"], {
    stderr: /^Configuration error: --export is only for/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", ".dataworkspace/x", "--role", "source-data"], {
    stderr: /^Configuration error: .* is part of the workspace's own metadata/,
  });
  mkdirSync(join(ws, "code", "deeper"));
  await expectFailure(sb, ws, ["--batch", "add", "git", "code/deeper", "--role", "code", "--name", "deeper"], {
    stderr: /^Configuration error: .*deeper overlaps the folder of resource 'code'/,
  });
});

// ---------------------------------------------------------------------------------------------
// local-files

Deno.test("add local-files: folder outside the workspace", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = dataDir(join(sb.dir, "data"));
  const r = await dwsOk(sb, ["--batch", "add", "local-files", data, "--role", "source-data"], { cwd: ws });
  assert.equal(r.stdout, successLine("data"));
  const e = resource(ws, "data");
  assert.deepEqual(Object.keys(e), FILE_KEYS);
  assert.deepEqual(e, {
    resource_type: "file",
    name: "data",
    role: "source-data",
    global_local_path: data,
    compute_hash: false,
    export: false,
    imported: false,
  });
  assertPythonJson(join(ws, RESOURCES));
  assert.deepEqual(localParams(ws), { data: { local_path: null } });
  const dummy = ".dataworkspace/file/source-data/data/dummy.txt";
  assert.equal(readText(join(ws, dummy)), DUMMY);
  assert.ok((await tracked(sb, ws)).includes(dummy));
  assert.equal(await git(sb, ws, "show", `HEAD:${dummy}`), DUMMY);
  assert.equal((await logSubjects(sb, ws))[0], "add of data");
  assert.equal(readText(join(ws, ".gitignore")), INIT_GITIGNORE);
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("add local-files: folder inside the workspace is ignored, not committed", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  dataDir(join(ws, "data"));
  await dwsOk(sb, ["--batch", "add", "local-files", "data", "--role", "i"], { cwd: ws });
  const e = resource(ws, "data");
  assert.equal(e.global_local_path, join(ws, "data"));
  assert.equal(e.role, "intermediate-data");
  assert.equal(readText(join(ws, ".gitignore")), INIT_GITIGNORE + "/data/\n");
  const files = await tracked(sb, ws);
  assert.ok(files.includes(".dataworkspace/file/intermediate-data/data/dummy.txt"));
  assert.ok(!files.includes("data/data.csv"), `data must not be committed: ${files}`);
  assert.equal(await git(sb, ws, "status", "--porcelain"), "");
});

Deno.test("add local-files --compute-hash and --export", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const res = dataDir(join(sb.dir, "res"));
  const src = dataDir(join(sb.dir, "src"));
  await expectFailure(sb, ws, ["--batch", "add", "local-files", src, "--role", "source-data", "--export"], {
    stderr: /^Configuration error: --export is only for intermediate-data and results resources, not source-data$/m,
  });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", src, "--role", "code", "--export"], {
    stderr: /^Configuration error: --export is only for intermediate-data and results resources, not code$/m,
  });
  await dwsOk(sb, ["--batch", "add", "local-files", res, "--role", "results", "--compute-hash", "--export"], {
    cwd: ws,
  });
  const e = resource(ws, "res");
  assert.deepEqual(Object.keys(e), FILE_KEYS);
  assert.equal(e.compute_hash, true);
  assert.equal(e.export, true);
  assert.equal(e.imported, false);
  assert.ok(existsSync(join(ws, ".dataworkspace/file/results/res/dummy.txt")));
});

Deno.test("add local-files --imported: needs a matching lineage.json; role source-data", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const imp = dataDir(join(sb.dir, "imp"));
  await expectFailure(sb, ws, ["--batch", "add", "local-files", imp, "--imported"], {
    stderr: /^Configuration error: .*lineage\.json is missing/,
  });
  writeFileSync(join(imp, "lineage.json"), JSON.stringify({ resource_name: "someone-else" }));
  await expectFailure(sb, ws, ["--batch", "add", "local-files", imp, "--imported"], {
    stderr: /was exported for resource 'someone-else'/,
  });
  writeFileSync(join(imp, "lineage.json"), exportedLineage("imp"));
  await expectFailure(sb, ws, ["--batch", "add", "local-files", imp, "--imported", "--role", "results"], {
    stderr: /^Configuration error: --imported resources must have the role source-data, not results$/m,
  });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", imp, "--imported", "--export", "--role", "s"], {
    stderr: /^Configuration error: A resource cannot be both --export and --imported/,
  });
  await dwsOk(sb, ["--batch", "add", "local-files", imp, "--imported"], { cwd: ws });
  const e = resource(ws, "imp");
  assert.deepEqual(Object.keys(e), FILE_KEYS);
  assert.equal(e.role, "source-data");
  assert.equal(e.imported, true);
  assert.equal(e.export, false);
});

Deno.test("add local-files: missing folder, a file, the workspace and overlaps are refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  await expectFailure(sb, ws, ["--batch", "add", "local-files", join(sb.dir, "nope"), "--role", "s"], {
    stderr: /^Configuration error: .*nope does not exist/,
  });
  writeFileSync(join(sb.dir, "afile"), "x\n");
  await expectFailure(sb, ws, ["--batch", "add", "local-files", join(sb.dir, "afile"), "--role", "s"], {
    stderr: /^Configuration error: .*afile is not a directory$/m,
  });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", ".", "--role", "s"], {
    stderr: /is the workspace itself or contains it/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", sb.dir, "--role", "s"], {
    stderr: /is the workspace itself or contains it/,
  });
  const data = dataDir(join(sb.dir, "data"));
  dataDir(join(data, "sub"));
  await dwsOk(sb, ["--batch", "add", "local-files", data, "--role", "s"], { cwd: ws });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", join(data, "sub"), "--role", "s"], {
    stderr: /^Configuration error: .*sub overlaps the folder of resource 'data'/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", data, "--role", "s", "--name", "again"], {
    stderr: /overlaps the folder of resource 'data'/,
  });
});

// ---------------------------------------------------------------------------------------------
// naming and roles

Deno.test("add: batch names are the basename, then name-role, then name-role-2; a used --name is refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const dirs = ["a", "b", "c", "d"].map((p) => dataDir(join(sb.dir, p, "data")));
  for (const d of dirs.slice(0, 3)) {
    await dwsOk(sb, ["--batch", "add", "local-files", d, "--role", "source-data"], { cwd: ws });
  }
  await dwsOk(sb, ["--batch", "add", "local-files", dirs[3], "--role", "results"], { cwd: ws });
  assert.deepEqual(resources(ws).map((e) => e.name), [
    "data",
    "data-source-data",
    "data-source-data-2",
    "data-results",
  ]);
  assert.deepEqual(resources(ws).map((e) => e.global_local_path), dirs);
  for (const n of ["data", "data-source-data", "data-source-data-2"]) {
    assert.ok(existsSync(join(ws, ".dataworkspace/file/source-data", n, "dummy.txt")), n);
  }
  assert.deepEqual((await logSubjects(sb, ws)).slice(0, 4), [
    "add of data-results",
    "add of data-source-data-2",
    "add of data-source-data",
    "add of data",
  ]);

  const e = dataDir(join(sb.dir, "e"));
  await expectFailure(sb, ws, ["--batch", "add", "local-files", e, "--role", "s", "--name", "data-results"], {
    stderr: /^Configuration error: A resource with the name 'data-results' already exists/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", e, "--role", "s", "--name", "bad name"], {
    stderr: /^Configuration error: Invalid resource name 'bad name'/,
  });
  await dwsOk(sb, ["--batch", "add", "local-files", e, "--role", "s", "--name", "mine"], { cwd: ws });
  assert.equal(resources(ws).at(-1)?.name, "mine");

  // names are unique across resource types
  dataDir(join(ws, "sub", "data"));
  await dwsOk(sb, ["--batch", "add", "git", "sub/data", "--role", "source-data"], { cwd: ws });
  assert.equal(resources(ws).at(-1)?.name, "data-source-data-3");
  assert.equal(resources(ws).at(-1)?.resource_type, "git-subdirectory");
  const repo1 = await gitRepoWithOrigin(sb, "mine", join(sb.dir, "r1"));
  await dwsOk(sb, ["--batch", "add", "git", repo1, "--role", "code"], { cwd: ws });
  assert.equal(resources(ws).at(-1)?.name, "mine-code");
});

Deno.test("add: --role is required in batch mode", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = dataDir(join(sb.dir, "data"));
  const r = await expectFailure(sb, ws, ["--batch", "add", "local-files", data], {
    stderr: /^Running in --batch mode, but user input required for --role$/m,
  });
  assert.equal(r.stderr, "Running in --batch mode, but user input required for --role\n");
  const repo = await gitRepoWithOrigin(sb, "repo");
  await expectFailure(sb, ws, ["-b", "add", "git", repo], {
    stderr: /^Running in --batch mode, but user input required for --role$/m,
    also: [repo],
  });
});

Deno.test("add: role and name are asked interactively", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const first = dataDir(join(sb.dir, "x", "data"));
  await dwsOk(sb, ["--batch", "add", "local-files", first, "--role", "s"], { cwd: ws });

  const data = dataDir(join(sb.dir, "y", "data"));
  // a wrong role is asked again; a taken name is asked again
  const r = await dwsOk(sb, ["add", "local-files", data], { cwd: ws, stdin: "bogus\ni\ndata\nmine\n" });
  assert.match(r.stdout, /Please enter a role for this resource/);
  assert.match(r.stdout, /Please enter a short, unique name for this resource/);
  assert.match(r.stderr, /'bogus' is not one of/);
  assert.match(r.stderr, /'data' is taken/);
  assert.ok(r.stdout.endsWith(successLine("mine")), r.stdout);
  const e = resource(ws, "mine");
  assert.equal(e.role, "intermediate-data");
  assert.equal(e.global_local_path, data);

  // the suggestion offered avoids names in use
  const third = dataDir(join(sb.dir, "z", "data"));
  const r1 = await dwsOk(sb, ["add", "local-files", third, "--role", "i"], { cwd: ws, stdin: "\n" });
  assert.match(r1.stdout, /Please enter a short, unique name for this resource \[data-intermediate-data\]/);
  assert.equal(resources(ws).at(-1)?.name, "data-intermediate-data");

  // an empty name answer takes the suggestion
  const repo = await gitRepoWithOrigin(sb, "repo");
  const r2 = await dwsOk(sb, ["add", "git", repo], { cwd: ws, stdin: "code\n\n" });
  assert.ok(r2.stdout.endsWith(successLine("repo")), r2.stdout);
  assert.equal(resource(ws, "repo").role, "code");
});

// ---------------------------------------------------------------------------------------------
// bad input

Deno.test("add: usage errors exit 2 and change nothing", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  dataDir(join(ws, "x"));
  await expectFailure(sb, ws, ["add", "foo", "x"], { code: 2, stderr: /unknown command 'foo'/ });
  await expectFailure(sb, ws, ["--batch", "add", "local-files"], { code: 2, stderr: /missing required argument/ });
  await expectFailure(sb, ws, ["--batch", "add", "local-files", "x", "--role", "s", "--bogus"], {
    code: 2,
    stderr: /unknown option '--bogus'/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", "x", "--role"], {
    code: 2,
    stderr: /option '--role <role>' argument missing/,
  });
});

Deno.test("add: an invalid --role value is refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = dataDir(join(sb.dir, "data"));
  const r = await dws(sb, ["--batch", "add", "local-files", data, "--role", "bogus"], { cwd: ws });
  assert.equal(r.code, 2);
  assertOneLine(r);
  assert.match(r.stderr, /bogus/);
  assert.deepEqual(resources(ws), []);
});

Deno.test("add: a corrupted resources.json is reported and left alone", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = dataDir(join(sb.dir, "data"));
  writeFileSync(join(ws, RESOURCES), "[{");
  await expectFailure(sb, ws, ["--batch", "add", "local-files", data, "--role", "s"], {
    stderr: /\.dataworkspace\/resources\.json/,
  });
  assert.equal(readText(join(ws, RESOURCES)), "[{");
  // valid JSON of the wrong shape too
  writeFileSync(join(ws, RESOURCES), '{"name": "x"}');
  await expectFailure(sb, ws, ["--batch", "add", "local-files", data, "--role", "s"], {
    stderr: /\.dataworkspace\/resources\.json/,
  });
  assert.equal(readText(join(ws, RESOURCES)), '{"name": "x"}');
});

// ---------------------------------------------------------------------------------------------
// finding the workspace

Deno.test("add: the workspace is found from a subfolder", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const deep = join(ws, "some", "deep");
  mkdirSync(deep, { recursive: true });
  const data = dataDir(join(sb.dir, "data"));
  await dwsOk(sb, ["--batch", "add", "local-files", data, "--role", "s"], { cwd: deep });
  assert.equal(resource(ws, "data").global_local_path, data);
  // relative paths are taken from the current directory
  const repo = await gitRepoWithOrigin(sb, "repo");
  await dwsOk(sb, ["--batch", "add", "git", "../../../repo", "--role", "code"], { cwd: deep });
  assert.deepEqual(localParams(ws).repo, { local_path: repo });
});

Deno.test("add: --workspace-dir on the group and on the subcommand", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  dataDir(join(sb.dir, "one"));
  dataDir(join(sb.dir, "two"));
  await dwsOk(sb, ["--batch", "add", "--workspace-dir", "ws", "local-files", "one", "--role", "s"], {
    cwd: sb.dir,
  });
  await dwsOk(sb, ["--batch", "add", "local-files", "two", "--role", "s", "--workspace-dir", ws], {
    cwd: sb.dir,
  });
  assert.deepEqual(resources(ws).map((e) => [e.name, e.global_local_path]), [
    ["one", join(sb.dir, "one")],
    ["two", join(sb.dir, "two")],
  ]);
  assert.deepEqual((await logSubjects(sb, ws)).slice(0, 2), ["add of two", "add of one"]);
});

Deno.test("add: outside a workspace is a clear error", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const data = dataDir(join(sb.dir, "data"));
  await expectFailure(sb, ws, ["--batch", "add", "local-files", data, "--role", "s"], {
    cwd: sb.dir,
    stderr: /^Configuration error: Did not find a data workspace enclosing the directory .*/,
    also: [sb.home],
  });
  const notWs = dataDir(join(sb.dir, "notws"));
  await expectFailure(sb, ws, ["--batch", "add", "--workspace-dir", notWs, "local-files", data, "--role", "s"], {
    cwd: sb.dir,
    stderr: /^Configuration error: .*notws is not a data workspace/,
  });
  await expectFailure(sb, ws, ["--batch", "add", "git", data, "--role", "s", "--workspace-dir", join(sb.dir, "nope")], {
    cwd: sb.dir,
    stderr: /^Configuration error: .*nope is not a data workspace/,
  });
});
