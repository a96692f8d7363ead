/**
 * Parsers of option values for commander: each turns the text into a value
 * or throws commander's `InvalidArgumentError` (a usage error, exit 2).
 *
 * @module
 */
import { InvalidArgumentError } from "npm:commander@14.0.3";
import { splitList } from "../core/base/names.ts";

/**
 * A comma list (`a, b,c` → `["a", "b", "c"]`; empty items dropped).
 *
 * @example
 * ```ts
 * new Command("push").option("--only <names>", "only these resources", commaList);
 * ```
 */
export function commaList(text: string): string[] {
  return splitList(text);
}

/**
 * A parser of whole numbers of at least `min`; `what` names the unit in the error.
 *
 * @example
 * ```ts
 * new Command("gc").option("--keep-last <n>", "keep N snapshots", wholeNumber(0));
 * ```
 */
export function wholeNumber(min: number, what = ""): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      const of = what ? ` of ${what}` : min > 0 ? ` of at least ${min}` : "";
      throw new InvalidArgumentError(`expected a whole number${of}`);
    }
    return n;
  };
}

/**
 * A parser that applies `parse` and turns its error into commander's usage error.
 *
 * @example
 * ```ts
 * new Command("add").option("--role <role>", "the role", fromParser(parseRole));
 * ```
 */
export function fromParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}
