/**
 * The read-only library API of 1.6's `dataworkspaces.api` (spec §16):
 * `getResourceInfo`, `getLocalPathForResource`, `getFilesystemForResource`
 * over git-subdirectory, git, local-files, rclone and api-resource
 * resources, plus `getVersion`/`getApiVersion`. (S3 file access, live and
 * pinned, is in tests/resources/s3_test.ts.) Workspaces are set up with the
 * real command line.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  ConfigurationError,
  getApiVersion,
  getFilesystemForResource,
  getLocalPathForResource,
  getResourceInfo,
  getVersion,
  NotSupportedError,
  PathError,
} from "../../../mod.ts";
import { dwsOk, gitRepoWithOrigin, hasTool, initWorkspace, type Sandbox, sandbox } from "../../test_utils.ts";

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
}

/** A workspace with code/results (git-subdirectory), a local-files folder, a git repository and an api-resource. */
async function workspace(sb: Sandbox): Promise<{ ws: string; data: string; repo: string }> {
  const ws = await initWorkspace(sb, "ws", ["--create-resources", "code,results"]);
  writeFiles(join(ws, "code"), { "train.py": "print('hi')\n", "lib/util.py": "X = 1\n" });
  const data = join(sb.dir, "data");
  writeFiles(data, { "a.csv": "1,2\n", "img/b.bin": "\x00\x01", "img/deep/c.txt": "c" });
  await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "lf", data], { cwd: ws });
  const repo = await gitRepoWithOrigin(sb, "repo");
  await dwsOk(sb, ["--batch", "add", "git", "--role", "intermediate-data", "--name", "gitres", repo], { cwd: ws });
  await dwsOk(sb, ["--batch", "add", "api-resource", "--role", "source-data"], { cwd: ws });
  return { ws, data, repo };
}

Deno.test("api: getResourceInfo lists every resource in order with its local path; getLocalPathForResource", async () => {
  using sb = sandbox();
  const { ws, data, repo } = await workspace(sb);
  assert.deepEqual(await getResourceInfo({ workspaceDir: ws }), [
    { name: "code", role: "code", resourceType: "git-subdirectory", localPath: join(ws, "code") },
    { name: "results", role: "results", resourceType: "git-subdirectory", localPath: join(ws, "results") },
    { name: "lf", role: "source-data", resourceType: "file", localPath: data },
    { name: "gitres", role: "intermediate-data", resourceType: "git", localPath: repo },
    { name: "source-data-api", role: "source-data", resourceType: "api-resource", localPath: null },
  ]);
  assert.equal(await getLocalPathForResource("lf", { workspaceDir: ws }), data);
  assert.equal(await getLocalPathForResource("source-data-api", { workspaceDir: ws }), null);
  await assert.rejects(() => getLocalPathForResource("nope", { workspaceDir: ws }), ConfigurationError);
});

Deno.test("api: getFilesystemForResource over local-files: ls, open, exists, isFile, isDir; missing → PathError", async () => {
  using sb = sandbox();
  const { ws } = await workspace(sb);
  const fs = await getFilesystemForResource("lf", { workspaceDir: ws });
  assert.equal(fs.resourceName, "lf");
  assert.equal(fs.resourceType, "file");
  assert.deepEqual(await fs.ls(""), ["a.csv", "img"]);
  assert.deepEqual(await fs.ls("img"), ["img/b.bin", "img/deep"]);
  assert.deepEqual(await fs.ls("img/deep/c.txt"), ["img/deep/c.txt"]);
  assert.equal(await fs.open("a.csv", "r"), "1,2\n");
  assert.equal(await fs.readText("img/deep/c.txt"), "c");
  assert.deepEqual(await fs.open("img/b.bin"), new Uint8Array([0, 1]));
  assert.deepEqual(await fs.readFile("img/b.bin"), new Uint8Array([0, 1]));
  assert.equal(await fs.exists("img"), true);
  assert.equal(await fs.exists("nope.txt"), false);
  assert.equal(await fs.isFile("a.csv"), true);
  assert.equal(await fs.isFile("img"), false);
  assert.equal(await fs.isDir("img"), true);
  assert.equal(await fs.isDir("a.csv"), false);
  await assert.rejects(() => fs.ls("nope"), PathError);
  await assert.rejects(() => fs.open("nope.txt"), PathError);
  await assert.rejects(() => fs.open("img"), PathError);
  await assert.rejects(() => fs.ls("../ws"), PathError);
  assert.equal(fs.writeFile, undefined, "local folders are changed directly, not through dws");
});

Deno.test("api: getFilesystemForResource over git (without .git) and git-subdirectory resources", async () => {
  using sb = sandbox();
  const { ws } = await workspace(sb);
  const git = await getFilesystemForResource("gitres", { workspaceDir: ws });
  assert.deepEqual(await git.ls(""), ["README.md"]);
  assert.equal(await git.open("README.md", "r"), "# repo\n");
  assert.equal(await git.exists(".git"), true, "the folder is there; it is only hidden from listings");
  const code = await getFilesystemForResource("code", { workspaceDir: ws });
  assert.deepEqual(await code.ls(""), ["README.txt", "lib", "train.py"]);
  assert.deepEqual(await code.ls("lib"), ["lib/util.py"]);
  assert.equal(await code.readText("lib/util.py"), "X = 1\n");
});

Deno.test("api: getFilesystemForResource refuses an api-resource and an unknown name", async () => {
  using sb = sandbox();
  const { ws } = await workspace(sb);
  await assert.rejects(() => getFilesystemForResource("source-data-api", { workspaceDir: ws }), (e: Error) => {
    assert.ok(e instanceof NotSupportedError);
    assert.match(e.message, /api-resource: its data comes from an API or memory, so it has no files/);
    return true;
  });
  await assert.rejects(() => getFilesystemForResource("nope", { workspaceDir: ws }), /does not exist/);
});

Deno.test({
  name: "api: getFilesystemForResource over an rclone resource reads its local copy",
  ignore: !hasTool("rclone") && Deno.env.get("DWS_REQUIRE_TOOLS") !== "1",
  async fn() {
    using sb = sandbox();
    const ws = await initWorkspace(sb);
    const conf = join(sb.dir, "rclone.conf");
    writeFileSync(conf, "[localremote]\ntype = local\n");
    const remote = join(sb.dir, "remote-data");
    writeFiles(remote, { "x/y.txt": "why\n" });
    await dwsOk(
      sb,
      [
        "--batch",
        "add",
        "rclone",
        "--role",
        "source-data",
        "--config",
        conf,
        "--master",
        "remote",
        `localremote:${remote}`,
        "rc",
      ],
      { cwd: ws },
    );
    const fs = await getFilesystemForResource("rc", { workspaceDir: ws });
    assert.deepEqual(await fs.ls(""), ["x"]);
    assert.equal(await fs.open("x/y.txt", "r"), "why\n");
  },
});

Deno.test("api: getVersion and getApiVersion", () => {
  assert.match(getVersion(), /^\d+\.\d+\.\d+/);
  assert.equal(getApiVersion(), "0.2");
});
