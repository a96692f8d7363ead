import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "dockerfile-utils";
import { dockerfileFor, imageNameFor } from "../../core/commands/deploy.ts";
import { dws, dwsOk, initWorkspace, run, sandbox, treeSnapshot } from "../test_utils.ts";

function dockerfileOf(stdout: string): string {
  return stdout.split("# Commands\n")[0].replace(/^# Dockerfile\n/, "");
}

Deno.test("deploy build --dry-run prints a Dockerfile that a Dockerfile linter accepts, and the commands", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb, "My_Project", ["--create-resources", "code"]);
  await run(sb, ["git", "remote", "add", "origin", "git@example.com:team/my-project.git"], { cwd: ws });
  const r = await dwsOk(sb, ["deploy", "build", "--dry-run", "-f", "--git-user-name", "Ada L"], { cwd: ws });
  const dockerfile = dockerfileOf(r.stdout);
  assert.deepEqual(validate(dockerfile), []);
  assert.match(dockerfile, /^FROM denoland\/deno:debian-2\.9\.6$/m);
  assert.match(dockerfile, /^COPY dws\.js \/usr\/local\/lib\/dws\/dws\.js$/m);
  assert.match(dockerfile, /git config --global user\.name "Ada L"/);
  assert.match(dockerfile, /git config --global user\.email "test@example\.com"/);
  assert.ok(
    dockerfile.includes(
      'RUN dws --batch clone --hostname my-project "git@example.com:team/my-project.git" "/home/dws/My_Project"\n',
    ),
  );
  assert.match(dockerfile, /RUN if \[ -f package\.json \] \|\| \[ -f deno\.json \]; then deno install; fi/);
  assert.match(
    r.stdout,
    /# Commands\ndocker image rm -f --no-prune my_project\ndocker build --tag my_project <context>\n/,
  );
});

Deno.test("deploy run --dry-run mounts the ssh keys unless told not to", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  mkdirSync(join(sb.home, ".ssh"));
  writeFileSync(join(sb.home, ".ssh", "id_ed25519"), "key");
  const r = await dwsOk(sb, ["deploy", "run", "--dry-run", "--image-name", "img"], { cwd: ws });
  assert.equal(r.stdout, `docker run --rm -it --volume ${join(sb.home, ".ssh")}:/home/dws/.ssh:ro img\n`);
  const r2 = await dwsOk(sb, ["deploy", "run", "--dry-run", "--no-mount-ssh-keys"], { cwd: ws });
  assert.equal(r2.stdout, "docker run --rm -it ws\n");
});

Deno.test("deploy build needs an origin remote and says how to add one", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const before = treeSnapshot(ws);
  const r = await dws(sb, ["deploy", "build", "--dry-run"], { cwd: ws });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no origin remote .*dws publish URL/);
  assert.deepEqual(treeSnapshot(ws), before);
});

Deno.test("Dockerfile values are quoted and image names made docker-safe", () => {
  const text = dockerfileFor({
    workspaceName: "ws",
    originUrl: "https://host/a b.git",
    gitUserName: 'A "quoted" name',
    gitUserEmail: "a@b",
    hostname: "h",
  });
  assert.deepEqual(validate(text), []);
  assert.match(text, /user\.name "A \\"quoted\\" name"/);
  assert.match(text, /clone --hostname h "https:\/\/host\/a b\.git" "\/home\/dws\/ws"/);
  assert.equal(imageNameFor("My Project!"), "my-project-");
  assert.equal(imageNameFor("__"), "dws-workspace");
});
