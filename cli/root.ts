/**
 * The `dws` root command with its global options, without subcommands (so
 * the entry point can add only the one a fast path needs).
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";

/** The root command: name, description and the global options. */
export function rootCommand(): Command {
  return new Command("dws")
    .description("dws: reproducible, shareable data-science workspaces (Data Workspaces for TypeScript).")
    .option("-b, --batch", "run in batch mode: never ask, use defaults or fail")
    .option("--verbose", "print the git and other commands run, and extra detail")
    .showSuggestionAfterError()
    .configureHelp({ sortSubcommands: false, helpWidth: 100 });
}
