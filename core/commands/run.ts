/**
 * `dws run`: run any command as a lineage step (README §3; 1.6 left it
 * unimplemented). Its inputs, outputs and code are given as paths, its
 * parameters as `name=value` pairs. The step completes when the command
 * exits 0; otherwise it is aborted (the lineage of its outputs becomes
 * unknown) and the command's exit code is passed on.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { basename, extname, resolve } from "node:path";
import process from "node:process";
import { type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError, StepFailedError, UsageError } from "../base/errors.ts";
import { codeRefFor, type Lineage, LineageBuilder } from "../lineage/builder.ts";
import { formatRef, type StepLineage } from "../models/lineage.ts";
import type { JsonObject } from "../base/json_value.ts";
import { parsePythonJson } from "../base/python_json.ts";
import { resolveWorkspaceDir, Workspace } from "../workspace/workspace.ts";

/** Options of {@link runStep}. */
export interface RunStepOptions {
  /** The step's name; default: from the command's script, else the command's name ({@link defaultStepName}). */
  stepName?: string;
  /** Files or folders the command reads (none: the step has no inputs). */
  inputs?: readonly string[];
  /** Files or folders the command writes. */
  outputs?: readonly string[];
  /** Code the command runs; default: its script, when that lies in a code resource. */
  code?: readonly string[];
  /** The step's parameters, in order (see {@link parseStepParams}). */
  parameters?: JsonObject;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** Where messages go (default: console, batch mode). */
  context?: ContextOptions;
}

/** What {@link runStep} recorded. */
export interface RunStepResult {
  /** The completed step, as stored in the workspace's current lineage. */
  step: StepLineage;
}

const SCRIPT_EXTENSIONS = new Set([
  ".py",
  ".ipynb",
  ".ts",
  ".mts",
  ".js",
  ".mjs",
  ".cjs",
  ".sh",
  ".bash",
  ".r",
  ".jl",
  ".rb",
  ".pl",
  ".lua",
]);

/**
 * The first word of `command` (the command itself included) that names a
 * script file, if any.
 *
 * @example
 * ```ts
 * scriptOf(["deno", "run", "-A", "code/step1.ts"]); // "code/step1.ts"
 * ```
 */
export function scriptOf(command: readonly string[]): string | undefined {
  return command.find((a) => !a.startsWith("-") && SCRIPT_EXTENSIONS.has(extname(a).toLowerCase()));
}

/**
 * The default step name of a command: its script's base name without the
 * extension, else the command's name.
 *
 * @example
 * ```ts
 * defaultStepName(["python3", "-u", "prep/clean.py", "--fast"]); // "clean"
 * defaultStepName(["make", "all"]); // "make"
 * ```
 */
export function defaultStepName(command: readonly string[]): string {
  const word = basename(scriptOf(command) ?? command[0] ?? "step");
  const ext = extname(word);
  return SCRIPT_EXTENSIONS.has(ext.toLowerCase()) ? word.slice(0, -ext.length) : word;
}

/**
 * Parse `name=value` pairs: a value is JSON when it parses as JSON, else a
 * string. Order is kept; a repeated name keeps its last value.
 *
 * @example
 * ```ts
 * parseStepParams(["gamma=0.01", "kernel=rbf", "layers=[2,3]"]);
 * // { gamma: 0.01, kernel: "rbf", layers: [2, 3] }
 * ```
 */
export function parseStepParams(pairs: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError((o) => `error: ${o("params")} expects NAME=VALUE, got '${pair}'`);
    const value = pair.slice(eq + 1);
    try {
      out[pair.slice(0, eq)] = parsePythonJson(value, "--param");
    } catch {
      out[pair.slice(0, eq)] = value;
    }
  }
  return out;
}

/** The command's script as code, when it lies in a code resource of the workspace. */
async function defaultCode(command: readonly string[], options: RunStepOptions): Promise<string[]> {
  const script = scriptOf(command);
  if (!script || !existsSync(script)) return [];
  const ws = await Workspace.open(resolveWorkspaceDir(options.workspaceDir), createContext(options.context));
  return codeRefFor(ws, resolve(script)) ? [script] : [];
}

type Signal = "SIGINT" | "SIGTERM" | "SIGHUP";

interface Exit {
  code: number | null;
  signal: string | null;
}

/** Run `command` with inherited stdio; signals sent to dws (but Ctrl-C, which the command gets itself) go on to it. */
function runInherited(command: readonly string[]): Promise<Exit> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit" });
    const forward = (signal: Signal) => () => void child.kill(signal);
    const handlers: [Signal, () => void][] = [
      ["SIGINT", () => {}],
      ["SIGTERM", forward("SIGTERM")],
      ["SIGHUP", forward("SIGHUP")],
    ];
    for (const [s, h] of handlers) process.on(s, h);
    const done = () => handlers.forEach(([s, h]) => process.off(s, h));
    child.on("error", (e: Error & { code?: string }) => {
      done();
      reject(
        e.code === "ENOENT"
          ? new ConfigurationError(`'${command[0]}' was not found on the PATH (or is not a file)`)
          : e,
      );
    });
    child.on("close", (code, signal) => {
      done();
      resolveExit({ code, signal });
    });
  });
}

function failure(lineage: Lineage, command: readonly string[], exit: Exit): StepFailedError {
  const name = lineage.step.stepName;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const signalNumber = exit.signal ? (constants.signals as Record<string, number>)[exit.signal] ?? 0 : 0;
  return new StepFailedError(
    `Step ${name} failed: '${command.join(" ")}' ${how}; the lineage of its outputs is now unknown`,
    { exitCode: exit.signal ? 128 + signalNumber : exit.code ?? 1, signal: exit.signal },
  );
}

/**
 * Run `command` (an argument array, no shell; stdio inherited) as a lineage
 * step. On exit 0 the step is recorded as the lineage of its outputs; on a
 * failure the step is aborted and a {@link StepFailedError} carrying the
 * command's exit code is thrown.
 *
 * @example
 * ```ts
 * await runStep(["python3", "code/train.py"], {
 *   inputs: ["source-data/data.csv"],
 *   outputs: ["results"],
 *   parameters: parseStepParams(["epochs=10"]),
 * });
 * ```
 */
export async function runStep(command: readonly string[], options: RunStepOptions = {}): Promise<RunStepResult> {
  if (command.length === 0) throw new UsageError("error: missing the command to run: dws run [OPTIONS] -- COMMAND");
  const ctx = createContext(options.context);
  const builder = new LineageBuilder()
    .withContext(ctx)
    .withStepName(options.stepName ?? defaultStepName(command))
    .withParameters(options.parameters ?? {})
    .withCommandLine(command);
  if (options.workspaceDir !== undefined) builder.withWorkspaceDirectory(options.workspaceDir);
  if (options.inputs?.length) builder.withInputPaths(options.inputs);
  else builder.withNoInputs();
  for (const c of options.code ?? await defaultCode(command, options)) builder.withCodePath(c);

  const lineage = await builder.eval();
  // Bad output paths fail here, before the command runs and before anything is stored for them.
  for (const o of options.outputs ?? []) lineage.addOutputPath(o);
  const started = performance.now();
  const exit = await runInherited(command);
  if (exit.code !== 0) {
    await lineage.abort();
    throw failure(lineage, command, exit);
  }
  lineage.step.executionTimeSeconds = Math.round((performance.now() - started) * 1000) / 1e6;
  await lineage.complete();
  const outputs = lineage.step.outputResources.map((o) => formatRef(o.ref));
  if (outputs.length) {
    ctx.output.info(`Step ${lineage.step.stepName} completed; recorded the lineage of ${outputs.join(", ")}`);
  } else {ctx.output.warn(
      `WARNING: step ${lineage.step.stepName} has no outputs (see ${ctx.option("outputs")}); no lineage was recorded`,
    );}
  return { step: lineage.step };
}
