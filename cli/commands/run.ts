/**
 * `dws run [options] -- COMMAND [ARGS...]`: run a command as a lineage step.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { UsageError } from "../../core/base/errors.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * Without `--`, an option after the command's first word is ambiguous (the
 * command's own `--lr`, or dws's `--input`): ask for `--`.
 */
function checkCommandSeparated(cmd: Command, command: readonly string[]): void {
  if (command[0]?.startsWith("-")) throw new UsageError(`error: unknown option '${command[0]}'`);
  const raw = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
  if (raw.includes("--")) return;
  const start = raw.indexOf(command[0], raw.indexOf("run") + 1);
  if (start >= 0 && raw.slice(start + 1).some((a) => a.startsWith("-"))) {
    throw new UsageError(
      `error: put -- before the command, so its options are not taken for dws's: ` +
        `dws run [OPTIONS] -- ${command.join(" ")}`,
    );
  }
}

/** The `run` command. */
export function runCommand(): Command {
  return new Command("run")
    .description(
      "Run a command as a lineage step: record its inputs, code, parameters and outputs. " +
        "If the command fails, its outputs' lineage becomes unknown and dws exits with the command's exit code.",
    )
    .argument("<command...>", "the command and its arguments (put -- before the command)")
    .option("--step-name <name>", "name of the step (default: the command's script name, else the command's name)")
    .option(
      "--input <data>",
      "what the command reads: a resource name, RESOURCE:SUBPATH or a path (repeatable; none: no inputs)",
      collect,
      [],
    )
    .option("--output <data>", "what the command writes, named as --input (repeatable)", collect, [])
    .option("--code <code>", "code the command runs, in a code resource (repeatable; default: its script)", collect)
    .option(
      "--param <name=value>",
      "a step parameter; the value is JSON if it parses, else a string (repeatable)",
      collect,
      [],
    )
    .option("--params-file <file>", "a JSON file of parameters (an object); --param values override it")
    .option(...WORKSPACE_DIR_OPTION)
    .allowUnknownOption()
    .action(async (command: string[], opts, cmd: Command) => {
      checkCommandSeparated(cmd, command);
      const { parseStepParams, runStep } = await import("../../core/commands/run.ts");
      await runStep(command, {
        stepName: opts.stepName,
        inputs: opts.input,
        outputs: opts.output,
        code: opts.code,
        parameters: parseStepParams(opts.param),
        paramsFile: opts.paramsFile,
        workspaceDir: globalOptions(cmd).workspaceDir,
        context: contextFor(cmd),
      });
    });
}
