/**
 * A support vector classifier with scikit-learn's `SVC` parameters, on
 * libsvm-js (the libsvm that scikit-learn's `SVC` is built on, compiled to
 * JavaScript). With the same data and parameters it gives the same
 * predictions as scikit-learn (classes are ordered as scikit-learn orders
 * them). libsvm-js is an optional dependency, loaded on first training.
 *
 * @example
 * ```ts
 * import { SVC } from "./libsvm.ts";
 * const svc = new SVC({ gamma: 0.001, C: 1 });
 * svc.train([[0, 0], [1, 1], [0, 1], [1, 0]], [0, 0, 1, 1]);
 * svc.predict([[0.9, 0.9]]); // [0]
 * ```
 *
 * @module
 */
import { createRequire } from "node:module";
import { ApiParamError, ConfigurationError } from "../core/base/errors.ts";
import { pairwiseSum, uniqueLabels } from "./metrics.ts";
import { type Label, toRows, toVector } from "./arrays.ts";

/** The libsvm-js `SVM` class (asm build). */
export interface LibsvmSVM {
  /** Train on samples and numeric labels. */
  train(samples: number[][], labels: number[]): void;
  /** Predicted labels. */
  predict(samples: number[][]): number[];
  /** The model in libsvm's text format. */
  serializeModel(): string;
  /** Free the model's memory. */
  free(): void;
}

/** The libsvm-js module. */
export interface LibsvmModule {
  /** Make an SVM with libsvm-js options. */
  new (options: Record<string, unknown>): LibsvmSVM;
  /** An SVM from {@link LibsvmSVM.serializeModel}'s text. */
  load(serialized: string): LibsvmSVM;
  /** SVM types (C_SVC, ...). */
  SVM_TYPES: Record<string, number>;
  /** Kernel types (LINEAR, POLYNOMIAL, RBF, SIGMOID). */
  KERNEL_TYPES: Record<string, number>;
}

let libsvm: LibsvmModule | undefined;

/** Run `load` with `globalThis.self` hidden: under Deno, libsvm-js then takes its Node path. */
function withoutSelf<T>(load: () => T): T {
  const desc = Object.getOwnPropertyDescriptor(globalThis, "self");
  if (desc) delete (globalThis as { self?: unknown }).self;
  try {
    return load();
  } finally {
    if (desc) Object.defineProperty(globalThis, "self", desc);
  }
}

function missingLibsvm(e: unknown): ConfigurationError {
  return new ConfigurationError(
    `SVC needs the npm package libsvm-js (npm install libsvm-js): ${String((e as Error).message).split("\n")[0]}`,
  );
}

/**
 * Import libsvm-js's asm build (no WebAssembly file to fetch) from
 * anywhere: by its versioned `npm:` specifier under Deno, by name under
 * Node. {@link LineagePredictor} calls it (through `SVC.prepare`) before
 * training; call it before a direct `train` in a Deno script outside a
 * Node project.
 *
 * @example
 * ```ts
 * const SVM = await importLibsvm();
 * ```
 */
export async function importLibsvm(): Promise<LibsvmModule> {
  if (libsvm) return libsvm;
  const desc = Object.getOwnPropertyDescriptor(globalThis, "self");
  if (desc) delete (globalThis as { self?: unknown }).self;
  try {
    const mod = await import("npm:libsvm-js@0.2.1/asm.js");
    libsvm = (mod.default ?? mod) as LibsvmModule;
  } catch (e) {
    throw missingLibsvm(e);
  } finally {
    if (desc) Object.defineProperty(globalThis, "self", desc);
  }
  return libsvm;
}

/**
 * libsvm-js, synchronously: the module {@link importLibsvm} loaded, else
 * required from the `node_modules` beside the kit (a Node project or the
 * dws checkout).
 *
 * @example
 * ```ts
 * const SVM = loadLibsvm();
 * ```
 */
export function loadLibsvm(): LibsvmModule {
  if (libsvm) return libsvm;
  try {
    libsvm = withoutSelf(() => createRequire(import.meta.url)("libsvm-js/asm") as LibsvmModule);
  } catch (e) {
    throw missingLibsvm(e);
  }
  return libsvm;
}

/** Options of {@link SVC}, named and defaulted as scikit-learn's. */
export interface SVCOptions {
  /** Regularization (cost), default 1. */
  C?: number;
  /** Kernel, default `rbf`. */
  kernel?: "linear" | "poly" | "rbf" | "sigmoid";
  /** Degree of the poly kernel, default 3. */
  degree?: number;
  /** Kernel coefficient: a number, `scale` (default: 1 / (features × variance of X)) or `auto` (1 / features). */
  gamma?: number | "scale" | "auto";
  /** Independent term of poly and sigmoid kernels, default 0. */
  coef0?: number;
  /** Stopping tolerance, default 0.001. */
  tol?: number;
  /** Kernel cache in MB, default 200. */
  cacheSize?: number;
  /** Shrinking heuristic, default true. */
  shrinking?: boolean;
}

const KERNELS = { linear: "LINEAR", poly: "POLYNOMIAL", rbf: "RBF", sigmoid: "SIGMOID" } as const;

/** The JSON of a saved {@link SVC}. */
export interface SVCJson {
  /** Always `SVC`. */
  name: "SVC";
  /** The options. */
  options: SVCOptions;
  /** The classes, in the model's order. */
  classes: Label[];
  /** libsvm's model text. */
  model: string;
}

/**
 * C-support vector classification (scikit-learn's `SVC`, no probability
 * estimates). Labels may be numbers or strings.
 *
 * @example
 * ```ts
 * const svc = new SVC({ gamma: 0.001 });
 * svc.train(xTrain, yTrain);
 * const predicted = svc.predict(xTest);
 * ```
 */
export class SVC {
  /** The options, as given. */
  readonly options: SVCOptions;
  #svm?: LibsvmSVM;
  #classes: Label[] = [];

  /** An untrained classifier. */
  constructor(options: SVCOptions = {}) {
    if (options.kernel !== undefined && !(options.kernel in KERNELS)) {
      throw new ApiParamError(`Unknown kernel '${options.kernel}'; use one of ${Object.keys(KERNELS).join(", ")}`);
    }
    this.options = { ...options };
  }

  /** The classes, sorted (after training). */
  get classes(): readonly Label[] {
    return this.#classes;
  }

  /** Parameters with scikit-learn's names (recorded in the lineage). */
  getParams(): Record<string, number | string | boolean> {
    const o = this.options;
    return {
      C: o.C ?? 1,
      cache_size: o.cacheSize ?? 200,
      coef0: o.coef0 ?? 0,
      degree: o.degree ?? 3,
      gamma: o.gamma ?? "scale",
      kernel: o.kernel ?? "rbf",
      shrinking: o.shrinking ?? true,
      tol: o.tol ?? 0.001,
    };
  }

  /** Import libsvm-js (from any folder; {@link LineagePredictor} calls it before training). */
  async prepare(): Promise<void> {
    await importLibsvm();
  }

  /** Train on rows of features `X` (or a matrix) and labels `y`. */
  train(X: unknown, y: unknown): void {
    const rows = toRows(X);
    const labels = toVector(y);
    if (rows.length !== labels.length) {
      throw new ApiParamError(`X has ${rows.length} samples but y has ${labels.length}`);
    }
    if (rows.length === 0) throw new ApiParamError("SVC needs at least one training sample");
    const classes = uniqueLabels(labels);
    if (classes.length < 2) throw new ApiParamError("SVC needs at least two classes in the training labels");
    const code = new Map<Label, number>(classes.map((c, i) => [c, i]));
    // libsvm orders classes by first appearance, scikit-learn's libsvm by value: put the first
    // sample of each class first, in class order (each class keeps its samples' order).
    const firsts = classes.map((c) => labels.indexOf(c));
    const isFirst = new Set(firsts);
    const order = [...firsts, ...labels.map((_, i) => i).filter((i) => !isFirst.has(i))];
    const SVM = loadLibsvm();
    const nFeatures = rows[0].length;
    const o = this.options;
    const svm = new SVM({
      type: SVM.SVM_TYPES.C_SVC,
      kernel: SVM.KERNEL_TYPES[KERNELS[o.kernel ?? "rbf"]],
      degree: o.degree ?? 3,
      gamma: this.#gamma(rows, nFeatures),
      coef0: o.coef0 ?? 0,
      cost: o.C ?? 1,
      tolerance: o.tol ?? 0.001,
      cacheSize: o.cacheSize ?? 200,
      shrinking: o.shrinking ?? true,
      quiet: true,
    });
    svm.train(order.map((i) => rows[i]), order.map((i) => code.get(labels[i])!));
    this.#svm?.free();
    this.#svm = svm;
    this.#classes = classes;
  }

  /** Same as {@link train} (scikit-learn naming). */
  fit(X: unknown, y: unknown): this {
    this.train(X, y);
    return this;
  }

  /** Predicted labels of the rows of `X`. */
  predict(X: unknown): Label[] {
    if (!this.#svm) throw new ApiParamError("SVC must be trained before predict()");
    return this.#svm.predict(toRows(X)).map((c) => this.#classes[c]);
  }

  /** The trained model as JSON ({@link SVC.load} reads it). */
  toJSON(): SVCJson {
    if (!this.#svm) throw new ApiParamError("SVC must be trained before it is saved");
    return { name: "SVC", options: this.options, classes: this.#classes, model: this.#svm.serializeModel() };
  }

  /**
   * A trained classifier from {@link SVC.toJSON}'s output.
   *
   * @example
   * ```ts
   * const svc = SVC.load(JSON.parse(readFileSync("svc.json", "utf8")));
   * ```
   */
  static load(json: SVCJson): SVC {
    if (json?.name !== "SVC") throw new ApiParamError(`Not a saved SVC model (name: ${json?.name})`);
    const svc = new SVC(json.options);
    svc.#svm = loadLibsvm().load(json.model);
    svc.#classes = json.classes;
    return svc;
  }

  /** Free libsvm's memory for the model (it is not garbage-collected). */
  free(): void {
    this.#svm?.free();
    this.#svm = undefined;
  }

  #gamma(rows: number[][], nFeatures: number): number {
    const g = this.options.gamma ?? "scale";
    if (typeof g === "number") {
      if (!(g > 0)) throw new ApiParamError(`gamma must be positive, got ${g}`);
      return g;
    }
    if (g === "auto") return 1 / nFeatures;
    // scale: 1 / (n_features * X.var()), numpy's variance over all values.
    const flat = rows.flat();
    const mean = pairwiseSum(flat) / flat.length;
    const variance = pairwiseSum(flat.map((x) => (x - mean) * (x - mean))) / flat.length;
    return variance === 0 ? 1 : 1 / (nFeatures * variance);
  }
}
