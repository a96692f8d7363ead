/**
 * Running external programs (git, git-lfs, rclone) with argument arrays,
 * never shell strings. With `--verbose` every call is echoed as
 * `cmd args [run in <cwd>]`, as Data Workspaces 1.6 does.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import type { Context } from "./context.ts";
import { ConfigurationError, SubprocessError } from "./errors.ts";

/** The outcome of a finished subprocess. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; `null` when killed by a signal. */
  code: number | null;
}

/** Options of {@link runProgram}. */
export interface RunOptions {
  cwd: string;
  /** Resolve with the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Text written to the program's stdin. */
  input?: string;
}

/**
 * Run `command` with `args`; throws {@link SubprocessError} on failure unless
 * `allowFailure` is set.
 *
 * @example
 * ```ts
 * const { stdout } = await runProgram(ctx, ["git", "status", "--porcelain"], { cwd: "/ws" });
 * ```
 */
export function runProgram(ctx: Context, argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const [command, ...args] = argv;
  ctx.output.debug(`${argv.join(" ")} [run in ${options.cwd}]`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : undefined,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    child.stdout!.on("data", (c: Uint8Array) => out.push(c));
    child.stderr!.on("data", (c: Uint8Array) => err.push(c));
    if (options.input !== undefined) child.stdin!.end(options.input);
    child.on("error", (e: Error & { code?: string }) => {
      reject(
        e.code === "ENOENT"
          ? new ConfigurationError(`'${command}' was not found on the PATH. Install it and try again.`)
          : e,
      );
    });
    child.on("close", (code: number | null) => {
      const decoder = new TextDecoder();
      const result = {
        stdout: decoder.decode(concat(out)),
        stderr: decoder.decode(concat(err)),
        code,
      };
      if (ctx.verbose && result.stdout) ctx.output.debug(result.stdout.trimEnd());
      if (code !== 0 && !options.allowFailure) {
        reject(new SubprocessError(argv, { cwd: options.cwd, ...result }));
      } else resolve(result);
    });
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return all;
}
