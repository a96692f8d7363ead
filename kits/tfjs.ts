/**
 * Lineage for TensorFlow.js models (the counterpart of the original's
 * Keras kit, spec §9.3). One line adds it: wrap the model class
 * ({@link addLineageToModelClass}, also a class decorator) or a model made
 * by a factory such as `tf.sequential()` ({@link wrapModel}). Then:
 *
 * - `compile` records the parameters `optimizer` and `loss_function`
 *   (a string, or the optimizer's or loss function's name);
 * - the results step records the architecture: `model.layers` (e.g.
 *   `Dense(16, relu) > Dense(10, softmax)`) and `model.param_count`;
 * - `fit` records `fit.epochs` (default 1) and `fit.batch_size` (default
 *   null); `fitDataset` records `fitDataset.epochs` and
 *   `fitDataset.batches_per_epoch`; both record the input resource and,
 *   for an api-resource, hash the training data (a dataset as it is
 *   consumed) and save the hash;
 * - `evaluate` records `evaluate.batch_size` (`evaluateDataset`:
 *   `evaluateDataset.batches`), hashes the test data on top of the
 *   training hash (so the recorded hash covers both), writes results.json
 *   with every metric the model reports (`loss`, `acc`, ...) and completes
 *   the step's lineage;
 * - with a {@link CheckpointConfig}, checkpoints are written during
 *   training and the best or latest is copied to the results resource.
 *
 * The kit never imports TensorFlow.js: it works with whatever `tf` you use
 * (`@tensorflow/tfjs` with any backend, or tfjs-node) and never changes the
 * backend. `evaluate()` returns what tfjs returns, right away; writing
 * results.json is asynchronous, so the returned value is also awaitable:
 * `await model.evaluate(x, y)` gives the same tensors once results.json and
 * the lineage are written.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { CheckpointConfig, wrapModel } from "dws/kits/tfjs";
 *
 * const model = wrapModel(tf.sequential({ layers: [
 *   tf.layers.dense({ units: 128, activation: "relu", inputShape: [64] }),
 *   tf.layers.dense({ units: 10, activation: "softmax" }),
 * ] }), { checkpointConfig: new CheckpointConfig({ modelName: "digits", monitor: "val_acc", saveBestOnly: true }) });
 * model.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
 * await model.fit(xTrain, yTrain, { epochs: 5, validationSplit: 0.1 });
 * const [loss, acc] = await model.evaluate(xTest, yTest) as tf.Scalar[]; // results.json: { loss, acc }
 * ```
 *
 * @module
 */
import process from "node:process";
import { type ContextOptions, createContext } from "../core/base/context.ts";
import { ApiParamError } from "../core/base/errors.ts";
import type { Output } from "../core/base/output.ts";
import type { JsonObject, JsonValue } from "../core/base/json_value.ts";
import { hashAsConsumed } from "./stream_hash.ts";
import { CheckpointConfig, type CheckpointConfigOptions, DwsModelCheckpoint } from "./tfjs_checkpoint.ts";
import type { ModelFileIO } from "./tfjs_io.ts";
import { typeName } from "./arrays.ts";
import { hashData, type HashSink } from "./data_hash.ts";
import { ModelState, type ResourceSpec } from "./model_state.ts";

export {
  CheckpointConfig,
  type CheckpointConfigOptions,
  DwsModelCheckpoint,
  latestCheckpoint,
} from "./tfjs_checkpoint.ts";
export { modelFileIO } from "./tfjs_io.ts";

/** Options of {@link addLineageToModelClass} and {@link wrapModel}. */
export interface TfjsLineageOptions {
  /** The input data's resource (name, local path or ref); default: the only source-data resource. */
  inputResource?: ResourceSpec;
  /** Where results go (name, local path or ref); default: the only results resource. */
  resultsResource?: ResourceSpec;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** Checkpoint the model while it trains (see {@link CheckpointConfig}). */
  checkpointConfig?: CheckpointConfig | CheckpointConfigOptions;
  /** Print what the kit does (`dws>` lines). */
  verbose?: boolean;
  /** The step's name; default: the script's file name. */
  stepName?: string;
  /** `run_description` of results.json. */
  runDescription?: string;
  /** Where messages go (default: the console). */
  context?: ContextOptions;
}

/** `compile()` arguments the kit reads. */
export interface CompileArgsLike {
  /** An optimizer name or object. */
  optimizer?: unknown;
  /** A loss name or function, or one per output. */
  loss?: unknown;
}

/** `fit()` arguments the kit reads. */
export interface FitArgsLike {
  /** Number of epochs (tfjs default 1). */
  epochs?: number;
  /** Batch size (tfjs default 32). */
  batchSize?: number;
  /** Training callbacks. */
  callbacks?: unknown;
}

/** `fitDataset()` arguments the kit reads. */
export interface FitDatasetArgsLike {
  /** Number of epochs. */
  epochs?: number;
  /** Batches per epoch (default: the whole dataset). */
  batchesPerEpoch?: number;
  /** Training callbacks. */
  callbacks?: unknown;
}

/** `evaluate()` arguments the kit reads. */
export interface EvaluateArgsLike {
  /** Batch size. */
  batchSize?: number;
}

/** `evaluateDataset()` arguments the kit reads. */
export interface EvaluateDatasetArgsLike {
  /** Number of batches to draw (default: the whole dataset). */
  batches?: number;
}

/**
 * The members of a tfjs `LayersModel` (or `Sequential`) that the kit wraps
 * or reads. Any tfjs model has them; the kit never imports tfjs types.
 */
export interface TfModel {
  /** Configure training. */
  compile(args: CompileArgsLike): void;
  /** Train on tensors. */
  fit(x: unknown, y: unknown, args?: FitArgsLike): Promise<unknown>;
  /** Train on a dataset. */
  fitDataset(dataset: unknown, args: FitDatasetArgsLike): Promise<unknown>;
  /** Loss and metrics on test tensors (synchronous). */
  evaluate(x: unknown, y: unknown, args?: EvaluateArgsLike): unknown;
  /** Loss and metrics on a test dataset. */
  evaluateDataset(dataset: unknown, args?: EvaluateDatasetArgsLike): Promise<unknown>;
  /** Save through an IO handler. */
  save(handler: ModelFileIO): Promise<unknown>;
  /** Names of what `evaluate` returns, in order (`loss`, then the metrics). */
  readonly metricsNames: string[];
}

/** Marks a wrapped class (inherited by its subclasses). */
const WRAPPED = Symbol.for("dws.kits.tfjs.wrapped");
const lineages = new WeakMap<object, TfModelLineage>();

function scalarValue(s: unknown): number {
  const t = s as { dataSync?: () => ArrayLike<number | bigint> };
  if (typeof s === "number") return s;
  if (typeof t?.dataSync !== "function") throw new ApiParamError(`evaluate() returned ${typeName(s)}, not a scalar`);
  return Number(t.dataSync()[0]);
}

function nameOf(x: unknown): JsonValue {
  if (typeof x === "string") return x;
  // tfjs names its op functions `<name>__op`.
  if (typeof x === "function") return x.name.replace(/__op$/, "") || "custom";
  if (Array.isArray(x)) return x.map(nameOf);
  if (typeof x === "object" && x !== null) {
    const o = x as { getClassName?: () => string };
    if (typeof o.getClassName === "function") return o.getClassName();
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return typeName(x);
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, nameOf(v)]));
  }
  return null;
}

/** The config members that say a layer's size, in the order looked for. */
const SIZE_KEYS = ["units", "filters", "rate", "poolSize", "targetShape", "outputDim"] as const;

interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
}

/** `Dense(16, relu)`, `Conv2D(4, relu)`, `Dropout(0.2)`, `Flatten`: a layer's kind, size and activation. */
function layerText(layer: LayerLike): string {
  const config = layer.getConfig();
  const key = SIZE_KEYS.find((k) => config[k] !== undefined && config[k] !== null);
  const size = key ? [JSON.stringify(config[key]).replace(/"/g, "")] : [];
  const act = typeof config.activation === "string" && config.activation !== "linear" ? [config.activation] : [];
  const args = [...size, ...act];
  return args.length ? `${layer.getClassName()}(${args.join(", ")})` : layer.getClassName();
}

/**
 * The model's architecture as step parameters: `model.layers` (each
 * layer's kind, size and activation, in order) and `model.param_count`, so
 * a changed layer shows in the history without `addParam`.
 *
 * @example
 * ```ts
 * architectureParams(tf.sequential({ layers })); // { "model.layers": "Dense(16, relu) > Dense(10, softmax)", "model.param_count": 1210 }
 * ```
 */
export function architectureParams(model: unknown): JsonObject {
  const m = model as { layers?: unknown; countParams?: () => number };
  if (!Array.isArray(m.layers) || !m.layers.every((l) => typeof l?.getConfig === "function")) return {};
  return {
    "model.layers": (m.layers as LayerLike[]).map(layerText).join(" > "),
    "model.param_count": typeof m.countParams === "function" ? m.countParams() : null,
  };
}

/** Bytes that hashData fed, kept to be hashed later (when the workspace was not open yet). */
class Recording implements HashSink {
  readonly chunks: (Uint8Array | string)[] = [];
  update(data: Uint8Array | string): void {
    this.chunks.push(typeof data === "string" ? data : data.slice());
  }
}

/**
 * The lineage of one wrapped model: its parameters, its {@link ModelState}
 * (opened when the model is made: the step starts then), its checkpoint
 * callback, and the results writes that `evaluate()` started.
 *
 * @example
 * ```ts
 * const lineage = modelLineage(wrapModel(tf.sequential({ layers })))!;
 * lineage.parameters; // { optimizer: "adam", ... } once compiled
 * ```
 */
export interface ModelLineage {
  /** The options the model was wrapped with. */
  readonly options: TfjsLineageOptions;
  /** The checkpoint callback added to training, if configured. */
  readonly checkpoint?: DwsModelCheckpoint;
  /** The parameters recorded so far. */
  readonly parameters: JsonObject;
  /** The model's lineage state (the workspace, results resource, inputs). */
  state(): Promise<ModelState>;
  /** Resolves when every results write started by `evaluate()` is done (rejects if one failed). */
  settled(): Promise<void>;
}

/** The lineage of one wrapped model, and the wrapped methods' work. */
class TfModelLineage implements ModelLineage {
  /** The options the model was wrapped with. */
  readonly options: TfjsLineageOptions;
  /** The checkpoint callback added to training, if configured. */
  readonly checkpoint?: DwsModelCheckpoint;
  readonly #model: TfModel;
  readonly #out: Output;
  readonly #state: Promise<ModelState>;
  #stateValue?: ModelState;
  #params: JsonObject = {};
  #completed = false;
  #queue: Promise<unknown> = Promise.resolve();

  /** Use {@link wrapModel} or {@link addLineageToModelClass}. */
  constructor(model: TfModel, options: TfjsLineageOptions) {
    this.#model = model;
    this.options = options;
    this.#out = createContext({ verbose: options.verbose, ...options.context }).output;
    this.#state = ModelState.open({
      inputResource: options.inputResource,
      resultsResource: options.resultsResource,
      workspaceDir: options.workspaceDir,
      verbose: options.verbose,
      stepName: options.stepName,
      runDescription: options.runDescription,
      context: options.context,
    });
    // Errors surface when the state is used (fit, evaluate), not as unhandled rejections.
    this.#state.then((s) => (this.#stateValue = s), () => {});
    if (options.checkpointConfig) {
      const config = options.checkpointConfig instanceof CheckpointConfig
        ? options.checkpointConfig
        : new CheckpointConfig(options.checkpointConfig);
      this.checkpoint = DwsModelCheckpoint.fromConfig(config, {
        resultsResource: options.resultsResource,
        workspaceDir: options.workspaceDir,
        verbose: options.verbose,
        context: options.context,
      }).attach(model, this.#state);
    }
  }

  /** The parameters recorded so far. */
  get parameters(): JsonObject {
    return { ...this.#params };
  }

  /** The model's lineage state (the workspace, results resource, inputs). */
  state(): Promise<ModelState> {
    return this.#state;
  }

  /** Resolves when every results write started by `evaluate()` is done (rejects if one failed). */
  async settled(): Promise<void> {
    await this.#queue;
  }

  #param(name: string, value: JsonValue): void {
    this.#params[name] = value;
  }

  /** A new step after a completed one: new start time; the inputs recorded so far are kept. */
  #begin(state: ModelState): void {
    if (!this.#completed) return;
    const inputs = [...state.inputs];
    state.resetLineage();
    for (const ref of inputs) state.recordInput({ resource: ref });
    this.#completed = false;
  }

  #enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(fn);
    this.#queue = p.catch(() => {});
    return p;
  }

  async #complete(state: ModelState, metrics: Record<string, number>): Promise<void> {
    for (const [k, v] of Object.entries({ ...this.#params, ...architectureParams(this.#model) })) state.addParam(k, v);
    await state.writeMetricsAndComplete(metrics);
    this.#completed = true;
  }

  #metrics(values: number[]): Record<string, number> {
    const names = this.#model.metricsNames ?? [];
    const out: Record<string, number> = {};
    values.forEach((v, i) => (out[names[i] ?? (i === 0 ? "loss" : `metric_${i}`)] = v));
    return out;
  }

  #withCheckpoint<A extends { callbacks?: unknown }>(args: A | undefined): A | undefined {
    if (!this.checkpoint) return args;
    const given = args?.callbacks;
    const list = given == null ? [] : Array.isArray(given) ? [...given] : [given];
    const first = list[0] as { setModel?: unknown; setParams?: unknown } | undefined;
    // tfjs takes a list of BaseCallback objects as it is, or makes each entry a CustomCallback from its hooks.
    const isBase = typeof first?.setModel === "function" && typeof first?.setParams === "function";
    list.push(isBase ? this.checkpoint : this.checkpoint.callbackArgs());
    return { ...(args ?? {}), callbacks: list } as A;
  }

  /** Wrapped `compile`: records `optimizer` and `loss_function`. */
  compile(args: CompileArgsLike | undefined): void {
    if (args?.optimizer !== undefined) this.#param("optimizer", nameOf(args.optimizer));
    if (args?.loss !== undefined) this.#param("loss_function", nameOf(args.loss));
  }

  /** Wrapped `fit`: parameters, input resource, api-resource hash of x then y; checkpoints. */
  async fit<R>(
    fit: (x: unknown, y: unknown, args?: FitArgsLike) => Promise<R>,
    x: unknown,
    y: unknown,
    args?: FitArgsLike,
  ): Promise<R> {
    this.#param("fit.epochs", args?.epochs ?? 1);
    this.#param("fit.batch_size", args?.batchSize ?? null);
    await this.#queue;
    const state = await this.#state;
    this.#begin(state);
    const api = state.recordInput(x);
    if (api) {
      api.reset();
      api.update(x);
      if (y != null) api.update(y);
      api.save();
    }
    return await fit(x, y, this.#withCheckpoint(args));
  }

  /** Wrapped `fitDataset`: parameters, input resource, the dataset hashed as it is consumed; checkpoints. */
  async fitDataset<R>(
    fitDataset: (dataset: unknown, args: FitDatasetArgsLike) => Promise<R>,
    dataset: unknown,
    args: FitDatasetArgsLike,
  ): Promise<R> {
    this.#param("fitDataset.epochs", args?.epochs ?? null);
    this.#param("fitDataset.batches_per_epoch", args?.batchesPerEpoch ?? null);
    await this.#queue;
    const state = await this.#state;
    this.#begin(state);
    const api = state.recordInput(dataset);
    if (api) api.reset();
    const result = await fitDataset(api ? hashAsConsumed(dataset, api) : dataset, this.#withCheckpoint(args)!);
    if (api) api.save();
    return result;
  }

  /**
   * Wrapped `evaluate` (synchronous, as tfjs'): hashes the test data on top
   * of the training hash, evaluates, and starts writing results.json; the
   * result is returned at once and is awaitable until the write is done.
   */
  evaluate<R>(
    evaluate: (x: unknown, y: unknown, args?: EvaluateArgsLike) => R,
    x: unknown,
    y: unknown,
    args?: EvaluateArgsLike,
  ): R {
    this.#param("evaluate.batch_size", args?.batchSize ?? null);
    const ready = this.#stateValue;
    let recording: Recording | undefined;
    if (ready) {
      this.#hashTestData(ready, x, (api) => {
        api.update(x);
        if (y != null) api.update(y);
      });
    } else {
      recording = new Recording();
      hashData(recording, x);
      if (y != null) hashData(recording, y);
    }
    const result = evaluate(x, y, args);
    const values = (Array.isArray(result) ? result : [result]).map(scalarValue);
    const metrics = this.#metrics(values);
    const pending = this.#enqueue(async () => {
      const state = await this.#state;
      if (recording) this.#hashTestData(state, x, (api) => recording.chunks.forEach((c) => api.update(c)));
      await this.#complete(state, metrics);
    });
    return this.#awaitable(result, pending);
  }

  #hashTestData(state: ModelState, x: unknown, feed: (api: { update(d: unknown): void }) => void): void {
    this.#begin(state);
    const api = state.recordInput(x);
    if (!api) return;
    if (!api.hasState) api.reset();
    api.dup();
    try {
      feed(api);
      api.save();
    } finally {
      api.pop();
    }
  }

  /** Wrapped `evaluateDataset`: like {@link evaluate}, with the dataset hashed as it is consumed. */
  async evaluateDataset<R>(
    evaluateDataset: (dataset: unknown, args?: EvaluateDatasetArgsLike) => Promise<R>,
    dataset: unknown,
    args?: EvaluateDatasetArgsLike,
  ): Promise<R> {
    this.#param("evaluateDataset.batches", args?.batches ?? null);
    await this.#queue;
    const state = await this.#state;
    this.#begin(state);
    const api = state.recordInput(dataset);
    let result: R;
    if (api) {
      if (!api.hasState) api.reset();
      api.dup();
      try {
        result = await evaluateDataset(hashAsConsumed(dataset, api), args);
        api.save();
      } finally {
        api.pop();
      }
    } else {
      result = await evaluateDataset(dataset, args);
    }
    const values = (Array.isArray(result) ? result : [result]).map(scalarValue);
    await this.#enqueue(() => this.#complete(state, this.#metrics(values)));
    return result;
  }

  /** `result`, made awaitable until `pending` is done (then it resolves to `result` itself). */
  #awaitable<R>(result: R, pending: Promise<void>): R {
    let awaited = false;
    pending.catch((e) => {
      if (awaited) return;
      this.#out.warn(`dws> ERROR: results.json was not written: ${(e as Error)?.message ?? e}`);
      process.exitCode = 1;
    });
    if (typeof result !== "object" || result === null) return result;
    Object.defineProperty(result, "then", {
      configurable: true,
      enumerable: false,
      writable: true,
      value(onFulfilled?: (v: R) => unknown, onRejected?: (e: unknown) => unknown) {
        awaited = true;
        return pending.then(() => {
          delete (result as { then?: unknown }).then;
          return result;
        }).then(onFulfilled, onRejected);
      },
    });
    return result;
  }
}

/**
 * The lineage of a wrapped model, or undefined for a model that is not
 * wrapped.
 *
 * @example
 * ```ts
 * model.evaluate(xTest, yTest);
 * await modelLineage(model)?.settled(); // results.json is written
 * ```
 */
export function modelLineage(model: object): ModelLineage | undefined {
  return lineages.get(model);
}

function lineageFor(model: TfModel): TfModelLineage {
  const l = lineages.get(model);
  if (!l) throw new ApiParamError("The model has no dws lineage: it was not made by a wrapped class");
  return l;
}

function checkModel(model: unknown): asserts model is TfModel {
  const m = model as Partial<TfModel> | null;
  for (const name of ["compile", "fit", "evaluate"] as const) {
    if (typeof m?.[name] !== "function") {
      throw new ApiParamError(
        `Expected a tfjs model (LayersModel or Sequential), got ${typeName(model)} without ${name}()`,
      );
    }
  }
}

function isDecoratorContext(x: unknown): x is ClassDecoratorContext {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "class" && "addInitializer" in x;
}

/**
 * Add lineage to a tfjs model made by a factory (`tf.sequential()`,
 * `tf.model()`, `tf.loadLayersModel()`): its `compile`, `fit`,
 * `fitDataset`, `evaluate` and `evaluateDataset` are wrapped in place (see
 * the module documentation). Returns the same model. The step starts now.
 *
 * @example
 * ```ts
 * const model = wrapModel(tf.sequential({ layers }), { inputResource: "digits-api" });
 * ```
 */
export function wrapModel<M extends object>(model: M, options: TfjsLineageOptions = {}): M {
  checkModel(model);
  if (lineages.has(model) || (model.constructor as unknown as Record<symbol, unknown>)?.[WRAPPED]) {
    if (options.verbose) createContext(options.context).output.info(`dws>> ${typeName(model)} is already wrapped`);
    return model;
  }
  const lineage = new TfModelLineage(model, options);
  lineages.set(model, lineage);
  const m = model as TfModel;
  const original = {
    compile: m.compile.bind(m),
    fit: m.fit.bind(m),
    fitDataset: m.fitDataset?.bind(m),
    evaluate: m.evaluate.bind(m),
    evaluateDataset: m.evaluateDataset?.bind(m),
  };
  const define = (name: keyof typeof original, value: unknown) =>
    Object.defineProperty(model, name, { value, configurable: true, writable: true, enumerable: false });
  define("compile", (args: CompileArgsLike) => {
    lineage.compile(args);
    return original.compile(args);
  });
  define("fit", (x: unknown, y: unknown, args?: FitArgsLike) => lineage.fit(original.fit, x, y, args));
  if (original.fitDataset) {
    define("fitDataset", (ds: unknown, args: FitDatasetArgsLike) => lineage.fitDataset(original.fitDataset!, ds, args));
  }
  define(
    "evaluate",
    (x: unknown, y: unknown, args?: EvaluateArgsLike) => lineage.evaluate(original.evaluate, x, y, args),
  );
  if (original.evaluateDataset) {
    define(
      "evaluateDataset",
      (ds: unknown, args?: EvaluateDatasetArgsLike) => lineage.evaluateDataset(original.evaluateDataset!, ds, args),
    );
  }
  if (options.verbose) createContext(options.context).output.info(`dws>> Wrapped model ${typeName(model)}`);
  return model;
}

/**
 * A subclass of the tfjs model class `Cls` (`tf.Sequential`,
 * `tf.LayersModel` or your own subclass) whose models record their lineage
 * (see the module documentation); it keeps the class's name. Each model
 * made from it starts a step. A class already wrapped (or extending a
 * wrapped class) is returned as it is. Usable as a class decorator
 * (`@addLineageToModelClass`), with the default options.
 *
 * @example
 * ```ts
 * const Sequential = addLineageToModelClass(tf.Sequential, { inputResource: "digits-api" });
 * const model = new Sequential({ layers });
 * ```
 */
export function addLineageToModelClass<C extends abstract new (...args: never[]) => object>(
  Cls: C,
  options?: TfjsLineageOptions | ClassDecoratorContext,
): C {
  const opts: TfjsLineageOptions = options === undefined || isDecoratorContext(options) ? {} : options;
  if (typeof Cls !== "function") throw new ApiParamError(`Expected a tfjs model class, got ${typeName(Cls)}`);
  if ((Cls as unknown as Record<symbol, unknown>)[WRAPPED]) {
    createContext(opts.context).output.info(`dws>> ${Cls.name} or a superclass is already wrapped`);
    return Cls;
  }
  const Base = Cls as unknown as new (...args: unknown[]) => TfModel;
  class Wrapped extends Base {
    static readonly [WRAPPED] = true;
    constructor(...args: unknown[]) {
      super(...args);
      checkModel(this);
      lineages.set(this, new TfModelLineage(this, opts));
    }
    override compile(args: CompileArgsLike): void {
      lineageFor(this).compile(args);
      return super.compile(args);
    }
    override fit(x: unknown, y: unknown, args?: FitArgsLike): Promise<unknown> {
      return lineageFor(this).fit((a, b, c) => super.fit(a, b, c), x, y, args);
    }
    override fitDataset(dataset: unknown, args: FitDatasetArgsLike): Promise<unknown> {
      return lineageFor(this).fitDataset((d, a) => super.fitDataset(d, a), dataset, args);
    }
    override evaluate(x: unknown, y: unknown, args?: EvaluateArgsLike): unknown {
      return lineageFor(this).evaluate((a, b, c) => super.evaluate(a, b, c), x, y, args);
    }
    override evaluateDataset(dataset: unknown, args?: EvaluateDatasetArgsLike): Promise<unknown> {
      return lineageFor(this).evaluateDataset((d, a) => super.evaluateDataset(d, a), dataset, args);
    }
  }
  Object.defineProperty(Wrapped, "name", { value: Cls.name });
  if (opts.verbose) createContext(opts.context).output.info(`dws>> Wrapped model class ${Cls.name}`);
  return Wrapped as unknown as C;
}
