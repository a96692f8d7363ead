/**
 * Helpers for tests: temporary folders with their own HOME and git identity,
 * running the real `dws` command, making git repositories and bare remotes.
 * Nothing here depends on the machine's own git, rclone or AWS config.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));
/** The dws entry point. */
export const DWS_MAIN: string = join(ROOT, "cli", "main.ts");

/** A temporary sandbox: a folder, a HOME and the environment for subprocesses. */
export interface Sandbox {
  dir: string;
  home: string;
  env: Record<string, string>;
  [Symbol.dispose](): void;
}

/**
 * A fresh sandbox with its own HOME and git identity (`init.defaultBranch`
 * is `master`, as the golden values of the spec assume).
 *
 * @example
 * ```ts
 * using sb = sandbox();
 * ```
 */
export function sandbox(): Sandbox {
  const dir = Deno.realPathSync(mkdtempSync(join(tmpdir(), "dws-test-")));
  const home = join(dir, "home");
  mkdirSync(home);
  const gitconfig = join(home, ".gitconfig");
  writeFileSync(
    gitconfig,
    "[user]\n\tname = Test User\n\temail = test@example.com\n[init]\n\tdefaultBranch = master\n",
  );
  const env: Record<string, string> = {
    HOME: home,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: "1",
    DWS_LOCK_TIMEOUT: "5",
    NO_COLOR: "1",
  };
  return {
    dir,
    home,
    env,
    [Symbol.dispose]() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The outcome of a command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link dws}. */
export interface DwsRunOptions {
  cwd: string;
  /** Text fed to stdin (interactive answers). */
  stdin?: string;
  env?: Record<string, string>;
}

const PASSED_THROUGH = ["PATH", "TMPDIR", "LANG", "DENO_DIR", "DENO_NO_UPDATE_CHECK", "DENO_TLS_CA_STORE"];
/** How this machine reaches the registries (proxies and certificates), passed on as a user's shell would. */
const NETWORK = [
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
];

function childEnv(sb: Sandbox, extra?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...PASSED_THROUGH, ...NETWORK]) {
    const v = Deno.env.get(key);
    if (v !== undefined) env[key] = v;
  }
  // Deno's module cache lives under HOME by default; keep the real one so runs stay fast.
  env.DENO_DIR ??= join(Deno.env.get("HOME") ?? "/root", ".cache", "deno");
  // A Deno script outside the checkout downloads its npm packages as a user's Deno does; the machine's
  // certificate store (which npm uses too) lets it through a TLS-inspecting proxy.
  env.DENO_TLS_CA_STORE ??= "system,mozilla";
  return { ...env, ...sb.env, ...extra };
}

/**
 * Run the real `dws` command line in `cwd`.
 *
 * @example
 * ```ts
 * const r = await dws(sb, ["--batch", "init"], { cwd: ws });
 * ```
 */
export async function dws(sb: Sandbox, args: string[], options: DwsRunOptions): Promise<CommandResult> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", DWS_MAIN, ...args],
    cwd: options.cwd,
    env: childEnv(sb, options.env),
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Run `dws` and fail the test with its output unless it exits 0. */
export async function dwsOk(sb: Sandbox, args: string[], options: DwsRunOptions): Promise<CommandResult> {
  const r = await dws(sb, args, options);
  if (r.code !== 0) {
    throw new Error(`dws ${args.join(" ")} exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return r;
}

/**
 * Run a program (git, ...) with the sandbox's environment; throws on failure.
 *
 * @example
 * ```ts
 * await run(sb, ["git", "init", "-q", "repo"], { cwd: sb.dir });
 * ```
 */
export async function run(
  sb: Sandbox,
  argv: string[],
  options: { cwd: string; allowFailure?: boolean },
): Promise<CommandResult> {
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: options.cwd,
    env: childEnv(sb),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const r = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  if (r.code !== 0 && !options.allowFailure) {
    throw new Error(`${argv.join(" ")} exited ${r.code}: ${r.stderr}`);
  }
  return r;
}

/**
 * Make a git repository with one commit and a bare `origin` it was pushed to.
 * Returns the repository's path.
 */
export async function gitRepoWithOrigin(sb: Sandbox, name: string, parent: string = sb.dir): Promise<string> {
  const bare = join(sb.dir, "remotes", `${name}.git`);
  mkdirSync(bare, { recursive: true });
  await run(sb, ["git", "init", "-q", "--bare", bare], { cwd: sb.dir });
  const repo = join(parent, name);
  mkdirSync(repo, { recursive: true });
  await run(sb, ["git", "init", "-q", repo], { cwd: sb.dir });
  writeFileSync(join(repo, "README.md"), `# ${name}\n`);
  await run(sb, ["git", "add", "README.md"], { cwd: repo });
  await run(sb, ["git", "commit", "-q", "-m", "first"], { cwd: repo });
  await run(sb, ["git", "remote", "add", "origin", bare], { cwd: repo });
  await run(sb, ["git", "push", "-q", "origin", "master"], { cwd: repo });
  return repo;
}

/** Make a workspace with `dws --batch init` in a new folder; returns its path. */
export async function initWorkspace(sb: Sandbox, name = "ws", args: string[] = []): Promise<string> {
  const ws = join(sb.dir, name);
  mkdirSync(ws, { recursive: true });
  await dwsOk(sb, ["--batch", "init", "--hostname", "testhost", ...args], { cwd: ws });
  return ws;
}

/** Read a text file. */
export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** Parse a JSON file. */
export function readJson(path: string): unknown {
  return JSON.parse(readText(path));
}

/** Snapshot of every file under `dir` (path → content), `.git` excluded: for "left exactly as it was" checks. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      if (e.name === ".git" && rel === "") continue;
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) walk(p, r);
      else out[r] = e.isFile ? readText(p) : "<link>";
    }
  };
  walk(dir, "");
  return out;
}

/** True if `name` is on the PATH. */
export function hasTool(name: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/**
 * Whether a test needing `tool` should be ignored: only outside CI. With
 * `DWS_REQUIRE_TOOLS=1` (set by .ci/run) a missing tool fails the test
 * instead of skipping it.
 */
export function ignoreWithout(tool: string): boolean {
  if (hasTool(tool)) return false;
  if (Deno.env.get("DWS_REQUIRE_TOOLS") === "1") return false;
  console.warn(`SKIPPED: '${tool}' is not installed (CI installs it; see .ci/run)`);
  return true;
}

/** Fail clearly when a required tool is missing in CI. */
export function requireTool(tool: string): void {
  if (!hasTool(tool)) throw new Error(`'${tool}' is required for this test but is not installed (see .ci/run)`);
}

/** Every file under `dir` with its mode and content (base64); links and empty folders marked. */
export function folderState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    const entries = Deno.readDirSync(d);
    let empty = true;
    for (const e of entries) {
      empty = false;
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymlink) out[r] = "<link>";
      else if (e.isDirectory) walk(p, r);
      else {
        const mode = (Deno.statSync(p).mode ?? 0) & 0o777;
        out[r] = `${mode.toString(8)} ${Buffer.from(Deno.readFileSync(p)).toString("base64")}`;
      }
    }
    if (empty && rel) out[rel + "/"] = "<empty dir>";
  };
  walk(dir, "");
  return out;
}

/**
 * An rclone remote named `objremote` of type local in the sandbox's own rclone
 * config (`RCLONE_CONFIG`), so `objremote:/some/folder` is a folder on disk.
 *
 * @example
 * ```ts
 * useLocalRcloneRemote(sb);
 * await dwsOk(sb, ["config", "object_store.remote", `objremote:${join(sb.dir, "remote")}`], { cwd: ws });
 * ```
 */
export function useLocalRcloneRemote(sb: Sandbox): void {
  const conf = join(sb.dir, "rclone.conf");
  writeFileSync(conf, "[objremote]\ntype = local\n");
  sb.env.RCLONE_CONFIG = conf;
}
