/**
 * Lineage for ml.js-style predictors (the counterpart of the original's
 * scikit-learn kit, spec §9.2): wrap a predictor in a
 * {@link LineagePredictor}; training records the input resource (and the
 * data's hash when it is an api-resource), scoring computes the metrics,
 * writes `results.json` (1.6 format) to the results resource and stores the
 * step's lineage.
 *
 * Any object with `train(X, y)` or `fit(X, y)` and `predict(X)` can be
 * wrapped (ml-random-forest, ml-logistic-regression, ml-naivebayes,
 * ml-cart, the kit's libsvm `SVC`, ...); predictors trained by their
 * constructor, such as ml-knn, through {@link predictorFromFactory}.
 *
 * @example
 * ```ts
 * import { RandomForestClassifier } from "ml-random-forest";
 * import { LineagePredictor, loadDatasetFromResource, trainTestSplit } from "dws/kits";
 *
 * const ds = await loadDatasetFromResource("iris");
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { randomState: 42 });
 * const model = new LineagePredictor(new RandomForestClassifier({ nEstimators: 20 }), "multiclass_classification",
 *   ds.resource, { modelSaveFile: "forest.json" });
 * await model.fit(xTrain, yTrain);
 * const accuracy = await model.score(xTest, yTest); // writes results.json
 * ```
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import type { ContextOptions } from "../core/base/context.ts";
import { ApiParamError } from "../core/base/errors.ts";
import type { JsonObject, JsonValue } from "../core/base/json_value.ts";
import { type MetricsClass, metricsClass, type MetricsName } from "./metrics.ts";
import { type LabelsLike, numSamples, typeName } from "./arrays.ts";
import { metricsToJson, ModelState, type ResourceSpec } from "./model_state.ts";

/**
 * What {@link LineagePredictor} can wrap: `train(X, y)` or `fit(X, y)` (may
 * be async), `predict(X)`, optionally `toJSON()` (to save the model) and
 * `getParams()` (the parameters recorded in the lineage).
 */
export interface Predictor {
  /** Load what training needs asynchronously (the kit's SVC imports libsvm-js); awaited before training. */
  prepare?(): Promise<unknown>;
  /** Train on features `X` and targets `y` (ml.js naming). */
  train?(X: unknown, y: unknown): unknown;
  /** Train on features `X` and targets `y` (scikit-learn naming). */
  fit?(X: unknown, y: unknown): unknown;
  /** Predicted labels or values for `X`. */
  predict(X: unknown): unknown;
  /** The model as JSON, for saving. */
  toJSON?(): unknown;
  /** The predictor's parameters. */
  getParams?(): Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isScalar(v: unknown): v is number | string | boolean | null {
  return v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean";
}

/**
 * The parameters of a predictor, as recorded in the lineage: its
 * `getParams()` when it has one; otherwise its own scalar properties
 * (sorted by name) with those of an `options` object, and `name__key` for
 * other objects of scalars (scikit-learn's `get_params(deep=True)` naming).
 * Read before training, they are the constructor's settings.
 *
 * @example
 * ```ts
 * predictorParams(new RandomForestClassifier({ nEstimators: 20 })); // { isClassifier: true, maxFeatures: 1, nEstimators: 20, ... }
 * ```
 */
export function predictorParams(predictor: object): JsonObject {
  const p = predictor as Predictor;
  if (typeof p.getParams === "function") return metricsToJson(p.getParams()) as JsonObject;
  const out: JsonObject = {};
  const own = predictor as Record<string, unknown>;
  for (const key of Object.keys(own).sort()) {
    const v = own[key];
    if (key.startsWith("_")) continue;
    if (isScalar(v)) out[key] = v;
  }
  for (const key of Object.keys(own).sort()) {
    const v = own[key];
    if (key.startsWith("_") || !isPlainObject(v)) continue;
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (!isScalar(x)) continue;
      if (key === "options") out[k] ??= x;
      else out[`${key}__${k}`] = x;
    }
  }
  return out;
}

/** Options of {@link LineagePredictor}. */
export interface LineagePredictorOptions {
  /** Where results go (name, local path or ref); default: the only results resource. */
  resultsResource?: ResourceSpec;
  /**
   * Save the trained model (its `toJSON()`) under this name, relative to the
   * results resource (`.json` is appended when missing).
   */
  modelSaveFile?: string;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** Print what the kit does (`dws>` lines). */
  verbose?: boolean;
  /** The step's name; default: the script's file name. */
  stepName?: string;
  /** `run_description` of results.json. */
  runDescription?: string;
  /** Where messages go (default: the console). */
  context?: ContextOptions;
}

/**
 * A predictor with lineage (the original's `LineagePredictor`).
 *
 * - {@link fit} / {@link train}: records the input resource; for an
 *   api-resource, hashes X then y into a fresh state and saves the hash;
 *   trains; saves the model when `modelSaveFile` is set.
 * - {@link score}: records the predictor's parameters, hashes the test data
 *   on top of the training hash (api-resource), predicts, computes the
 *   metrics, writes results.json and completes the step. Returns the
 *   metrics' score (accuracy, or R² for regression).
 * - {@link predict}: the predictor's own, untouched.
 *
 * @example
 * ```ts
 * const model = new LineagePredictor(new GaussianNB(), "multiclass_classification", "iris");
 * await model.fit(xTrain, yTrain);
 * await model.score(xTest, yTest);
 * ```
 */
export class LineagePredictor<P extends Predictor = Predictor> {
  /** The wrapped predictor. */
  readonly predictor: P;
  /** The metrics computed by {@link score}. */
  readonly metrics: MetricsClass;
  /** The input data's resource, when given. */
  readonly inputResource?: ResourceSpec;
  /** Where the trained model is saved (relative to the results), if anywhere. */
  readonly modelSaveFile?: string;
  readonly #options: LineagePredictorOptions;
  readonly #initialParams: JsonObject;
  #state?: Promise<ModelState>;
  #scored = false;

  /**
   * Wrap `predictor`. `metrics` is `"binary_classification"`,
   * `"multiclass_classification"`, `"regression"` or a {@link Metrics}
   * subclass; `inputResource` is a resource name, a local path or a ref
   * (default: the only source-data resource).
   */
  constructor(
    predictor: P,
    metrics: MetricsName | MetricsClass,
    inputResource?: ResourceSpec,
    options: LineagePredictorOptions = {},
  ) {
    if (predictor instanceof LineagePredictor) throw new ApiParamError("The predictor is already a LineagePredictor");
    if (typeof predictor !== "object" || predictor === null) {
      throw new ApiParamError(`Expected a predictor object, got ${typeName(predictor)}`);
    }
    if (typeof predictor.predict !== "function") {
      throw new ApiParamError(`The predictor ${typeName(predictor)} has no predict() method`);
    }
    if (typeof predictor.train !== "function" && typeof predictor.fit !== "function") {
      throw new ApiParamError(`The predictor ${typeName(predictor)} has no train() or fit() method`);
    }
    this.predictor = predictor;
    this.metrics = metricsClass(metrics);
    this.inputResource = inputResource;
    if (options.modelSaveFile !== undefined) {
      if (isAbsolute(options.modelSaveFile) || options.modelSaveFile.split(/[\\/]/).includes("..")) {
        throw new ApiParamError(
          `Model save file should be a path relative to the results resource, not ${options.modelSaveFile}`,
        );
      }
      if (typeof predictor.toJSON !== "function") {
        throw new ApiParamError(`The predictor ${typeName(predictor)} cannot be saved: it has no toJSON() method`);
      }
      this.modelSaveFile = options.modelSaveFile.endsWith(".json")
        ? options.modelSaveFile
        : options.modelSaveFile + ".json";
    }
    this.#options = options;
    this.#initialParams = predictorParams(predictor);
  }

  /** The lineage state (opened on first use: the step starts then). */
  modelState(): Promise<ModelState> {
    this.#state ??= ModelState.open({
      inputResource: this.inputResource,
      resultsResource: this.#options.resultsResource,
      workspaceDir: this.#options.workspaceDir,
      verbose: this.#options.verbose,
      stepName: this.#options.stepName,
      runDescription: this.#options.runDescription,
      context: this.#options.context,
    });
    return this.#state;
  }

  /** The parameters recorded by {@link score} (see {@link predictorParams}). */
  getParams(): JsonObject {
    const p = this.predictor as Predictor;
    return typeof p.getParams === "function" ? predictorParams(p) : { ...this.#initialParams };
  }

  /**
   * Train the predictor on `X` (rows of features, or a matrix) and `y`.
   *
   * @example
   * ```ts
   * await model.fit(xTrain, yTrain);
   * ```
   */
  async fit(X: unknown, y: unknown): Promise<this> {
    checkSameLength(X, y);
    const state = await this.modelState();
    const api = state.recordInput(X);
    if (api) {
      api.reset();
      api.update(X);
      api.update(y);
      api.save();
    }
    const p = this.predictor as Predictor;
    await p.prepare?.();
    await (typeof p.train === "function" ? p.train(X, y) : p.fit!(X, y));
    if (this.modelSaveFile) {
      await state.saveResultsFile(this.modelSaveFile, JSON.stringify(p.toJSON!()));
      const r = state.resultsRef;
      state.debug(`saved model file to ${r.name}:${r.subpath ? `${r.subpath}/` : ""}${this.modelSaveFile}`);
    }
    return this;
  }

  /** Same as {@link fit} (ml.js naming). */
  train(X: unknown, y: unknown): Promise<this> {
    return this.fit(X, y);
  }

  /**
   * Predict `X`, compute the metrics against `y`, write results.json and
   * complete the step; returns the score (accuracy, or R² for regression).
   *
   * @example
   * ```ts
   * const accuracy = await model.score(xTest, yTest);
   * ```
   */
  async score(X: unknown, y: LabelsLike, sampleWeight?: ArrayLike<number>): Promise<number> {
    checkSameLength(X, y);
    const state = await this.modelState();
    if (this.#scored) state.resetLineage();
    for (const [k, v] of Object.entries(this.getParams())) state.addParam(k, v as JsonValue);
    const api = state.recordInput(X);
    if (api) {
      if (!api.hasState) api.reset();
      api.dup();
      api.update(X);
      api.update(y);
      api.save();
      api.pop();
    }
    const predictions = await this.predictor.predict(X);
    const m = new this.metrics(y, predictions as LabelsLike, sampleWeight);
    await state.writeMetricsAndComplete(m.toDict());
    this.#scored = true;
    return m.score();
  }

  /** The predictor's predictions for `X` (no lineage). */
  predict(X: unknown): ReturnType<P["predict"]> {
    return this.predictor.predict(X) as ReturnType<P["predict"]>;
  }
}

function checkSameLength(X: unknown, y: unknown): void {
  const nx = numSamples(X);
  const ny = numSamples(y);
  if (nx !== ny) throw new ApiParamError(`X has ${nx} samples but y has ${ny}; they must have the same length`);
}

/** Options of {@link predictorFromFactory}. */
export interface FactoryOptions {
  /** The parameters recorded in the lineage (e.g. `{ k: 5 }`). */
  params?: Record<string, JsonValue>;
  /** A name for messages (default: the trained model's class name). */
  name?: string;
}

/** A model trained by its factory, wrapped as a {@link Predictor}. */
export class FactoryPredictor<M extends { predict(X: unknown): unknown; toJSON?(): unknown }> implements Predictor {
  /** The trained model (after {@link train}). */
  model?: M;
  readonly #factory: (X: unknown, y: unknown) => M;
  readonly #options: FactoryOptions;

  /** Use {@link predictorFromFactory}. */
  constructor(factory: (X: unknown, y: unknown) => M, options: FactoryOptions = {}) {
    this.#factory = factory;
    this.#options = options;
  }

  /** Train: make the model from the data. */
  train(X: unknown, y: unknown): void {
    this.model = this.#factory(X, y);
  }

  /** The model's predictions. */
  predict(X: unknown): unknown {
    if (!this.model) throw new ApiParamError(`${this.#options.name ?? "The model"} must be trained before predict()`);
    return this.model.predict(X);
  }

  /** The trained model's JSON (what its class's `load()` takes). */
  toJSON(): unknown {
    if (!this.model) throw new ApiParamError(`${this.#options.name ?? "The model"} must be trained before saving`);
    if (typeof this.model.toJSON !== "function") {
      throw new ApiParamError(`${typeName(this.model)} cannot be saved: it has no toJSON() method`);
    }
    return this.model.toJSON();
  }

  /** The parameters given in the options. */
  getParams(): Record<string, JsonValue> {
    return { ...this.#options.params };
  }
}

/**
 * A predictor for models that train in their constructor (ml-knn's
 * `new KNN(X, y, options)`): `train(X, y)` calls `factory(X, y)`.
 *
 * @example
 * ```ts
 * import KNN from "ml-knn";
 * const knn = predictorFromFactory((X, y) => new KNN(X as number[][], y as number[], { k: 5 }), { params: { k: 5 } });
 * const model = new LineagePredictor(knn, "multiclass_classification", "iris");
 * ```
 */
export function predictorFromFactory<M extends { predict(X: unknown): unknown; toJSON?(): unknown }>(
  factory: (X: unknown, y: unknown) => M,
  options: FactoryOptions = {},
): FactoryPredictor<M> {
  return new FactoryPredictor(factory, options);
}

/**
 * Load a model saved by {@link LineagePredictor} (`modelSaveFile`) with its
 * class's `load()`.
 *
 * @example
 * ```ts
 * const forest = loadModel("results/forest.json", RandomForestClassifier);
 * forest.predict(xTest);
 * ```
 */
export function loadModel<T>(file: string, loader: { load(json: never): T }): T {
  const json = JSON.parse(readFileSync(file, "utf8"));
  return loader.load(json as never);
}
