/**
 * The array shapes JavaScript ML libraries use, converted to the plain
 * rows and vectors the kits work on: nested arrays, typed arrays and
 * matrix-like objects (ml-matrix, tfjs tensors after `arraySync`).
 *
 * @module
 */
import { ApiParamError } from "../core/base/errors.ts";

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

/** True for typed arrays (Float32Array, BigInt64Array, ...), but not DataView. */
export function isTypedArray(x: unknown): x is ArrayBufferView & ArrayLike<number | bigint> {
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
