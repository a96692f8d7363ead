/**
 * Object remotes: where `dws push` copies the object store so collaborators
 * can `dws pull` / `dws clone` the data itself, not only its hashes. The
 * remote is the workspace parameter `object_store.remote`: an S3 location
 * (`s3://bucket/prefix`) or an rclone location (`remote:path`).
 *
 * Layout under the remote's root:
 *
 * - `objects/ab/cdef…` — one file per object of 64 KiB or more (as the local store);
 * - `packs/<id>.pack` — small objects concatenated (about 8 MiB per pack);
 * - `packs/<id>.idx` — the pack's index (`dws-pack-index 1`, then `key offset length` lines).
 *
 * So 100,000 small files are a dozen packs, not 100,000 requests. A pack
 * counts only once its index exists, and the index is written after the
 * pack; backends write every file atomically. An interrupted push thus
 * leaves nothing half-visible, and pushing again sends only what the remote
 * lacks. Pack indexes are immutable and cached locally.
 *
 * Backends (`core/workspace/remote_backend.ts`) are registered by
 * `resources/register.ts`: rclone, and S3, which loads the AWS SDK only when
 * an `s3://` remote is used.
 *
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import type { Context } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { faultPoint } from "../base/fault.ts";
import { hashFileSync, sha1Hex } from "../base/hashing.ts";
import type { ObjectStore } from "./object_store.ts";
import { openBackend, type RemoteBackend, type RemoteFile } from "../workspace/remote_backend.ts";
import { formatBytes, throttledProgress } from "../base/output.ts";

/** Objects smaller than this go into packs. */
export const PACK_OBJECT_LIMIT = 64 * 1024;
/** A pack is closed once it holds this many bytes. */
export const PACK_TARGET_BYTES = 8 * 1024 * 1024;
/** At most this many objects per pack. */
const PACK_MAX_OBJECTS = 20_000;
/** Transfers in flight at once (backends that run their own requests). */
export const TRANSFER_CONCURRENCY = 8;

const INDEX_HEADER = "dws-pack-index 1";
const KEY_RE = /^[0-9a-f]{40}$/;

/**
 * Run `fn` on every item, `concurrency` at a time; the first failure stops
 * new work and is thrown once running calls have settled.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
}

/** Where a packed object is. */
interface PackEntry {
  pack: string;
  offset: number;
  length: number;
}

/** What an upload or download did. */
export interface TransferSummary {
  /** Objects transferred. */
  objects: number;
  /** Their bytes. */
  bytes: number;
  /** Of them, objects sent or fetched as single files. */
  files: number;
  /** Packs written or read. */
  packs: number;
  /** Objects asked for that were already there (on the remote for uploads, locally for downloads). */
  present: number;
  /** Objects asked for that neither side has (upload: not in the local store; download: not on the remote). */
  missing: string[];
}

/** Options of {@link ObjectRemote}. */
export interface ObjectRemoteOptions {
  /** Progress and messages. */
  ctx: Context;
  /** Folder caching the remote's pack indexes. */
  cacheDir: string;
  /** Folder for temporary files (same file system as the store). */
  tmpDir: string;
}

function emptySummary(): TransferSummary {
  return { objects: 0, bytes: 0, files: 0, packs: 0, present: 0, missing: [] };
}

const objectPath = (key: string) => `objects/${key.slice(0, 2)}/${key.slice(2)}`;
const packPath = (id: string) => `packs/${id}.pack`;
const indexPath = (id: string) => `packs/${id}.idx`;

/** Serialize a pack index. */
function serializeIndex(entries: readonly { key: string; offset: number; length: number }[]): string {
  return [INDEX_HEADER, ...entries.map((e) => `${e.key} ${e.offset} ${e.length}`)].join("\n") + "\n";
}

/** Parse a pack index; undefined when it is not one. */
function parseIndex(text: string): { key: string; offset: number; length: number }[] | undefined {
  const lines = text.split("\n").filter((l) => l !== "");
  if (lines[0] !== INDEX_HEADER) return undefined;
  const out = [];
  for (const line of lines.slice(1)) {
    const [key, offset, length] = line.split(" ");
    if (!KEY_RE.test(key) || !/^\d+$/.test(offset) || !/^\d+$/.test(length)) return undefined;
    out.push({ key, offset: Number(offset), length: Number(length) });
  }
  return out;
}

let tmpCounter = 0;

/** A unit of upload: one object on its own, or a pack of small ones. */
type UploadUnit =
  | { kind: "object"; key: string; size: number }
  | { kind: "pack"; keys: { key: string; size: number }[]; size: number };

/**
 * The objects of an object store on a remote: what it holds, and moving
 * objects both ways (packed when small, in parallel, verified by SHA-1 on
 * the way in).
 */
export class ObjectRemote {
  /** The configured location. */
  readonly location: string;
  readonly #backend: RemoteBackend;
  readonly #options: ObjectRemoteOptions;
  #objects = new Set<string>();
  #packed = new Map<string, PackEntry>();
  #packSizes = new Map<string, number>();
  #listed = false;

  /**
   * A remote over `backend` (see {@link openObjectRemote} for one from its location).
   *
   * @example
   * ```ts
   * const remote = new ObjectRemote(backend, { ctx, cacheDir: "/ws/scratch/objects/remote", tmpDir: "/tmp" });
   * ```
   */
  constructor(backend: RemoteBackend, options: ObjectRemoteOptions) {
    this.#backend = backend;
    this.location = backend.location;
    this.#options = options;
  }

  /**
   * Open the remote at `location` with its registered backend.
   *
   * @example
   * ```ts
   * const remote = await ObjectRemote.open("s3://team-bucket/ws1", { ctx, cacheDir, tmpDir });
   * ```
   */
  static async open(location: string, options: ObjectRemoteOptions): Promise<ObjectRemote> {
    return new ObjectRemote(await openBackend(location, { ctx: options.ctx, tmpDir: options.tmpDir }), options);
  }

  /**
   * The keys of every object the remote holds (listed once per instance,
   * then kept up to date by this instance's uploads).
   */
  async list(): Promise<Set<string>> {
    if (!this.#listed) await this.#list();
    return new Set([...this.#objects, ...this.#packed.keys()]);
  }

  /** True if the remote holds `key` (after {@link ObjectRemote.list}). */
  has(key: string): boolean {
    return this.#objects.has(key) || this.#packed.has(key);
  }

  async #list(): Promise<void> {
    const { ctx } = this.#options;
    ctx.output.progress(`Listing ${this.location}`);
    const paths = await this.#backend.list();
    const objects = new Set<string>();
    const packFiles = new Set<string>();
    const indexes: string[] = [];
    for (const p of paths) {
      if (p.startsWith("objects/")) {
        const key = p.slice(8).replace("/", "");
        if (KEY_RE.test(key) && p.length === 8 + 41) objects.add(key);
      } else if (p.startsWith("packs/")) {
        const name = p.slice(6);
        if (name.endsWith(".pack")) packFiles.add(name.slice(0, -5));
        else if (name.endsWith(".idx")) indexes.push(name.slice(0, -4));
      }
    }
    const complete = indexes.filter((id) => packFiles.has(id));
    const cacheDir = this.#options.cacheDir;
    const cached = (id: string) => join(cacheDir, `${id}.idx`);
    const fetch = complete.filter((id) => !existsSync(cached(id)));
    if (fetch.length) {
      const tmp = this.#tmpDir("idx");
      try {
        await this.#inBatches(fetch.map((id) => ({ path: indexPath(id), size: 0 })), async (batch) => {
          await this.#backend.get(batch.map((f) => f.path), tmp, () => {});
        });
        mkdirSync(cacheDir, { recursive: true });
        for (const id of fetch) {
          const file = join(tmp, indexPath(id));
          const text = existsSync(file) ? readFileSync(file, "utf8") : "";
          if (parseIndex(text) && sha1Hex(text) === id) writeFileSync(cached(id), text);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    const packed = new Map<string, PackEntry>();
    for (const id of complete) {
      let entries;
      try {
        entries = parseIndex(readFileSync(cached(id), "utf8"));
      } catch {
        entries = undefined;
      }
      if (!entries) {
        ctx.output.warn(`Pack index ${id} on ${this.location} is not valid; ignoring that pack`);
        continue;
      }
      let size = 0;
      for (const e of entries) {
        if (!packed.has(e.key)) packed.set(e.key, { pack: id, offset: e.offset, length: e.length });
        size = Math.max(size, e.offset + e.length);
      }
      this.#packSizes.set(id, size);
    }
    ctx.output.progress(undefined);
    this.#objects = objects;
    this.#packed = packed;
    this.#listed = true;
    ctx.output.debug(
      `${this.location}: ${objects.size} single object(s), ${packed.size} packed in ${complete.length} pack(s)`,
    );
  }

  #tmpDir(label: string): string {
    const dir = join(this.#options.tmpDir, `remote-${label}-${process.pid}-${tmpCounter++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Split files into batches the backend accepts and run `fn` on each in turn. */
  async #inBatches(files: RemoteFile[], fn: (batch: RemoteFile[]) => Promise<void>): Promise<void> {
    const limit = this.#backend.batch;
    let batch: RemoteFile[] = [];
    let bytes = 0;
    for (const f of files) {
      if (batch.length && (batch.length >= limit.files || bytes + f.size > limit.bytes)) {
        await fn(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(f);
      bytes += f.size;
    }
    if (batch.length) await fn(batch);
  }

  #progressLine(verb: string, done: { objects: number; bytes: number }, total: { objects: number; bytes: number }) {
    return `${verb} ${this.location}: ${done.objects}/${total.objects} objects, ` +
      `${formatBytes(done.bytes)}/${formatBytes(total.bytes)}`;
  }

  /**
   * Send the objects of `keys` that the remote lacks (objects the local
   * store lacks are reported as missing). Small objects go in packs; the
   * fault point `object-remote-upload-N` fires after the N-th object or pack.
   *
   * @example
   * ```ts
   * const { objects, bytes } = await remote.upload(store, keys);
   * ```
   */
  async upload(store: ObjectStore, keys: Iterable<string>): Promise<TransferSummary> {
    await this.list();
    const summary = emptySummary();
    const todo: { key: string; size: number }[] = [];
    for (const key of new Set(keys)) {
      if (this.has(key)) summary.present++;
      else if (!store.has(key)) summary.missing.push(key);
      else todo.push({ key, size: store.sizeOf(key) });
    }
    if (!todo.length) return summary;
    const units = packUnits(todo);
    const total = { objects: todo.length, bytes: todo.reduce((n, t) => n + t.size, 0) };
    let finished = 0;
    const show = throttledProgress(this.#options.ctx.output);
    const unitDone = (objects: number, bytes: number) => {
      summary.objects += objects;
      summary.bytes += bytes;
      show(() => this.#progressLine("Pushing to", summary, total));
      faultPoint(`object-remote-upload-${++finished}`);
    };
    // Batches of units within the backend's limits: packs' data and single objects first, then
    // the packs' indexes, so an index never names a pack that is not there yet.
    const limit = this.#backend.batch;
    let batch: UploadUnit[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length) await this.#uploadBatch(store, batch, unitDone, summary);
      batch = [];
      bytes = 0;
    };
    for (const u of units) {
      if (batch.length && (batch.length >= limit.files || bytes + u.size > limit.bytes)) await flush();
      batch.push(u);
      bytes += u.size;
    }
    await flush();
    this.#options.ctx.output.progress(undefined);
    return summary;
  }

  async #uploadBatch(
    store: ObjectStore,
    units: UploadUnit[],
    unitDone: (objects: number, bytes: number) => void,
    summary: TransferSummary,
  ): Promise<void> {
    const data: RemoteFile[] = [];
    const indexes: RemoteFile[] = [];
    const packs = new Map<string, { id: string; entries: { key: string; offset: number; length: number }[] }>();
    const singles = new Map<string, { key: string; size: number }>();
    for (const u of units) {
      if (u.kind === "object") {
        const path = objectPath(u.key);
        singles.set(path, u);
        data.push({ path, size: u.size, file: store.path(u.key) });
        continue;
      }
      const bytes = new Uint8Array(u.size);
      const entries = [];
      let offset = 0;
      for (const { key, size } of u.keys) {
        const content = store.read(key);
        if (content.length !== size) throw new ConfigurationError(`Object ${key} changed size while being packed`);
        bytes.set(content, offset);
        entries.push({ key, offset, length: size });
        offset += size;
      }
      // Named by the index, which names every object: equal ids mean equal packs.
      const index = new TextEncoder().encode(serializeIndex(entries));
      const id = sha1Hex(index);
      data.push({ path: packPath(id), size: bytes.length, data: bytes });
      indexes.push({ path: indexPath(id), size: index.length, data: index });
      packs.set(indexPath(id), { id, entries });
    }
    await this.#backend.put(data, (f) => {
      const single = singles.get(f.path);
      if (!single) return;
      this.#objects.add(single.key);
      summary.files++;
      unitDone(1, single.size);
    });
    if (!indexes.length) return;
    await this.#backend.put(indexes, (f) => {
      const pack = packs.get(f.path)!;
      mkdirSync(this.#options.cacheDir, { recursive: true });
      writeFileSync(join(this.#options.cacheDir, `${pack.id}.idx`), f.data!);
      let size = 0;
      for (const e of pack.entries) {
        if (!this.#packed.has(e.key)) this.#packed.set(e.key, { pack: pack.id, offset: e.offset, length: e.length });
        size = Math.max(size, e.offset + e.length);
      }
      this.#packSizes.set(pack.id, size);
      summary.packs++;
      unitDone(pack.entries.length, size);
    });
  }

  /**
   * Fetch the objects of `keys` that the local store lacks (keys the remote
   * lacks too are reported as missing). Packs are fetched whole; every
   * object is checked against its SHA-1 before it enters the store.
   *
   * @example
   * ```ts
   * const { missing } = await remote.download(store, listing.files.map((f) => f.sha1));
   * ```
   */
  async download(store: ObjectStore, keys: Iterable<string>): Promise<TransferSummary> {
    const summary = emptySummary();
    const wanted: string[] = [];
    for (const key of new Set(keys)) {
      if (store.has(key)) summary.present++;
      else wanted.push(key);
    }
    if (!wanted.length) return summary;
    await this.list();
    const files: RemoteFile[] = [];
    const fromPacks = new Map<string, { key: string; offset: number; length: number }[]>();
    const total = { objects: 0, bytes: 0 };
    for (const key of wanted) {
      const packed = this.#packed.get(key);
      if (this.#objects.has(key)) {
        files.push({ path: objectPath(key), size: 0 });
        total.objects++;
      } else if (packed) {
        const list = fromPacks.get(packed.pack) ?? [];
        if (!list.length) fromPacks.set(packed.pack, list);
        list.push({ key, offset: packed.offset, length: packed.length });
        total.objects++;
        total.bytes += packed.length;
      } else summary.missing.push(key);
    }
    for (const [id] of fromPacks) files.push({ path: packPath(id), size: this.#packSizes.get(id) ?? 0 });
    if (!files.length) return summary;
    const tmp = this.#tmpDir("get");
    const show = throttledProgress(this.#options.ctx.output);
    const progress = () => show(() => this.#progressLine("Fetching from", summary, total));
    try {
      await this.#inBatches(files, async (batch) => {
        await this.#backend.get(batch.map((f) => f.path), tmp, (path) => {
          if (path.startsWith("objects/")) {
            const key = path.slice(8).replace("/", "");
            const local = join(tmp, path);
            const size = commitFile(store, key, local, this.location);
            summary.objects++;
            summary.files++;
            summary.bytes += size;
          } else {
            const id = path.slice(6, -5);
            const local = join(tmp, path);
            const pack = readFileSync(local);
            for (const e of fromPacks.get(id) ?? []) {
              const bytes = pack.subarray(e.offset, e.offset + e.length);
              commitBytes(store, e.key, bytes, tmp, this.location);
              summary.objects++;
              summary.bytes += e.length;
            }
            summary.packs++;
            unlinkSync(local);
          }
          progress();
        });
      });
    } finally {
      this.#options.ctx.output.progress(undefined);
      rmSync(tmp, { recursive: true, force: true });
    }
    // Listed but not delivered (removed from the remote meanwhile?).
    const known = new Set(summary.missing);
    for (const key of wanted) if (!store.has(key) && !known.has(key)) summary.missing.push(key);
    return summary;
  }
}

/** Group objects into units: large ones alone, small ones in packs, in the order given. */
function packUnits(objects: readonly { key: string; size: number }[]): UploadUnit[] {
  const units: UploadUnit[] = [];
  let pack: { key: string; size: number }[] = [];
  let packBytes = 0;
  const close = () => {
    if (pack.length) units.push({ kind: "pack", keys: pack, size: packBytes });
    pack = [];
    packBytes = 0;
  };
  for (const o of objects) {
    if (o.size >= PACK_OBJECT_LIMIT) {
      units.push({ kind: "object", key: o.key, size: o.size });
      continue;
    }
    pack.push(o);
    packBytes += o.size;
    if (packBytes >= PACK_TARGET_BYTES || pack.length >= PACK_MAX_OBJECTS) close();
  }
  close();
  return units;
}

function corruptedObject(key: string, location: string): ConfigurationError {
  return new ConfigurationError(
    `Object ${key} fetched from ${location} does not match its SHA-1 (corrupted on the remote?); nothing was stored`,
  );
}

/** Verify a downloaded file against its key and move it into the store; returns its size. */
function commitFile(store: ObjectStore, key: string, file: string, location: string): number {
  if (!KEY_RE.test(key) || hashFileSync(file) !== key) throw corruptedObject(key, location);
  chmodSync(file, 0o444);
  const size = statSync(file).size;
  // The downloaded file is ours: it becomes the object (or goes when the store has it).
  store.adopt(file, key);
  return size;
}

/** Verify bytes against their key and store them. */
function commitBytes(store: ObjectStore, key: string, bytes: Uint8Array, tmp: string, location: string): void {
  if (sha1Hex(bytes) !== key) throw corruptedObject(key, location);
  if (store.has(key)) return;
  const file = join(tmp, `obj-${tmpCounter++}`);
  writeFileSync(file, bytes, { mode: 0o444 });
  store.adopt(file, key);
}
