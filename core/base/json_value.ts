/**
 * The JSON values of workspace metadata, as Python's `json` module reads and
 * writes them (see `python_json.ts`).
 *
 * @module
 */

/** A JSON value as stored in workspace metadata. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object with keys in insertion order. */
export type JsonObject = { [key: string]: JsonValue };
