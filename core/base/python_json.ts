/**
 * The one JSON serializer for workspace metadata. It writes exactly the bytes
 * of Python's `json.dump(obj, indent=2)`: two-space indent, no trailing
 * newline, non-ASCII escaped as `\uXXXX`, `NaN`/`Infinity` allowed.
 *
 * @module
 */
import { ConfigurationError } from "./errors.ts";
import { pythonNumber } from "./python_repr.ts";
import { type JsonValue } from "./json_value.ts";

export type { JsonObject, JsonValue } from "./json_value.ts";

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** A string as Python's `json` writes it with `ensure_ascii=True`. */
export function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

function write(value: JsonValue, indent: string, out: string[]): void {
  if (value === null) out.push("null");
  else if (typeof value === "boolean") out.push(value ? "true" : "false");
  else if (typeof value === "number") out.push(pythonNumber(value));
  else if (typeof value === "string") out.push(pythonJsonString(value));
  else if (Array.isArray(value)) {
    if (value.length === 0) return void out.push("[]");
    const inner = indent + "  ";
    out.push("[");
    value.forEach((item, i) => {
      out.push(`${i ? "," : ""}\n${inner}`);
      write(item, inner, out);
    });
    out.push(`\n${indent}]`);
  } else {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return void out.push("{}");
    const inner = indent + "  ";
    out.push("{");
    entries.forEach(([k, v], i) => {
      out.push(`${i ? "," : ""}\n${inner}${pythonJsonString(k)}: `);
      write(v, inner, out);
    });
    out.push(`\n${indent}}`);
  }
}

/**
 * Serialize like Python's `json.dumps(value, indent=2)`.
 *
 * @example
 * ```ts
 * dumpPythonJson({ name: "ws", tags: [] }); // '{\n  "name": "ws",\n  "tags": []\n}'
 * ```
 */
export function dumpPythonJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, "", out);
  return out.join("");
}

/**
 * Parse JSON as Python's `json.load` accepts it (including `NaN`,
 * `Infinity`, `-Infinity`). Errors name the file so the user knows what to fix.
 *
 * @example
 * ```ts
 * parsePythonJson('{"a": NaN}', "x.json"); // { a: NaN }
 * ```
 */
export function parsePythonJson(text: string, fileName: string): JsonValue {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (/\b(NaN|Infinity)\b/.test(text)) {
      try {
        return parseWithSpecialFloats(text);
      } catch { /* report the original error below */ }
    }
    throw new ConfigurationError(
      `${fileName} is not valid JSON (${(e as Error).message}). ` +
        `Fix the file or restore it with 'git checkout -- ${fileName}'.`,
    );
  }
}

// Rare path: swap Python's special floats for sentinel strings outside of
// string literals, parse, then swap back.
function parseWithSpecialFloats(text: string): JsonValue {
  const sentinels: Record<string, number> = {
    "\u0000NaN": NaN,
    "\u0000Infinity": Infinity,
    "\u0000-Infinity": -Infinity,
  };
  const replaced = text.replace(
    /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g,
    (m) => m.startsWith('"') ? m : JSON.stringify(`\u0000${m}`),
  );
  return JSON.parse(replaced, (_k, v) => typeof v === "string" && v in sentinels ? sentinels[v] : v);
}
