/**
 * Python's text forms of values (`repr()`, `str()`, float repr), so messages
 * and tables read exactly like Data Workspaces 1.6 prints them.
 *
 * @module
 */
import type { JsonValue } from "./json_value.ts";

/**
 * Python's `repr()` of a float: shortest round-trip digits, exponent form
 * below 1e-4 and from 1e16 on, always a `.0` for integral values.
 *
 * @example
 * ```ts
 * pythonFloatRepr(1e-5); // "1e-05"
 * pythonFloatRepr(3); // "3.0"
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

/**
 * How a JS number is written in Python-compatible JSON and repr: integral
 * values as ints (JS cannot tell `3.0` from `3`), others as Python floats.
 */
export function pythonNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return String(x);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return pythonFloatRepr(x);
}

// Characters Python's repr() escapes: categories Cc, Cf, Cs, Co, Cn, Zl, Zp,
// Zs, except the ASCII space.
const NON_PRINTABLE = /^(?! )[\p{C}\p{Z}]$/u;

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (NON_PRINTABLE.test(ch)) {
      // Python's str.isprintable(): \xhh, \uhhhh or \Uhhhhhhhh.
      const width = code < 0x100 ? 2 : code < 0x10000 ? 4 : 8;
      out += `\\${width === 2 ? "x" : width === 4 ? "u" : "U"}${code.toString(16).padStart(width, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

/**
 * Python's `repr()` of a JSON value: `'text'`, `True`, `None`, `['a', 'b']`.
 *
 * @example
 * ```ts
 * pythonRepr(["a", true, null]); // "['a', True, None]"
 * ```
 */
export function pythonRepr(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
    return pythonFloatRepr(value);
  }
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  const items = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pythonRepr(v)}`);
  return `{${items.join(", ")}}`;
}

/** Python's `str()`: strings unchanged, everything else as {@link pythonRepr}. */
export function pythonStr(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : pythonRepr(value);
}
