/**
 * The README's Deno recipe in a user's own folder outside the checkout: a
 * script importing `mod.ts` and the kits by absolute path type-checks, reads
 * an S3 resource (moto) through `getFilesystemForResource`, loads a bzip2
 * dataset and trains a wrapped SVC. Every lazy npm import (AWS SDK,
 * seek-bzip, libsvm-js) resolves by its `npm:` specifier there, with no
 * package.json or node_modules in reach.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBucket, putObjects, S3_TEST_ENV, s3TestServer } from "../s3_server.ts";
import { dwsOk, ignoreWithout, initWorkspace, readJson, ROOT, run, sandbox } from "../test_utils.ts";

const X = Array.from({ length: 40 }, (_, i) => [(i % 2) * 3 + (i % 5) / 10, (i % 2) * 2 + (i % 7) / 10]);
const DATA_CSV = X.map((r) => r.join(",")).join("\n") + "\n";
const TARGET_CSV = X.map((_, i) => i % 2).join("\n") + "\n";

const SCRIPT = (root: string) => `
import { getFilesystemForResource } from "${root}/mod.ts";
import { LineagePredictor, loadDatasetFromResource, SVC, trainTestSplit } from "${root}/kits/mod.ts";

const bucket = await getFilesystemForResource("bucket");
const rows = (await bucket.open("data.csv", "r")).trim().split("\\n").map((l) => l.split(",").map(Number));
const labels = (await bucket.open("target.csv", "r")).trim().split("\\n").map(Number);
const ds = await loadDatasetFromResource("local", "blobs");
if (JSON.stringify(ds.data) !== JSON.stringify(rows)) throw new Error("the bz2 dataset differs from the bucket's");
const gamma = Number(Deno.args[0] ?? "0.5");
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(rows, labels, { testSize: 0.25, randomState: 0 });
const model = new LineagePredictor(new SVC({ gamma }), "binary_classification", "bucket");
await model.fit(xTrain, yTrain);
console.log(JSON.stringify({ files: await bucket.ls(""), accuracy: await model.score(xTest, yTest) }));
`;

Deno.test({
  name: "a Deno script outside the checkout imports mod.ts and the kits by path, reads S3 and trains an SVC",
  ignore: ignoreWithout("moto_server"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    using sb = sandbox();
    Object.assign(sb.env, S3_TEST_ENV);
    // Deno downloads the npm packages into its cache as for any user; the machine's certificate store
    // (as npm uses) lets it through a TLS-inspecting proxy.
    sb.env.DENO_TLS_CA_STORE = "system,mozilla";
    const server = await s3TestServer();
    const bucket = await createBucket(server, "portable");
    await putObjects(server, bucket, { "data.csv": DATA_CSV, "target.csv": TARGET_CSV });
    const ws = await initWorkspace(sb, "ws", ["--create-resources", "results"]);
    const add = ["--batch", "add", "s3", "--role", "source-data", "--name", "bucket", "--endpoint-url"];
    await dwsOk(sb, [...add, server.endpoint, bucket], { cwd: ws });
    const local = join(sb.dir, "local-data", "blobs");
    mkdirSync(local, { recursive: true });
    writeFileSync(join(local, "data.csv"), DATA_CSV);
    writeFileSync(join(local, "target.csv"), TARGET_CSV);
    await run(sb, ["bzip2", "data.csv", "target.csv"], { cwd: local });
    await dwsOk(sb, ["--batch", "add", "local-files", "--role", "source-data", "--name", "local", join(local, "..")], {
      cwd: ws,
    });

    const project = join(sb.dir, "my-project");
    mkdirSync(project);
    writeFileSync(join(project, "train.ts"), SCRIPT(ROOT));
    assert.ok(!existsSync(join(project, "node_modules")) && !existsSync(join(project, "package.json")));
    await run(sb, [Deno.execPath(), "check", "train.ts"], { cwd: project });
    const trained = await run(sb, [Deno.execPath(), "run", "--quiet", "-A", join(project, "train.ts"), "0.7"], {
      cwd: ws,
    });
    const out = JSON.parse(trained.stdout.trim().split("\n").pop()!);
    assert.deepEqual(out, { files: ["data.csv", "target.csv"], accuracy: 1 });
    const results = readJson(join(ws, "results/results.json")) as Record<string, Record<string, unknown>>;
    assert.equal(results.parameters.gamma, 0.7);
    assert.equal(results.metrics.accuracy, 1);
    const lineage = readJson(join(ws, ".dataworkspace/current_lineage/results.json")) as {
      lineages: { inputs: { resource_name: string }[] }[];
    };
    assert.ok(JSON.stringify(lineage).includes('"bucket"'));
  },
});
