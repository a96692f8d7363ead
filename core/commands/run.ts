/**
 * `dws run`: run any command as a lineage step (README §3; 1.6 left it
 * unimplemented). Its inputs, outputs and code are given as resource names,
 * `resource:subpath` or paths, its parameters as `name=value` pairs or a
 * JSON file. The step completes when the command exits 0; otherwise it is
 * aborted (the lineage of its outputs becomes unknown) and the command's
 * exit code is passed on.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import process from "node:process";
import { type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError, StepFailedError, UsageError } from "../base/errors.ts";
import { codeRefFor, type Lineage, LineageBuilder, refForSpec } from "../lineage/builder.ts";
import { readParamsFile } from "../lineage/pipeline.ts";
import { formatRef, type ResourceRef, type StepLineage } from "../models/lineage.ts";
import { isJsonObject } from "../models/json_shape.ts";
import type { JsonObject } from "../base/json_value.ts";
import { parsePythonJson } from "../base/python_json.ts";
import { resolveWorkspaceDir, Workspace } from "../workspace/workspace.ts";

/** Options of {@link runStep}. */
export interface RunStepOptions {
  /** The step's name; default: from the command's script, else the command's name ({@link defaultStepName}). */
  stepName?: string;
  /** What the command reads: resource names, `resource:subpath`, paths, or refs (none: no inputs). */
  inputs?: readonly (string | ResourceRef)[];
  /** What the command writes, named as the inputs are. */
  outputs?: readonly (string | ResourceRef)[];
  /** Code the command runs, in code resources; default: its script, when that lies in one. */
  code?: readonly (string | ResourceRef)[];
  /** The step's parameters, in order (see {@link parseStepParams}); they override the parameters file's. */
  parameters?: JsonObject;
  /** A JSON file of parameters (an object), read before {@link RunStepOptions.parameters}. */
  paramsFile?: string;
  /** The folder the command runs in and paths are relative to; default: the current directory. */
  cwd?: string;
  /** The workspace; default: the one enclosing `cwd`. */
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
function defaultCode(ws: Workspace, command: readonly string[], cwd: string): ResourceRef[] {
  const script = scriptOf(command);
  const ref = script && existsSync(resolve(cwd, script)) ? codeRefFor(ws, resolve(cwd, script)) : undefined;
  return ref ? [ref] : [];
}

type Signal = "SIGINT" | "SIGTERM" | "SIGHUP";

/** How a command ended. */
export interface Exit {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  /** The signal that killed it, if any. */
  signal: string | null;
}

/**
 * Run `command` in `cwd` with inherited stdio; signals sent to dws (but
 * Ctrl-C, which the command gets itself) go on to it.
 */
export function runInherited(command: readonly string[], cwd: string): Promise<Exit> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", cwd });
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

/** The error of step `name` whose command failed: the command's exit code, or 128 + the signal's number. */
export function stepFailure(name: string, command: readonly string[], exit: Exit): StepFailedError {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const signalNumber = exit.signal ? (constants.signals as Record<string, number>)[exit.signal] ?? 0 : 0;
  return new StepFailedError(
    `Step ${name} failed: '${command.join(" ")}' ${how}; the lineage of its outputs is now unknown`,
    { exitCode: exit.signal ? 128 + signalNumber : exit.code ?? 1, signal: exit.signal },
  );
}

/** Start the step: its inputs' versions recorded, its outputs checked, before the command runs. */
async function startStep(
  ws: Workspace,
  command: readonly string[],
  options: RunStepOptions & { cwd: string },
): Promise<Lineage> {
  const ref = (spec: string | ResourceRef) => typeof spec === "string" ? refForSpec(ws, spec, options.cwd) : spec;
  const fromFile = options.paramsFile ? readParamsFile(resolve(options.cwd, options.paramsFile)) : {};
  const builder = new LineageBuilder()
    .withWorkspace(ws)
    .withWorkingDirectory(options.cwd)
    .withStepName(options.stepName ?? defaultStepName(command))
    .withParameters({ ...fromFile, ...options.parameters })
    .withCommandLine(command);
  if (options.inputs?.length) options.inputs.forEach((i) => builder.withInputRef(ref(i)));
  else builder.withNoInputs();
  for (const c of options.code ?? defaultCode(ws, command, options.cwd)) builder.withCodeRef(ref(c));
  const lineage = await builder.eval();
  lineage.step.dwsRun = { params: options.parameters ?? {}, paramsFile: options.paramsFile ?? null };
  // Bad outputs fail here, before the command runs and before anything is stored for them.
  for (const o of options.outputs ?? []) lineage.addOutputRef(ref(o));
  return lineage;
}

/** A results.json the step wrote without a `metrics` key: say where metrics go (reports read only those). */
function resultsHint(ws: Workspace, step: StepLineage): string | undefined {
  for (const o of step.outputResources) {
    const r = ws.getResource(o.ref.name);
    if (r.role !== "results" || !r.localPath) continue;
    const out = join(r.localPath, o.ref.subpath ?? "");
    const file = basename(out) === "results.json" ? out : join(out, "results.json");
    let data;
    try {
      data = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (isJsonObject(data) && !("metrics" in data)) {
      return `Note: ${file} has no "metrics" key; history and reports read metrics from ` +
        `{"metrics": {"accuracy": 0.9, ...}} (see "results.json" in the README)`;
    }
  }
  return undefined;
}

function reportCompleted(ws: Workspace, step: StepLineage): void {
  const { output } = ws.ctx;
  const outputs = step.outputResources.map((o) => formatRef(o.ref));
  if (!outputs.length) {
    output.warn(
      `WARNING: step ${step.stepName} has no outputs (see ${ws.ctx.option("outputs")}); no lineage was recorded`,
    );
    return;
  }
  output.info(`Step ${step.stepName} completed; recorded the lineage of ${outputs.join(", ")}`);
  const hint = resultsHint(ws, step);
  if (hint) output.warn(hint);
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
 *   inputs: ["raw", "source-data/extra.csv"],
 *   outputs: ["results"],
 *   parameters: parseStepParams(["epochs=10"]),
 * });
 * ```
 */
export async function runStep(command: readonly string[], options: RunStepOptions = {}): Promise<RunStepResult> {
  if (command.length === 0) throw new UsageError("error: missing the command to run: dws run [OPTIONS] -- COMMAND");
  const cwd = resolve(options.cwd ?? process.cwd());
  const ws = await Workspace.open(resolveWorkspaceDir(options.workspaceDir, cwd), createContext(options.context));
  const lineage = await startStep(ws, command, { ...options, cwd });
  const started = performance.now();
  const exit = await runInherited(command, cwd);
  if (exit.code !== 0) {
    await lineage.abort();
    throw stepFailure(lineage.step.stepName, command, exit);
  }
  lineage.step.executionTimeSeconds = Math.round((performance.now() - started) * 1000) / 1e6;
  await lineage.complete();
  reportCompleted(ws, lineage.step);
  return { step: lineage.step };
}
