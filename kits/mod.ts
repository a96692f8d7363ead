/**
 * The ml.js kit of dws: lineage for JavaScript predictors (the counterpart
 * of Data Workspaces' scikit-learn kit). Import it as `dws/kits` (Node) or
 * from `kits/mod.ts` (Deno); it is separate from the core library so the
 * `dws` command never loads it.
 *
 * - {@link LineagePredictor}: wrap a predictor; `fit` records the input
 *   resource, `score` writes results.json and the step's lineage.
 * - {@link loadDatasetFromResource}: data.csv / target.csv (+ extras) of a resource.
 * - {@link trainTestSplit}, {@link trainAndPredictWithCv}: scikit-learn's splits and grid search.
 * - Metrics with scikit-learn's numbers, an `SVC` on libsvm-js, and the
 *   shared model state and data hashing other kits build on.
 *
 * @example
 * ```ts
 * import { LineagePredictor, loadDatasetFromResource, SVC, trainTestSplit } from "./mod.ts";
 *
 * const ds = await loadDatasetFromResource("sklearn-digits-dataset");
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { testSize: 0.5, shuffle: false });
 * const model = new LineagePredictor(new SVC({ gamma: 0.001 }), "multiclass_classification", ds.resource);
 * await model.fit(xTrain, yTrain);
 * await model.score(xTest, yTest); // 0.9688542825361512, as scikit-learn
 * ```
 *
 * @module
 */
export * from "./dataset.ts";
export * from "./libsvm.ts";
export * from "./metrics.ts";
export * from "./model_selection.ts";
export * from "./predictor.ts";
export * from "./arrays.ts";
export * from "./data_hash.ts";
export * from "./model_state.ts";
// The TensorFlow.js kit (dws/kits/tfjs), the notebook kit (dws/kits/notebook) and what they build on.
export * from "./frames.ts";
export * from "./notebook.ts";
export * from "./stream_hash.ts";
export * from "./tfjs.ts";
export * from "./tfjs_checkpoint.ts";
export * from "./tfjs_io.ts";
// Core types that the kits' API mentions (NotebookLineageBuilder is a LineageBuilder: the whole core API's types).
export type * from "../mod.ts";
export type { ContextOptions } from "../core/base/context.ts";
export type { Output } from "../core/base/output.ts";
export type { Prompter } from "../core/base/prompt.ts";
export type { JsonObject, JsonValue } from "../core/base/json_value.ts";
export { ApiParamError, ConfigurationError, DwsError, LineageError } from "../core/base/errors.ts";
