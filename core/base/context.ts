/**
 * How a dws operation talks to its user: batch or interactive, verbose or not,
 * where messages go and who answers questions.
 *
 * @module
 */
import { libraryOptionName, type OptionNamer } from "./errors.ts";
import { consoleOutput, type Output } from "./output.ts";
import { batchPrompter, type Prompter } from "./prompt.ts";

/** Everything an operation needs to know about its caller. */
export interface Context {
  /** Never ask: use documented defaults or fail with `BatchModeError`. */
  readonly batch: boolean;
  /** Echo subprocess calls and extra detail. */
  readonly verbose: boolean;
  /** Where messages go. */
  readonly output: Output;
  /** Who answers questions (never used in batch mode). */
  readonly prompter: Prompter;
  /** How messages name an option: as the library (`outputs`) or as the command line's flag (`--output`). */
  readonly option: OptionNamer;
}

/** Options of {@link createContext}; every field has a library-friendly default. */
export interface ContextOptions {
  /** Default `true` for library calls (as the original's API). */
  batch?: boolean;
  /** Echo subprocess calls and extra detail. */
  verbose?: boolean;
  /** Where messages go; default: the console. */
  output?: Output;
  /** Who answers questions when not in batch mode. */
  prompter?: Prompter;
  /** How messages name an option; default: its library name. */
  option?: OptionNamer;
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
    output: options.output ?? consoleOutput({ verbose, progress: !batch }),
    prompter: batch ? batchPrompter : options.prompter ?? batchPrompter,
    option: options.option ?? libraryOptionName,
  };
}
