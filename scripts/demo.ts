/**
 * The main job on generated data (`npm run demo`): builds a workspace in a
 * temporary folder with the real `dws` command: init with code and results
 * folders, a data folder and a code repository with its own remote, then
 * the status report and the parameters.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
  console.log(`\n$ dws ${args.join(" ")}`);
  await dws(args, cwd);
}

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
await show(["--batch", "add", "local-files", "--role", "source-data", "--compute-hash", data], ws);
await show(["--batch", "add", "git", "--role", "code", code], ws);
await show(["report", "status"], ws);
await show(["config"], ws);
await show(["version"], ws);
console.log(`\nDone. The workspace is in ${ws}`);
