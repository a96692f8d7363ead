/**
 * Large objects on S3 object remotes (issue 17): files stream from and to
 * disk, large ones go in multipart uploads, and the multipart uploads an
 * interrupted push left are aborted by the next push. The part size is
 * lowered to S3's minimum (5 MiB) so a few MB exercise the multipart path.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Buffer } from "node:buffer";
import { sha1Hex } from "../../core/base/hashing.ts";
import { S3Bucket } from "../../resources/s3_client.ts";
import { createBucket, S3_TEST_ENV, s3TestServer, withS3Env } from "../s3_server.ts";
import { dwsOk, ignoreWithout, initWorkspace, run, sandbox } from "../test_utils.ts";

const ignore = ignoreWithout("moto_server");
const opts = { ignore, sanitizeResources: false, sanitizeOps: false };
const PART = 5 * 1024 * 1024;

function randomFile(path: string, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  writeFileSync(path, bytes);
  return bytes;
}

async function withPartSize<T>(fn: () => Promise<T>): Promise<T> {
  Deno.env.set("DWS_S3_PART_SIZE", String(PART));
  try {
    return await withS3Env(fn);
  } finally {
    Deno.env.delete("DWS_S3_PART_SIZE");
  }
}

Deno.test({
  name: "S3Bucket.putFile uploads large files in parts and getObjectToFile streams them back",
  ...opts,
  fn: async () => {
    using sb = sandbox();
    const server = await s3TestServer();
    const name = await createBucket(server, "large", { versioning: false });
    await withPartSize(async () => {
      const bucket = new S3Bucket({ bucket: name, endpointUrl: server.endpoint });
      const src = join(sb.dir, "big.bin");
      const bytes = randomFile(src, 2 * PART + 12345);
      await bucket.putFile("objects/big", src);
      const head = await server.client.send(new HeadObjectCommand({ Bucket: name, Key: "objects/big" }));
      assert.match(head.ETag ?? "", /-3"$/, "a multipart upload of 3 parts");
      assert.equal(head.ContentLength, bytes.length);
      const dest = join(sb.dir, "back.bin");
      assert.equal(await bucket.getObjectToFile("objects/big", dest), true);
      assert.deepEqual(readFileSync(dest), Buffer.from(bytes));
      assert.equal(await bucket.getObjectToFile("objects/missing", join(sb.dir, "none")), false);
      // Small files stay one request.
      const small = join(sb.dir, "small.bin");
      randomFile(small, 1000);
      await bucket.putFile("objects/small", small);
      const smallHead = await server.client.send(new HeadObjectCommand({ Bucket: name, Key: "objects/small" }));
      assert.doesNotMatch(smallHead.ETag ?? "", /-\d+"$/);
    });
  },
});

Deno.test({
  name: "push and pull a multipart file through an s3 object remote; an abandoned upload is aborted",
  ...opts,
  fn: async () => {
    using sb = sandbox();
    const server = await s3TestServer();
    Object.assign(sb.env, S3_TEST_ENV, { AWS_ENDPOINT_URL: server.endpoint, DWS_S3_PART_SIZE: String(PART) });
    const bucket = await createBucket(server, "largepush", { versioning: false });
    const data = join(sb.dir, "data");
    mkdirSync(data);
    const bytes = randomFile(join(data, "big.bin"), 2 * PART + 7);
    const ws = await initWorkspace(sb);
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", data], { cwd: ws });
    await dwsOk(sb, ["--batch", "snapshot", "S1"], { cwd: ws });
    const origin = join(sb.dir, "origin.git");
    await run(sb, ["git", "init", "-q", "--bare", origin], { cwd: sb.dir });
    await dwsOk(sb, ["--batch", "publish", origin], { cwd: ws });
    await dwsOk(sb, ["--batch", "config", "object_store.remote", `s3://${bucket}/team`], { cwd: ws });
    // A push killed in the middle of uploading big.bin left its multipart upload with one part.
    const hash = sha1Hex(bytes);
    const key = `team/objects/${hash.slice(0, 2)}/${hash.slice(2)}`;
    const left = await server.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await server.client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: left.UploadId,
        PartNumber: 1,
        Body: bytes.slice(0, PART),
      }),
    );
    await dwsOk(sb, ["--batch", "push"], { cwd: ws });
    const uploads = await server.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.deepEqual(uploads.Uploads ?? [], [], "the abandoned upload was aborted, the new one completed");

    writeFileSync(join(data, "big.bin"), "changed\n");
    const gc = await dwsOk(sb, ["gc", "--keep-last", "0"], { cwd: ws });
    assert.match(gc.stdout, /^Removed [1-9]/, "the restore below fetches from the remote");
    await dwsOk(sb, ["--batch", "restore", "S1"], { cwd: ws });
    assert.deepEqual(readFileSync(join(data, "big.bin")), Buffer.from(bytes));
  },
});
