/**
 * Running the `dws` command line: {@link runDws} parses the arguments, runs
 * the command and turns errors into one line and an exit code. `main.ts` is
 * the program; the bundles call runDws from their own entry.
 *
 * @module
 */
import { Command, CommanderError } from "npm:commander@14.0.3";
import process from "node:process";
import "../resources/register.ts";
import { DwsError, SubprocessError } from "../core/base/errors.ts";
import { flagName } from "./flags.ts";
import { dwsProgram } from "./program.ts";

function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  cmd.commands.forEach(exitOverrideAll);
}

/** Run dws with `argv` (without the runtime and script); returns the exit code. */
export async function runDws(argv: readonly string[]): Promise<number> {
  const program = dwsProgram();
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
    process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
    process.stderr.write(`Aborting due to unexpected exception: ${e}\n`);
    return 1;
  }
}
