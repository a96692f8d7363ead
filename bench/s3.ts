/**
 * S3 snapshot speed: a versioned bucket with many objects (default 100,000,
 * spread over 100 prefixes of 10 sub-prefixes each) on a local moto server,
 * then `dws snapshot` of a workspace with that bucket as an s3 resource
 * (listing every object version, 1,000 per request, prefixes in parallel;
 * writing and uploading the snapshot file). Prints the times.
 *
 * Needs `moto_server` (pip install 'moto[server]'); uses
 * DWS_TEST_S3_ENDPOINT when set, else starts moto on a free port. Dummy
 * credentials only. Not run by the tests.
 *
 * Usage: deno run -A bench/s3.ts [objects] [runs]
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createBucket, S3_TEST_ENV, type S3TestServer, startMotoServer, testClient } from "../tests/s3_server.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const deno = Deno.execPath();
const count = Number(Deno.args[0] ?? 100_000);
const runs = Number(Deno.args[1] ?? 3);
const base = mkdtempSync(join(tmpdir(), "dws-bench-s3-"));
const home = join(base, "home");
mkdirSync(home);
writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = bench\n\temail = bench@example.com\n");
const env = {
  ...S3_TEST_ENV,
  HOME: home,
  GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  DENO_DIR: join(Deno.env.get("HOME")!, ".cache/deno"),
};

function dws(args: string[], cwd: string): { ms: number; stderr: string } {
  const t0 = performance.now();
  const out = new Deno.Command(deno, {
    args: ["run", "-A", join(root, "cli/main.ts"), "--batch", ...args],
    cwd,
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  const ms = performance.now() - t0;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`dws ${args.join(" ")} failed:\n${stderr}`);
  return { ms, stderr };
}

const given = Deno.env.get("DWS_TEST_S3_ENDPOINT");
const server: S3TestServer = given
  ? { endpoint: given, client: testClient(given), stop: () => Promise.resolve() }
  : await startMotoServer();
try {
  const bucket = await createBucket(server, "bench");
  console.log(`Putting ${count} objects into s3://${bucket} at ${server.endpoint} ...`);
  let t0 = performance.now();
  const keys = Array.from({ length: count }, (_, i) => {
    const p = i % 100, q = Math.floor(i / 100) % 10;
    return `p${String(p).padStart(3, "0")}/q${q}/obj-${String(i).padStart(7, "0")}.txt`;
  });
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  console.log(`  put ${count} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const ws = join(base, "ws");
  mkdirSync(ws);
  dws(["init", "--hostname", "bench"], ws);
  dws(["add", "s3", "--role", "source-data", "--name", "data", "--endpoint-url", server.endpoint, bucket], ws);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Each run lists the whole bucket again (a new object makes each snapshot new).
    if (i > 0) {
      await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: `extra-${i}.txt`, Body: "x" }));
    }
    t0 = performance.now();
    const r = dws(["--verbose", "snapshot", `S${i + 1}`], ws);
    times.push(performance.now() - t0);
    const listed = /Listed (\d+) objects of .* in ([\d.]+) s/.exec(r.stderr);
    console.log(
      `  dws snapshot #${i + 1}: ${(times[i] / 1000).toFixed(2)} s` +
        (listed ? ` (listing ${listed[1]} objects: ${listed[2]} s)` : ""),
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`dws snapshot of ${count} S3 objects: median ${(sorted[Math.floor(runs / 2)] / 1000).toFixed(2)} s`);
} finally {
  await server.stop();
  rmSync(base, { recursive: true, force: true });
}
