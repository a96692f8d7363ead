/**
 * Text tables laid out exactly like Data Workspaces 1.6 prints them
 * (`utils/print_utils.py`): `| H |` rows, a `_` divider, numeric columns
 * right-aligned, long values wrapped or truncated to a column's width.
 *
 * @module
 */
import { pythonFloatRepr, pythonStr } from "../base/python_repr.ts";
import { type JsonValue } from "../base/json_value.ts";

/** One column of a table. */
export interface TableColumn {
  /** Column title. */
  header: string;
  /** Cap on the column width: wider values wrap (or are cut with `truncate`). */
  width?: number;
  /** Cut values wider than `width` to `width - 2` characters plus `..`. */
  truncate?: boolean;
}

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** A line printed above the header. */
  title?: string;
  /** Text for null and empty values; default `None`. */
  nullValue?: string;
  /** Decorate a data cell's padded text (e.g. with ANSI colours) by row and column index; undefined: plain. */
  cellStyle?: (row: number, column: number) => ((text: string) => string) | undefined;
}

// Python's round(v, digits): correctly rounded with ties to even, where
// toFixed() breaks exact ties away from zero (round(2.25, 1) is 2.2).
function pythonRound(v: number, digits: number): number {
  if (Math.abs(v) >= 1e21) return v;
  const exact = Math.abs(v).toFixed(100);
  const end = exact.indexOf(".") + 1 + digits;
  const kept = exact.slice(0, end);
  if (/^50*$/.test(exact.slice(end)) && Number(kept[kept.length - 1]) % 2 === 0) {
    return Number((v < 0 ? "-" : "") + kept);
  }
  return Number(v.toFixed(digits));
}

function cellText(v: JsonValue | undefined, nullValue: string): string {
  if (v === null || v === undefined || v === "") return nullValue;
  if (typeof v === "number" && !Number.isInteger(v) && Number.isFinite(v)) {
    return pythonFloatRepr(pythonRound(v, Math.abs(v) < 1 ? 3 : 1));
  }
  return pythonStr(v);
}

// Lengths and cuts count code points, as Python's len() and slices do.
const textLength = (s: string) => [...s].length;

function fitLines(text: string, truncate: boolean, width: number): string[] {
  return text.split("\n").flatMap((line) => {
    const chars = [...line];
    if (truncate && chars.length > width - 2) return [chars.slice(0, width - 2).join("") + ".."];
    if (chars.length <= width) return [line];
    const chunks: string[] = [];
    for (let i = 0; i < chars.length; i += width) chunks.push(chars.slice(i, i + width).join(""));
    return chunks;
  });
}

function pad(text: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - textLength(text)));
  return right ? fill + text : text + fill;
}

/**
 * Lay out a table; returns its lines.
 *
 * @example
 * ```ts
 * formatTable([{ header: "Name" }, { header: "N" }], [["a", 1]]);
 * // ["| Name | N |", "|______|___|", "| a    | 1 |"]
 * ```
 */
export function formatTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly (JsonValue | undefined)[])[],
  options: TableOptions = {},
): string[] {
  const nullValue = options.nullValue ?? "None";
  const texts = rows.map((row) => columns.map((_, c) => cellText(row[c], nullValue)));
  // A loop, not Math.max(...): a table of 200,000 rows would overflow the stack.
  const contentWidths = columns.map((col, c) =>
    texts.reduce((w, r) => r[c].split("\n").reduce((m, l) => Math.max(m, textLength(l)), w), textLength(col.header))
  );
  const widths = columns.map((col, c) =>
    col.width !== undefined && contentWidths[c] >= col.width ? col.width : contentWidths[c]
  );
  // As 1.6: a truncating column cuts every value longer than width - 2 once it is at its spec width.
  const truncating = columns.map((col, c) =>
    !!col.truncate && col.width !== undefined && contentWidths[c] >= col.width
  );
  const rightAligned = columns.map((_, c) =>
    rows.length > 0 &&
    rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number" || typeof r[c] === "boolean")
  );
  const lines: string[] = [];
  const pushRow = (cells: string[][], alignRight: (c: number) => boolean, row?: number) => {
    const height = Math.max(...cells.map((c) => c.length));
    const styles = cells.map((_, c) => (row === undefined ? undefined : options.cellStyle?.(row, c)));
    for (let i = 0; i < height; i++) {
      lines.push(
        cells.map((cell, c) => {
          const text = pad(cell[i] ?? "", widths[c], alignRight(c));
          return `| ${styles[c] ? styles[c](text) : text} `;
        }).join("") + "|",
      );
    }
  };
  if (options.title) lines.push(options.title);
  // Headers are always left-aligned and wrap (never truncate) like values.
  pushRow(columns.map((col, c) => fitLines(col.header, false, widths[c])), () => false);
  lines.push("|" + widths.map((w) => "_".repeat(w + 2)).join("|") + "|");
  texts.forEach((row, r) => {
    pushRow(row.map((t, c) => fitLines(t, truncating[c], widths[c])), (c) => rightAligned[c], r);
  });
  return lines;
}
