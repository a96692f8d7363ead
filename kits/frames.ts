/**
 * Data frames of other libraries, recognised by their shape (duck typing)
 * so that none of them is a dependency: nodejs-polars `DataFrame` and
 * `Series`, apache-arrow `Table`, `RecordBatch` and `Vector`. The kits hash
 * them column by column, as the original hashes a pandas DataFrame (spec
 * §9.1: each column's buffer, in column order).
 *
 * @example
 * ```ts
 * import pl from "nodejs-polars";
 * import { frameColumns } from "./frames.ts";
 * frameColumns(pl.DataFrame({ a: [1.5, 2], b: ["x", "y"] }));
 * // [Float64Array [1.5, 2], ["x", "y"]]
 * ```
 *
 * @module
 */

/** The parts of a column that are hashed: typed arrays, or arrays of strings, numbers, booleans or bigints. */
export type ColumnPart = ArrayBufferView | readonly (string | number | boolean | bigint)[];

interface PolarsSeriesLike {
  readonly dtype: { readonly variant: string };
  nullCount(): number;
  toArray(): unknown[];
  toTypedArray(): ArrayBufferView;
}

interface PolarsFrameLike {
  readonly columns: string[];
  readonly height: number;
  getColumns(): PolarsSeriesLike[];
}

interface ArrowVectorLike {
  readonly nullCount: number;
  readonly length: number;
  readonly data: unknown[];
  readonly type: unknown;
  toArray(): unknown;
  [Symbol.iterator](): Iterator<unknown>;
}

interface ArrowTableLike {
  readonly schema: { readonly fields: readonly unknown[] };
  readonly numCols: number;
  readonly numRows: number;
  getChildAt(i: number): ArrowVectorLike | null;
}

const NUMERIC_POLARS = new Set([
  "Int8",
  "Int16",
  "Int32",
  "Int64",
  "UInt8",
  "UInt16",
  "UInt32",
  "UInt64",
  "Float32",
  "Float64",
]);

const has = (x: object, name: string, type: "function" | "number") => {
  const v = (x as Record<string, unknown>)[name];
  return type === "function" ? typeof v === "function" : typeof v === "number";
};

/**
 * Whether `x` looks like a nodejs-polars `DataFrame`.
 *
 * @example
 * ```ts
 * isPolarsDataFrame(pl.DataFrame({ a: [1] })); // true
 * ```
 */
export function isPolarsDataFrame(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  return has(x, "getColumns", "function") && has(x, "height", "number") &&
    Array.isArray((x as { columns?: unknown }).columns);
}

/**
 * Whether `x` looks like a nodejs-polars `Series`.
 *
 * @example
 * ```ts
 * isPolarsSeries(pl.Series("a", [1, 2])); // true
 * ```
 */
export function isPolarsSeries(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const dtype = (x as { dtype?: { variant?: unknown } }).dtype;
  return has(x, "toArray", "function") && has(x, "nullCount", "function") && has(x, "toTypedArray", "function") &&
    typeof dtype?.variant === "string";
}

/**
 * Whether `x` looks like an apache-arrow `Table` or `RecordBatch`.
 *
 * @example
 * ```ts
 * isArrowTable(tableFromArrays({ f: new Float32Array([1]) })); // true
 * ```
 */
export function isArrowTable(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const schema = (x as { schema?: { fields?: unknown } }).schema;
  return has(x, "getChildAt", "function") && has(x, "numCols", "number") && Array.isArray(schema?.fields);
}

/**
 * Whether `x` looks like an apache-arrow `Vector`.
 *
 * @example
 * ```ts
 * isArrowVector(vectorFromArray([1, 2])); // true
 * ```
 */
export function isArrowVector(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  return has(x, "toArray", "function") && has(x, "nullCount", "number") &&
    Array.isArray((x as { data?: unknown }).data) && (x as { type?: unknown }).type !== undefined;
}

/**
 * A column with nulls: a validity byte per value (1 = present), then the
 * values with each null replaced by an empty value of the column's kind.
 */
function withValidity(values: readonly unknown[]): ColumnPart[] {
  const valid = new Uint8Array(values.length);
  const sample = values.find((v) => v !== null && v !== undefined);
  const empty = typeof sample === "string" ? "" : typeof sample === "boolean" ? false : 0;
  const filled = values.map((v, i) => {
    if (v === null || v === undefined) return empty;
    valid[i] = 1;
    return v as string | number | boolean | bigint;
  });
  return [valid, filled];
}

function polarsSeriesParts(s: PolarsSeriesLike): ColumnPart[] {
  // toTypedArray() panics (noisily) for other dtypes or when there are nulls: only call it when it works.
  if (NUMERIC_POLARS.has(s.dtype.variant) && s.nullCount() === 0) return [s.toTypedArray()];
  const values = s.toArray();
  return s.nullCount() > 0 ? withValidity(values) : [values as ColumnPart];
}

function arrowVectorParts(v: ArrowVectorLike): ColumnPart[] {
  if (v.nullCount > 0) return withValidity([...v]);
  const values = v.toArray();
  if (ArrayBuffer.isView(values)) return [values];
  return [Array.isArray(values) ? values : [...v] as ColumnPart];
}

/**
 * The hashed parts of a data frame or column of nodejs-polars or
 * apache-arrow, in column order; undefined for anything else. Numeric
 * columns without nulls give their typed array (their raw buffer); other
 * columns their values; a column with nulls a validity mask then its values.
 *
 * @example
 * ```ts
 * frameColumns(tableFromArrays({ f: new Float32Array([1, 2]) })); // [Float32Array [1, 2]]
 * ```
 */
export function frameColumns(x: unknown): ColumnPart[] | undefined {
  if (isPolarsDataFrame(x)) return (x as PolarsFrameLike).getColumns().flatMap(polarsSeriesParts);
  if (isArrowTable(x)) {
    const t = x as ArrowTableLike;
    const parts: ColumnPart[] = [];
    for (let i = 0; i < t.numCols; i++) {
      const c = t.getChildAt(i);
      if (c) parts.push(...arrowVectorParts(c));
    }
    return parts;
  }
  if (isPolarsSeries(x)) return polarsSeriesParts(x as PolarsSeriesLike);
  if (isArrowVector(x)) return arrowVectorParts(x as ArrowVectorLike);
  return undefined;
}
