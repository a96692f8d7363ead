/**
 * A TensorFlow.js IO handler for files, with node:fs only: what the tfjs
 * kit writes checkpoints with, under Deno and Node alike, without
 * `@tensorflow/tfjs-node`. The layout is tfjs-node's: a model JSON file
 * (topology, training config and a weights manifest) beside a binary
 * weights file, so models saved by tfjs-node (`file://dir`) load too.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { modelFileIO } from "./tfjs_io.ts";
 * await model.save(modelFileIO("models/digits.json")); // digits.json + digits.weights.bin
 * const again = await tf.loadLayersModel(modelFileIO("models/digits.json"));
 * ```
 *
 * @module
 */
// The types mirror tfjs' own, whose `{}` members must be matched for handlers to be accepted by tfjs.
// deno-lint-ignore-file ban-types
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../core/base/atomic_write.ts";
import { ApiParamError, ConfigurationError } from "../core/base/errors.ts";

/** One weight in a weights manifest (tfjs' `WeightsManifestEntry`). */
export interface WeightsManifestEntry {
  /** The weight's name. */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Its data type. */
  dtype: "float32" | "int32" | "bool" | "string" | "complex64";
  /** Which group it belongs to. */
  group?: "model" | "optimizer";
  /** How it is quantized, if it is. */
  quantization?: { scale?: number; min?: number; dtype: "uint16" | "uint8" | "float16" };
}

/** The training configuration saved with a model (tfjs' `TrainingConfig`). */
export interface TrainingConfig {
  /** The optimizer's configuration. */
  optimizer_config: {};
  /** The loss function(s). */
  loss: string | string[] | { [key: string]: string };
  /** Metric function(s). */
  metrics?: string[] | { [key: string]: string };
  /** Weighted metrics. */
  weighted_metrics?: string[];
  /** Sample weight mode. */
  sample_weight_mode?: string;
  /** Loss weights. */
  loss_weights?: number[] | { [key: string]: number };
}

/** What a model saves and loads (tfjs' `ModelArtifacts`). */
export interface ModelArtifacts {
  /** The model's topology (a JSON object). */
  modelTopology?: {} | ArrayBuffer;
  /** The training configuration. */
  trainingConfig?: TrainingConfig;
  /** The weights' specifications, in the order of {@link weightData}. */
  weightSpecs?: WeightsManifestEntry[];
  /** The weights' bytes, one buffer or several to concatenate. */
  weightData?: ArrayBuffer | ArrayBuffer[];
  /** `layers-model` or `graph-model`. */
  format?: string;
  /** What wrote the model. */
  generatedBy?: string;
  /** What converted the model, if anything. */
  convertedBy?: string | null;
  /** Inputs and outputs of a graph model. */
  signature?: {};
  /** Metadata the user attached. */
  userDefinedMetadata?: { [key: string]: {} };
  /** Initializer of a graph model. */
  modelInitializer?: {};
  /** Signature of the initializer. */
  initializerSignature?: {};
}

/** What saving reports (tfjs' `SaveResult`). */
export interface SaveResult {
  /** Sizes and date of what was saved. */
  modelArtifactsInfo: {
    dateSaved: Date;
    modelTopologyType: "JSON" | "GraphDef";
    modelTopologyBytes?: number;
    weightSpecsBytes?: number;
    weightDataBytes?: number;
  };
}

/** An IO handler for `model.save()` and `tf.loadLayersModel()`. */
export interface ModelFileIO {
  /** The model JSON file. */
  readonly modelPath: string;
  /** The weights file written beside it. */
  readonly weightsPath: string;
  /** Write the model JSON and the weights. */
  save(artifacts: ModelArtifacts): Promise<SaveResult>;
  /** Read the model JSON and every weights file of its manifest. */
  load(): Promise<ModelArtifacts>;
}

function concat(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

/** Where the model JSON and its weights go for `path` (a `.json` file, or a folder as tfjs-node's `file://`). */
function locate(path: string): { modelPath: string; weightsName: string } {
  const abs = resolve(path.startsWith("file://") ? path.slice("file://".length) : path);
  if (!abs.endsWith(".json") || (existsSync(abs) && statSync(abs).isDirectory())) {
    return { modelPath: join(abs, "model.json"), weightsName: "weights.bin" };
  }
  const name = basename(abs, ".json");
  return { modelPath: abs, weightsName: name === "model" ? "weights.bin" : `${name}.weights.bin` };
}

/** Options of {@link modelFileIO}. */
export interface ModelFileIOOptions {
  /**
   * Write each file atomically and durably (fsync, as dws' own files);
   * default true. Checkpoints in the scratch folder skip it (faster).
   */
  durable?: boolean;
}

/**
 * An IO handler reading and writing a model as files: `path` names the
 * model JSON (`x.json` with weights in `x.weights.bin`; `model.json` with
 * `weights.bin`), or a folder (as tfjs-node's `file://dir`: `model.json` and
 * `weights.bin` in it).
 *
 * @example
 * ```ts
 * await model.save(modelFileIO("results/digits_3.json"));
 * const m = await tf.loadLayersModel(modelFileIO("results/digits_3.json"));
 * ```
 */
export function modelFileIO(path: string, options: ModelFileIOOptions = {}): ModelFileIO {
  if (typeof path !== "string" || path === "") throw new ApiParamError("modelFileIO needs the path of a model file");
  const { modelPath, weightsName } = locate(path);
  const weightsPath = join(dirname(modelPath), weightsName);
  return {
    modelPath,
    weightsPath,
    save(artifacts: ModelArtifacts): Promise<SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        return Promise.reject(new ApiParamError("modelFileIO saves JSON model topologies only, not binary graphs"));
      }
      const weights = concat(artifacts.weightData);
      const json: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${weightsName}`], weights: artifacts.weightSpecs ?? [] }],
      };
      for (
        const k of ["trainingConfig", "signature", "userDefinedMetadata", "modelInitializer", "initializerSignature"]
      ) {
        const v = (artifacts as Record<string, unknown>)[k];
        if (v !== undefined) json[k] = v;
      }
      mkdirSync(dirname(modelPath), { recursive: true });
      const write = options.durable === false ? writeFileSync : writeFileAtomic;
      write(weightsPath, weights);
      write(modelPath, JSON.stringify(json));
      return Promise.resolve({
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: "JSON",
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      });
    },
    load(): Promise<ModelArtifacts> {
      try {
        return Promise.resolve(loadArtifacts(modelPath));
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}

function loadArtifacts(modelPath: string): ModelArtifacts {
  if (!existsSync(modelPath)) throw new ConfigurationError(`There is no model file at ${modelPath}`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(modelPath, "utf8"));
  } catch (e) {
    throw new ConfigurationError(`The model file ${modelPath} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== "object" || json === null || json.modelTopology === undefined) {
    throw new ConfigurationError(`The model file ${modelPath} has no modelTopology`);
  }
  const manifest = (json.weightsManifest ?? []) as { paths: string[]; weights: WeightsManifestEntry[] }[];
  const specs: WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = join(dirname(modelPath), p);
      if (!existsSync(file)) throw new ConfigurationError(`The weights file ${file} of ${modelPath} is missing`);
      const bytes = readFileSync(file);
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology as {},
    weightSpecs: specs,
    weightData: concat(buffers).buffer as ArrayBuffer,
  };
  for (
    const k of [
      "format",
      "generatedBy",
      "convertedBy",
      "trainingConfig",
      "signature",
      "userDefinedMetadata",
      "modelInitializer",
      "initializerSignature",
    ] as const
  ) {
    if (json[k] !== undefined) (artifacts as Record<string, unknown>)[k] = json[k];
  }
  return artifacts;
}
