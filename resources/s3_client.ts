/**
 * The S3 calls of the `s3` resource, over `@aws-sdk/client-s3`. This is the
 * only module that imports the AWS SDK; `resources/s3.ts` imports it
 * dynamically on the first S3 call, so commands that never touch a bucket
 * never load the SDK.
 *
 * Credentials, region and profile come from the standard AWS chain
 * (environment, `~/.aws/config` and `credentials`, SSO, instance roles).
 * The endpoint is the resource's `endpoint_url` parameter, else
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`; a custom endpoint uses
 * path-style addressing (what S3-compatible servers expect).
 *
 * @module
 */
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "npm:@aws-sdk/client-s3@3.1175.0";
import { Buffer } from "node:buffer";
import { createWriteStream, readFileSync, rmSync, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import process from "node:process";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ConfigurationError, PathError } from "../core/base/errors.ts";
import { SNAPSHOTS_PREFIX } from "./s3_version_map.ts";

/** How to reach a bucket. */
export interface S3BucketOptions {
  /** The bucket's name. */
  bucket: string;
  /** A custom endpoint (S3-compatible server), e.g. `http://127.0.0.1:5000`. */
  endpointUrl?: string;
}

/** Options of {@link S3Bucket.listLatestVersions}. */
export interface ListVersionsOptions {
  /** Concurrent requests (default 16). */
  concurrency?: number;
  /** Folder depth down to which prefixes are listed in parallel (default 2, as 1.6). */
  maxDepth?: number;
  /** Keys per request (default and S3's maximum: 1000). */
  maxKeys?: number;
  /** Called as objects are found, with the running count. */
  onProgress?: (count: number) => void;
}

/** One folder level of the live bucket. */
export interface LiveListing {
  /** Object keys directly under the prefix. */
  files: string[];
  /** Sub-folders (common prefixes without the trailing `/`). */
  dirs: string[];
}

/** Default part size of multipart uploads; files this large or larger are uploaded in parts. */
const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
/** S3 allows at most this many parts per upload. */
const MAX_PARTS = 10_000;
/** Parts of one file in flight at once: memory stays at this many parts per file. */
const PART_CONCURRENCY = 4;

/**
 * The part size for uploading `size` bytes, or undefined when one request
 * suffices: {@link DEFAULT_PART_SIZE} (`DWS_S3_PART_SIZE` bytes, for tests;
 * S3's minimum is 5 MiB), grown so that no upload needs more than 10,000 parts.
 *
 * @example
 * ```ts
 * partSizeFor(1024); // undefined
 * partSizeFor(6 * 1024 ** 3); // 16777216
 * ```
 */
export function partSizeFor(size: number): number | undefined {
  const base = Number(process.env.DWS_S3_PART_SIZE) || DEFAULT_PART_SIZE;
  if (size < base) return undefined;
  return Math.max(base, Math.ceil(size / MAX_PARTS));
}

/** A multipart upload that was started and neither completed nor aborted. */
export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

async function readFully(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  for (let done = 0; done < length;) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended early (changed while being uploaded)`);
    done += bytesRead;
  }
  return buffer;
}

/** The endpoint from the resource parameter or the standard AWS variables. */
export function effectiveEndpoint(endpointUrl?: string): string | undefined {
  return endpointUrl || process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string };
  return err?.Code ?? err?.name ?? "Error";
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(e: unknown): boolean {
  const name = errorName(e);
  return statusOf(e) === 404 || name === "NotFound" || name === "NoSuchKey" || name === "NoSuchVersion";
}

function messageOf(e: unknown): string {
  const m = (e as Error)?.message ?? String(e);
  return m.split("\n")[0];
}

/**
 * A {@link ConfigurationError} naming the bucket, for any failed S3 call: one
 * line that says what is wrong and what to check.
 */
export function translateS3Error(e: unknown, bucket: string, endpoint?: string): ConfigurationError {
  if (e instanceof ConfigurationError) return e;
  const name = errorName(e);
  const where = endpoint ? ` at ${endpoint}` : "";
  const detail = `${name}: ${messageOf(e)}`;
  const code = (e as { code?: string; cause?: { code?: string } })?.code ??
    (e as { cause?: { code?: string } })?.cause?.code;
  if (name === "NoSuchBucket") {
    return new ConfigurationError(`S3 bucket '${bucket}' does not exist${where} (${detail})`);
  }
  if (["InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken"].includes(name)) {
    return new ConfigurationError(
      `S3 rejected the credentials used for bucket '${bucket}'${where} (${detail}). ` +
        `Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE and ~/.aws/credentials`,
    );
  }
  if (name === "AccessDenied" || statusOf(e) === 403) {
    return new ConfigurationError(
      `Access to S3 bucket '${bucket}'${where} was denied (${detail}). ` +
        `Check that these credentials may list, read and write the bucket and its object versions`,
    );
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(messageOf(e))) {
    return new ConfigurationError(
      `No AWS credentials found for S3 bucket '${bucket}' (${messageOf(e)}). ` +
        `Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws/credentials`,
    );
  }
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) {
    return new ConfigurationError(
      `Cannot reach S3${where || " (AWS)"} for bucket '${bucket}' (${code}). Check the endpoint and network`,
    );
  }
  return new ConfigurationError(`S3 request for bucket '${bucket}'${where} failed (${detail})`);
}

/** A bucket and the client that reaches it. */
export class S3Bucket {
  /** The bucket's name. */
  readonly name: string;
  /** The custom endpoint, if any. */
  readonly endpoint: string | undefined;
  #client: S3Client;
  #regionChecked = false;

  /** A client for `options.bucket` (no request is made yet). */
  constructor(options: S3BucketOptions) {
    this.name = options.bucket;
    this.endpoint = effectiveEndpoint(options.endpointUrl);
    this.#client = this.#makeClient();
  }

  #makeClient(region?: string): S3Client {
    return new S3Client({
      ...(region ? { region } : {}),
      ...(this.endpoint ? { endpoint: this.endpoint, forcePathStyle: true } : {}),
      followRegionRedirects: true,
    });
  }

  /** Run one S3 command, translating every failure into a clear error. */
  async #send<T>(request: (client: S3Client) => Promise<T>): Promise<T> {
    if (!this.#regionChecked) {
      this.#regionChecked = true;
      try {
        await this.#client.config.region();
      } catch {
        // No region configured anywhere: any region works for a custom endpoint, and
        // AWS redirects requests to the bucket's own region (followRegionRedirects).
        this.#client = this.#makeClient("us-east-1");
      }
    }
    return await request(this.#client);
  }

  /** Run `fn`; failures become {@link translateS3Error}. */
  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw translateS3Error(e, this.name, this.endpoint);
    }
  }

  /** `Enabled`, `Suspended`, or undefined when versioning was never turned on. */
  versioningStatus(): Promise<string | undefined> {
    return this.#call(async () => {
      const r = await this.#send((c) => c.send(new GetBucketVersioningCommand({ Bucket: this.name })));
      return r.Status;
    });
  }

  /**
   * The latest version id of every object (delete markers and keys ending in
   * `/` excluded; the `.snapshots/` folder skipped), 1000 keys per request.
   *
   * Folders are listed in parallel, split adaptively: a folder is first
   * listed whole; only if it has more than one page of versions (and is at
   * most `maxDepth` deep, 2 as in 1.6) is it listed again by sub-folder, and
   * those are listed in parallel. Small folders thus cost one request each,
   * big ones are spread over `concurrency` requests at a time.
   */
  listLatestVersions(options: ListVersionsOptions = {}): Promise<Map<string, string>> {
    const concurrency = options.concurrency ?? 16;
    const maxDepth = options.maxDepth ?? 2;
    const maxKeys = options.maxKeys ?? 1000;
    const versions = new Map<string, string>();
    const queue: { prefix: string; depth: number }[] = [{ prefix: "", depth: 0 }];
    const seen = new Set<string>([""]);
    let active = 0;
    let failed: unknown;

    const record = (r: ListObjectVersionsCommandOutput, prefix: string) => {
      for (const v of r.Versions ?? []) {
        if (!v.IsLatest || !v.Key || v.Key.endsWith("/")) continue;
        if (prefix === "" && v.Key.startsWith(SNAPSHOTS_PREFIX)) continue;
        versions.set(v.Key, v.VersionId ?? "null");
      }
      options.onProgress?.(versions.size);
    };

    // One folder level: its own objects, and its sub-folders queued for parallel listing.
    const split = async (prefix: string, depth: number) => {
      let marker: { key?: string; version?: string } = {};
      for (;;) {
        const r = await this.#listVersionsPage(prefix, "/", maxKeys, marker);
        for (const p of r.CommonPrefixes ?? []) {
          if (!p.Prefix || seen.has(p.Prefix) || (prefix === "" && p.Prefix === SNAPSHOTS_PREFIX)) continue;
          seen.add(p.Prefix);
          queue.push({ prefix: p.Prefix, depth: depth + 1 });
        }
        record(r, prefix);
        pump();
        if (!r.IsTruncated) return;
        marker = { key: r.NextKeyMarker, version: r.NextVersionIdMarker };
      }
    };

    const listPrefix = async (prefix: string, depth: number) => {
      let marker: { key?: string; version?: string } = {};
      for (let page = 0;; page++) {
        const r = await this.#listVersionsPage(prefix, undefined, maxKeys, marker);
        record(r, prefix);
        if (!r.IsTruncated) return;
        if (page === 0 && depth < maxDepth) return await split(prefix, depth);
        marker = { key: r.NextKeyMarker, version: r.NextVersionIdMarker };
      }
    };

    let resolveAll: (v: Map<string, string>) => void = () => {};
    let rejectAll: (e: unknown) => void = () => {};
    const pump = () => {
      if (failed !== undefined) return;
      while (active < concurrency && queue.length) {
        const { prefix, depth } = queue.shift()!;
        active++;
        listPrefix(prefix, depth).then(
          () => {
            active--;
            if (queue.length === 0 && active === 0) resolveAll(versions);
            else pump();
          },
          (e) => {
            if (failed === undefined) {
              failed = e;
              rejectAll(e);
            }
          },
        );
      }
    };
    return this.#call(() =>
      new Promise<Map<string, string>>((resolve, reject) => {
        resolveAll = resolve;
        rejectAll = reject;
        pump();
      })
    );
  }

  /** One page of ListObjectVersions. */
  #listVersionsPage(
    prefix: string,
    delimiter: string | undefined,
    maxKeys: number,
    marker: { key?: string; version?: string },
  ): Promise<ListObjectVersionsCommandOutput> {
    return this.#send((c) =>
      c.send(
        new ListObjectVersionsCommand({
          Bucket: this.name,
          Prefix: prefix || undefined,
          Delimiter: delimiter,
          MaxKeys: maxKeys,
          KeyMarker: marker.key,
          VersionIdMarker: marker.version,
        }),
      )
    );
  }

  /** The bytes of an object (of `versionId` when given); PathError when missing. */
  getObject(key: string, versionId?: string): Promise<Uint8Array> {
    return this.#call(async () => {
      try {
        const r = await this.#send((c) =>
          c.send(new GetObjectCommand({ Bucket: this.name, Key: key, VersionId: versionId }))
        );
        return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
      } catch (e) {
        if (isNotFound(e)) {
          throw new PathError(
            `s3://${this.name}/${key}${versionId ? ` (version ${versionId})` : ""} does not exist`,
          );
        }
        throw e;
      }
    });
  }

  /** True if the object exists (its latest version, or `versionId`). */
  objectExists(key: string, versionId?: string): Promise<boolean> {
    return this.#call(async () => {
      try {
        await this.#send((c) => c.send(new HeadObjectCommand({ Bucket: this.name, Key: key, VersionId: versionId })));
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    });
  }

  /** Write an object. */
  putObject(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    return this.#call(async () => {
      await this.#send((c) =>
        c.send(new PutObjectCommand({ Bucket: this.name, Key: key, Body: body, ContentType: contentType }))
      );
    });
  }

  /** Delete an object (on a versioned bucket: adds a delete marker; older versions stay). */
  deleteObject(key: string): Promise<void> {
    return this.#call(async () => {
      await this.#send((c) => c.send(new DeleteObjectCommand({ Bucket: this.name, Key: key })));
    });
  }

  /**
   * Upload the file `file` as `key`, streamed from disk: large files go in
   * parts ({@link partSizeFor}), a few at a time, so memory stays flat
   * whatever the size; a failed upload is aborted (S3 keeps no parts).
   */
  putFile(key: string, file: string): Promise<void> {
    return this.#call(async () => {
      const size = statSync(file).size;
      const partSize = partSizeFor(size);
      if (partSize === undefined) {
        const body = readFileSync(file);
        await this.#send((c) => c.send(new PutObjectCommand({ Bucket: this.name, Key: key, Body: body })));
        return;
      }
      const created = await this.#send((c) =>
        c.send(new CreateMultipartUploadCommand({ Bucket: this.name, Key: key }))
      );
      const upload = { key, uploadId: created.UploadId! };
      try {
        const parts = await this.#uploadParts(upload, { file, size, partSize });
        await this.#send((c) =>
          c.send(
            new CompleteMultipartUploadCommand({
              Bucket: this.name,
              Key: key,
              UploadId: upload.uploadId,
              MultipartUpload: { Parts: parts },
            }),
          )
        );
      } catch (e) {
        await this.abortUpload(upload).catch(() => {});
        throw e;
      }
    });
  }

  async #uploadParts(
    upload: { key: string; uploadId: string },
    source: { file: string; size: number; partSize: number },
  ): Promise<CompletedPart[]> {
    const { size, partSize } = source;
    const count = Math.ceil(size / partSize);
    const parts: CompletedPart[] = new Array(count);
    const handle = await open(source.file, "r");
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const body = await readFully(handle, Math.min(partSize, size - i * partSize), i * partSize);
        const r = await this.#send((c) =>
          c.send(
            new UploadPartCommand({
              Bucket: this.name,
              Key: upload.key,
              UploadId: upload.uploadId,
              PartNumber: i + 1,
              Body: body,
              ContentLength: body.length,
            }),
          )
        );
        parts[i] = { PartNumber: i + 1, ETag: r.ETag };
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(PART_CONCURRENCY, count) }, worker));
    } finally {
      await handle.close();
    }
    return parts;
  }

  /**
   * Download `key` into the file `dest`, streamed (memory stays flat);
   * false when there is no such object. A failed download leaves no file.
   */
  async getObjectToFile(key: string, dest: string): Promise<boolean> {
    const body = await this.#call(async () => {
      try {
        return (await this.#send((c) => c.send(new GetObjectCommand({ Bucket: this.name, Key: key })))).Body;
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    });
    if (body === null) return false;
    const stream = body instanceof Readable
      ? body
      : Readable.fromWeb(body!.transformToWebStream() as Parameters<typeof Readable.fromWeb>[0]);
    try {
      await pipeline(stream, createWriteStream(dest));
    } catch (e) {
      rmSync(dest, { force: true });
      throw e;
    }
    return true;
  }

  /** The multipart uploads under `prefix` that were started and never completed or aborted. */
  pendingUploads(prefix: string): Promise<PendingUpload[]> {
    return this.#call(async () => {
      const out: PendingUpload[] = [];
      let keyMarker: string | undefined, uploadIdMarker: string | undefined;
      for (;;) {
        const r = await this.#send((c) =>
          c.send(
            new ListMultipartUploadsCommand({
              Bucket: this.name,
              Prefix: prefix || undefined,
              KeyMarker: keyMarker,
              UploadIdMarker: uploadIdMarker,
            }),
          )
        );
        for (const u of r.Uploads ?? []) {
          if (u.Key && u.UploadId) {
            out.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated ?? new Date(0) });
          }
        }
        if (!r.IsTruncated) return out;
        keyMarker = r.NextKeyMarker;
        uploadIdMarker = r.NextUploadIdMarker;
      }
    });
  }

  /** Abort a multipart upload: S3 drops its parts. */
  abortUpload(upload: { key: string; uploadId: string }): Promise<void> {
    return this.#call(async () => {
      await this.#send((c) =>
        c.send(new AbortMultipartUploadCommand({ Bucket: this.name, Key: upload.key, UploadId: upload.uploadId }))
      );
    });
  }

  /**
   * One folder level of the live bucket (`prefix` is `""` or ends in `/`);
   * `max` stops early once that many entries are known.
   */
  listLive(prefix: string, max?: number): Promise<LiveListing> {
    return this.#call(async () => {
      const files: string[] = [];
      const dirs: string[] = [];
      let token: string | undefined;
      for (;;) {
        const r = await this.#send((c) =>
          c.send(
            new ListObjectsV2Command({
              Bucket: this.name,
              Prefix: prefix || undefined,
              Delimiter: "/",
              MaxKeys: max ? Math.min(max, 1000) : 1000,
              ContinuationToken: token,
            }),
          )
        );
        for (const c of r.Contents ?? []) if (c.Key && c.Key !== prefix && !c.Key.endsWith("/")) files.push(c.Key);
        for (const p of r.CommonPrefixes ?? []) {
          if (!p.Prefix || (prefix === "" && p.Prefix === SNAPSHOTS_PREFIX)) continue;
          dirs.push(p.Prefix.slice(0, -1));
        }
        if (!r.IsTruncated || (max !== undefined && files.length + dirs.length >= max)) break;
        token = r.NextContinuationToken;
      }
      return { files, dirs };
    });
  }

  /** Every object key under `prefix`, at any depth (1000 per request; used by object remotes). */
  listKeys(prefix: string): Promise<string[]> {
    return this.#call(async () => {
      const keys: string[] = [];
      let token: string | undefined;
      for (;;) {
        const r = await this.#send((c) =>
          c.send(
            new ListObjectsV2Command({
              Bucket: this.name,
              Prefix: prefix || undefined,
              MaxKeys: 1000,
              ContinuationToken: token,
            }),
          )
        );
        for (const c of r.Contents ?? []) if (c.Key && !c.Key.endsWith("/")) keys.push(c.Key);
        if (!r.IsTruncated) break;
        token = r.NextContinuationToken;
      }
      return keys;
    });
  }
}
