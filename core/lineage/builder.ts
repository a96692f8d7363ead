/**
 * The lineage API (spec §8.3): describe a pipeline step — its parameters,
 * input data, code and outputs — and record it in the workspace.
 *
 * @example
 * ```ts
 * await new LineageBuilder()
 *   .asScriptStep()
 *   .withParameters({ min_count: 3 })
 *   .withInputPath("source-data/data.csv")
 *   .run(async (lineage) => {
 *     // ... write intermediate-data/out.csv ...
 *     lineage.addOutputPath("intermediate-data/out.csv");
 *   });
 * ```
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { type Context, type ContextOptions, createContext } from "../base/context.ts";
import { ConfigurationError, LineageConflictError, LineageConsistencyError } from "../base/errors.ts";
import { withWorkspaceLock } from "../workspace/lock.ts";
import { CURRENT_LINEAGE_DIR, type LineageEntry, LineageStore } from "./store.ts";
import {
  covers,
  formatRef,
  type LineageRecord,
  refKey,
  type ResourceCert,
  type ResourceRef,
  sameRef,
  sameVersion,
  type StepLineage,
} from "../models/lineage.ts";
import { isoTimestamp, nowMicros } from "../models/snapshot_metadata.ts";
import { isInside, relativePosix } from "../base/paths.ts";
import { currentVersionsOf, stillCurrent, type Versions, withVersion } from "./versions.ts";
import { codeRefFor, refForPath, refForSpec, tryRef, validateRef } from "./refs.ts";

export { codeRefFor, refForPath, refForSpec };
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { dumpPythonJson } from "../base/python_json.ts";
import { findWorkspaceDir, resolveWorkspaceDir, Workspace } from "../workspace/workspace.ts";

export type { ResourceRef };

const DENO_PERMISSIONS = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;

interface DenoPermissions {
  permissions: { querySync(d: { name: string }): { state: string } };
}

/**
 * The command line that runs this script again: the runtime, its flags and
 * the script's arguments. Deno does not report its flags, so its granted
 * permissions are written as flags (`-A` when all are granted).
 *
 * @example
 * ```ts
 * scriptCommandLine(); // ["/usr/bin/deno", "run", "-A", "train.ts", "--epochs", "3"]
 * ```
 */
export function scriptCommandLine(): string[] {
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (!deno) return [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const granted = DENO_PERMISSIONS.filter((name) => {
    try {
      return deno.permissions.querySync({ name }).state === "granted";
    } catch {
      return false;
    }
  });
  const flags = granted.length === DENO_PERMISSIONS.length ? ["-A"] : granted.map((n) => `--allow-${n}`);
  return [process.execPath, "run", ...flags, ...process.argv.slice(1)];
}

/** Where a step runs, as recorded: relative to the workspace (`.` for its root), else absolute. */
export function cwdRecord(wsDir: string, cwd: string): string {
  return isInside(cwd, wsDir) ? relativePosix(wsDir, cwd) || "." : cwd;
}

function stepNameFrom(path: string): string {
  const b = basename(path);
  const ext = extname(b);
  return [".ts", ".js", ".mjs", ".cjs", ".mts", ".py", ".ipynb"].includes(ext) ? b.slice(0, -ext.length) : b;
}

/** Builds a step's lineage; finish with {@link LineageBuilder.run} or {@link LineageBuilder.eval}. */
export class LineageBuilder {
  #stepName?: string;
  #parameters: JsonObject = {};
  #inputs?: (string | ResourceRef)[];
  #noInputs = false;
  #code: (string | ResourceRef)[] = [];
  #workspaceDir?: string;
  #workspace?: Workspace;
  #cwd?: string;
  #results?: { dir: string; description?: string };
  #commandLine: string[] | null = null;
  #context?: ContextOptions;
  #startTime?: Date;

  /** A step run as a script: name from the script file, command line recorded, the script as code. */
  asScriptStep(): this {
    const script = process.argv[1];
    if (script) {
      this.#stepName ??= stepNameFrom(script);
      this.#code.push(resolve(script));
    }
    this.#commandLine = scriptCommandLine();
    return this;
  }

  /** The command line recorded for the step (default: none, or the script's with {@link asScriptStep}). */
  withCommandLine(argv: readonly string[]): this {
    this.#commandLine = [...argv];
    return this;
  }

  /** The step's name. */
  withStepName(name: string): this {
    this.#stepName = name;
    return this;
  }

  /** The step's parameters (recorded in order). */
  withParameters(parameters: Record<string, JsonValue>): this {
    this.#parameters = { ...parameters };
    return this;
  }

  /** A file or folder the step reads. */
  withInputPath(path: string): this {
    (this.#inputs ??= []).push(resolve(path));
    return this;
  }

  /** Files or folders the step reads. */
  withInputPaths(paths: readonly string[]): this {
    for (const p of paths) this.withInputPath(p);
    return this;
  }

  /** A resource (or a path in it) the step reads. */
  withInputRef(ref: ResourceRef): this {
    (this.#inputs ??= []).push(ref);
    return this;
  }

  /** The step reads no data. */
  withNoInputs(): this {
    this.#noInputs = true;
    return this;
  }

  /** Code the step runs (a path inside a code resource). */
  withCodePath(path: string): this {
    this.#code.push(resolve(path));
    return this;
  }

  /** A code resource the step runs. */
  withCodeRef(ref: ResourceRef): this {
    this.#code.push(ref);
    return this;
  }

  /** The workspace; default: the one enclosing the current directory. */
  withWorkspaceDirectory(dir: string): this {
    this.#workspaceDir = resolve(dir);
    return this;
  }

  /** The workspace, already open (its context is used for messages). */
  withWorkspace(ws: Workspace): this {
    this.#workspace = ws;
    return this;
  }

  /** The folder the step runs in (default: the current directory), recorded so it can run there again. */
  withWorkingDirectory(dir: string): this {
    this.#cwd = resolve(dir);
    return this;
  }

  /** When the step started (default: when {@link LineageBuilder.eval} runs), e.g. when a model began training. */
  withStartTime(start: Date): this {
    this.#startTime = start;
    return this;
  }

  /** Where messages go (default: console, batch mode). */
  withContext(options: ContextOptions): this {
    this.#context = options;
    return this;
  }

  /** The step writes its results (results.json) to `resultsDir`, a folder of a results resource. */
  asResultsStep(resultsDir: string, runDescription?: string): this {
    this.#results = { dir: resolve(resultsDir), description: runDescription };
    return this;
  }

  /**
   * Start the step: checks its inputs and records their versions. Returns
   * the {@link Lineage} to add outputs to and complete (or abort).
   */
  async eval(): Promise<Lineage> {
    if (!this.#inputs && !this.#noInputs) {
      throw new ConfigurationError("A step needs its inputs: call withInputPath(s)/withInputRef, or withNoInputs()");
    }
    const ws = this.#workspace ?? await Workspace.open(this.#findWorkspace(), createContext(this.#context));
    const codeRefs = codeRefsOf(ws, this.#code);
    const stepName = this.#stepName ??
      (typeof this.#code[0] === "string" ? stepNameFrom(this.#code[0]) : undefined);
    if (!stepName) throw new ConfigurationError("The step has no name: use withStepName() or asScriptStep()");
    const inputRefs = (this.#inputs ?? []).map((i) => typeof i === "string" ? refForPath(ws, i) : validateRef(ws, i));
    checkNoCovering(inputRefs, "Input");
    const now = this.#startTime ?? new Date();
    const startTime = isoTimestamp(now, this.#startTime ? undefined : nowMicros());
    const comment = `Step ${stepName} at ${startTime.replace("T", " ")}`;
    const { inputs, code } = await recordInputVersions(ws, { stepName, comment, inputRefs, codeRefs });
    const step: StepLineage = {
      type: "step",
      stepName,
      startTime,
      executionTimeSeconds: null,
      parameters: this.#parameters,
      inputResources: inputs,
      codeResources: code,
      outputResources: [],
      commandLine: this.#commandLine,
      runFromDirectory: tryRef(ws, this.#cwd ?? process.cwd()) ?? null,
      dwsCwd: cwdRecord(ws.dir, this.#cwd ?? process.cwd()),
    };
    return this.#results ? resultsLineage(ws, step, comment, now, this.#results) : new Lineage(ws, step, comment, now);
  }

  /** The workspace folder: given, or the one enclosing the working directory. */
  #findWorkspace(): string {
    const cwd = this.#cwd ?? process.cwd();
    const wsDir = this.#workspaceDir ? resolveWorkspaceDir(this.#workspaceDir) : findWorkspaceDir(cwd);
    if (!wsDir) {
      throw new ConfigurationError(
        `Did not find a data workspace enclosing ${cwd}; use withWorkspaceDirectory()`,
      );
    }
    return wsDir;
  }

  /**
   * Run `fn` as the step: the lineage completes when it returns and is
   * aborted (outputs become unknown) when it throws.
   *
   * @example
   * ```ts
   * const acc = await builder.run(async (lineage) => train(lineage));
   * ```
   */
  async run<T>(fn: (lineage: Lineage) => Promise<T> | T): Promise<T> {
    const lineage = await this.eval();
    let result: T;
    try {
      result = await fn(lineage);
    } catch (e) {
      await lineage.abort();
      throw e;
    }
    await lineage.complete();
    return result;
  }
}

function checkNoCovering(refs: readonly ResourceRef[], what: string): void {
  for (const a of refs) {
    for (const b of refs) {
      if (a !== b && (covers(a, b) || sameRef(a, b))) {
        throw new LineageConflictError(`${what} ${formatRef(a)} overlaps ${formatRef(b)}; list each data once`);
      }
    }
  }
}

/**
 * Every ref a step's inputs depend on must have one version (spec §8.3 (b)):
 * the inputs' current versions and, transitively, the versions their steps read.
 */
function checkConsistency(store: LineageStore, stepName: string, inputs: readonly ResourceRef[]): void {
  const versions = new Map<string, ResourceCert>();
  const seen = new Set<LineageRecord>();
  const queue: LineageEntry[] = [];
  const note = (c: ResourceCert) => {
    const known = versions.get(refKey(c.ref));
    if (known && !sameVersion(known.certificate, c.certificate)) {
      throw new LineageConsistencyError(
        `Step ${stepName} (transitively) depends on ${formatRef(c.ref)} which has two versions; ` +
          `re-run the steps before it first ('dws report stale' lists them)`,
      );
    }
    versions.set(refKey(c.ref), c);
    const next = store.lookup(c.ref);
    if (next) queue.push(next);
  };
  for (const ref of inputs) {
    const e = store.lookup(ref);
    if (e) note({ ref, certificate: e.cert.certificate });
  }
  while (queue.length) {
    const e = queue.shift()!;
    if (seen.has(e.lineage)) continue;
    seen.add(e.lineage);
    if (e.lineage.type === "step") e.lineage.inputResources.forEach(note);
  }
}

/** A running step: add outputs, then complete or abort. */
export class Lineage {
  /** The workspace the step belongs to. */
  readonly workspace: Workspace;
  /** The step record being built. */
  readonly step: StepLineage;
  readonly #comment: string;
  readonly #started: Date;
  #finished = false;

  /** Use {@link LineageBuilder.eval} to make one. */
  constructor(ws: Workspace, step: StepLineage, comment: string, started: Date) {
    this.workspace = ws;
    this.step = step;
    this.#comment = comment;
    this.#started = started;
  }

  /** The workspace's context (output, batch mode). */
  get ctx(): Context {
    return this.workspace.ctx;
  }

  /** Record a file or folder the step wrote. */
  addOutputPath(path: string): void {
    this.addOutputRef(refForPath(this.workspace, path));
  }

  /** Record a resource (or a path in it) the step wrote. */
  addOutputRef(ref: ResourceRef): void {
    this.workspace.getResource(ref.name);
    for (const o of this.step.outputResources) {
      if (sameRef(o.ref, ref) || covers(o.ref, ref) || covers(ref, o.ref)) {
        throw new LineageConflictError(`Output ${formatRef(ref)} overlaps output ${formatRef(o.ref)} of this step`);
      }
    }
    const existing = LineageStore.open(join(this.workspace.dir, CURRENT_LINEAGE_DIR)).lookup(ref);
    const version = existing && sameRef(existing.cert.ref, ref) && existing.cert.certificate.certType === "placeholder"
      ? existing.cert.certificate.version + 1
      : 1;
    this.step.outputResources.push({
      ref,
      certificate: { certType: "placeholder", version, comment: this.#comment, isOutput: true },
    });
  }

  /** Record a parameter learned while running. */
  addParam(name: string, value: JsonValue): void {
    this.step.parameters = { ...this.step.parameters, [name]: value };
  }

  /** Seconds since the step started. */
  elapsedSeconds(): number {
    return (Date.now() - this.#started.getTime()) / 1000;
  }

  /** The step succeeded: store it as the lineage of its outputs, with the versions it wrote. */
  async complete(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.step.executionTimeSeconds ??= this.elapsedSeconds();
    // A step without outputs is the lineage of nothing: there is nothing to store.
    if (!this.step.outputResources.length) return;
    const versions = await currentVersionsOf(this.workspace, this.step.outputResources.map((o) => o.ref));
    this.step.outputResources = this.step.outputResources.map((o) => withVersion(o, versions));
    await this.#withStore((store) => store.putStep(this.step));
  }

  /** The step failed: its outputs' lineage becomes unknown. */
  async abort(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    await this.#withStore((store) => this.step.outputResources.forEach((o) => store.clear(o.ref)));
  }

  #withStore(fn: (store: LineageStore) => void): Promise<void> {
    return withWorkspaceLock(this.workspace.dir, () => {
      const store = LineageStore.open(join(this.workspace.dir, CURRENT_LINEAGE_DIR));
      fn(store);
      store.save();
      return Promise.resolve();
    }, { output: this.ctx.output, command: `lineage step ${this.step.stepName}` });
  }
}

/** A step that writes `results.json` to a results resource. */
export class ResultsLineage extends Lineage {
  readonly #results: { dir: string; description?: string };

  /** Use {@link LineageBuilder.asResultsStep} and {@link LineageBuilder.eval}. */
  constructor(
    ws: Workspace,
    step: StepLineage,
    comment: string,
    started: Date,
    results: { dir: string; description?: string },
  ) {
    super(ws, step, comment, started);
    this.#results = results;
  }

  /**
   * Write `results.json` (1.6 format) with `metrics` into the results folder.
   *
   * @example
   * ```ts
   * await lineage.writeResults({ accuracy: 0.91 });
   * ```
   */
  async writeResults(metrics: JsonObject): Promise<string> {
    const file = join(this.#results.dir, "results.json");
    mkdirSync(dirname(file), { recursive: true });
    const data: JsonObject = {
      step: this.step.stepName,
      start_time: this.step.startTime,
      execution_time_seconds: this.elapsedSeconds(),
      parameters: this.step.parameters,
      run_description: this.#results.description ?? null,
      metrics,
    };
    writeFileAtomic(file, dumpPythonJson(data));
    const ref = refForPath(this.workspace, file);
    await this.workspace.getResource(ref.name).commitFile?.(ref.subpath!, `Added ${ref.subpath}`);
    this.ctx.output.info(`Wrote results to ${ref.name}:${ref.subpath}`);
    return file;
  }
}

/**
 * The code of a step: the files or folders given (a script, not its whole
 * resource, so editing one script leaves the other steps current), each
 * once, none covered by another; code outside every resource is skipped
 * with a warning.
 */
function codeRefsOf(ws: Workspace, code: readonly (string | ResourceRef)[]): ResourceRef[] {
  const refs: ResourceRef[] = [];
  for (const c of code) {
    const ref = typeof c === "string" ? tryRef(ws, c) : validateRef(ws, c);
    if (!ref) {
      ws.ctx.output.warn(`WARNING: code ${c} is not inside a resource of the workspace; it is not recorded`);
      continue;
    }
    const r = ws.getResource(ref.name);
    if (r.role !== "code") {
      throw new ConfigurationError(
        `Code ${formatRef(ref)} is in resource '${r.name}', whose role is ${r.role}, not code`,
      );
    }
    refs.push(ref);
  }
  return refs.filter((ref, i) => !refs.some((other, j) => covers(other, ref) || (j < i && sameRef(other, ref))));
}

/**
 * The certificate a step records for an input or code ref: the stored one
 * while the data is still what it describes, else a new input placeholder
 * carrying the version read (stored at once as source data or code, and
 * replaced by the snapshot's hash at the next snapshot).
 */
function certFor(
  store: LineageStore,
  read: { ref: ResourceRef; type: "source_data" | "code"; comment: string; versions: Versions },
): ResourceCert {
  const { ref } = read;
  const e = store.lookup(ref);
  if (e && stillCurrent(e, read.versions)) return { ref, certificate: e.cert.certificate };
  const previous = e && sameRef(e.cert.ref, ref) && e.cert.certificate.certType === "placeholder"
    ? e.cert.certificate.version
    : 0;
  const cert = withVersion({
    ref,
    certificate: { certType: "placeholder", version: previous + 1, comment: read.comment, isOutput: false },
  }, read.versions);
  store.putInputRecord({ type: read.type, cert });
  return cert;
}

/**
 * The versions of a step's inputs and code: each ref's current version is
 * taken (outside the lock: it may hash data), then compared under the
 * workspace lock with what the current lineage says (see {@link certFor}).
 */
async function recordInputVersions(
  ws: Workspace,
  step: { stepName: string; comment: string; inputRefs: ResourceRef[]; codeRefs: ResourceRef[] },
): Promise<{ inputs: ResourceCert[]; code: ResourceCert[] }> {
  if (!step.inputRefs.length && !step.codeRefs.length) return Promise.resolve({ inputs: [], code: [] });
  const versions = await currentVersionsOf(ws, [...step.inputRefs, ...step.codeRefs]);
  return withWorkspaceLock(ws.dir, async () => {
    const store = LineageStore.open(join(ws.dir, CURRENT_LINEAGE_DIR));
    // A stored entry may stand for a folder around the ref: its own version says whether it holds.
    const covering = [...step.inputRefs, ...step.codeRefs].flatMap((r) => store.lookup(r)?.cert.ref ?? []);
    await currentVersionsOf(ws, covering, versions);
    const { comment } = step;
    const result = {
      inputs: step.inputRefs.map((ref) => certFor(store, { ref, type: "source_data", comment, versions })),
      code: step.codeRefs.map((ref) => certFor(store, { ref, type: "code", comment, versions })),
    };
    checkConsistency(store, step.stepName, step.inputRefs);
    store.save();
    return result;
  }, { output: ws.ctx.output, command: `lineage step ${step.stepName}` });
}

/** A results step: its results folder must be in a results resource and is its first output. */
function resultsLineage(
  ws: Workspace,
  step: StepLineage,
  comment: string,
  started: Date,
  results: { dir: string; description?: string },
): ResultsLineage {
  const lineage = new ResultsLineage(ws, step, comment, started, results);
  const ref = refForPath(ws, results.dir);
  const r = ws.getResource(ref.name);
  if (r.role !== "results") {
    throw new ConfigurationError(`Results folder ${results.dir} is in '${r.name}', which is not a results resource`);
  }
  lineage.addOutputRef(ref);
  return lineage;
}
