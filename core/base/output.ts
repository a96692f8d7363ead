/**
 * Where dws writes what it tells the user. Everything dws prints goes through
 * an {@link Output}, so a library user can silence or capture it and later
 * colour and progress work has one home.
 *
 * @module
 */
import process from "node:process";

/** A sink for user-facing messages. */
export interface Output {
  /** Normal output (stdout on the command line). */
  info(message: string): void;
  /** Warnings and notes about skipped work (stderr on the command line). */
  warn(message: string): void;
  /** Detail shown only with `--verbose` (stderr on the command line). */
  debug(message: string): void;
  /** True when `debug` messages are shown. */
  readonly verbose: boolean;
  /**
   * A one-line status of long work, redrawn in place on a terminal; `undefined`
   * clears it. Silent when not on a TTY or in batch mode.
   */
  progress(line: string | undefined): void;
}

/** Options of {@link consoleOutput}. */
export interface ConsoleOutputOptions {
  /** Show `debug` messages. */
  verbose?: boolean;
  /** Show progress lines when stderr is a terminal. */
  progress?: boolean;
}

/**
 * The output of the `dws` command: info to stdout, warnings and verbose
 * detail to stderr.
 *
 * @example
 * ```ts
 * const out = consoleOutput({ verbose: true });
 * out.info("Workspace ws initialized successfully.");
 * ```
 */
export function consoleOutput(options: ConsoleOutputOptions = {}): Output {
  const verbose = options.verbose ?? false;
  const showProgress = (options.progress ?? false) && process.stderr.isTTY === true;
  let shown = false;
  return {
    verbose,
    progress: (line) => {
      if (!showProgress || (line === undefined && !shown)) return;
      process.stderr.write(line === undefined ? "\r\x1b[K" : `\r\x1b[K${line}`);
      shown = line !== undefined;
    },
    info: (m) => void process.stdout.write(m + "\n"),
    warn: (m) => void process.stderr.write(m + "\n"),
    debug: (m) => {
      if (verbose) process.stderr.write(m + "\n");
    },
  };
}

/** An output that collects lines in memory, for library users and tests. */
export interface MemoryOutput extends Output {
  /** Every message in order, with its level. */
  readonly lines: { level: "info" | "warn" | "debug"; message: string }[];
}

/**
 * Collect messages instead of printing them.
 *
 * @example
 * ```ts
 * const out = memoryOutput();
 * out.info("hi");
 * out.lines; // [{ level: "info", message: "hi" }]
 * ```
 */
export function memoryOutput(options: ConsoleOutputOptions = {}): MemoryOutput {
  const lines: MemoryOutput["lines"] = [];
  return {
    lines,
    verbose: options.verbose ?? false,
    progress: () => {},
    info: (message) => void lines.push({ level: "info", message }),
    warn: (message) => void lines.push({ level: "warn", message }),
    debug: (message) => void lines.push({ level: "debug", message }),
  };
}

/**
 * A byte count as people read it, in decimal units.
 *
 * @example
 * ```ts
 * formatBytes(1_234_567); // "1.2 MB"
 * formatBytes(999); // "999 B"
 * ```
 */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} KB`;
  return `${n} B`;
}

/**
 * A progress line for a loop: the returned function redraws `line()` on
 * `output` at most every `intervalMs`, so calling it per item costs almost
 * nothing; `line` is only evaluated when drawn.
 *
 * @example
 * ```ts
 * const show = throttledProgress(ctx.output);
 * for (const f of files) { copy(f); show(() => `Copied ${++n} files`); }
 * ctx.output.progress(undefined);
 * ```
 */
export function throttledProgress(output: Output, intervalMs = 200): (line: () => string) => void {
  let last = 0;
  return (line) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    output.progress(line());
  };
}
