/**
 * Shape checks shared by the metadata models: a corrupted file gives one
 * clear error naming the file, never a crash deep inside dws.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";

/** The error for a metadata file whose content has the wrong shape. */
export function corrupted(fileName: string, problem: string): ConfigurationError {
  return new ConfigurationError(
    `${fileName} is corrupted: ${problem}. Fix the file or restore it with 'git checkout -- ${fileName}'.`,
  );
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `value` as an object, or a {@link corrupted} error. */
export function expectObject(value: JsonValue, fileName: string, what = "the top level"): JsonObject {
  if (!isJsonObject(value)) throw corrupted(fileName, `${what} must be a JSON object`);
  return value;
}
