/**
 * What every bench script needs: the repository root, the Deno binary, and a
 * temporary folder with its own HOME and git identity so benches never touch
 * the machine's own configuration.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));
/** The Deno binary running the bench. */
export const DENO: string = Deno.execPath();

/** A bench's temporary folder and the environment for the commands it runs. */
export interface BenchSandbox {
  /** The temporary folder (remove it when done). */
  base: string;
  /** HOME, git identity and Deno's module cache, plus `extraEnv`. */
  env: Record<string, string>;
}

/**
 * A temporary folder named `dws-bench-<name>-…` with a HOME whose git config
 * has a bench identity.
 *
 * @example
 * ```ts
 * const { base, env } = benchSandbox("snap");
 * ```
 */
export function benchSandbox(name: string, extraEnv: Record<string, string> = {}): BenchSandbox {
  const base = mkdtempSync(join(tmpdir(), `dws-bench-${name}-`));
  const home = join(base, "home");
  mkdirSync(home);
  writeFileSync(join(home, ".gitconfig"), "[user]\n\tname = bench\n\temail = bench@example.com\n");
  return {
    base,
    env: {
      ...extraEnv,
      HOME: home,
      GIT_CONFIG_GLOBAL: join(home, ".gitconfig"),
      DENO_DIR: join(Deno.env.get("HOME")!, ".cache/deno"),
    },
  };
}
