/**
 * Printing report lines through the context's output.
 *
 * @module
 */
import type { Context } from "../core/base/context.ts";

/** Print each line as normal output. */
export function printLines(ctx: Context, lines: readonly string[]): void {
  for (const line of lines) ctx.output.info(line);
}
