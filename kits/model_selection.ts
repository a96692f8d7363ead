/**
 * Splitting data and choosing parameters as scikit-learn does: a seeded
 * {@link trainTestSplit} that gives scikit-learn's split for the same
 * `random_state` (numpy's Mersenne Twister and shuffle are reproduced),
 * k-fold and stratified k-fold splits, parameter grids, a grid search, and
 * {@link trainAndPredictWithCv} (spec §9.2), which records the search and
 * the chosen model's metrics as a results step.
 *
 * @example
 * ```ts
 * import { trainTestSplit } from "./model_selection.ts";
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.2, randomState: 42 });
 * ```
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { ContextOptions } from "../core/base/context.ts";
import { ApiParamError } from "../core/base/errors.ts";
import { InternalError } from "../core/base/errors.ts";
import { LineageBuilder, ResultsLineage } from "../core/lineage/builder.ts";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import type { JsonObject, JsonValue } from "../core/base/json_value.ts";
import type { Dataset } from "./dataset.ts";
import {
  accuracyScore,
  BinaryClassificationMetrics,
  f1Score,
  meanSquaredError,
  type Metrics,
  MulticlassClassificationMetrics,
  pairwiseSum,
  precisionScore,
  r2Score,
  recallScore,
  uniqueLabels,
} from "./metrics.ts";
import type { Predictor } from "./predictor.ts";
import { isMatrixLike, type Label, numSamples, toRows, toVector, typeName } from "./arrays.ts";
import { metricsToJson } from "./model_state.ts";

// ---------------------------------------------------------------------------------------------
// numpy's legacy RandomState (MT19937)

/**
 * numpy's legacy `RandomState`: the MT19937 generator seeded as
 * `np.random.RandomState(seed)` and its `permutation`/`shuffle`, so seeded
 * splits equal scikit-learn's.
 *
 * @example
 * ```ts
 * new RandomState(42).permutation(5); // [1, 4, 2, 0, 3], as numpy
 * ```
 */
export class RandomState {
  #mt = new Uint32Array(624);
  #index = 624;

  /** Seed with an integer in [0, 2³²). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ApiParamError(`Seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const mt = this.#mt;
    if (this.#index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, max] (numpy's masked rejection sampling). */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new ApiParamError("RandomState.interval supports at most 2**32 - 1");
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0; while (value > max);
    return value;
  }

  /** Shuffle `a` in place (numpy's `shuffle`). */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A shuffled `[0, 1, ..., n - 1]` (numpy's `permutation(n)`). */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

// ---------------------------------------------------------------------------------------------
// Splits

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction (0-1) or number of test samples; default 0.25 (or the rest when trainSize is given). */
  testSize?: number;
  /** Fraction (0-1) or number of training samples; default: the rest. */
  trainSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Seed of the shuffle (numpy RandomState; same split as scikit-learn). Default: a random seed. */
  randomState?: number;
}

/** The four parts of {@link trainTestSplit}. */
export interface TrainTestSplit<X, Y> {
  /** Training features. */
  xTrain: X[];
  /** Test features. */
  xTest: X[];
  /** Training targets. */
  yTrain: Y[];
  /** Test targets. */
  yTest: Y[];
}

function splitSizes(n: number, testSize?: number, trainSize?: number): { nTrain: number; nTest: number } {
  const check = (v: number | undefined, what: string) => {
    if (v === undefined) return;
    if (!(v > 0) || (v >= 1 && !Number.isInteger(v)) || (v >= 1 && v >= n)) {
      throw new ApiParamError(`${what}=${v} should be a fraction in (0, 1) or a number of samples below ${n}`);
    }
  };
  check(testSize, "testSize");
  check(trainSize, "trainSize");
  const test = testSize ?? (trainSize === undefined ? 0.25 : undefined);
  let nTest = test === undefined ? undefined : test < 1 ? Math.ceil(test * n) : test;
  let nTrain = trainSize === undefined ? undefined : trainSize < 1 ? Math.floor(trainSize * n) : trainSize;
  if (nTrain === undefined) nTrain = n - nTest!;
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new ApiParamError(`The sum of train and test sizes (${nTrain + nTest}) is more than the ${n} samples`);
  }
  if (nTrain === 0) throw new ApiParamError(`With ${n} samples and these sizes the training set would be empty`);
  return { nTrain, nTest };
}

/**
 * Split features and targets into training and test parts as
 * scikit-learn's `train_test_split`: with `shuffle: false` the first
 * samples train; with a `randomState` the shuffle is scikit-learn's.
 *
 * @example
 * ```ts
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(X, y, { testSize: 0.5, shuffle: false });
 * ```
 */
export function trainTestSplit<X = number[], Y = number>(
  X: readonly X[] | ArrayLike<X>,
  y: readonly Y[] | ArrayLike<Y>,
  options: TrainTestSplitOptions = {},
): TrainTestSplit<X, Y> {
  const xs = (isMatrixLike(X) ? toRows(X) : Array.from(X as ArrayLike<X>)) as X[];
  const ys = (isMatrixLike(y) ? toVector(y) : Array.from(y as ArrayLike<Y>)) as Y[];
  if (xs.length !== ys.length) {
    throw new ApiParamError(`X has ${xs.length} samples but y has ${ys.length}; they must have the same length`);
  }
  const { nTrain, nTest } = splitSizes(xs.length, options.testSize, options.trainSize);
  let trainIdx: number[];
  let testIdx: number[];
  if (options.shuffle === false) {
    trainIdx = range(0, nTrain);
    testIdx = range(nTrain, nTrain + nTest);
  } else {
    const seed = options.randomState ?? Math.floor(Math.random() * 0xffffffff);
    const perm = new RandomState(seed).permutation(xs.length);
    testIdx = perm.slice(0, nTest);
    trainIdx = perm.slice(nTest, nTest + nTrain);
  }
  return {
    xTrain: trainIdx.map((i) => xs[i]),
    xTest: testIdx.map((i) => xs[i]),
    yTrain: trainIdx.map((i) => ys[i]),
    yTest: testIdx.map((i) => ys[i]),
  };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** Training and test indices of one fold. */
export interface Fold {
  /** Indices of the training samples. */
  train: number[];
  /** Indices of the test samples. */
  test: number[];
}

/**
 * scikit-learn's `KFold(nSplits)` without shuffling: consecutive test
 * blocks, the first `n % nSplits` one sample larger.
 *
 * @example
 * ```ts
 * kFold(5, 2); // [{ train: [3, 4], test: [0, 1, 2] }, { train: [0, 1, 2], test: [3, 4] }]
 * ```
 */
export function kFold(n: number, nSplits: number): Fold[] {
  checkSplits(n, nSplits);
  const folds: Fold[] = [];
  let start = 0;
  for (let k = 0; k < nSplits; k++) {
    const size = Math.floor(n / nSplits) + (k < n % nSplits ? 1 : 0);
    const test = range(start, start + size);
    folds.push({ test, train: [...range(0, start), ...range(start + size, n)] });
    start += size;
  }
  return folds;
}

function checkSplits(n: number, nSplits: number): void {
  if (!Number.isInteger(nSplits) || nSplits < 2) {
    throw new ApiParamError(`The number of folds must be 2 or more, got ${nSplits}`);
  }
  if (nSplits > n) throw new ApiParamError(`Cannot have ${nSplits} folds with only ${n} samples`);
}

/**
 * scikit-learn's `StratifiedKFold(nSplits)` without shuffling: each class
 * spread over the folds in turn, so each fold keeps the class proportions.
 *
 * @example
 * ```ts
 * stratifiedKFold([0, 0, 1, 1], 2); // [{ train: [1, 3], test: [0, 2] }, { train: [0, 2], test: [1, 3] }]
 * ```
 */
export function stratifiedKFold(y: readonly Label[], nSplits: number): Fold[] {
  const n = y.length;
  checkSplits(n, nSplits);
  // Classes numbered by first appearance, as scikit-learn encodes them.
  const codes = new Map<Label, number>();
  const encoded = y.map((v) => {
    if (!codes.has(v)) codes.set(v, codes.size);
    return codes.get(v)!;
  });
  const nClasses = codes.size;
  const counts = new Array(nClasses).fill(0);
  for (const c of encoded) counts[c]++;
  if (counts.every((c) => nSplits > c)) {
    throw new ApiParamError(`n_splits=${nSplits} cannot be greater than the number of members in each class`);
  }
  const sorted = [...encoded].sort((a, b) => a - b);
  // allocation[i][k]: samples of class k in fold i (sorted labels dealt round-robin).
  const allocation = Array.from({ length: nSplits }, () => new Array(nClasses).fill(0));
  sorted.forEach((c, i) => allocation[i % nSplits][c]++);
  const testFold = new Array<number>(n);
  for (let k = 0; k < nClasses; k++) {
    const foldsForClass: number[] = [];
    for (let i = 0; i < nSplits; i++) for (let j = 0; j < allocation[i][k]; j++) foldsForClass.push(i);
    let next = 0;
    encoded.forEach((c, idx) => {
      if (c === k) testFold[idx] = foldsForClass[next++];
    });
  }
  return range(0, nSplits).map((f) => ({
    test: range(0, n).filter((i) => testFold[i] === f),
    train: range(0, n).filter((i) => testFold[i] !== f),
  }));
}

// ---------------------------------------------------------------------------------------------
// Grid search

/** Parameter names to lists of values, or a list of such grids. */
export type ParamGrid = Record<string, readonly JsonValue[]> | readonly Record<string, readonly JsonValue[]>[];

/**
 * Every combination of a grid, in scikit-learn's `ParameterGrid` order
 * (names sorted; the last name varies fastest).
 *
 * @example
 * ```ts
 * parameterGrid({ gamma: [0.1, 0.01], C: [1, 10] });
 * // [{ C: 1, gamma: 0.1 }, { C: 1, gamma: 0.01 }, { C: 10, gamma: 0.1 }, { C: 10, gamma: 0.01 }]
 * ```
 */
export function parameterGrid(grid: ParamGrid): JsonObject[] {
  const grids: readonly Record<string, readonly JsonValue[]>[] = Array.isArray(grid)
    ? grid
    : [grid as Record<string, readonly JsonValue[]>];
  const out: JsonObject[] = [];
  for (const g of grids) {
    const keys = Object.keys(g).sort();
    for (const k of keys) {
      if (!Array.isArray(g[k])) throw new ApiParamError(`Parameter grid value for '${k}' must be a list`);
    }
    let combos: JsonObject[] = [{}];
    for (const k of keys) combos = combos.flatMap((c) => g[k].map((v: JsonValue) => ({ ...c, [k]: v })));
    out.push(...combos);
  }
  return out;
}

/** Makes a predictor from parameters: a class (`new C(params)`) or a function returning one. */
export type PredictorConstructor = (new (params: JsonObject) => Predictor) | ((params: JsonObject) => Predictor);

/** Make a predictor with `params`: classes are called with `new`. */
export function makePredictor(make: PredictorConstructor, params: JsonObject): Predictor {
  // A class has its methods on its prototype; an arrow or plain function does not.
  const proto = (make as { prototype?: Record<string, unknown> }).prototype;
  const isClass = proto !== undefined && ["train", "fit", "predict"].some((m) => typeof proto[m] === "function");
  const p = isClass
    ? new (make as new (params: JsonObject) => Predictor)({ ...params })
    : (make as (params: JsonObject) => Predictor)({ ...params });
  if (!p || typeof p.predict !== "function" || (typeof p.train !== "function" && typeof p.fit !== "function")) {
    throw new ApiParamError(`${make.name || "The factory"} did not make a predictor with train()/fit() and predict()`);
  }
  return p;
}

/** Free a predictor's native memory (libsvm's models are not garbage-collected). */
function release(p: Predictor): void {
  const free = (p as { free?: unknown }).free;
  if (typeof free === "function") free.call(p);
}

async function trainOn(p: Predictor, X: unknown, y: unknown): Promise<void> {
  await (typeof p.train === "function" ? p.train(X, y) : p.fit!(X, y));
}

/** A scoring: a name (`accuracy`, `precision`, `recall`, `f1`, `r2`, `neg_mean_squared_error`) or a function. */
export type Scoring = string | ((yTrue: Label[], yPred: Label[]) => number);

function scorer(scoring: Scoring): (yTrue: Label[], yPred: Label[]) => number {
  if (typeof scoring === "function") return scoring;
  const named: Record<string, (t: Label[], p: Label[]) => number> = {
    accuracy: (t, p) => accuracyScore(t, p),
    precision: (t, p) => precisionScore(t, p),
    recall: (t, p) => recallScore(t, p),
    f1: (t, p) => f1Score(t, p),
    r2: (t, p) => r2Score(t, p),
    neg_mean_squared_error: (t, p) => -meanSquaredError(t, p),
  };
  const f = Object.hasOwn(named, scoring) ? named[scoring] : undefined;
  if (!f) throw new ApiParamError(`Unknown scoring '${scoring}'; use one of ${Object.keys(named).join(", ")}`);
  return f;
}

/** Options of {@link gridSearch}. */
export interface GridSearchOptions {
  /** Number of folds (default 5); stratified for class labels, as scikit-learn. */
  folds?: number;
  /** What to maximize (default `accuracy`). */
  scoring?: Scoring;
}

/** The outcome of {@link gridSearch}. */
export interface GridSearchResult {
  /** The parameters with the best mean score (the first of equals). */
  bestParams: JsonObject;
  /** Their mean score over the folds. */
  bestScore: number;
  /** Every candidate with its mean score. */
  results: { params: JsonObject; meanScore: number; foldScores: number[] }[];
}

function isClassLabels(y: readonly Label[]): boolean {
  return y.every((v) => typeof v === "string" || Number.isInteger(v));
}

/**
 * Cross-validated grid search (scikit-learn's `GridSearchCV` without
 * refit): every parameter combination is trained on each fold's training
 * part and scored on its test part; the best mean wins.
 *
 * @example
 * ```ts
 * const { bestParams } = await gridSearch(SVC, { gamma: [0.01, 0.001] }, { X, y });
 * ```
 */
export async function gridSearch(
  make: PredictorConstructor,
  paramGrid: ParamGrid,
  data: { X: readonly number[][]; y: readonly Label[] },
  options: GridSearchOptions = {},
): Promise<GridSearchResult> {
  const score = scorer(options.scoring ?? "accuracy");
  const nFolds = options.folds ?? 5;
  const y = [...data.y];
  const folds = isClassLabels(y) ? stratifiedKFold(y, nFolds) : kFold(y.length, nFolds);
  const candidates = parameterGrid(paramGrid);
  if (candidates.length === 0) throw new ApiParamError("The parameter grid is empty");
  const results: GridSearchResult["results"] = [];
  for (const params of candidates) {
    const foldScores: number[] = [];
    for (const f of folds) {
      const p = makePredictor(make, params);
      await trainOn(p, f.train.map((i) => data.X[i]), f.train.map((i) => y[i]));
      const predicted = toVector(await p.predict(f.test.map((i) => data.X[i])));
      foldScores.push(score(f.test.map((i) => y[i]), predicted));
      release(p);
    }
    const meanScore = pairwiseSum(foldScores) / foldScores.length;
    results.push({ params, meanScore, foldScores });
  }
  let best = 0;
  for (let i = 1; i < results.length; i++) if (results[i].meanScore > results[best].meanScore) best = i;
  return { bestParams: results[best].params, bestScore: results[best].meanScore, results };
}

// ---------------------------------------------------------------------------------------------
// trainAndPredictWithCv

/** Options of {@link trainAndPredictWithCv}. */
export interface TrainAndPredictWithCvOptions {
  /** Fraction held back for the final evaluation (default 0.2). */
  testSize?: number;
  /** Number of cross-validation folds (default 5). */
  folds?: number;
  /** What the search maximizes (default `accuracy`). */
  cvScoring?: Scoring;
  /** Retrain on all the data and save it as `<resultsDir>/<modelName>.json` (needs `toJSON()`). */
  modelName?: string;
  /** Seed of the train/test split (scikit-learn's split for the same seed). */
  randomState?: number;
  /** `run_description` of results.json. */
  runDescription?: string;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** The step's name; default: the script's name. */
  stepName?: string;
  /** Where messages go (default: the console). */
  context?: ContextOptions;
}

/** What {@link trainAndPredictWithCv} found. */
export interface TrainAndPredictWithCvResult {
  /** The chosen parameters. */
  bestParams: JsonObject;
  /** The chosen model's metrics on the held-back data. */
  metrics: Metrics;
  /** Path of results.json. */
  resultsFile: string;
}

/**
 * The original's common classification workflow (spec §9.2): split off a
 * test set, grid-search the parameters with k-fold cross-validation on the
 * rest, train with the best parameters, evaluate on the test set (binary
 * metrics for two classes, multiclass otherwise), write results.json to
 * `resultsDir` and record the step (input: the dataset's resource; the
 * parameters: classifier, test_size, cv_params, cv_scoring, random_state and
 * the best parameters). Argument order mirrors the original.
 *
 * @example
 * ```ts
 * const ds = await loadDatasetFromResource("sklearn-digits-dataset");
 * await trainAndPredictWithCv(SVC, { gamma: [0.01, 0.001, 0.0001] }, ds, "../results", { randomState: 42 });
 * ```
 */
export async function trainAndPredictWithCv(
  classifier: PredictorConstructor,
  paramGrid: ParamGrid,
  dataset: Pick<Dataset<number[]>, "data" | "target" | "resource">,
  resultsDir: string,
  options: TrainAndPredictWithCvOptions = {},
): Promise<TrainAndPredictWithCvResult> {
  if (numSamples(dataset.data) !== numSamples(dataset.target)) {
    throw new ApiParamError(
      `The dataset has ${dataset.data.length} samples but ${dataset.target.length} targets`,
    );
  }
  const testSize = options.testSize ?? 0.2;
  const { xTrain, xTest, yTrain, yTest } = trainTestSplit<number[], Label>(dataset.data, dataset.target as Label[], {
    testSize,
    randomState: options.randomState,
  });
  const scoring = options.cvScoring ?? "accuracy";
  const search = await gridSearch(classifier, paramGrid, { X: xTrain, y: yTrain }, {
    folds: options.folds,
    scoring,
  });
  const log = options.context?.output ? (m: string) => options.context!.output!.info(m) : console.log;
  log(`Best params were: ${JSON.stringify(search.bestParams)}`);
  const lineageParams: JsonObject = {
    classifier: classifier.name || typeName(classifier),
    test_size: testSize,
    cv_params: metricsToJson(paramGrid),
    cv_scoring: typeof scoring === "string" ? scoring : scoring.name || "custom",
    random_state: options.randomState ?? null,
    ...search.bestParams,
  };
  const builder = new LineageBuilder().asScriptStep().withParameters(lineageParams)
    .asResultsStep(resultsDir, options.runDescription)
    .withInputRef(dataset.resource);
  if (options.stepName) builder.withStepName(options.stepName);
  if (options.workspaceDir) builder.withWorkspaceDirectory(options.workspaceDir);
  if (options.context) builder.withContext(options.context);
  return await builder.run(async (lineage) => {
    const model = makePredictor(classifier, search.bestParams);
    await trainOn(model, xTrain, yTrain);
    const predicted = toVector(await model.predict(xTest));
    const metrics: Metrics = uniqueLabels(toVector(dataset.target)).length > 2
      ? new MulticlassClassificationMetrics(yTest, predicted)
      : new BinaryClassificationMetrics(yTest, predicted);
    metrics.printMetrics({ write: log });
    if (!(lineage instanceof ResultsLineage)) throw new InternalError("A results step did not make a ResultsLineage");
    const resultsFile = await lineage.writeResults(metricsToJson(metrics.toDict()) as JsonObject);
    if (options.modelName) {
      const full = makePredictor(classifier, search.bestParams);
      await trainOn(full, dataset.data, dataset.target);
      if (typeof full.toJSON !== "function") {
        throw new ApiParamError(`${classifier.name || "The model"} cannot be saved: it has no toJSON() method`);
      }
      const file = join(resolve(resultsDir), `${options.modelName}.json`);
      writeFileAtomic(file, JSON.stringify(full.toJSON()));
      release(full);
      log(`Wrote trained model to ${file}`);
    }
    return { bestParams: search.bestParams, metrics, resultsFile };
  });
}
