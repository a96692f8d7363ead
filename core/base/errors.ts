/**
 * Typed errors of dws. Each carries the one-line, user-facing message and the
 * exit code the command line uses for it (1 for errors, 2 for usage errors).
 *
 * The class names mirror Data Workspaces 1.6 (`dataworkspaces/errors.py`) so
 * users of the Python original recognise them.
 *
 * @module
 */

/**
 * How a message names an option: the library names it as in its options
 * objects (`only`), the command line by its flag (`--only`).
 */
export type OptionNamer = (option: string) => string;

/**
 * A message that names options, e.g.
 * `(o) => \`Use either ${o("only")} or ${o("leave")}, not both\``: core names
 * the concept, the command line shows its flags.
 */
export type OptionMessage = (option: OptionNamer) => string;

/** The library's way of naming an option: its plain name. */
export function libraryOptionName(option: string): string {
  return option;
}

/** Base class of every error dws raises on purpose. */
export class DwsError extends Error {
  /** Exit code of the `dws` command when this error ends it. */
  readonly exitCode: number = 1;
  readonly #render?: OptionMessage;
  /**
   * Create the error with its user-facing message; a message that names
   * options is a function of how options are named.
   */
  constructor(message: string | OptionMessage, options?: ErrorOptions) {
    super(typeof message === "string" ? message : message(libraryOptionName), options);
    this.name = new.target.name;
    if (typeof message !== "string") this.#render = message;
  }
  /** The message, naming options with `option`. */
  messageWith(option: OptionNamer): string {
    return this.#render ? this.#render(option) : this.message;
  }
  /** The line printed to stderr; the command line passes its flag names as `option`. */
  userMessage(option: OptionNamer = libraryOptionName): string {
    return this.messageWith(option);
  }
}

/**
 * Something is wrong with the workspace, its configuration or the arguments.
 *
 * @example
 * ```ts
 * throw new ConfigurationError("Tag 'v1' already exists");
 * ```
 */
export class ConfigurationError extends DwsError {
  /** The line printed to stderr by the command line. */
  override userMessage(option: OptionNamer = libraryOptionName): string {
    return `Configuration error: ${this.messageWith(option)}`;
  }
}

/** A path does not belong to any resource of the workspace. */
export class PathNotAResourceError extends ConfigurationError {}
/** A feature or combination is not supported. */
export class NotSupportedError extends ConfigurationError {}
/** An unknown parameter name. */
export class ParamNotFoundError extends ConfigurationError {}
/** A parameter value that is not valid for its parameter. */
export class ParamValidationError extends ConfigurationError {}
/** A parameter value given as a string that cannot be parsed. */
export class ParamParseError extends ConfigurationError {}
/** An rclone call failed. */
export class RCloneException extends ConfigurationError {}

/** Base class of lineage problems. */
export class LineageError extends ConfigurationError {}
/** Lineage records that contradict each other. */
export class LineageConsistencyError extends LineageError {}
/** Two steps wrote the same output. */
export class LineageConflictError extends LineageError {}
/** No lineage where some was expected. */
export class LineageNotFoundError extends LineageError {}
/** A placeholder that could not be replaced. */
export class LineagePlaceHolderError extends LineageError {}

/** The user answered "no" to a confirmation. */
export class UserAbort extends DwsError {
  /** Create the error; the default message is 1.6's. */
  constructor(message = "Not a positive response, exiting without doing anything") {
    super(message);
  }
}

/** Input from the user is needed but batch mode forbids asking. */
export class BatchModeError extends DwsError {
  /** What input was needed: a question, or an option (see `option`). */
  readonly what: string;
  /**
   * Create the error for the input `what`; with `{ option: true }`, `what`
   * names an option (`role`), shown by the command line as its flag.
   */
  constructor(what: string, options: { option?: boolean } = {}) {
    super((o) => `Running in ${o("batch")} mode, but user input required for ${options.option ? o(what) : what}`);
    this.what = what;
  }
}

/** A question was asked but there is no input left to answer it (standard input ended). */
export class NoInputError extends DwsError {
  /** The question. */
  readonly question: string;
  /** Create the error for `question`. */
  constructor(question: string) {
    const q = question.trim().replace(/[:?]?\s*(\[[^\]]*\])?\s*$/, "");
    super((o) =>
      `No input to answer '${q}' (standard input ended); ${o("batch")} answers every question with its default`
    );
    this.question = question;
  }
}

/** A bug in dws itself. */
export class InternalError extends DwsError {
  /** The line printed to stderr by the command line. */
  override userMessage(option: OptionNamer = libraryOptionName): string {
    return `Aborting due to internal error: ${this.messageWith(option)}`;
  }
}

/** Bad arguments to a library API call. */
export class ApiParamError extends DwsError {}
/** A path given to the file-system API does not exist or has the wrong kind. */
export class PathError extends ApiParamError {}

/** The command line was used wrongly (exit code 2). */
export class UsageError extends DwsError {
  /** Usage errors exit with 2, as click does. */
  override readonly exitCode: number = 2;
}

/**
 * The line of a failed program's stderr that says what went wrong: git's
 * leftover lock file by name, else its `fatal:`/`error:` line, else the last.
 */
function subprocessDetail(stderr: string, code: number | null): string {
  const lines = stderr.trim().split("\n").filter((l) => l.trim());
  const lock = /Unable to create '([^']*\.lock)': File exists/.exec(stderr);
  if (lock) {
    return `git's lock file ${lock[1]} exists: another git process is running, or one crashed; ` +
      `if none is running, delete ${lock[1]}`;
  }
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.pop() ?? `exit code ${code}`;
}

/** A subprocess (git, rclone, ...) exited with an error. */
export class SubprocessError extends DwsError {
  /** The command line that failed. */
  readonly command: readonly string[];
  /** Folder the command ran in. */
  readonly cwd: string;
  /** What the command printed to stdout. */
  readonly stdout: string;
  /** What the command printed to stderr. */
  readonly stderr: string;
  /** Exit code; null when killed by a signal. */
  readonly code: number | null;
  /** Build the error from the command and its result. */
  constructor(
    command: readonly string[],
    result: { cwd: string; stdout: string; stderr: string; code: number | null },
  ) {
    super(`'${command.join(" ")}' failed in ${result.cwd}: ${subprocessDetail(result.stderr, result.code)}`);
    this.command = command;
    this.cwd = result.cwd;
    this.stdout = result.stdout;
    this.stderr = result.stderr;
    this.code = result.code;
  }
  /** The line printed to stderr by the command line. */
  override userMessage(): string {
    return `Error in subprocess call: ${this.message}`;
  }
}

/**
 * A command run as a lineage step (`dws run`) failed; the command line exits
 * with the command's own exit code (128 + signal number when killed).
 */
export class StepFailedError extends DwsError {
  /** The command's exit code, passed through by `dws run`. */
  override readonly exitCode: number;
  /** The signal that killed the command, if any. */
  readonly signal: string | null;
  /** Create the error for a command that exited with `exitCode` (or was killed by `signal`). */
  constructor(message: string, result: { exitCode: number; signal: string | null }) {
    super(message);
    this.exitCode = result.exitCode;
    this.signal = result.signal;
  }
}

/** What a node or Deno system error says of itself. */
interface SystemErrorLike {
  code?: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

const at = (path: string | undefined) => path ? ` at ${path}` : "";

/** The one line for each system error code: what happened, where, and the fix. */
const SYSTEM_ERRORS: Record<string, (path: string | undefined) => string> = {
  ENOSPC: (p) => `No space left on the device${at(p)}: free some space, then run the command again`,
  EDQUOT: (p) => `Disk quota exceeded${at(p)}: free some space, then run the command again`,
  ENAMETOOLONG: (p) => `A file name is too long${at(p)}: use names of at most 255 bytes (200 for dws names)`,
  EACCES: (p) => `Permission denied${at(p)}: check the owner and permissions of that file or folder`,
  EPERM: (p) => `Operation not permitted${at(p)}: check the owner and permissions of that file or folder`,
  EROFS: (p) => `The file system is read-only${at(p)}: use a writable location`,
  EISDIR: (p) => `${p ?? "A path"} is a folder where a file was expected: move the folder away`,
  ENOTDIR: (p) => `A part of ${p ?? "a path"} is a file where a folder was expected: move the file away`,
  ENOENT: (p) => `${p ?? "A file or folder"} does not exist: check the path, or create its folder first`,
  EEXIST: (p) => `${p ?? "A file"} already exists: move it away first`,
  ENOTEMPTY: (p) => `The folder ${p ?? ""} is not empty: move its contents away first`,
  EMFILE: () => "Too many open files: raise the limit (ulimit -n) and run the command again",
  ENFILE: () => "Too many open files on this system: close some programs and run the command again",
  EIO: (p) => `Input/output error${at(p)}: the disk or file system has a problem; check it, then retry`,
  ELOOP: (p) => `Too many levels of symbolic links${at(p)}: a link points at itself`,
};

/**
 * One clear line for a system error thrown by the file system (out of space,
 * name too long, permission denied, ...), naming the path and the fix; or
 * undefined for anything else.
 *
 * @example
 * ```ts
 * systemErrorMessage(Object.assign(new Error("x"), { code: "ENOSPC", path: "/ws/a" }));
 * // "No space left on the device at /ws/a: free some space, then run the command again"
 * ```
 */
export function systemErrorMessage(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const { code, path, dest } = e as SystemErrorLike;
  const describe = code === undefined ? undefined : SYSTEM_ERRORS[code];
  if (!describe) return undefined;
  // For rename, link and copy the destination is the path the user named.
  return describe(dest ?? path);
}
