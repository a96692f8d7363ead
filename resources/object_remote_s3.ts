/**
 * The S3 backend of object remotes (`object_store.remote` =
 * `s3://bucket/prefix`), over {@link S3Bucket}. Loaded (with the AWS SDK)
 * only when such a remote is used; registered by `resources/mod.ts`.
 *
 * Credentials and region come from the standard AWS chain; the endpoint from
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (S3-compatible servers). Every
 * object is one PutObject, which S3 makes visible atomically; 8 requests run
 * at a time.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigurationError, PathError } from "../core/base/errors.ts";
import { runPool, TRANSFER_CONCURRENCY } from "../core/store/object_remote.ts";
import type { BackendOptions, RemoteBackend, RemoteFile } from "../core/workspace/remote_backend.ts";
import { S3Bucket } from "./s3_client.ts";

/** Bucket and key prefix (`""` or ending in `/`) of `s3://bucket/prefix`. */
export function parseS3Location(location: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (!m) throw new ConfigurationError(`'${location}' is not an S3 location (s3://bucket/prefix)`);
  const prefix = m[2].replace(/^\/+|\/+$/g, "");
  return { bucket: m[1], prefix: prefix ? `${prefix}/` : "" };
}

/**
 * A backend for `s3://bucket/prefix`.
 *
 * @example
 * ```ts
 * const backend = s3Backend("s3://team-data/ws1", { ctx, tmpDir: "/ws/scratch/objects/tmp" });
 * ```
 */
export function s3Backend(location: string, options: BackendOptions): RemoteBackend {
  const { bucket: name, prefix } = parseS3Location(location);
  options.ctx.output.debug("Loading the AWS SDK (@aws-sdk/client-s3) for the object remote");
  const bucket = new S3Bucket({ bucket: name });
  return {
    location,
    batch: { files: 256, bytes: 64 * 1024 * 1024 },
    async list() {
      return (await bucket.listKeys(prefix)).map((k) => k.slice(prefix.length));
    },
    async put(files: readonly RemoteFile[], done: (file: RemoteFile) => void) {
      await runPool(files, TRANSFER_CONCURRENCY, async (f) => {
        await bucket.putObject(prefix + f.path, f.data ?? new Uint8Array(readFileSync(f.file!)));
        done(f);
      });
    },
    async get(paths: readonly string[], dir: string, done: (path: string) => void) {
      await runPool(paths, TRANSFER_CONCURRENCY, async (p) => {
        let data;
        try {
          data = await bucket.getObject(prefix + p);
        } catch (e) {
          if (e instanceof PathError) return; // gone since it was listed: the caller notices
          throw e;
        }
        const dest = join(dir, p);
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, data);
        done(p);
      });
    },
  };
}
