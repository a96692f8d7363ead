/**
 * The command line's {@link Context}: from the global `--batch` and
 * `--verbose` options, with stdin prompts when interactive.
 *
 * @module
 */
import type { Command } from "npm:commander@14.0.3";
import { type Context, createContext } from "../core/base/context.ts";
import { stdinPrompter } from "../core/base/prompt.ts";
import { flagName } from "./flags.ts";

/** The `--workspace-dir` option, as `.option(...WORKSPACE_DIR_OPTION)`. */
export const WORKSPACE_DIR_OPTION = [
  "--workspace-dir <dir>",
  "the workspace (default: found from the current directory)",
] as const;

/** Global options every command sees. */
export interface GlobalOptions {
  batch?: boolean;
  verbose?: boolean;
  workspaceDir?: string;
}

/** The options of `cmd` merged with those of its parents (`--workspace-dir` may sit on a group). */
export function globalOptions(cmd: Command): GlobalOptions {
  let workspaceDir: string | undefined;
  for (let c: Command | null = cmd; c; c = c.parent) workspaceDir ??= c.opts().workspaceDir;
  const all = cmd.optsWithGlobals();
  return { batch: all.batch, verbose: all.verbose, workspaceDir };
}

/** The context for running `cmd`. */
export function contextFor(cmd: Command): Context {
  const { batch, verbose } = globalOptions(cmd);
  return createContext({
    batch: batch ?? false,
    verbose: verbose ?? false,
    prompter: stdinPrompter(),
    option: flagName,
  });
}
