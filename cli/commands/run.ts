/**
 * `dws run [options] -- COMMAND [ARGS...]`: run a command as a lineage step.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { parseStepParams, runStep } from "../../core/commands/run.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The `run` command. */
export function runCommand(): Command {
  return new Command("run")
    .description(
      "Run a command as a lineage step: record its inputs, code, parameters and outputs. " +
        "If the command fails, its outputs' lineage becomes unknown and dws exits with the command's exit code.",
    )
    .argument("<command...>", "the command and its arguments (put -- before the command)")
    .option("--step-name <name>", "name of the step (default: the command's script name, else the command's name)")
    .option("--input <path>", "a file or folder the command reads (repeatable; none: no inputs)", collect, [])
    .option("--output <path>", "a file or folder the command writes (repeatable)", collect, [])
    .option("--code <path>", "code the command runs, in a code resource (repeatable; default: its script)", collect)
    .option(
      "--param <name=value>",
      "a step parameter; the value is JSON if it parses, else a string (repeatable)",
      collect,
      [],
    )
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (command: string[], opts, cmd: Command) => {
      const parameters = parseStepParams(opts.param);
      await runStep(command, {
        stepName: opts.stepName,
        inputs: opts.input,
        outputs: opts.output,
        code: opts.code,
        parameters,
        workspaceDir: globalOptions(cmd).workspaceDir,
        context: contextFor(cmd),
      });
    });
}
