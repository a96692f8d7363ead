/**
 * What the model kits share (spec §9.1): the state of a wrapped model (its
 * workspace, results resource, input resources, parameters and results
 * step), hashing of in-memory data for api-resources, and conversions of
 * the array shapes JavaScript ML libraries use.
 *
 * The ml.js kit ({@link ./predictor.ts}) uses it, and so can any other kit
 * (e.g. one for tfjs): open a {@link ModelState}, call
 * {@link ModelState.recordInput} when data is consumed, and
 * {@link ModelState.writeMetricsAndComplete} when it is evaluated.
 *
 * @example
 * ```ts
 * import { ModelState } from "./wrapper_utils.ts";
 * const state = await ModelState.open({ inputResource: "source-data", workspaceDir: "/ws" });
 * const api = state.recordInput();
 * api?.reset();
 * api?.update([[1, 2], [3, 4]]);
 * api?.save();
 * await state.writeMetricsAndComplete({ accuracy: 0.9 });
 * ```
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import { type ContextOptions, createContext } from "../core/base/context.ts";
import { ApiParamError, ConfigurationError, InternalError, LineageError } from "../core/base/errors.ts";
import { commitChanges, gitDirOf } from "../core/git/git.ts";
import { LineageBuilder, refForPath, type ResourceRef, ResultsLineage } from "../core/lineage/builder.ts";
import { formatRef, sameRef } from "../core/models/lineage.ts";
import type { JsonObject, JsonValue } from "../core/base/python_repr.ts";
import type { Resource } from "../core/workspace/resource.ts";
import { resolveWorkspaceDir, Workspace } from "../core/workspace/workspace.ts";
// Registers the resource types (needed to open a workspace) and gives the api-resource hash file.
import { apiScratchDir, writeApiResourceHash } from "../resources/api_resource.ts";
import "../resources/mod.ts";
import { frameColumns } from "./frames.ts";
import { isoTimestamp } from "../core/models/snapshot_metadata.ts";

export type { ResourceRef };

// ---------------------------------------------------------------------------------------------
// Array shapes

/**
 * An ml-matrix `Matrix` (or anything shaped like one): matched by its
 * `rows`, `columns` and `getRow` members, so ml-matrix is never imported.
 */
export interface MatrixLike {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly columns: number;
  /** Row `i` as numbers. */
  getRow(i: number): number[];
}

/** A value usable as a class label or regression target. */
export type Label = number | string;

/** Labels or targets: an array, a typed array, or a one-column matrix. */
export type LabelsLike = ArrayLike<Label> | MatrixLike;

/** Whether `x` looks like an ml-matrix `Matrix`. */
export function isMatrixLike(x: unknown): x is MatrixLike {
  if (typeof x !== "object" || x === null) return false;
  const m = x as Record<string, unknown>;
  return typeof m.rows === "number" && typeof m.columns === "number" && typeof m.getRow === "function";
}

function isTypedArray(x: unknown): x is ArrayBufferView & ArrayLike<number | bigint> {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/**
 * Number of samples (rows) of features or targets.
 *
 * @example
 * ```ts
 * numSamples([[1, 2], [3, 4]]); // 2
 * ```
 */
export function numSamples(x: unknown): number {
  if (isMatrixLike(x)) return x.rows;
  if (Array.isArray(x) || isTypedArray(x)) return x.length;
  throw new ApiParamError(`Expected an array, a typed array or a matrix of samples, got ${typeName(x)}`);
}

/**
 * Labels or targets as a plain array: typed arrays are copied, a one-column
 * matrix or an array of one-element rows is flattened.
 *
 * @example
 * ```ts
 * toVector([[1], [0], [1]]); // [1, 0, 1]
 * ```
 */
export function toVector(y: unknown): Label[] {
  if (isMatrixLike(y)) {
    if (y.columns !== 1) {
      throw new ApiParamError(`Expected one column of labels or targets, got a matrix with ${y.columns} columns`);
    }
    const out: number[] = new Array(y.rows);
    for (let i = 0; i < y.rows; i++) out[i] = y.getRow(i)[0];
    return out;
  }
  if (isTypedArray(y)) return Array.from(y as ArrayLike<number | bigint>, (v) => Number(v));
  if (Array.isArray(y)) {
    return y.map((v, i) => {
      if (typeof v === "number" || typeof v === "string") return v;
      if (typeof v === "bigint" || typeof v === "boolean") return Number(v);
      if ((Array.isArray(v) || isTypedArray(v)) && v.length === 1) return toVector(v)[0];
      throw new ApiParamError(`Label ${i} is ${typeName(v)}; expected a number or a string`);
    });
  }
  throw new ApiParamError(`Expected an array of labels or targets, got ${typeName(y)}`);
}

/**
 * Features as rows of numbers (`number[][]`), from nested arrays, typed
 * array rows or a matrix.
 *
 * @example
 * ```ts
 * toRows([new Float64Array([1, 2])]); // [[1, 2]]
 * ```
 */
export function toRows(X: unknown): number[][] {
  if (isMatrixLike(X)) {
    const out: number[][] = new Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = X.getRow(i);
    return out;
  }
  if (Array.isArray(X)) {
    return X.map((row, i) => {
      if (Array.isArray(row)) return row as number[];
      if (isTypedArray(row)) return Array.from(row as ArrayLike<number | bigint>, (v) => Number(v));
      if (typeof row === "number") return [row];
      throw new ApiParamError(`Row ${i} is ${typeName(row)}; expected an array of numbers`);
    });
  }
  throw new ApiParamError(`Expected rows of features (an array or a matrix), got ${typeName(X)}`);
}

/** A short name of a value's type for error messages. */
export function typeName(x: unknown): string {
  if (x === null) return "null";
  if (typeof x !== "object" && typeof x !== "function") return typeof x;
  const name = (x as { constructor?: { name?: string } }).constructor?.name;
  return name || "object";
}

// ---------------------------------------------------------------------------------------------
// Hashing

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
    writeApiResourceHash(this.workspaceDir, this.name, digest);
    const commentFile = join(this.workspaceDir, apiScratchDir(this.name), "comment.txt");
    if (comment !== undefined) writeFileSync(commentFile, comment + "\n");
    else if (existsSync(commentFile)) rmSync(commentFile);
    return digest;
  }

  #top(): Hash {
    const top = this.#states[this.#states.length - 1];
    if (!top) throw new ApiParamError(`No hash state for api-resource '${this.name}': reset() must come first`);
    return top;
  }
}

// ---------------------------------------------------------------------------------------------
// Metrics as JSON

/**
 * Metrics made JSON-ready as the original's `_metric_obj_to_json`: bigints
 * and typed arrays become numbers, dates isoformat strings, maps objects;
 * `undefined` entries are dropped.
 *
 * @example
 * ```ts
 * metricsToJson({ n: 3n, when: new Date(0) });
 * ```
 */
export function metricsToJson(v: unknown): JsonValue {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return isoTimestamp(v);
  if (isTypedArray(v)) return Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
  if (Array.isArray(v)) return v.map((x) => metricsToJson(x ?? null));
  if (v instanceof Map) {
    const o: JsonObject = {};
    for (const [k, x] of v) if (x !== undefined) o[String(k)] = metricsToJson(x);
    return o;
  }
  if (typeof v === "object") {
    const o: JsonObject = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) o[k] = metricsToJson(x);
    return o;
  }
  throw new ApiParamError(`A metric of type ${typeName(v)} cannot be written to results.json`);
}

// ---------------------------------------------------------------------------------------------
// Resources and the model's lineage

/** How a resource is named: its name, a local path inside it, or a ref. */
export type ResourceSpec = string | ResourceRef;

/**
 * The resource `spec` names, or (when `spec` is undefined) the only resource
 * with `role` (spec §9.1 `_find_resource`).
 */
function findResource(ws: Workspace, role: string, spec?: ResourceSpec): ResourceRef {
  if (typeof spec === "string") {
    if (!spec.startsWith("./") && !spec.startsWith("/") && ws.findResource(spec)) return { name: spec, subpath: null };
    if (existsSync(spec)) return refForPath(ws, resolve(spec));
    const known = ws.resources.map((r) => `${r.name} (role ${r.role})`).join(", ") || "none";
    throw new LineageError(
      `Could not find a resource for '${spec}' with role '${role}' in your workspace; ` +
        `add one with 'dws add' or correct the name (resources: ${known})`,
    );
  }
  if (spec) {
    const r = ws.getResource(spec.name);
    const subpath = spec.subpath ? spec.subpath.replace(/^\/+/, "") : null;
    if (subpath && r.localPath && !existsSync(join(r.localPath, subpath))) {
      throw new ConfigurationError(`${formatRef({ name: r.name, subpath })} does not exist in ${r.localPath}`);
    }
    return { name: r.name, subpath };
  }
  const matching = ws.resources.filter((r) => r.role === role);
  if (matching.length > 1) {
    throw new LineageError(
      `There is more than one resource for role ${role} in your workspace (${
        matching.map((r) => r.name).join(", ")
      }); name the one to use`,
    );
  }
  if (matching.length === 0) {
    throw new LineageError(`Could not find a ${role} resource in your workspace; add one with 'dws add'`);
  }
  return { name: matching[0].name, subpath: null };
}

/**
 * The step name of the running script: its file name without the
 * extension (`train.ts` → `train`).
 */
export function inferStepName(): string {
  const script = process.argv[1];
  if (!script) throw new ConfigurationError("Unable to infer a step name from the command line; pass stepName");
  const b = basename(script);
  const ext = extname(b);
  return ext ? b.slice(0, -ext.length) : b;
}

/** Options of {@link ModelState.open}. */
export interface ModelStateOptions {
  /** The input data's resource (name, local path or ref); default: the only source-data resource. */
  inputResource?: ResourceSpec;
  /** Where results go (name, local path or ref); default: the only results resource. */
  resultsResource?: ResourceSpec;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** Print what the kit does (`dws>` lines). */
  verbose?: boolean;
  /** The step's name; default: the script's name. */
  stepName?: string;
  /** `run_description` of results.json. */
  runDescription?: string;
  /** Where messages go (default: the console). */
  context?: ContextOptions;
}

/**
 * The lineage state of a wrapped model (the original's `_DwsModelState`):
 * the results resource, the inputs recorded as data is used, the
 * parameters, and the results step, written by
 * {@link ModelState.writeMetricsAndComplete}. The step starts when the state
 * is opened (or reset) and has no code.
 */
export class ModelState {
  readonly #ws: Workspace;
  /** Where results.json and saved models go. */
  readonly resultsRef: ResourceRef;
  /** The step's name. */
  readonly stepName: string;
  readonly #options: ModelStateOptions;
  #inputs: ResourceRef[] = [];
  #params: JsonObject = {};
  #started = new Date();
  #api = new Map<string, ApiResourceHash>();

  private constructor(ws: Workspace, resultsRef: ResourceRef, stepName: string, options: ModelStateOptions) {
    this.#ws = ws;
    this.resultsRef = resultsRef;
    this.stepName = stepName;
    this.#options = options;
  }

  /**
   * Open the workspace and find the results resource; the step starts now.
   *
   * @example
   * ```ts
   * const state = await ModelState.open({ workspaceDir: "/ws" });
   * ```
   */
  static async open(options: ModelStateOptions = {}): Promise<ModelState> {
    const started = new Date();
    const ctx = createContext({ verbose: options.verbose, ...options.context });
    const ws = await Workspace.open(resolveWorkspaceDir(options.workspaceDir), ctx);
    const resultsRef = findResource(ws, "results", options.resultsResource);
    const r = ws.getResource(resultsRef.name);
    if (r.role !== "results") {
      throw new ConfigurationError(`Resource '${r.name}' has role ${r.role}, not results`);
    }
    if (!r.localPath) throw new ConfigurationError(`Results resource '${r.name}' has no local folder`);
    const state = new ModelState(ws, resultsRef, options.stepName ?? inferStepName(), options);
    state.#started = started;
    return state;
  }

  /** The workspace's folder. */
  get workspaceDir(): string {
    return this.#ws.dir;
  }

  /** The workspace's scratch folder (checkpoints are written there). */
  get scratchDir(): string {
    return this.#ws.scratchDir();
  }

  /** The folder results.json and saved models are written to. */
  get resultsDir(): string {
    const r = this.#ws.getResource(this.resultsRef.name);
    return this.resultsRef.subpath ? join(r.localPath!, this.resultsRef.subpath) : r.localPath!;
  }

  /** The inputs recorded so far. */
  get inputs(): readonly ResourceRef[] {
    return this.#inputs;
  }

  /** The parameters recorded so far. */
  get parameters(): JsonObject {
    return { ...this.#params };
  }

  /**
   * Record the input resource of `data` (its `resource` member, else the
   * configured or only source-data resource). For an api-resource, returns
   * its hash record, which the caller feeds with the data.
   */
  recordInput(data?: unknown): ApiResourceHash | undefined {
    const own = data && typeof data === "object" ? (data as { resource?: unknown }).resource : undefined;
    const ref = isRef(own) ? findResource(this.#ws, "source-data", own) : this.defaultInputRef();
    if (!this.#inputs.some((i) => sameRef(i, ref))) this.#inputs.push(ref);
    const r = this.#ws.getResource(ref.name);
    if (r.type.name !== "api-resource") return undefined;
    let h = this.#api.get(r.name);
    if (!h) this.#api.set(r.name, h = new ApiResourceHash(this.#ws.dir, r.name));
    return h;
  }

  /** The input resource used when data does not name one. */
  defaultInputRef(): ResourceRef {
    return findResource(this.#ws, "source-data", this.#options.inputResource);
  }

  /** Record a parameter of the step. */
  addParam(name: string, value: JsonValue): void {
    this.#params[name] = value;
  }

  /** Start a new step (e.g. scoring a saved model again): new start time, no inputs or parameters. */
  resetLineage(): void {
    this.#started = new Date();
    this.#inputs = [];
    this.#params = {};
  }

  /** Print a `dws>` line when verbose. */
  debug(message: string): void {
    if (this.#options.verbose) this.#ws.ctx.output.info(`dws> ${message}`);
  }

  /**
   * Write `relPath` (relative to the results folder) with `data`; in a
   * standalone git results resource it is committed ("Added <path>").
   * Returns the absolute path.
   */
  async saveResultsFile(relPath: string, data: string | Uint8Array): Promise<string> {
    if (isAbsolute(relPath)) throw new ApiParamError(`The file name '${relPath}' must be relative to the results`);
    const file = join(this.resultsDir, relPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, data);
    const ref = refForPath(this.#ws, file);
    const r: Resource = this.#ws.getResource(ref.name);
    if (r.type.name === "git" && r.localPath && gitDirOf(r.localPath)) {
      await commitChanges(this.#ws.ctx, r.localPath, `Added ${ref.subpath}`);
    }
    return file;
  }

  /**
   * Write results.json (1.6 format) with `metrics` and store the step's
   * lineage: inputs, parameters, the results folder as output. Returns the
   * path of results.json.
   */
  async writeMetricsAndComplete(metrics: Record<string, unknown>): Promise<string> {
    const json = metricsToJson(metrics) as JsonObject;
    this.debug(`Metrics: ${JSON.stringify(json)}`);
    const builder = new LineageBuilder()
      .withStepName(this.stepName)
      .withStartTime(this.#started)
      .withParameters(this.#params)
      .withWorkspaceDirectory(this.#ws.dir)
      .withContext({ verbose: this.#options.verbose, ...this.#options.context })
      .asResultsStep(this.resultsDir, this.#options.runDescription);
    if (this.#inputs.length === 0) builder.withNoInputs();
    for (const ref of this.#inputs) builder.withInputRef(ref);
    const lineage = await builder.eval();
    if (!(lineage instanceof ResultsLineage)) throw new InternalError("A results step did not make a ResultsLineage");
    let file: string;
    try {
      file = await lineage.writeResults(json);
    } catch (e) {
      await lineage.abort();
      throw e;
    }
    await lineage.complete();
    return file;
  }
}

function isRef(x: unknown): x is ResourceRef {
  return typeof x === "object" && x !== null && typeof (x as ResourceRef).name === "string" &&
    "subpath" in (x as object);
}
