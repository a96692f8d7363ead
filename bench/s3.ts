/**
 * S3 snapshot speed: `dws snapshot` of a workspace whose s3 resource is a
 * versioned bucket with many objects (default 100,000 in 100 prefixes of 10
 * sub-prefixes). The snapshot lists every object version (1,000 per request,
 * prefixes in parallel), writes the version map, hashes, gzips and uploads
 * it. Prints the wall time of the command and of the listing.
 *
 * Two servers:
 * - `--server moto` (needs `moto_server`; DWS_TEST_S3_ENDPOINT is used when
 *   set): the real local S3 server the tests use. moto copies every object
 *   version on every ListObjectVersions call (~0.2 ms per object per call),
 *   so its listing time grows with objects x requests; at 100,000 objects a
 *   snapshot takes tens of minutes there whatever the client does.
 * - `--server fake` (default): a minimal in-process S3 endpoint (HTTP, the
 *   real SDK and XML) that answers from a sorted in-memory index, optionally
 *   with `--latency MS` per request to imitate a remote S3. It measures what
 *   dws itself costs.
 *
 * Dummy credentials only. Not run by the tests.
 *
 * Usage: deno run -A bench/s3.ts [--server fake|moto] [--objects N] [--latency MS] [--runs N]
 *
 * @module
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createBucket, S3_TEST_ENV, startMotoServer, testClient } from "../tests/s3_server.ts";
import { benchSandbox, DENO, ROOT } from "./bench_utils.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    server: { type: "string", default: "fake" },
    objects: { type: "string", default: "100000" },
    latency: { type: "string", default: "0" },
    runs: { type: "string", default: "3" },
  },
});
const count = Number(values.objects);
const runs = Number(values.runs);
const latency = Number(values.latency);

const root = ROOT;
const deno = DENO;
const { base, env } = benchSandbox("s3", { ...S3_TEST_ENV, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" });

async function dws(args: string[], cwd: string): Promise<{ ms: number; stderr: string }> {
  const t0 = performance.now();
  const out = await new Deno.Command(deno, {
    args: ["run", "-A", join(root, "cli/main.ts"), "--batch", ...args],
    cwd,
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`dws ${args.join(" ")} failed:\n${stderr}`);
  return { ms, stderr };
}

function keyOf(i: number): string {
  const p = i % 100, q = Math.floor(i / 100) % 10;
  return `p${String(p).padStart(3, "0")}/q${q}/obj-${String(i).padStart(7, "0")}.txt`;
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A minimal versioned S3 endpoint over a sorted in-memory index (one version per key). */
function fakeS3(bucket: string, keys: string[]): { endpoint: string; requests: () => number; stop(): Promise<void> } {
  keys.sort();
  const bodies = new Map<string, Uint8Array<ArrayBuffer>>();
  const version = (k: string) => `v-${k.length}-${k.charCodeAt(k.length - 1)}`;
  const lowerBound = (k: string) => {
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let requests = 0;
  const listVersions = (q: URLSearchParams): string => {
    const prefix = q.get("prefix") ?? "";
    const delimiter = q.get("delimiter") ?? "";
    const max = Number(q.get("max-keys") ?? 1000);
    const marker = q.get("key-marker") ?? "";
    let i = marker ? lowerBound(marker + "\u0000") : lowerBound(prefix);
    if (marker && delimiter && marker.endsWith(delimiter)) i = lowerBound(marker + "\uffff");
    const parts: string[] = [];
    let n = 0, last = "", lastVersion = "";
    while (i < keys.length && keys[i].startsWith(prefix) && n < max) {
      const k = keys[i];
      const at = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        const cp = k.slice(0, at + delimiter.length);
        parts.push(`<CommonPrefixes><Prefix>${xml(cp)}</Prefix></CommonPrefixes>`);
        last = cp;
        lastVersion = "";
        i = lowerBound(cp + "\uffff");
      } else {
        parts.push(
          `<Version><Key>${xml(k)}</Key><VersionId>${version(k)}</VersionId><IsLatest>true</IsLatest>` +
            `<LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"0"</ETag><Size>1</Size>` +
            `<StorageClass>STANDARD</StorageClass></Version>`,
        );
        last = k;
        lastVersion = version(k);
        i++;
      }
      n++;
    }
    const truncated = i < keys.length && keys[i].startsWith(prefix);
    return `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><MaxKeys>${max}</MaxKeys>` +
      (delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : "") +
      `<IsTruncated>${truncated}</IsTruncated>` +
      (truncated ? `<NextKeyMarker>${xml(last)}</NextKeyMarker>` : "") +
      (truncated && lastVersion ? `<NextVersionIdMarker>${lastVersion}</NextVersionIdMarker>` : "") +
      parts.join("") + `</ListVersionsResult>`;
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    requests++;
    if (latency) await new Promise((r) => setTimeout(r, latency));
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const slash = path.indexOf("/");
    const key = slash < 0 ? "" : path.slice(slash + 1);
    const xmlResponse = (body: string) => new Response(body, { headers: { "content-type": "application/xml" } });
    if (!key && url.searchParams.has("versioning")) {
      return xmlResponse(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`);
    }
    if (!key && url.searchParams.has("versions")) return xmlResponse(listVersions(url.searchParams));
    if (req.method === "PUT") {
      bodies.set(key, new Uint8Array(await req.arrayBuffer()));
      return new Response(null, { headers: { etag: '"0"', "x-amz-version-id": "v1" } });
    }
    if (req.method === "HEAD" || req.method === "GET") {
      const body = bodies.get(key);
      if (!body) return new Response(null, { status: 404 });
      return new Response(req.method === "HEAD" ? null : body, { headers: { "content-length": `${body.length}` } });
    }
    return new Response("not implemented", { status: 501 });
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    requests: () => requests,
    stop: () => server.shutdown(),
  };
}

let endpoint: string;
let bucket: string;
let stop: () => Promise<void>;
let requests: () => number | undefined = () => undefined;
if (values.server === "fake") {
  bucket = "bench-bucket";
  const fake = fakeS3(bucket, Array.from({ length: count }, (_, i) => keyOf(i)));
  ({ endpoint, stop } = fake);
  requests = fake.requests;
  console.log(`Fake S3 at ${endpoint}: ${count} objects, ${latency} ms per request`);
} else {
  const given = Deno.env.get("DWS_TEST_S3_ENDPOINT");
  const server = given
    ? { endpoint: given, client: testClient(given), stop: () => Promise.resolve() }
    : await startMotoServer();
  ({ endpoint, stop } = server);
  bucket = await createBucket(server, "bench");
  console.log(`moto at ${endpoint}: putting ${count} objects into s3://${bucket} ...`);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const key = keyOf(next++);
      await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  console.log(`  put ${count} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  const ws = join(base, "ws");
  mkdirSync(ws);
  await dws(["init", "--hostname", "bench"], ws);
  await dws(["add", "s3", "--role", "source-data", "--name", "data", "--endpoint-url", endpoint, bucket], ws);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A fresh snapshot each run (the local snapshot cache is cleared so nothing is reused).
    rmSync(join(ws, ".dataworkspace/scratch/data/snapshot_cache"), { recursive: true, force: true });
    const before = requests();
    const r = await dws(["--verbose", "snapshot", "-m", `run ${i + 1}`, `S${i + 1}`], ws);
    times.push(r.ms);
    const listed = /Listed (\d+) objects of .* in ([\d.]+) s/.exec(r.stderr);
    const after = requests();
    console.log(
      `  dws snapshot #${i + 1}: ${(r.ms / 1000).toFixed(2)} s` +
        (listed ? ` (listing ${listed[1]} objects: ${listed[2]} s)` : "") +
        (before !== undefined && after !== undefined ? `, ${after - before} requests` : ""),
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `dws snapshot of ${count} S3 objects (${values.server}): median ${
      (sorted[Math.floor(runs / 2)] / 1000).toFixed(2)
    } s`,
  );
} finally {
  await stop();
  rmSync(base, { recursive: true, force: true });
}
