/**
 * How a dws operation talks to its user: batch or interactive, verbose or not,
 * where messages go and who answers questions.
 *
 * @module
 */
import { consoleOutput, type Output } from "./output.ts";
import { batchPrompter, type Prompter } from "./prompt.ts";

/** Everything an operation needs to know about its caller. */
export interface Context {
  /** Never ask: use documented defaults or fail with `BatchModeError`. */
  readonly batch: boolean;
  /** Echo subprocess calls and extra detail. */
  readonly verbose: boolean;
  readonly output: Output;
  readonly prompter: Prompter;
}

/** Options of {@link createContext}; every field has a library-friendly default. */
export interface ContextOptions {
  /** Default `true` for library calls (as the original's API). */
  batch?: boolean;
  verbose?: boolean;
  output?: Output;
  prompter?: Prompter;
}

/**
 * Build a {@link Context}. Library defaults: batch mode, console output.
 *
 * @example
 * ```ts
 * const ctx = createContext({ verbose: true });
 * ```
 */
export function createContext(options: ContextOptions = {}): Context {
  const batch = options.batch ?? true;
  const verbose = options.verbose ?? false;
  return {
    batch,
    verbose,
    output: options.output ?? consoleOutput({ verbose }),
    prompter: batch ? batchPrompter : options.prompter ?? batchPrompter,
  };
}
