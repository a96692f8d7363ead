/**
 * `dws deploy build|run`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Context } from "../../core/base/context.ts";
import { NotSupportedError } from "../../core/base/errors.ts";
import { runProgram } from "../../core/base/subprocess.ts";
import { openWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

/**
 * Write this dws program as one file for `deno run` to `dest`: a copy when
 * running from the Deno bundle, else the checkout's bundler (esbuild from
 * its node_modules).
 */
async function writeProgram(ctx: Context, dest: string): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith(".js") && !self.includes("/cli/")) {
    await runProgram(ctx, ["cp", self, dest], { cwd: tmpdir() });
    return;
  }
  const root = join(dirname(self), "..", "..");
  const bundler = join(root, "scripts", "bundle.ts");
  if (!existsSync(bundler) || !process.versions.deno) {
    throw new NotSupportedError("deploy build runs from a dws checkout under Deno or from dist/dws.js");
  }
  await runProgram(ctx, [process.execPath, "run", "-A", bundler, "deno", dest], { cwd: root });
}

/** The `deploy` command group. */
export function deployCommand(): Command {
  const deploy = new Command("deploy")
    .description("Build and run a Docker image of the workspace (cloned from its origin).")
    .option(...WORKSPACE_DIR_OPTION);
  deploy.addCommand(
    new Command("build")
      .description("Build a Docker image with dws, git and a clone of the workspace.")
      .option("--image-name <name>", "image name (default: from the workspace name)")
      .option("-f, --force-rebuild", "remove an existing image of that name first")
      .option("--git-user-email <email>", "git user.email in the image (default: the workspace's)")
      .option("--git-user-name <name>", "git user.name in the image (default: the workspace's)")
      .option("--dry-run", "print the Dockerfile and the docker commands instead of running them")
      .option(...WORKSPACE_DIR_OPTION)
      .action(async (opts, cmd: Command) => {
        const { deployBuild } = await import("../../core/commands/deploy.ts");
        const ctx = contextFor(cmd);
        const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
        await deployBuild(ws, { ...opts, writeProgram: (dest) => writeProgram(ctx, dest) });
      }),
  );
  deploy.addCommand(
    new Command("run")
      .description("Run the workspace image interactively.")
      .option("--image-name <name>", "image name (default: from the workspace name)")
      .option("--no-mount-ssh-keys", "do not mount ~/.ssh into the container")
      .option("--dry-run", "print the docker command instead of running it")
      .option(...WORKSPACE_DIR_OPTION)
      .action(async (opts, cmd: Command) => {
        const { deployRun } = await import("../../core/commands/deploy.ts");
        const ctx = contextFor(cmd);
        const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
        await deployRun(ws, {
          imageName: opts.imageName,
          noMountSshKeys: opts.mountSshKeys === false,
          dryRun: opts.dryRun,
        });
      }),
  );
  return deploy;
}
