/**
 * Large objects on S3: push one sparse file (default 6 GB, larger than a
 * single PutObject allows) to moto with the object remote's S3 client
 * (`S3Bucket.putFile`: multipart, parts read from disk a few at a time),
 * then download it back to a file (`getObjectToFile`, streamed). Prints the
 * wall time and throughput of each, and the process's peak RSS against the
 * file size: memory must stay flat whatever the size.
 *
 * Needs `moto_server` (DWS_TEST_S3_ENDPOINT is used when set); moto spools
 * the object to its temporary folder, so the disk needs about twice the
 * size free. Dummy credentials only. Not run by the tests.
 *
 * Usage: deno run -A bench/s3_large.ts [--gb 6] [--no-download]
 *
 * @module
 */
import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatBytes } from "../core/base/output.ts";
import { S3Bucket } from "../resources/s3_client.ts";
import { createBucket, S3_TEST_ENV, startMotoServer, testClient } from "../tests/s3_server.ts";
import { benchSandbox } from "./bench_utils.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { gb: { type: "string", default: "6" }, "no-download": { type: "boolean", default: false } },
});

/** The peak resident set size of this process so far (Linux VmHWM), in bytes. */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : Deno.memoryUsage().rss;
}

function sparseFile(path: string, size: number): void {
  const fd = openSync(path, "w");
  ftruncateSync(fd, size);
  closeSync(fd);
}

async function timed(label: string, size: number, fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await fn();
  const s = (performance.now() - start) / 1000;
  console.log(
    `${label.padEnd(10)} ${s.toFixed(1).padStart(7)} s  ${formatBytes(size / s)}/s  peak RSS so far ${
      formatBytes(peakRss())
    }`,
  );
}

const size = Math.round(Number(values.gb) * 1024 ** 3);
for (const [k, v] of Object.entries(S3_TEST_ENV)) Deno.env.set(k, v);
const given = Deno.env.get("DWS_TEST_S3_ENDPOINT");
const server = given
  ? { endpoint: given, client: testClient(given), stop: () => Promise.resolve() }
  : await startMotoServer();
const { base } = benchSandbox("s3-large");
try {
  const bucketName = await createBucket(server, "large", { versioning: false });
  const bucket = new S3Bucket({ bucket: bucketName, endpointUrl: server.endpoint });
  const src = join(base, "sparse.bin");
  sparseFile(src, size);
  console.log(
    `file ${formatBytes(size)} (sparse), moto at ${server.endpoint}, peak RSS at start ${formatBytes(peakRss())}`,
  );
  await timed("upload", size, () => bucket.putFile("objects/large", src));
  if (!values["no-download"]) {
    const dest = join(base, "back.bin");
    await timed("download", size, () => bucket.getObjectToFile("objects/large", dest));
    if (statSync(dest).size !== size) throw new Error(`downloaded ${statSync(dest).size} bytes, not ${size}`);
    rmSync(dest);
  }
  console.log(
    `peak RSS ${formatBytes(peakRss())} for a ${
      formatBytes(size)
    } object (machine: ${navigator.hardwareConcurrency} cores)`,
  );
} finally {
  rmSync(base, { recursive: true, force: true });
  await server.stop();
}
