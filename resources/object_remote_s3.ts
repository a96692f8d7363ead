/**
 * The S3 backend of object remotes (`object_store.remote` =
 * `s3://bucket/prefix`), over {@link S3Bucket}. Loaded (with the AWS SDK)
 * only when such a remote is used; registered by `resources/mod.ts`.
 *
 * Credentials and region come from the standard AWS chain; the endpoint from
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (S3-compatible servers). Every
 * object is one PutObject, or for large files one multipart upload, both of
 * which S3 makes visible atomically; files stream from and to disk, 8 at a
 * time. Multipart uploads an interrupted push left are aborted by the next.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigurationError } from "../core/base/errors.ts";
import { runPool, TRANSFER_CONCURRENCY } from "../core/store/object_remote.ts";
import type { BackendOptions, RemoteBackend, RemoteFile } from "../core/workspace/remote_backend.ts";
import { type PendingUpload, S3Bucket } from "./s3_client.ts";

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
  let pending: PendingUpload[] | undefined;
  return {
    location,
    batch: { files: 256, bytes: 64 * 1024 * 1024 },
    async list() {
      return (await bucket.listKeys(prefix)).map((k) => k.slice(prefix.length));
    },
    async put(files: readonly RemoteFile[], done: (file: RemoteFile) => void) {
      pending ??= await bucket.pendingUploads(prefix);
      pending = await abortAbandonedUploads(bucket, pending, files.map((f) => prefix + f.path));
      await runPool(files, TRANSFER_CONCURRENCY, async (f) => {
        if (f.data) await bucket.putObject(prefix + f.path, f.data);
        else await bucket.putFile(prefix + f.path, f.file!);
        done(f);
      });
    },
    async get(paths: readonly string[], dir: string, done: (path: string) => void) {
      await runPool(paths, TRANSFER_CONCURRENCY, async (p) => {
        const dest = join(dir, p);
        mkdirSync(dirname(dest), { recursive: true });
        // Gone since it was listed: the caller notices it did not arrive.
        if (await bucket.getObjectToFile(prefix + p, dest)) done(p);
      });
    },
  };
}

/** Multipart uploads older than this are abandoned, whoever started them. */
const ABANDONED_AFTER_MS = 24 * 3600 * 1000;

/**
 * Abort the multipart uploads an interrupted push left (S3 keeps, and
 * bills, their parts until then): those of the keys about to be uploaded
 * again, and any older than a day. Returns the uploads left pending.
 */
async function abortAbandonedUploads(
  bucket: S3Bucket,
  pending: readonly PendingUpload[],
  keys: readonly string[],
): Promise<PendingUpload[]> {
  const wanted = new Set(keys);
  const abandoned = (u: PendingUpload) => wanted.has(u.key) || Date.now() - u.initiated.getTime() > ABANDONED_AFTER_MS;
  for (const u of pending.filter(abandoned)) await bucket.abortUpload(u);
  return pending.filter((u) => !abandoned(u));
}
