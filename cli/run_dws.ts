/**
 * Running the `dws` command line: {@link runDws} parses the arguments, runs
 * the command and turns errors into one line and an exit code. `main.ts` is
 * the program; the bundles call runDws from their own entry.
 *
 * @module
 */
import { type Command, CommanderError } from "npm:commander@14.0.3";
import process from "node:process";
import "../resources/register.ts";
import { DwsError, SubprocessError, systemErrorMessage } from "../core/base/errors.ts";
import { flagName } from "./flags.ts";

function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  cmd.commands.forEach(exitOverrideAll);
}

/** One line for an error dws did not raise on purpose (the stack only with --verbose). */
function unexpectedErrorLine(e: unknown): string {
  const system = systemErrorMessage(e);
  if (system) return `Error: ${system}`;
  const text = String(e).split("\n")[0];
  return `Aborting due to unexpected exception: ${text} (run with --verbose for details, and please report it)`;
}

/**
 * The program for `argv`: `dws run` (whose overhead is on every step of a
 * pipeline) loads only its own command; everything else the whole tree.
 */
async function programFor(argv: readonly string[]): Promise<Command> {
  if (argv.find((a) => !a.startsWith("-")) === "run" && !argv.includes("--help") && !argv.includes("-h")) {
    const [{ rootCommand }, { runCommand }] = await Promise.all([import("./root.ts"), import("./commands/run.ts")]);
    return rootCommand().addCommand(runCommand());
  }
  return (await import("./program.ts")).dwsProgram();
}

/**
 * Run dws with `argv` (without the runtime and script); returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runDws(["report", "status"]);
 * ```
 */
export async function runDws(argv: readonly string[]): Promise<number> {
  const program = await programFor(argv);
  exitOverrideAll(program);
  const verbose = argv.includes("--verbose");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error (exit 2, as click).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof DwsError) {
      if (verbose && e.stack) process.stderr.write(e.stack + "\n");
      if (verbose && e instanceof SubprocessError) process.stderr.write(e.stdout + e.stderr);
      process.stderr.write(e.userMessage(flagName) + "\n");
      return e.exitCode;
    }
    if (verbose) process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
    process.stderr.write(unexpectedErrorLine(e) + "\n");
    return 1;
  }
}
