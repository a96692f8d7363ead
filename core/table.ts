/**
 * Text tables laid out exactly like Data Workspaces 1.6 prints them
 * (`utils/print_utils.py`): `| H |` rows, a `_` divider, numeric columns
 * right-aligned, long values wrapped or truncated to a column's width.
 *
 * @module
 */
import { type JsonValue, pythonFloatRepr, pythonStr } from "./python_format.ts";

/** One column of a table. */
export interface TableColumn {
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
}

function cellText(v: JsonValue | undefined, nullValue: string): string {
  if (v === null || v === undefined || v === "") return nullValue;
  if (typeof v === "number" && !Number.isInteger(v) && Number.isFinite(v)) {
    return pythonFloatRepr(Number(v.toFixed(Math.abs(v) < 1 ? 3 : 1)));
  }
  return pythonStr(v);
}

function fitLines(text: string, col: TableColumn, width: number): string[] {
  return text.split("\n").flatMap((line) => {
    if (line.length <= width) return [line];
    if (col.truncate) return [line.slice(0, width - 2) + ".."];
    const chunks: string[] = [];
    for (let i = 0; i < line.length; i += width) chunks.push(line.slice(i, i + width));
    return chunks;
  });
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
  const widths = columns.map((col, c) => {
    const content = Math.max(
      col.header.length,
      ...texts.map((r) => Math.max(...r[c].split("\n").map((l) => l.length))),
    );
    return col.width !== undefined && content >= col.width ? col.width : content;
  });
  const rightAligned = columns.map((_, c) =>
    rows.length > 0 &&
    rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number" || typeof r[c] === "boolean")
  );
  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  lines.push(columns.map((col, c) => `| ${col.header.padEnd(widths[c])} `).join("") + "|");
  lines.push("|" + widths.map((w) => "_".repeat(w + 2)).join("|") + "|");
  for (const row of texts) {
    const cells = row.map((t, c) => fitLines(t, columns[c], widths[c]));
    const height = Math.max(...cells.map((c) => c.length));
    for (let i = 0; i < height; i++) {
      lines.push(
        cells.map((cell, c) => {
          const t = cell[i] ?? "";
          return `| ${rightAligned[c] ? t.padStart(widths[c]) : t.padEnd(widths[c])} `;
        }).join("") + "|",
      );
    }
  }
  return lines;
}
