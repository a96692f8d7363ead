/**
 * Object remote speed: `dws push` of a local-files resource of many small
 * files (default 100,000 x 1 KB) to the local S3 server (moto; the one in
 * DWS_TEST_S3_ENDPOINT when set), then `dws clone` of the workspace, which
 * fetches every object and creates the data folder. Prints wall times and
 * the number of objects on the remote (small files are packed). The push
 * is expected under 30 s; printed, not asserted. Dummy credentials only.
 * Not run by the tests.
 *
 * Usage: deno run -A bench/object_remote.ts [--files N] [--kb N] [--remote s3|rclone]
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createBucket, S3_TEST_ENV, startMotoServer, testClient } from "../tests/s3_server.ts";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    files: { type: "string", default: "100000" },
    kb: { type: "string", default: "1" },
    remote: { type: "string", default: "s3" },
  },
});
const files = Number(values.files);
const size = Number(values.kb) * 1024;

const root = ROOT;
const deno = DENO;
const { base, env } = benchSandbox("remote", { ...S3_TEST_ENV, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" });

async function dws(args: string[], cwd: string): Promise<{ s: number; stdout: string }> {
  const t0 = performance.now();
  const out = await new Deno.Command(deno, {
    args: ["run", "-A", join(root, "cli/main.ts"), "--batch", ...args],
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const s = (performance.now() - t0) / 1000;
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(`dws ${args.join(" ")} failed:\n${dec.decode(out.stdout)}${dec.decode(out.stderr)}`);
  }
  return { s, stdout: dec.decode(out.stdout) };
}

async function git(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("git", { args, cwd, env, clearEnv: true, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
}

let stop = () => Promise.resolve();
let location: string;
let countRemote: () => Promise<number>;
if (values.remote === "s3") {
  const given = Deno.env.get("DWS_TEST_S3_ENDPOINT");
  const server = given
    ? { endpoint: given, client: testClient(given), stop: () => Promise.resolve() }
    : await startMotoServer();
  stop = server.stop;
  env.AWS_ENDPOINT_URL = server.endpoint;
  const bucket = await createBucket(server, "bench-remote", { versioning: false });
  location = `s3://${bucket}/ws`;
  countRemote = async () => {
    let n = 0;
    let token: string | undefined;
    do {
      const r = await server.client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      n += r.KeyCount ?? 0;
      token = r.NextContinuationToken;
    } while (token);
    return n;
  };
  console.log(`moto at ${server.endpoint}, remote ${location}`);
} else {
  const conf = join(base, "rclone.conf");
  writeFileSync(conf, "[benchremote]\ntype = local\n");
  env.RCLONE_CONFIG = conf;
  const dir = join(base, "rclone-remote");
  location = `benchremote:${dir}`;
  countRemote = () => {
    let n = 0;
    const walk = (d: string) => {
      for (const e of Deno.readDirSync(d)) e.isDirectory ? walk(join(d, e.name)) : n++;
    };
    walk(dir);
    walk(`${dir}-timed`);
    return Promise.resolve(n);
  };
  console.log(`rclone local remote ${location}`);
}

try {
  const data = join(base, "data");
  for (let d = 0; d < Math.ceil(files / 1000); d++) mkdirSync(join(data, `d${d}`), { recursive: true });
  const filler = "x".repeat(size);
  for (let i = 0; i < files; i++) {
    writeFileSync(join(data, `d${Math.floor(i / 1000)}`, `f${i}.txt`), `${i}:${filler}`.slice(0, size));
  }
  console.log(`${files} files of ${size} bytes in ${data}`);
  const ws = join(base, "ws");
  mkdirSync(ws);
  await dws(["init", "--hostname", "bench"], ws);
  await dws(["add", "local-files", "--role", "source-data", data], ws);
  const snap = await dws(["snapshot", "S1"], ws);
  console.log(`snapshot (stores ${files} objects locally): ${snap.s.toFixed(1)} s`);
  await dws(["config", "object_store.remote", location], ws);
  const bare = join(base, "ws.git");
  await git(["init", "-q", "--bare", bare], base);
  await dws(["publish", bare], ws);
  // `publish` above pushed everything; time a fresh push to an empty prefix to measure the upload alone.
  location = `${location}-timed`;
  await dws(["config", "object_store.remote", location], ws);
  const push = await dws(["push"], ws);
  console.log(push.stdout.split("\n").find((l) => l.startsWith("Object remote")));
  console.log(`push (whole command, to an empty remote): ${push.s.toFixed(1)} s  (goal < 30 s)`);
  console.log(`objects on the remote (both prefixes): ${await countRemote()}`);
  const again = await dws(["push"], ws);
  console.log(`push again (nothing to send): ${again.s.toFixed(1)} s`);
  // B's machine: the data folder is not at its recorded path, so clone creates it from the remote.
  rmSync(data, { recursive: true, force: true });
  const clone = await dws(["clone", "--hostname", "b", bare, join(base, "wsB")], base);
  console.log(clone.stdout.split("\n").find((l) => l.startsWith("Object remote")));
  console.log(`clone (fetch ${files} objects, create the folder): ${clone.s.toFixed(1)} s`);
} finally {
  await stop();
  rmSync(base, { recursive: true, force: true });
}
