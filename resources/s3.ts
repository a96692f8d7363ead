/**
 * The `s3` resource (`dws add s3 BUCKET`): a versioned S3 bucket (spec §4.8).
 *
 * A snapshot of the bucket is the map of every object's latest version id,
 * written as JSON, hashed as a git blob (compare hash = restore hash) and
 * kept gzip'd both in the bucket (`.snapshots/<hash>.json.gz`) and in
 * `.dataworkspace/scratch/<name>/snapshot_cache/`. Restoring a snapshot
 * *pins* the resource to it (`scratch/<name>/current_snapshot.txt`): reads go
 * to the recorded object versions and writes are refused; objects in the
 * bucket are never rewritten.
 *
 * Pinning, as a data scientist expects it (1.6 pinned after every snapshot,
 * so later snapshots silently repeated the first one, spec §14.18):
 * - `dws snapshot` records the live bucket and does not pin;
 * - `dws restore` pins to the snapshot, unless the live bucket is exactly in
 *   that state (restoring the latest snapshot of an unchanged bucket), which
 *   unpins;
 * - a snapshot taken while pinned records the pinned hash (that is the data
 *   the workspace is using), with a warning;
 * - `dws config --resource NAME current_snapshot None` (or `latest`) unpins,
 *   `... current_snapshot HASH` pins; delete-snapshot of the pinned snapshot
 *   unpins.
 *
 * This module does not import the AWS SDK: `s3_client.ts` is loaded on the
 * first S3 call.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  type AddOptions,
  chooseResourceName,
  chooseRole,
  registerResource,
  suggestResourceName,
} from "../core/commands/add.ts";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import { refuseInlineCredentials } from "../core/base/credentials.ts";
import { ConfigurationError, NotSupportedError, PathError } from "../core/base/errors.ts";
import { addGitignoreEntry } from "../core/models/gitignore.ts";
import type { ResourceEntry } from "../core/models/resources_file.ts";
import { isFullHash, parseRole, type Role } from "../core/base/names.ts";
import { type ParamDef, type ParamType, stringType } from "../core/workspace/params.ts";
import type { JsonObject, JsonValue } from "../core/base/json_value.ts";
import type {
  FileAccess,
  Resource,
  ResourceType,
  SnapshotHashes,
  SnapshotOps,
  WorkspaceHandle,
} from "../core/workspace/resource.ts";
import type { Workspace } from "../core/workspace/workspace.ts";
import type { S3Bucket } from "./s3_client.ts";
import {
  decodeVersionMap,
  type EncodedSnapshot,
  encodeVersionMap,
  normalizeKeyPath,
  SNAPSHOTS_PREFIX,
  VersionTree,
} from "./s3_version_map.ts";

/** The roles an S3 resource may have (results are not supported, as in 1.6). */
export const S3_ROLES: readonly Role[] = ["source-data", "intermediate-data", "code"];

/** The scratch folder of an S3 resource, relative to the workspace. */
export function s3ScratchDir(name: string): string {
  return `.dataworkspace/scratch/${name}`;
}

const snapshotHashType: ParamType = {
  name: "snapshot hash",
  parse: (t) => (/^(latest|none|null)$/i.test(t) ? null : t.toLowerCase()),
  problem: (v) =>
    typeof v === "string" && isFullHash(v) ? undefined : "expected a 40-character snapshot hash, or None to unpin",
};

const PARAMS: readonly ParamDef[] = [
  {
    name: "bucket_name",
    scope: "global",
    defaultValue: null,
    optional: false,
    help: "Name of the bucket",
    type: stringType,
  },
  {
    name: "endpoint_url",
    scope: "global",
    defaultValue: null,
    optional: true,
    help: "S3-compatible endpoint URL (default: AWS, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)",
    type: stringType,
  },
  {
    name: "current_snapshot",
    scope: "local",
    defaultValue: null,
    optional: true,
    help: "Snapshot hash the bucket is pinned to (reads use its object versions, writes are refused); " +
      "None follows the live bucket",
    type: snapshotHashType,
  },
];

const SDK_LOADED = "Loading the AWS SDK (@aws-sdk/client-s3)";

/** How long a listing of the live bucket is reused within one process (currentHashes → snapshot). */
const LISTING_REUSE_MS = 60_000;

/** The state of one S3 resource on this machine, and its bucket. */
class S3State {
  readonly name: string;
  readonly bucketName: string;
  readonly endpointUrl: string | undefined;
  readonly dir: string;
  readonly #ws: WorkspaceHandle;
  #bucket?: Promise<S3Bucket>;
  #trees = new Map<string, VersionTree>();
  #listing?: { at: number; snapshot: EncodedSnapshot; count: number };

  constructor(ws: WorkspaceHandle, entry: ResourceEntry) {
    this.#ws = ws;
    this.name = entry.name;
    if (typeof entry.bucket_name !== "string" || !entry.bucket_name) {
      throw new ConfigurationError(`S3 resource '${entry.name}' has no bucket_name in resources.json`);
    }
    this.bucketName = entry.bucket_name;
    this.endpointUrl = typeof entry.endpoint_url === "string" && entry.endpoint_url ? entry.endpoint_url : undefined;
    this.dir = join(ws.dir, s3ScratchDir(entry.name));
  }

  get ctx() {
    return this.#ws.ctx;
  }

  bucket(): Promise<S3Bucket> {
    return this.#bucket ??= (async () => {
      this.ctx.output.debug(SDK_LOADED);
      const { S3Bucket } = await import("./s3_client.ts");
      return new S3Bucket({ bucket: this.bucketName, endpointUrl: this.endpointUrl });
    })();
  }

  get pinFile(): string {
    return join(this.dir, "current_snapshot.txt");
  }

  /** The snapshot hash the resource is pinned to, if any. */
  pinned(): string | undefined {
    if (!existsSync(this.pinFile)) return undefined;
    return readFileSync(this.pinFile, "utf8").trim().toLowerCase() || undefined;
  }

  pin(hash: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.pinFile, hash);
  }

  unpin(): void {
    rmSync(this.pinFile, { force: true });
  }

  cachePath(hash: string): string {
    return join(this.dir, "snapshot_cache", `${hash}.json.gz`);
  }

  bucketSnapshotKey(hash: string): string {
    return `${SNAPSHOTS_PREFIX}${hash}.json.gz`;
  }

  /** The bucket as of snapshot `hash`, read from the cache or downloaded into it. */
  async tree(hash: string): Promise<VersionTree> {
    const known = this.#trees.get(hash);
    if (known) return known;
    const local = this.cachePath(hash);
    let bytes: Uint8Array;
    if (existsSync(local)) bytes = new Uint8Array(readFileSync(local));
    else {
      const bucket = await this.bucket();
      const key = this.bucketSnapshotKey(hash);
      if (!(await bucket.objectExists(key))) {
        throw new ConfigurationError(`File s3://${this.bucketName}/${key} not found for snapshot ${hash}`);
      }
      bytes = await bucket.getObject(key);
      mkdirSync(join(this.dir, "snapshot_cache"), { recursive: true });
      writeFileAtomic(local, bytes);
    }
    const tree = new VersionTree(decodeVersionMap(bytes, local));
    this.#trees.set(hash, tree);
    return tree;
  }

  /** The live bucket's snapshot (listing reused for a minute within this process). */
  async live(options: { fresh?: boolean } = {}): Promise<{ snapshot: EncodedSnapshot; count: number }> {
    if (!options.fresh && this.#listing && performance.now() - this.#listing.at < LISTING_REUSE_MS) {
      return this.#listing;
    }
    const bucket = await this.bucket();
    const start = performance.now();
    const { output } = this.ctx;
    const versions = await bucket.listLatestVersions({
      onProgress: (n) => output.progress(`Listing s3://${this.bucketName}: ${n} objects`),
    });
    output.progress(undefined);
    const snapshot = encodeVersionMap(versions);
    output.debug(
      `Listed ${versions.size} objects of s3://${this.bucketName} in ${
        ((performance.now() - start) / 1000).toFixed(1)
      } s; snapshot ${snapshot.hash}`,
    );
    this.#listing = { at: performance.now(), snapshot, count: versions.size };
    return this.#listing;
  }

  forgetListing(): void {
    this.#listing = undefined;
  }

  /** Fail unless snapshot `hash` can be read (cached here or in the bucket). */
  async checkSnapshotExists(hash: string): Promise<void> {
    if (existsSync(this.cachePath(hash))) return;
    const key = this.bucketSnapshotKey(hash);
    if (!(await (await this.bucket()).objectExists(key))) {
      throw new ConfigurationError(`File s3://${this.bucketName}/${key} not found for snapshot ${hash}`);
    }
  }

  /** Select snapshot `hash` for reads (refusing writes). */
  async pinTo(hash: string): Promise<VersionTree> {
    await this.checkSnapshotExists(hash);
    const tree = await this.tree(hash);
    this.pin(hash);
    return tree;
  }

  refuseWrites(): void {
    const pinned = this.pinned();
    if (pinned !== undefined) {
      throw new NotSupportedError(
        `Cannot update bucket when a snapshot is selected. Current snapshot is ${pinned}. ` +
          `Unpin it with: dws config --resource ${this.name} current_snapshot None`,
      );
    }
  }
}

/** Upload the live bucket's snapshot file (when the bucket lacks it) and cache it locally. */
async function takeS3Snapshot(state: S3State): Promise<SnapshotHashes> {
  const { snapshot, count } = await state.live();
  state.forgetListing();
  const local = state.cachePath(snapshot.hash);
  const bucket = await state.bucket();
  const key = state.bucketSnapshotKey(snapshot.hash);
  const cached = existsSync(local);
  if (!cached || !(await bucket.objectExists(key))) {
    await bucket.putObject(key, snapshot.gzipped, "application/gzip");
    state.ctx.output.debug(`Uploaded snapshot of ${count} objects to s3://${state.bucketName}/${key}`);
  }
  // Cached only once uploaded: a cached file means both copies exist.
  if (!cached) {
    mkdirSync(join(state.dir, "snapshot_cache"), { recursive: true });
    writeFileAtomic(local, snapshot.gzipped);
  }
  return { compareHash: snapshot.hash, restoreHash: snapshot.hash };
}

/** Pin the resource to snapshot `hash`, or unpin it when the live bucket is exactly that snapshot. */
async function restoreS3Snapshot(state: S3State, hash: string): Promise<void> {
  const tree = await state.tree(hash);
  const { snapshot } = await state.live({ fresh: true });
  if (snapshot.hash === hash) {
    state.unpin();
    state.ctx.output.info(
      `Resource ${state.name}: s3://${state.bucketName} is exactly at snapshot ${hash.slice(0, 7)}; ` +
        `it follows the live bucket.`,
    );
    return;
  }
  state.pin(hash);
  state.ctx.output.info(
    `Resource ${state.name}: reading s3://${state.bucketName} as of snapshot ${hash.slice(0, 7)} ` +
      `(${tree.size} objects); writes are refused until you run: ` +
      `dws config --resource ${state.name} current_snapshot None`,
  );
}

/** Forget a deleted workspace snapshot: both copies of its snapshot file, and the pin on it. */
async function deleteS3Snapshot(state: S3State, hashes: SnapshotHashes): Promise<void> {
  const hash = hashes.restoreHash ?? hashes.compareHash;
  if (!hash) return;
  rmSync(state.cachePath(hash), { force: true });
  const key = state.bucketSnapshotKey(hash);
  try {
    const bucket = await state.bucket();
    if (await bucket.objectExists(key)) await bucket.deleteObject(key);
  } catch (e) {
    // The workspace snapshot still goes; only the copy in the bucket is left behind.
    state.ctx.output.warn(
      `Could not delete s3://${state.bucketName}/${key} (${(e as Error).message}); delete it by hand if wanted`,
    );
  }
  if (state.pinned() === hash) {
    state.unpin();
    state.ctx.output.info(`Resource ${state.name} was pinned to the deleted snapshot; it follows the live bucket.`);
  }
}

/** The hashes of a pinned resource (what a snapshot records while pinned), warning once; undefined when unpinned. */
function pinnedHashes(state: S3State): () => SnapshotHashes | undefined {
  let warned = false;
  return () => {
    const pinned = state.pinned();
    if (pinned === undefined) return undefined;
    if (!warned) {
      warned = true;
      state.ctx.output.warn(
        `Resource ${state.name} is pinned to snapshot ${pinned} of s3://${state.bucketName}, ` +
          `so that is what this snapshot records. To record the live bucket, first run: ` +
          `dws config --resource ${state.name} current_snapshot None`,
      );
    }
    return { compareHash: pinned, restoreHash: pinned };
  };
}

function snapshotOps(state: S3State): SnapshotOps {
  const pinned = pinnedHashes(state);
  return {
    // Fail before anything in the workspace moves: the bucket must be reachable and still versioned.
    async snapshotPrecheck() {
      if (state.pinned() !== undefined) return;
      const status = await (await state.bucket()).versioningStatus();
      if (status !== "Enabled") throw versioningError(state.bucketName, status, await state.bucket());
    },
    async currentHashes() {
      const p = pinned();
      if (p) return p;
      const { snapshot } = await state.live();
      // Unchanged only if the snapshot file already exists (nothing to write).
      return existsSync(state.cachePath(snapshot.hash))
        ? { compareHash: snapshot.hash, restoreHash: snapshot.hash }
        : undefined;
    },
    snapshot: async () => pinned() ?? await takeS3Snapshot(state),
    restorePrecheck: (hash) => state.checkSnapshotExists(hash),
    restore: (hash) => restoreS3Snapshot(state, hash),
    deleteSnapshotFolder: () => Promise.resolve(),
    deleteSnapshot: (hashes) => deleteS3Snapshot(state, hashes),
  };
}

function versioningError(bucket: string, status: string | undefined, client: S3Bucket): ConfigurationError {
  const ep = client.endpoint ? ` --endpoint-url ${client.endpoint}` : "";
  return new ConfigurationError(
    `Bucket '${bucket}' does not have versioning enabled (${status ? status.toLowerCase() : "never enabled"}); ` +
      `dws snapshots of S3 rely on object versions. Enable it with: ` +
      `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled${ep}`,
  );
}

function checkWritable(path: string): string {
  const key = normalizeKeyPath(path);
  if (key === "") throw new PathError("A file path is needed, not the bucket root");
  if (key.startsWith(SNAPSHOTS_PREFIX) || key === SNAPSHOTS_PREFIX.slice(0, -1)) {
    throw new PathError(`${SNAPSHOTS_PREFIX} holds dws snapshot files and cannot be changed`);
  }
  return key;
}

/** File access over the bucket: as of the pinned snapshot when pinned, else live. */
function s3FileAccess(state: S3State): FileAccess {
  const pinnedTree = async () => {
    const pinned = state.pinned();
    return pinned === undefined ? undefined : await state.tree(pinned);
  };
  const liveIsDir = async (key: string) => {
    if (key === "") return true;
    const { files, dirs } = await (await state.bucket()).listLive(`${key}/`, 1);
    return files.length + dirs.length > 0;
  };
  const liveIsFile = async (key: string) => key !== "" && await (await state.bucket()).objectExists(key);
  return {
    async ls(path) {
      const key = normalizeKeyPath(path);
      const tree = await pinnedTree();
      if (tree) return tree.ls(key);
      const bucket = await state.bucket();
      const { files, dirs } = await bucket.listLive(key === "" ? "" : `${key}/`);
      if (files.length || dirs.length || key === "") return [...files, ...dirs].sort();
      if (await bucket.objectExists(key)) return [key];
      throw new PathError(`Path '${path}' does not exist in s3://${state.bucketName}`);
    },
    async readFile(path) {
      const key = normalizeKeyPath(path);
      const tree = await pinnedTree();
      const bucket = await state.bucket();
      if (tree) return await bucket.getObject(key, tree.versionId(key));
      if (key === "") throw new PathError("The bucket root is not a file");
      return await bucket.getObject(key);
    },
    async exists(path) {
      const key = normalizeKeyPath(path);
      const tree = await pinnedTree();
      if (tree) return tree.exists(key);
      return await liveIsFile(key) || await liveIsDir(key);
    },
    async isFile(path) {
      const key = normalizeKeyPath(path);
      const tree = await pinnedTree();
      return tree ? tree.isFile(key) : await liveIsFile(key);
    },
    async isDir(path) {
      const key = normalizeKeyPath(path);
      const tree = await pinnedTree();
      return tree ? tree.isDir(key) : await liveIsDir(key);
    },
    async writeFile(path, data) {
      state.refuseWrites();
      const key = checkWritable(path);
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      await (await state.bucket()).putObject(key, bytes);
    },
    async remove(path) {
      state.refuseWrites();
      const key = checkWritable(path);
      const bucket = await state.bucket();
      if (!(await bucket.objectExists(key))) {
        throw new PathError(`Path '${path}' is not a file in s3://${state.bucketName}`);
      }
      await bucket.deleteObject(key);
    },
  };
}

/** The `s3` resource type (registered lazily by `resources/mod.ts`). */
export const s3Type: ResourceType = {
  name: "s3",
  hasLocalState: false,
  params: PARAMS,
  open(ws, entry, localParams): Resource {
    const state = new S3State(ws, entry);
    return {
      name: entry.name,
      role: entry.role,
      type: s3Type,
      params: entry,
      get localParams(): JsonObject {
        return { ...localParams, current_snapshot: state.pinned() ?? null };
      },
      snapshots: snapshotOps(state),
      files: s3FileAccess(state),
      async setStateParam(name: string, value: JsonValue): Promise<boolean> {
        if (name !== "current_snapshot") return false;
        if (value === null) state.unpin();
        else await state.pinTo(String(value));
        return true;
      },
    };
  },
};

/** Options of {@link addS3Resource}. */
export interface AddS3Options extends Pick<AddOptions, "role" | "name"> {
  /** An S3-compatible endpoint (stored as the `endpoint_url` parameter). */
  endpointUrl?: string;
}

function bucketNameOf(text: string): string {
  const name = text.replace(/^s3:\/\//, "").replace(/\/+$/, "");
  if (!name || name.includes("/") || /\s/.test(name)) {
    throw new ConfigurationError(`'${text}' is not a bucket name (give just the bucket, e.g. my-data)`);
  }
  return name;
}

/**
 * Add an S3 bucket (`dws add s3`). The bucket must exist and have versioning
 * enabled; credentials come from the standard AWS chain and are never stored.
 *
 * @example
 * ```ts
 * await addS3Resource(ws, "my-data", { role: "source-data" });
 * ```
 */
export async function addS3Resource(ws: Workspace, bucket: string, options: AddS3Options = {}): Promise<Resource> {
  if (options.role !== undefined && parseRole(options.role) === "results") {
    throw new NotSupportedError("results not currently supported for S3 resources");
  }
  const bucketName = bucketNameOf(bucket);
  let endpointUrl: string | undefined;
  if (options.endpointUrl) {
    try {
      endpointUrl = new URL(options.endpointUrl).toString().replace(/\/$/, "");
    } catch {
      throw new ConfigurationError(`--endpoint-url '${options.endpointUrl}' is not a URL (e.g. http://127.0.0.1:9000)`);
    }
  }
  if (endpointUrl) refuseInlineCredentials({ endpoint_url: endpointUrl }, `S3 bucket '${bucketName}'`);
  const role = await chooseRole(ws.ctx, { role: options.role, allowed: S3_ROLES });
  const name = await chooseResourceName(ws, {
    name: options.name,
    suggestion: suggestResourceName(ws, { base: bucketName, role }),
  });
  ws.ctx.output.debug(SDK_LOADED);
  const { S3Bucket } = await import("./s3_client.ts");
  const client = new S3Bucket({ bucket: bucketName, endpointUrl });
  const status = await client.versioningStatus();
  if (status !== "Enabled") throw versioningError(bucketName, status, client);
  mkdirSync(join(ws.dir, s3ScratchDir(name), "snapshot_cache"), { recursive: true });
  const ignore = ws.path(".dataworkspace/.gitignore");
  const current = ws.readFileOrEmpty(".dataworkspace/.gitignore");
  const next = addGitignoreEntry(current, `/scratch/${name}/`, { ignoreSlashes: true });
  if (next !== current) writeFileAtomic(ignore, next);
  const entry: ResourceEntry = { resource_type: "s3", name, role, bucket_name: bucketName };
  if (endpointUrl) entry.endpoint_url = endpointUrl;
  return registerResource(ws, { entry, localParams: {} });
}
