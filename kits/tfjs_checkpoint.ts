/**
 * Checkpoints of TensorFlow.js models during training (spec §9.3, the
 * original's `CheckpointConfig` and `DwsModelCheckpoint`): the model is
 * saved to the workspace's scratch folder (`<scratch>/checkpoints/
 * <model>_<epoch>.json` + `.weights.bin`, with a `checkpoint` file naming
 * the latest, as TensorFlow's), stale checkpoints of the model are removed
 * when training starts, and the best (with `saveBestOnly`) or latest one is
 * copied to the results resource when training ends. Files are written
 * with {@link modelFileIO}, so no tfjs-node is needed, and load back with
 * `tf.loadLayersModel(modelFileIO(path))`.
 *
 * @example
 * ```ts
 * import { CheckpointConfig } from "./tfjs_checkpoint.ts";
 * import { wrapModel } from "./tfjs.ts";
 * const model = wrapModel(tf.sequential({ layers }), {
 *   checkpointConfig: new CheckpointConfig({ modelName: "digits", monitor: "val_acc", saveBestOnly: true }),
 * });
 * ```
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ContextOptions, createContext } from "../core/base/context.ts";
import { ApiParamError, ConfigurationError } from "../core/base/errors.ts";
import type { Output } from "../core/base/output.ts";
import { type ModelFileIO, modelFileIO } from "./tfjs_io.ts";
import { ModelState, type ResourceSpec } from "./model_state.ts";

/** How a monitored value is judged: smaller or larger is better, or guessed from its name. */
export type CheckpointMode = "auto" | "min" | "max";

/** Fields of a {@link CheckpointConfig}. */
export interface CheckpointConfigOptions {
  /** Names the checkpoint files: `<modelName>_<epoch>`. */
  modelName: string;
  /** The training log value judged with `saveBestOnly`; default `val_loss`. */
  monitor?: string;
  /** Save only checkpoints better than every earlier one; default false. */
  saveBestOnly?: boolean;
  /** `min`, `max`, or `auto` (default: `max` for accuracy-like names, else `min`). */
  mode?: CheckpointMode;
  /** `epoch` (default: at the end of each epoch) or a number of batches. */
  saveFreq?: "epoch" | number;
}

/**
 * How the tfjs wrapper checkpoints a model (the original's
 * `CheckpointConfig(model_name, monitor='val_loss', save_best_only=False,
 * mode='auto', save_freq='epoch')`).
 *
 * @example
 * ```ts
 * const config = new CheckpointConfig({ modelName: "digits", saveBestOnly: true, monitor: "val_acc" });
 * ```
 */
export class CheckpointConfig {
  /** Names the checkpoint files. */
  readonly modelName: string;
  /** The value judged with {@link saveBestOnly}. */
  readonly monitor: string;
  /** Save only improving checkpoints. */
  readonly saveBestOnly: boolean;
  /** How {@link monitor} is judged. */
  readonly mode: CheckpointMode;
  /** `epoch` or a number of batches. */
  readonly saveFreq: "epoch" | number;

  /** A configuration; `modelName` is required, the rest has the original's defaults. */
  constructor(options: CheckpointConfigOptions) {
    const o = checkConfig(options);
    this.modelName = o.modelName;
    this.monitor = o.monitor;
    this.saveBestOnly = o.saveBestOnly;
    this.mode = o.mode;
    this.saveFreq = o.saveFreq;
  }
}

function checkConfig(o: CheckpointConfigOptions): Required<CheckpointConfigOptions> {
  if (typeof o !== "object" || o === null) throw new ApiParamError("A checkpoint configuration needs a modelName");
  const name = o.modelName;
  if (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new ApiParamError(
      `The checkpoint model name must be a simple file name (letters, digits, '.', '_', '-'), not ${
        JSON.stringify(name)
      }`,
    );
  }
  const mode = o.mode ?? "auto";
  if (!["auto", "min", "max"].includes(mode)) {
    throw new ApiParamError(`The checkpoint mode must be auto, min or max, not ${JSON.stringify(mode)}`);
  }
  const saveFreq = o.saveFreq ?? "epoch";
  if (saveFreq !== "epoch" && !(Number.isInteger(saveFreq) && saveFreq > 0)) {
    throw new ApiParamError(`saveFreq must be "epoch" or a whole number of batches, not ${JSON.stringify(saveFreq)}`);
  }
  return { modelName: name, monitor: o.monitor ?? "val_loss", saveBestOnly: o.saveBestOnly ?? false, mode, saveFreq };
}

/** A model that {@link DwsModelCheckpoint} can save (a tfjs `LayersModel`). */
export interface SavableModel {
  /** Save through an IO handler. */
  save(handler: ModelFileIO): Promise<unknown>;
}

/** Options of {@link DwsModelCheckpoint}. */
export interface DwsModelCheckpointOptions extends Omit<CheckpointConfigOptions, "modelName"> {
  /**
   * The model to save. Needed when you pass the callback to `fit()`
   * yourself, unless a tfjs `BaseCallback` comes before it in the list.
   */
  model?: SavableModel;
  /** Where the final checkpoint goes (name, local path or ref); default: the only results resource. */
  resultsResource?: ResourceSpec;
  /** The workspace; default: the one enclosing the current directory. */
  workspaceDir?: string;
  /** Print what is saved (`dws>` lines). */
  verbose?: boolean;
  /** Where messages go (default: the console). */
  context?: ContextOptions;
}

/** Callback hooks as tfjs takes them in `fit({ callbacks })` (`CustomCallbackArgs`). */
export interface CallbackArgs {
  /** Training starts. */
  onTrainBegin?: (logs?: Record<string, unknown>) => Promise<void>;
  /** Training ends. */
  onTrainEnd?: (logs?: Record<string, unknown>) => Promise<void>;
  /** An epoch starts. */
  onEpochBegin?: (epoch: number, logs?: Record<string, unknown>) => Promise<void>;
  /** An epoch ends. */
  onEpochEnd?: (epoch: number, logs?: Record<string, unknown>) => Promise<void>;
  /** A batch ends. */
  onBatchEnd?: (batch: number, logs?: Record<string, unknown>) => Promise<void>;
}

const CHECKPOINT_FILE = "checkpoint";

async function numberOf(v: unknown): Promise<number | undefined> {
  if (typeof v === "number") return v;
  if (typeof v === "object" && v !== null) {
    const t = v as { dataSync?: () => ArrayLike<number>; data?: () => Promise<ArrayLike<number>> };
    if (typeof t.data === "function") return Number((await t.data())[0]);
    if (typeof t.dataSync === "function") return Number(t.dataSync()[0]);
  }
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The model JSON of the latest checkpoint in `dir` (as named by its
 * `checkpoint` file; of `modelName` when given), or undefined.
 *
 * @example
 * ```ts
 * const model = await tf.loadLayersModel(modelFileIO(latestCheckpoint("results", "digits")!));
 * ```
 */
export function latestCheckpoint(dir: string, modelName?: string): string | undefined {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) return undefined;
  const prefix = modelName === undefined ? '[^"]+' : `${escapeRe(modelName)}_\\d+`;
  const re = new RegExp(`^model_checkpoint_path:\\s+"(${prefix})"$`);
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = re.exec(line.trimEnd());
    if (m) return join(dir, `${m[1]}.json`);
  }
  return undefined;
}

/**
 * A training callback saving checkpoints of a tfjs model in the
 * workspace's scratch folder and copying the best or latest to the results
 * resource at the end (the original's `DwsModelCheckpoint`). It has the
 * members of a tfjs `BaseCallback`; {@link callbackArgs} gives the plain
 * hooks form. The tfjs wrapper makes one from a {@link CheckpointConfig}.
 *
 * @example
 * ```ts
 * const checkpoint = new DwsModelCheckpoint("digits", { model, monitor: "loss", saveBestOnly: true });
 * await model.fit(x, y, { epochs: 5, callbacks: [checkpoint.callbackArgs()] });
 * ```
 */
export class DwsModelCheckpoint {
  /** Names the checkpoint files. */
  readonly modelName: string;
  /** The value judged with {@link saveBestOnly}. */
  readonly monitor: string;
  /** Save only improving checkpoints. */
  readonly saveBestOnly: boolean;
  /** `min` or `max`: how {@link monitor} is judged (`auto` resolved). */
  readonly mode: "min" | "max";
  /** `epoch` or a number of batches. */
  readonly saveFreq: "epoch" | number;
  /** tfjs `BaseCallback` member: validation data (unused). */
  validationData: unknown = null;
  /** tfjs `BaseCallback` member: the training parameters. */
  params: Record<string, unknown> = {};
  /** tfjs `BaseCallback` member: the model being trained, as tfjs sets it. */
  model: unknown = null;
  readonly #options: DwsModelCheckpointOptions;
  readonly #out: Output;
  #target?: SavableModel;
  #state?: Promise<ModelState>;
  #dir?: string;
  #best = NaN;
  #epoch = 0;
  #batches = 0;
  #saved: string[] = [];
  #warned = false;

  /** A checkpoint callback for `modelName`'s files; see {@link DwsModelCheckpointOptions}. */
  constructor(modelName: string, options: DwsModelCheckpointOptions = {}) {
    const o = checkConfig({ ...options, modelName });
    this.modelName = o.modelName;
    this.monitor = o.monitor;
    this.saveBestOnly = o.saveBestOnly;
    this.mode = o.mode === "auto" ? (/acc|^fmeasure/.test(o.monitor) ? "max" : "min") : o.mode;
    this.saveFreq = o.saveFreq;
    this.#options = options;
    this.#out = createContext({ verbose: options.verbose, ...options.context }).output;
    this.#target = options.model;
  }

  /** A callback for the checkpoint configuration `config`. */
  static fromConfig(
    config: CheckpointConfig,
    options: Omit<DwsModelCheckpointOptions, keyof CheckpointConfigOptions> = {},
  ): DwsModelCheckpoint {
    return new DwsModelCheckpoint(config.modelName, {
      ...options,
      monitor: config.monitor,
      saveBestOnly: config.saveBestOnly,
      mode: config.mode,
      saveFreq: config.saveFreq,
    });
  }

  /** The model to save (the tfjs wrapper passes the model it wraps). */
  attach(model: SavableModel, state?: Promise<ModelState>): this {
    this.#target = model;
    if (state) this.#state = state;
    return this;
  }

  /** The folder checkpoints are written to (known once training has started). */
  get checkpointDir(): string | undefined {
    return this.#dir;
  }

  /** tfjs `BaseCallback` member. */
  setParams(params: Record<string, unknown>): void {
    this.params = params;
  }

  /** tfjs `BaseCallback` member. */
  setModel(model: unknown): void {
    this.model = model;
  }

  /**
   * The hooks as a plain object (tfjs `CustomCallbackArgs`), with only the
   * hooks this configuration needs, so training pays for nothing else.
   */
  callbackArgs(): CallbackArgs {
    const args: CallbackArgs = {
      onTrainBegin: (logs) => this.onTrainBegin(logs),
      onTrainEnd: (logs) => this.onTrainEnd(logs),
      onEpochEnd: (epoch, logs) => this.onEpochEnd(epoch, logs),
    };
    if (this.saveFreq !== "epoch") {
      args.onEpochBegin = (epoch, logs) => this.onEpochBegin(epoch, logs);
      args.onBatchEnd = (batch, logs) => this.onBatchEnd(batch, logs);
    }
    return args;
  }

  #openState(): Promise<ModelState> {
    this.#state ??= ModelState.open({
      resultsResource: this.#options.resultsResource,
      workspaceDir: this.#options.workspaceDir,
      verbose: this.#options.verbose,
      context: this.#options.context,
      stepName: this.modelName,
    });
    return this.#state;
  }

  /** Training starts: remove the model's old checkpoints from the scratch folder. */
  async onTrainBegin(_logs?: Record<string, unknown>): Promise<void> {
    const state = await this.#openState();
    const dir = join(state.scratchDir, "checkpoints");
    mkdirSync(dir, { recursive: true });
    this.#dir = dir;
    const stale = new RegExp(`^${escapeRe(this.modelName)}_\\d+(\\.json|\\.weights\\.bin)$`);
    const remove = readdirSync(dir).filter((f) => stale.test(f) || f === CHECKPOINT_FILE);
    for (const f of remove) rmSync(join(dir, f), { force: true });
    this.#out.info(`dws> Removed ${remove.length} old checkpoint files for model ${this.modelName} ahead of training`);
    this.#best = NaN;
    this.#epoch = 0;
    this.#batches = 0;
    this.#saved = [];
    this.#warned = false;
  }

  /** tfjs hook: remembers the epoch (for batch-based saving). */
  onEpochBegin(epoch: number, _logs?: Record<string, unknown>): Promise<void> {
    this.#epoch = epoch;
    return Promise.resolve();
  }

  /** tfjs hook: saves a checkpoint when saving per epoch. */
  async onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void> {
    this.#epoch = epoch;
    if (this.saveFreq === "epoch") await this.#maybeSave(epoch, logs);
  }

  /** tfjs hook (nothing to do). */
  onBatchBegin(_batch: number, _logs?: Record<string, unknown>): Promise<void> {
    return Promise.resolve();
  }

  /** tfjs hook: saves a checkpoint every `saveFreq` batches. */
  async onBatchEnd(_batch: number, logs?: Record<string, unknown>): Promise<void> {
    if (this.saveFreq === "epoch") return;
    if (++this.#batches >= this.saveFreq) {
      this.#batches = 0;
      await this.#maybeSave(this.#epoch, logs);
    }
  }

  async #maybeSave(epoch: number, logs?: Record<string, unknown>): Promise<void> {
    if (!this.#dir) await this.onTrainBegin();
    const base = `${this.modelName}_${epoch + 1}`;
    if (this.saveBestOnly) {
      const current = await numberOf(logs?.[this.monitor]);
      if (current === undefined || Number.isNaN(current)) {
        if (!this.#warned) {
          this.#out.warn(`dws> Can save best model only with ${this.monitor} available, skipping`);
          this.#warned = true;
        }
        return;
      }
      const better = Number.isNaN(this.#best) || (this.mode === "min" ? current < this.#best : current > this.#best);
      if (!better) {
        this.#debug(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.#best}`);
        return;
      }
      this.#debug(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.#best} to ${current}, saving ${base}`);
      this.#best = current;
    } else {
      this.#debug(`Epoch ${epoch + 1}: saving ${base}`);
    }
    const model = this.#target ?? (this.model as SavableModel | null);
    if (!model || typeof model.save !== "function") {
      throw new ConfigurationError(
        `DwsModelCheckpoint for ${this.modelName} has no model to save; pass { model } or use the wrapper's checkpointConfig`,
      );
    }
    await model.save(modelFileIO(join(this.#dir!, `${base}.json`), { durable: false }));
    this.#saved = [...this.#saved.filter((b) => b !== base), base];
    writeFileSync(
      join(this.#dir!, CHECKPOINT_FILE),
      [base, ...this.#saved].map((b, i) => `${i ? "all_model_checkpoint_paths" : "model_checkpoint_path"}: "${b}"`)
        .join("\n") + "\n",
    );
  }

  /** Training ends: copy the latest (or best) checkpoint to the results resource. */
  async onTrainEnd(_logs?: Record<string, unknown>): Promise<void> {
    const state = await this.#openState();
    const dir = this.#dir ?? join(state.scratchDir, "checkpoints");
    const modelJson = latestCheckpoint(dir, this.modelName);
    if (!modelJson) {
      this.#out.warn(`dws> No checkpoint of model ${this.modelName} was saved during training, so none was copied`);
      return;
    }
    const base = modelJson.slice(dir.length + 1, -".json".length);
    const io = modelFileIO(modelJson);
    await state.saveResultsFile(`${base}.json`, readFileSync(io.modelPath));
    await state.saveResultsFile(`${base}.weights.bin`, readFileSync(io.weightsPath));
    await state.saveResultsFile(
      CHECKPOINT_FILE,
      `model_checkpoint_path: "${base}"\nall_model_checkpoint_paths: "${base}"\n`,
    );
    const r = state.resultsRef;
    this.#out.info(`dws> Copied checkpoint ${base} to resource ${r.name}${r.subpath ? `:${r.subpath}` : ""}`);
  }

  #debug(message: string): void {
    if (this.#options.verbose) this.#out.info(`dws> ${message}`);
  }
}
