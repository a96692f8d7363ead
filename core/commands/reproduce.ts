/**
 * `dws reproduce`: run the stale steps again, in dependency order, from the
 * command lines the lineage recorded, in the folders they ran in, recording
 * fresh lineage — a pipeline runner with no pipeline file. A step recorded
 * by `dws run` is run the way `dws run` ran it (same inputs, outputs, code
 * and parameters); a script that records its own lineage (the lineage API,
 * the kits) is simply run again. Independent steps may run side by side
 * (`jobs`). The first failure stops the run: the failed step's outputs
 * become unknown, the steps after it are left as they are.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Context, type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError, StepFailedError } from "../base/errors.ts";
import { loadPipeline, pipelineStatus, stepDirectory } from "../lineage/pipeline.ts";
import { dependencies, type PipelineStep, reasonText, selectSteps, type StepStatus } from "../lineage/stale.ts";
import { CURRENT_LINEAGE_DIR, LineageStore } from "../lineage/store.ts";
import { CANNOT_RERUN } from "../report/stale.ts";
import { withWorkspaceLock } from "../workspace/lock.ts";
import { resolveWorkspaceDir, Workspace } from "../workspace/workspace.ts";
import { runInherited, runStep, stepFailure } from "./run.ts";

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  /** Bring these resources up to date (default: every step's outputs). */
  resources?: readonly string[];
  /** Bring these steps up to date (by name), with the steps before them. */
  stepNames?: readonly string[];
  /** Only say what would run. */
  dryRun?: boolean;
  /** Run the chosen steps even when they are up to date. */
  force?: boolean;
  /** How many independent steps may run at once (default 1). */
  jobs?: number;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** Where messages go (default: console, batch mode). */
  context?: ContextOptions;
}

/** What {@link reproduce} planned and ran. */
export interface ReproduceResult {
  /** The steps to run, in order, with why. */
  plan: StepStatus[];
  /** Names of the steps that ran (none for a dry run). */
  ran: string[];
}

function checkTargets(ws: Workspace, steps: readonly PipelineStep[], options: ReproduceOptions): void {
  for (const name of options.resources ?? []) ws.getResource(name);
  const names = new Set(steps.map((s) => s.step.stepName));
  for (const name of options.stepNames ?? []) {
    if (!names.has(name)) {
      throw new ConfigurationError(
        `No step named '${name}' in the lineage (steps: ${[...names].sort().join(", ") || "none"})`,
      );
    }
  }
}

/** Every planned step has a command line and a folder to run in, before any runs. */
function checkRunnable(ws: Workspace, plan: readonly StepStatus[]): void {
  const cannot = plan.filter((s) => !s.entry.step.commandLine?.length).map((s) => s.entry.step.stepName);
  if (cannot.length) throw new ConfigurationError(`Step ${cannot.join(", ")} ${CANNOT_RERUN}`);
  for (const { entry } of plan) {
    const dir = stepDirectory(ws, entry.step);
    if (!existsSync(dir)) {
      throw new ConfigurationError(`Step ${entry.step.stepName} ran in ${dir}, which does not exist on this machine`);
    }
  }
}

/** How a planned step is shown: `name: command (in folder) — why`. */
function planLine(ws: Workspace, s: StepStatus): string {
  const step = s.entry.step;
  const why = s.reasons.length ? s.reasons.map(reasonText).join("; ") : "forced";
  if (!step.commandLine?.length) return `  ${step.stepName}: ${CANNOT_RERUN} (${why})`;
  const dir = stepDirectory(ws, step);
  const where = dir === ws.dir ? "" : ` (in ${dir})`;
  return `  ${step.stepName}: ${step.commandLine.join(" ")}${where} — ${why}`;
}

/** A step's outputs become unknown (a script that records its own lineage failed). */
function forgetOutputs(ws: Workspace, step: PipelineStep): Promise<void> {
  return withWorkspaceLock(ws.dir, () => {
    const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
    for (const o of step.step.outputResources) store.clear(o.ref);
    store.save();
    return Promise.resolve();
  }, { output: ws.ctx.output, command: `reproduce ${step.step.stepName}` });
}

/** Run one step again: the `dws run` way, or its own script. */
async function rerun(ws: Workspace, s: StepStatus, ctx: Context): Promise<void> {
  const { step } = s.entry;
  const command = step.commandLine!;
  const cwd = stepDirectory(ws, step);
  const why = s.reasons.length ? s.reasons.map(reasonText).join("; ") : "forced";
  ctx.output.info(`Running step ${step.stepName} (${why}): ${command.join(" ")}`);
  if (step.dwsRun) {
    await runStep(command, {
      stepName: step.stepName,
      inputs: step.inputResources.map((c) => c.ref),
      outputs: step.outputResources.map((c) => c.ref),
      code: step.codeResources.map((c) => c.ref),
      parameters: step.dwsRun.params,
      paramsFile: step.dwsRun.paramsFile ?? undefined,
      cwd,
      workspaceDir: ws.dir,
      context: ctx,
    });
    return;
  }
  const exit = await runInherited(command, cwd);
  if (exit.code !== 0) {
    await forgetOutputs(ws, s.entry);
    throw stepFailure(step.stepName, command, exit);
  }
}

/**
 * Run the plan, at most `jobs` steps at once, each after the planned steps
 * it reads from; the first failure starts nothing more (running steps
 * finish) and is thrown with the steps left unrun.
 */
async function runPlan(ws: Workspace, plan: readonly StepStatus[], jobs: number): Promise<string[]> {
  const deps = dependencies(plan.map((s) => s.entry));
  const pending = [...plan];
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let failed: unknown;
  while (pending.length || running.size) {
    for (let i = 0; failed === undefined && i < pending.length && running.size < jobs;) {
      const s = pending[i];
      if (![...deps.get(s.entry.key)!].every((k) => done.has(k))) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const key = s.entry.key;
      running.set(
        key,
        rerun(ws, s, ws.ctx).then(() => void done.add(key), (e) => void (failed ??= e)).finally(() =>
          running.delete(key)
        ),
      );
    }
    if (!running.size) break;
    await Promise.race(running.values());
  }
  if (failed !== undefined) throw notRun(failed, pending);
  return plan.filter((s) => done.has(s.entry.key)).map((s) => s.entry.step.stepName);
}

/** The first failure, as one line naming the steps that were not run. */
function notRun(failed: unknown, pending: readonly StepStatus[]): unknown {
  if (!(failed instanceof StepFailedError)) return failed;
  const left = pending.map((s) => s.entry.step.stepName);
  const rest = left.length ? `; not run: ${left.join(", ")}` : "";
  return new StepFailedError(`${failed.message}${rest}`, { exitCode: 1, signal: failed.signal });
}

/**
 * Run the stale steps again (see the module's description).
 *
 * @example
 * ```ts
 * const { plan } = await reproduce({ workspaceDir: "/ws", dryRun: true });
 * plan.map((s) => s.entry.step.stepName); // ["prep", "features", "train"]
 * ```
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const ws = await Workspace.open(resolveWorkspaceDir(options.workspaceDir), createContext(options.context));
  const steps = loadPipeline(ws);
  checkTargets(ws, steps, options);
  const chosen = selectSteps(steps, options);
  const statuses = await pipelineStatus(ws, steps);
  const plan = statuses.filter((s) => chosen.has(s.entry.key) && (options.force || s.reasons.length));
  const out = ws.ctx.output;
  if (plan.length === 0) {
    out.info(`Nothing to reproduce: ${chosen.size ? "every step is up to date" : "the lineage has no steps"}.`);
    return { plan, ran: [] };
  }
  if (options.dryRun) {
    out.info(`Would run ${plan.length} step${plan.length === 1 ? "" : "s"}, in this order:`);
    for (const s of plan) out.info(planLine(ws, s));
    return { plan, ran: [] };
  }
  checkRunnable(ws, plan);
  const ran = await runPlan(ws, plan, Math.max(1, options.jobs ?? 1));
  out.info(`Reproduced ${ran.length} step${ran.length === 1 ? "" : "s"}: ${ran.join(", ")}.`);
  return { plan, ran };
}
