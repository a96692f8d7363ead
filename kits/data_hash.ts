/**
 * Hashing of in-memory data for api-resources: the version of data a
 * program hands a model is the SHA-1 of its values ({@link hashData}), kept
 * by {@link ApiResourceHash} while training and evaluation consume it.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { ApiParamError } from "../core/base/errors.ts";
import { writeApiResourceHash } from "../resources/api_resource.ts";
import { frameColumns } from "./frames.ts";
import { isMatrixLike, typeName } from "./arrays.ts";

/** Numbers of a dense numeric array packed as float64, the bytes numpy holds for a float64 array. */
function float64Bytes(values: ArrayLike<number>): Uint8Array {
  const f = Float64Array.from(values);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

function isNumberArray(a: readonly unknown[]): a is number[] {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== "number") return false;
  return true;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Where {@link hashData} feeds bytes: a node:crypto `Hash`, or anything with the same `update`. */
export interface HashSink {
  /** Add bytes, or a string as UTF-8. */
  update(data: Uint8Array | string, encoding?: "utf8"): unknown;
}

/**
 * Feed `data` into a SHA-1 (or other) hash state, as the original's
 * `_add_to_hash` does. Typed arrays are hashed as their raw bytes; numbers
 * as float64 (so `number[][]` gives the bytes of the same values in a
 * row-major float64 numpy array); strings as UTF-8; bigints as int64;
 * booleans as one byte; a matrix row by row; a tensor (anything with
 * `dataSync()`) through its data; nodejs-polars and apache-arrow frames
 * column by column (see {@link frameColumns}); arrays and plain objects
 * element by element. Anything else: `Unable to hash data type X`.
 * Iterators and datasets are hashed as they are consumed instead (see
 * `hashAsConsumed` in `stream_hash.ts`).
 *
 * @example
 * ```ts
 * import { createHash } from "node:crypto";
 * const h = createHash("sha1");
 * hashData(h, [[1, 2], [3, 4]]);
 * h.digest("hex");
 * ```
 */
export function hashData(hash: HashSink, data: unknown): void {
  if (typeof data === "number") return void hash.update(float64Bytes([data]));
  if (typeof data === "string") return void hash.update(data, "utf8");
  if (typeof data === "bigint") {
    const b = new BigInt64Array([data]);
    return void hash.update(new Uint8Array(b.buffer));
  }
  if (typeof data === "boolean") return void hash.update(new Uint8Array([data ? 1 : 0]));
  if (data instanceof ArrayBuffer) return void hash.update(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) {
    if (!LITTLE_ENDIAN && !(data instanceof Uint8Array) && !(data instanceof Int8Array)) {
      throw new ApiParamError("Unable to hash typed arrays on a big-endian machine");
    }
    return void hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  if (Array.isArray(data)) {
    if (isNumberArray(data)) {
      // Large rows are hashed in chunks to bound the temporary copy.
      for (let i = 0; i < data.length; i += 65536) hash.update(float64Bytes(data.slice(i, i + 65536)));
      return;
    }
    for (const item of data) hashData(hash, item);
    return;
  }
  if (isMatrixLike(data)) {
    for (let i = 0; i < data.rows; i++) hash.update(float64Bytes(data.getRow(i)));
    return;
  }
  if (typeof data === "object" && data !== null) {
    const d = data as { dataSync?: () => unknown };
    if (typeof d.dataSync === "function") return hashData(hash, d.dataSync());
    const columns = frameColumns(data);
    if (columns) {
      for (const c of columns) hashData(hash, c);
      return;
    }
    const proto = Object.getPrototypeOf(data);
    if (proto === Object.prototype || proto === null) {
      for (const v of Object.values(data)) hashData(hash, v);
      return;
    }
  }
  if (isStream(data)) {
    throw new ApiParamError(
      `Unable to hash data type ${typeName(data)}: iterators and datasets are hashed as consumed (hashAsConsumed)`,
    );
  }
  throw new ApiParamError(`Unable to hash data type ${typeName(data)}`);
}

/** Iterators (generators too), async iterables and datasets (`iterator()`): hashing them here would consume them. */
function isStream(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string | symbol, unknown>;
  return typeof o.next === "function" || typeof o[Symbol.asyncIterator] === "function" ||
    typeof o.iterator === "function";
}

/**
 * The hash record of an api-resource (spec §9.1): a stack of SHA-1 states.
 * Training calls {@link reset}, {@link update} with the features and the
 * targets, then {@link save}; evaluation calls {@link dup}, {@link update}
 * with the test data, {@link save} and {@link pop}, so the saved hash covers
 * the training and the test data. Snapshots read the saved hash.
 *
 * @example
 * ```ts
 * const h = new ApiResourceHash("/ws", "source-data-api");
 * h.reset();
 * h.update([[1, 2]]);
 * h.update([0]);
 * h.save();
 * ```
 */
export class ApiResourceHash {
  /** The workspace folder. */
  readonly workspaceDir: string;
  /** The api-resource's name. */
  readonly name: string;
  #states: Hash[] = [];

  /** A record with no state yet (call {@link reset} first). */
  constructor(workspaceDir: string, name: string) {
    this.workspaceDir = workspaceDir;
    this.name = name;
  }

  /** Whether {@link reset} has made a state. */
  get hasState(): boolean {
    return this.#states.length > 0;
  }

  /** Drop any state and start a fresh hash (training starts). */
  reset(): void {
    this.#states = [createHash("sha1")];
  }

  /** Push a copy of the current state (evaluation starts). */
  dup(): void {
    this.#states.push(this.#top().copy());
  }

  /** Drop the top state (evaluation done). */
  pop(): void {
    this.#top();
    this.#states.pop();
  }

  /** Hash `data` into the current state (see {@link hashData}). */
  update(data: unknown): void {
    hashData(this.#top(), data);
  }

  /** The current state's hex digest. */
  hexDigest(): string {
    return this.#top().copy().digest("hex");
  }

  /**
   * Write the current digest to the resource's `hashval.txt`; `comment`
   * goes to `comment.txt` (removed when there is none). Returns the digest.
   */
  save(comment?: string): string {
    const digest = this.hexDigest();
    writeApiResourceHash(this.workspaceDir, this.name, digest, comment);
    return digest;
  }

  #top(): Hash {
    const top = this.#states[this.#states.length - 1];
    if (!top) throw new ApiParamError(`No hash state for api-resource '${this.name}': reset() must come first`);
    return top;
  }
}
