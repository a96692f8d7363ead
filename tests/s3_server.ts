/**
 * A real S3-compatible server for tests: moto (`pip install 'moto[server]'`)
 * on 127.0.0.1. `.ci/run` starts one and exports `DWS_TEST_S3_ENDPOINT`;
 * otherwise each test module starts its own on a free port, stopped when
 * the test process ends (the wrapper shell kills moto when its stdin, a
 * pipe from this process, closes).
 *
 * Tests use dummy credentials only ({@link S3_TEST_ENV}), never the
 * machine's AWS configuration.
 *
 * @module
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The environment every dws run against the test server gets (and in-process API calls, see {@link withS3Env}). */
export const S3_TEST_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_REGION: "us-east-1",
  AWS_CONFIG_FILE: "/nonexistent/dws-test/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/dws-test/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
};

/** A running test server. */
export interface S3TestServer {
  /** `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** A client with the dummy credentials, for setting up buckets and objects. */
  client: S3Client;
  /** Stop the server (only one this module started). */
  stop(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitForPort(port: number, timeoutMs: number, log: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      if (Date.now() > end) {
        let text = "";
        try {
          text = Deno.readTextFileSync(log);
        } catch { /* no log */ }
        throw new Error(`moto_server did not start on port ${port}:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A client for `endpoint` with the dummy credentials. */
export function testClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}

/**
 * Start moto on a free port. With `auth`, every request must be signed by
 * a key moto knows, so any key given is rejected (wrong-credentials tests).
 */
export async function startMotoServer(options: { auth?: boolean } = {}): Promise<S3TestServer> {
  const port = freePort();
  const logDir = mkdtempSync(join(tmpdir(), "dws-moto-"));
  const log = join(logDir, "moto.log");
  const env: Record<string, string> = { ...S3_TEST_ENV };
  if (options.auth) env.INITIAL_NO_AUTH_ACTION_COUNT = "0";
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      "moto_server -H 127.0.0.1 -p \"$1\" >\"$2\" 2>&1 & pid=$!; trap 'kill $pid 2>/dev/null; wait $pid' EXIT; trap 'exit 1' HUP INT TERM; read -r _ || true",
      "sh",
      String(port),
      log,
    ],
    env,
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  child.unref();
  const stop = async () => {
    try {
      await writer.close();
    } catch { /* already closed */ }
    child.ref();
    await child.status;
  };
  try {
    await waitForPort(port, 30_000, log);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    // moto keeps writing to the open (now unlinked) log; nothing is left behind.
    rmSync(logDir, { recursive: true, force: true });
  }
  const endpoint = `http://127.0.0.1:${port}`;
  return { endpoint, client: testClient(endpoint), stop };
}

let shared: Promise<S3TestServer> | undefined;

/**
 * The test server: the one in `DWS_TEST_S3_ENDPOINT`, else one started for
 * this test module (on first use) and stopped when the process ends.
 */
export function s3TestServer(): Promise<S3TestServer> {
  return shared ??= (async () => {
    const given = Deno.env.get("DWS_TEST_S3_ENDPOINT");
    if (given) return { endpoint: given, client: testClient(given), stop: () => Promise.resolve() };
    const server = await startMotoServer();
    globalThis.addEventListener("unload", () => void server.stop());
    return server;
  })();
}

let bucketCounter = 0;

/** A fresh bucket name (lower-case, unique per run). */
export function bucketName(label: string): string {
  return `dws-${label}-${crypto.randomUUID().slice(0, 8)}-${++bucketCounter}`;
}

/** Create a bucket, with versioning unless `versioning` is false. */
export async function createBucket(
  server: S3TestServer,
  label: string,
  options: { versioning?: boolean } = {},
): Promise<string> {
  const bucket = bucketName(label);
  await server.client.send(new CreateBucketCommand({ Bucket: bucket }));
  if (options.versioning ?? true) {
    await server.client.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
  }
  return bucket;
}

/** Put objects (key → text), up to 32 at a time. */
export async function putObjects(server: S3TestServer, bucket: string, objects: Record<string, string>): Promise<void> {
  const entries = Object.entries(objects);
  for (let i = 0; i < entries.length; i += 32) {
    await Promise.all(
      entries.slice(i, i + 32).map(([Key, Body]) =>
        server.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))
      ),
    );
  }
}

/** Delete an object (adds a delete marker). */
export async function deleteObject(server: S3TestServer, bucket: string, key: string): Promise<void> {
  await server.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/**
 * Run `fn` with the dummy AWS credentials in this process's environment
 * (for in-process library calls), restoring the environment afterwards.
 */
export async function withS3Env<T>(fn: () => Promise<T>): Promise<T> {
  const keys = [...Object.keys(S3_TEST_ENV), "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"];
  const saved = keys.map((k) => [k, Deno.env.get(k)] as const);
  for (const k of keys) {
    if (k in S3_TEST_ENV) Deno.env.set(k, S3_TEST_ENV[k]);
    else Deno.env.delete(k);
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}
