/**
 * Credentials typed inline are never written to committed metadata (issue
 * 14.13): each is refused in one line that hides the secret and says where
 * it belongs.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { inlineCredentialProblem } from "../../core/base/credentials.ts";
import { gitRepoWithOrigin, initWorkspace, run, sandbox } from "../test_utils.ts";
import { expectFailure } from "./snapshot_helpers.ts";

const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCY";

Deno.test("inlineCredentialProblem: passwords in URLs and secrets in rclone strings, generated", () => {
  const secrets = ["secret_access_key", "session_token", "pass", "password", "key", "account_key", "client_secret"];
  for (const name of secrets) {
    for (const form of [`:s3,${name}=${SECRET}:bucket/x`, `remote,a=1,${name}=${SECRET}:p`]) {
      const problem = inlineCredentialProblem(form, "it") ?? "";
      assert.ok(problem.includes(`contains the secret '${name}'`), form);
      assert.ok(!problem.includes(SECRET), problem);
      assert.match(problem, /rclone config create/);
    }
    const url = inlineCredentialProblem(`https://h.example/x?${name}=${SECRET}`, "it");
    assert.ok(url && !url.includes(SECRET), name);
  }
  for (const scheme of ["https", "http", "ssh", "s3"]) {
    const problem = inlineCredentialProblem(`${scheme}://me:${SECRET}@host.example/repo.git`, "it");
    assert.ok(problem?.includes(`'${scheme}://me:***@host.example/repo.git' contains a password`), problem);
  }
  for (
    const fine of ["s3:bucket/x", "git@github.com:o/r.git", "https://me@h.example/r.git", "/srv/r.git", ":local:/x"]
  ) {
    assert.equal(inlineCredentialProblem(fine, "it"), undefined, fine);
  }
});

Deno.test("object_store.remote, rclone and s3 resources and git origins with credentials are refused", async () => {
  using sb = sandbox();
  const ws = await initWorkspace(sb);
  const hidden = (r: { stderr: string }) => assert.ok(!r.stderr.includes(SECRET), r.stderr);
  hidden(
    await expectFailure(sb, ws, ["config", "object_store.remote", `:s3,secret_access_key=${SECRET}:bucket/x`], {
      stderr: /object_store\.remote of the workspace .*secret_access_key=\*\*\*.*contains the secret.*committed/,
    }),
  );
  const data = join(sb.dir, "data");
  mkdirSync(data);
  hidden(
    await expectFailure(sb, ws, [
      "--batch",
      "add",
      "rclone",
      "--role",
      "source-data",
      `:s3,access_key_id=AK,secret_access_key=${SECRET}:bucket`,
      data,
    ], { stderr: /remote_origin of resource .* contains the secret 'secret_access_key'.*rclone config create/ }),
  );
  hidden(
    await expectFailure(sb, ws, [
      "--batch",
      "add",
      "s3",
      "--role",
      "source-data",
      "--endpoint-url",
      `http://me:${SECRET}@127.0.0.1:9`,
      "bucket",
    ], { stderr: /endpoint_url of S3 bucket 'bucket' 'http:\/\/me:\*\*\*@127\.0\.0\.1:9' contains a password/ }),
  );
  const repo = await gitRepoWithOrigin(sb, "code");
  await run(sb, ["git", "remote", "set-url", "origin", `https://me:${SECRET}@git.example/code.git`], { cwd: repo });
  hidden(
    await expectFailure(sb, ws, ["--batch", "add", "git", "--role", "code", repo], {
      stderr: /remote_origin_url of resource 'code' 'https:\/\/me:\*\*\*@git\.example\/code\.git' contains a password/,
      also: [repo],
    }),
  );
});
