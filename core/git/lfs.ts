/**
 * git-lfs support: detecting repositories that use it, making sure the user
 * has it set up, and tracking patterns at `dws init --git-lfs-attributes`.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Context } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";
import { runProgram } from "../base/subprocess.ts";

/** True if some `.gitattributes` under `dir` (outside `.git`) sends paths to lfs. */
export function usesGitLfs(dir: string): boolean {
  const walk = (d: string): boolean => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      if (e.isFile() && e.name === ".gitattributes") {
        const text = readFileSync(join(d, e.name), "utf8");
        if (text.split("\n").some((l) => l.split(/\s+/).some((a) => a.endsWith("=lfs")))) return true;
      }
    }
    return entries.some((e) => e.isDirectory() && e.name !== ".git" && walk(join(d, e.name)));
  };
  return walk(dir);
}

/** The user's global git config file (honours `GIT_CONFIG_GLOBAL`). */
function globalGitConfig(): string {
  return process.env.GIT_CONFIG_GLOBAL ?? join(homedir(), ".gitconfig");
}

/** True if the user's git config has the lfs filter. */
export function lfsInstalledForUser(): boolean {
  const file = globalGitConfig();
  return existsSync(file) && readFileSync(file, "utf8").includes('[filter "lfs"]');
}

/**
 * Make sure git-lfs is on the PATH and set up for the user (`git lfs install`).
 *
 * @example
 * ```ts
 * await ensureGitLfs(ctx);
 * ```
 */
export async function ensureGitLfs(ctx: Context): Promise<void> {
  const probe = await runProgram(ctx, ["git", "lfs", "version"], { cwd: homedir(), allowFailure: true })
    .catch(() => ({ code: 1 }));
  if (probe.code !== 0) {
    throw new ConfigurationError(
      "git-lfs is not installed: install it (for example 'apt-get install git-lfs') and try again",
    );
  }
  if (!lfsInstalledForUser()) await runProgram(ctx, ["git", "lfs", "install"], { cwd: homedir() });
}

/** `git lfs track` each pattern in `repo`. */
export async function trackWithLfs(ctx: Context, repo: string, patterns: readonly string[]): Promise<void> {
  for (const p of patterns) await runProgram(ctx, ["git", "lfs", "track", p], { cwd: repo });
}
