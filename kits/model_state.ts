/**
 * The state of a wrapped model (spec §9.1): its workspace, results
 * resource, input resources, parameters and results step. The ml.js kit
 * ({@link ./predictor.ts}) and the tfjs kit use it, and so can any other
 * kit: open a {@link ModelState}, call {@link ModelState.recordInput} when
 * data is consumed, and {@link ModelState.writeMetricsAndComplete} when it
 * is evaluated.
 *
 * @example
 * ```ts
 * import { ModelState } from "./model_state.ts";
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
import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import { type ContextOptions, createContext } from "../core/base/context.ts";
import { ApiParamError, ConfigurationError, InternalError, LineageError } from "../core/base/errors.ts";
import {
  codeRefFor,
  LineageBuilder,
  refForPath,
  type ResourceRef,
  ResultsLineage,
  scriptCommandLine,
} from "../core/lineage/builder.ts";
import { formatRef, sameRef } from "../core/models/lineage.ts";
import type { JsonObject, JsonValue } from "../core/base/json_value.ts";
import { resolveWorkspaceDir, Workspace } from "../core/workspace/workspace.ts";
// Registers the resource types (needed to open a workspace) and gives the api-resource hash file.
import "../resources/mod.ts";
import { isoTimestamp } from "../core/models/snapshot_metadata.ts";
import { ApiResourceHash } from "./data_hash.ts";
import { isTypedArray, typeName } from "./arrays.ts";

export type { ResourceRef };
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
 * is opened (or reset); it records the command line that ran it and, when
 * that script lies in a code resource, the script as its code.
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
    if (!r.recordDataHash) return undefined;
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
    await this.#ws.getResource(ref.name).commitFile?.(ref.subpath!, `Added ${ref.subpath}`);
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
      .withCommandLine(scriptCommandLine())
      .asResultsStep(this.resultsDir, this.#options.runDescription);
    // The script that ran is the step's code (so `dws reproduce` can tell when it changed).
    const script = process.argv[1];
    if (script && codeRefFor(this.#ws, resolve(script))) builder.withCodePath(script);
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
