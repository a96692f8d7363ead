/**
 * Datasets stored in a resource as files (spec §9.2
 * `load_dataset_from_resource`): `data.csv` and `target.csv` (optionally
 * `.gz` or `.bz2` compressed) plus any other attributes — text (`.txt`,
 * `.rst`), CSV and numpy `.npy` files — in the forms ml.js predictors and
 * tfjs take (`number[][]`, `number[]`).
 *
 * @example
 * ```ts
 * import { loadDatasetFromResource } from "./dataset.ts";
 * const ds = await loadDatasetFromResource("sklearn-digits-dataset");
 * ds.data.length; // 1797
 * ds.extras.DESCR; // the description text
 * ```
 *
 * @module
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { createGunzip, gunzipSync } from "node:zlib";
import { createContext } from "../core/base/context.ts";
import { ConfigurationError } from "../core/base/errors.ts";
import { formatRef, type ResourceRef } from "../core/models/lineage.ts";
import { resolveWorkspaceDir, Workspace } from "../core/workspace/workspace.ts";
import "../resources/mod.ts";

/** Numbers nested to any depth (an n-dimensional array). */
export type NestedNumbers = number | NestedNumbers[];

/** The value of a dataset attribute file. */
export type DatasetValue = string | NestedNumbers | string[] | string[][];

/** A dataset loaded by {@link loadDatasetFromResource}. */
export interface Dataset<T extends number[] | number[][] = number[]> {
  /** The samples: one row of features each. */
  data: number[][];
  /** The targets: one number per sample (a row per sample for a multi-column target.csv). */
  target: T;
  /** Where the data came from; pass it as `LineagePredictor`'s input resource. */
  resource: ResourceRef;
  /** Every other attribute file, by name without its extension (`DESCR`, `feature_names`, `images`, ...). */
  extras: Record<string, DatasetValue>;
}

/** A dataset file that cannot be read; the message names the file, line and column. */
export class DatasetFormatError extends ConfigurationError {}

/**
 * Load the dataset in a resource (or in `subpath` of it): `data.csv` and
 * `target.csv` (also `.csv.gz`, `.csv.bz2`) are required and must have the
 * same number of rows; every other `.txt`, `.rst`, `.csv(.gz|.bz2)` and
 * `.npy` file becomes an entry of `extras`. Only resources with a local
 * folder are supported.
 *
 * @example
 * ```ts
 * const ds = await loadDatasetFromResource("iris", undefined, "/ws");
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { testSize: 0.5, shuffle: false });
 * ```
 */
export async function loadDatasetFromResource<T extends number[] | number[][] = number[]>(
  resource: string,
  subpath?: string,
  workspaceDir?: string,
): Promise<Dataset<T>> {
  const ws = await Workspace.open(resolveWorkspaceDir(workspaceDir), createContext());
  const r = ws.getResource(resource);
  const sub = subpath ? subpath.replace(/^\/+/, "") || null : null;
  const ref: ResourceRef = { name: r.name, subpath: sub };
  if (!r.localPath) {
    throw new ConfigurationError(
      `Unable to instantiate a data set for resource '${r.name}': currently not supported for non-local resources`,
    );
  }
  const dir = sub ? join(r.localPath, sub) : r.localPath;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigurationError(`${formatRef(ref)} is not a folder in ${r.localPath}`);
  }
  const name = sub ? `Resource ${r.name} subpath ${sub}` : `Resource ${r.name}`;
  const find = (base: string, what: string) => {
    for (const ext of [".csv", ".csv.gz", ".csv.bz2"]) {
      const f = join(dir, base + ext);
      if (existsSync(f)) return f;
    }
    throw new ConfigurationError(`Did not find ${what} file for ${name} at '${join(dir, base + ".csv")}'`);
  };
  const dataFile = find("data", "data");
  const targetFile = find("target", "target");
  const data = (await readNumericCsv(dataFile)).rows;
  const targetRows = (await readNumericCsv(targetFile)).rows;
  const target = squeeze(targetRows);
  const nTarget = Array.isArray(target) ? (target as unknown[]).length : 1;
  if (data.length !== nTarget) {
    throw new ConfigurationError(
      `Data matrix at '${dataFile}' has ${data.length} rows, but target at '${targetFile}' has ${nTarget} rows`,
    );
  }
  const extras: Record<string, DatasetValue> = {};
  for (const f of readdirSync(dir).sort()) {
    const path = join(dir, f);
    if (path === dataFile || path === targetFile || !statSync(path).isFile()) continue;
    const m = /^(.*?)(\.txt|\.rst|\.csv|\.csv\.gz|\.csv\.bz2|\.npy)$/.exec(f);
    if (!m || !m[1]) continue;
    if (m[2] === ".txt" || m[2] === ".rst") extras[m[1]] = readFileSync(path, "utf8");
    else if (m[2] === ".npy") extras[m[1]] = npyToNested(readNpy(readFileSync(path), path));
    else extras[m[1]] = await readAttributeCsv(path);
  }
  return { data, target: target as T, resource: ref, extras };
}

/** A one-row or one-column table as a flat array (numpy `loadtxt` does the same). */
function squeeze(rows: number[][]): number[] | number[][] {
  if (rows.length > 0 && rows.every((r) => r.length === 1)) return rows.map((r) => r[0]);
  if (rows.length === 1) return rows[0];
  return rows;
}

// ---------------------------------------------------------------------------------------------
// CSV

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN,
  "+nan": NaN,
  "-nan": NaN,
  inf: Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
  infinity: Infinity,
  "+infinity": Infinity,
  "-infinity": -Infinity,
};

/** A number as Python's `float()` reads it, or undefined. */
function parseFloatField(field: string): number | undefined {
  if (FLOAT.test(field)) return Number(field);
  const s = SPECIAL[field.toLowerCase()];
  return s;
}

/** The rows of a numeric CSV file. */
export interface NumericCsv {
  /** One array per non-empty line. */
  rows: number[][];
  /** Number of columns. */
  columns: number;
}

/** The lines of a file (decompressed by extension), streamed. */
async function* lines(file: string): AsyncGenerator<string> {
  let source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  if (file.endsWith(".bz2")) {
    source = [await bunzip(readFileSync(file), file)];
  } else if (file.endsWith(".gz")) {
    source = createReadStream(file).pipe(createGunzip());
  } else {
    source = createReadStream(file);
  }
  const decoder = new TextDecoder();
  let rest = "";
  try {
    for await (const chunk of source) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      rest = parts.pop()!;
      yield* parts;
    }
  } catch (e) {
    if (e instanceof DatasetFormatError) throw e;
    throw new DatasetFormatError(`${file}: cannot be read: ${(e as Error).message}`);
  }
  rest += decoder.decode();
  if (rest !== "") yield rest;
}

/** A line without its comment (`#`) and surrounding blanks, split at commas. */
function fields(line: string): string[] | undefined {
  const hash = line.indexOf("#");
  const body = (hash >= 0 ? line.slice(0, hash) : line).trim();
  return body === "" ? undefined : body.split(",").map((f) => f.trim());
}

/**
 * Read a CSV file of numbers as numpy's `loadtxt(delimiter=",")` does
 * (blank lines and `#` comments skipped), streaming it line by line;
 * `.gz` and `.bz2` files are decompressed. A field that is not a number or
 * a row with a different number of columns is a {@link DatasetFormatError}
 * naming the file, line and column.
 *
 * @example
 * ```ts
 * const { rows } = await readNumericCsv("data.csv.gz");
 * ```
 */
export async function readNumericCsv(file: string): Promise<NumericCsv> {
  const rows: number[][] = [];
  let columns = -1;
  let lineNo = 0;
  const name = basename(file);
  for await (const line of lines(file)) {
    lineNo++;
    const fs = fields(line);
    if (!fs) continue;
    if (columns < 0) columns = fs.length;
    else if (fs.length !== columns) {
      throw new DatasetFormatError(`${name} line ${lineNo}: ${fs.length} columns, expected ${columns} (${file})`);
    }
    const row = new Array<number>(fs.length);
    for (let c = 0; c < fs.length; c++) {
      const v = parseFloatField(fs[c]);
      if (v === undefined) {
        throw new DatasetFormatError(
          `${name} line ${lineNo}, column ${c + 1}: '${fs[c]}' is not a number (${file})`,
        );
      }
      row[c] = v;
    }
    rows.push(row);
  }
  return { rows, columns: Math.max(columns, 0) };
}

/**
 * An attribute CSV: numbers when every field is one (a one-column or
 * one-row file flattened), numbers below a header line, else the text
 * fields (e.g. `feature_names.csv`).
 */
async function readAttributeCsv(file: string): Promise<DatasetValue> {
  let bytes: Uint8Array = readFileSync(file);
  if (file.endsWith(".gz")) bytes = gunzipSync(bytes);
  else if (file.endsWith(".bz2")) bytes = await bunzip(bytes, file);
  const table = new TextDecoder().decode(bytes).split("\n").map((l) => fields(l.replace(/\r$/, "")))
    .filter((f): f is string[] => f !== undefined);
  const numeric = (rows: string[][]) => rows.every((r) => r.every((f) => parseFloatField(f) !== undefined));
  const numbers = (rows: string[][]) => squeeze(rows.map((r) => r.map((f) => parseFloatField(f)!)));
  if (table.length > 0 && numeric(table)) return numbers(table);
  if (table.length > 1 && numeric(table.slice(1))) return numbers(table.slice(1));
  if (table.every((r) => r.length === 1)) return table.map((r) => r[0]);
  if (table.length === 1) return table[0];
  return table;
}

async function bunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  // seek-bzip (plain JavaScript, CommonJS) is loaded only when a .bz2 file is read.
  const mod = await import("npm:seek-bzip@2.0.0");
  const Bunzip = (mod.default ?? mod) as {
    decode(input: Uint8Array, output?: undefined, multi?: boolean): Uint8Array;
  };
  try {
    return Bunzip.decode(bytes, undefined, true);
  } catch (e) {
    throw new DatasetFormatError(`${file}: not a valid bzip2 file (${String((e as Error).message ?? e)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// .npy

/** A numpy array read from a `.npy` file. */
export interface NpyArray {
  /** The numpy dtype string, e.g. `<f8`. */
  dtype: string;
  /** The shape; `[]` for a scalar. */
  shape: number[];
  /** Whether the data is stored column-major. */
  fortranOrder: boolean;
  /** The values in storage order (int64 and uint64 as numbers). */
  data: Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
}

/**
 * Parse the bytes of a `.npy` file (format versions 1-3): float
 * (`f4`, `f8`), signed and unsigned integer (1-8 bytes) and bool dtypes in
 * either byte order.
 *
 * @example
 * ```ts
 * const a = readNpy(readFileSync("images.npy"));
 * a.shape; // [1797, 8, 8]
 * ```
 */
export function readNpy(bytes: Uint8Array, file = "the .npy data"): NpyArray {
  const bad = (why: string) => new DatasetFormatError(`${file}: ${why}`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw bad("not a .npy file (no \\x93NUMPY header)");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    start = 12;
  } else throw bad(`unsupported .npy format version ${major}`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(`bad header ${header.trim()}`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) =>
    Number(s.replace(/L$/, ""))
  );
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  if (!m) throw bad(`unsupported dtype '${descr}' (only numbers and booleans)`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  const little = order !== ">";
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (bytes.length < offset + count * size) {
    throw bad(`truncated: ${count} values of ${size} bytes need ${count * size} bytes after the header`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
  const read = (make: (n: number) => NpyArray["data"], get: (i: number) => number) => {
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = get(i);
    return out;
  };
  let data: NpyArray["data"];
  const key = `${kind}${size}`;
  switch (key) {
    case "f8":
      data = read((n) => new Float64Array(n), (i) => dv.getFloat64(i * 8, little));
      break;
    case "f4":
      data = read((n) => new Float32Array(n), (i) => dv.getFloat32(i * 4, little));
      break;
    case "i1":
      data = read((n) => new Int8Array(n), (i) => dv.getInt8(i));
      break;
    case "i2":
      data = read((n) => new Int16Array(n), (i) => dv.getInt16(i * 2, little));
      break;
    case "i4":
      data = read((n) => new Int32Array(n), (i) => dv.getInt32(i * 4, little));
      break;
    case "i8":
      data = read((n) => new Float64Array(n), (i) => Number(dv.getBigInt64(i * 8, little)));
      break;
    case "u1":
    case "b1":
      data = read((n) => new Uint8Array(n), (i) => dv.getUint8(i));
      break;
    case "u2":
      data = read((n) => new Uint16Array(n), (i) => dv.getUint16(i * 2, little));
      break;
    case "u4":
      data = read((n) => new Uint32Array(n), (i) => dv.getUint32(i * 4, little));
      break;
    case "u8":
      data = read((n) => new Float64Array(n), (i) => Number(dv.getBigUint64(i * 8, little)));
      break;
    default:
      throw bad(`unsupported dtype '${descr}'`);
  }
  return { dtype: descr, shape, fortranOrder: fortran === "True", data };
}

/**
 * A numpy array as nested arrays of numbers (a number for a scalar),
 * row-major whatever its storage order.
 *
 * @example
 * ```ts
 * npyToNested(readNpy(bytes)); // [[0, 1], [2, 3]]
 * ```
 */
export function npyToNested(a: NpyArray): NestedNumbers {
  const { shape, data } = a;
  if (shape.length === 0) return data[0];
  // Strides (in elements) of the storage order.
  const strides = new Array<number>(shape.length);
  let s = 1;
  if (a.fortranOrder) {
    for (let d = 0; d < shape.length; d++) {
      strides[d] = s;
      s *= shape[d];
    }
  } else {
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
  }
  const build = (dim: number, base: number): NestedNumbers[] => {
    const n = shape[dim];
    const out = new Array<NestedNumbers>(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = data[base + i * strides[dim]];
    } else {
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, base + i * strides[dim]);
    }
    return out;
  };
  return build(0, 0);
}
