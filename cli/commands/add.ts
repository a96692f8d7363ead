/**
 * `dws add git|local-files|rclone|api-resource|s3`.
 *
 * @module
 */
import { Command, Option } from "npm:commander@14.0.3";
import process from "node:process";
import { parseRole } from "../../core/base/names.ts";
import { withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { fromParser } from "../option_parsers.ts";

const ROLE_HELP = "role of the resource: source-data, intermediate-data, code, results (or s, i, c, r)";

const roleArg = fromParser(parseRole);

function common(cmd: Command): Command {
  return cmd
    .option("--role <role>", ROLE_HELP, roleArg)
    .option("--name <name>", "short, unique name for the resource (default: from the path)")
    .option(...WORKSPACE_DIR_OPTION);
}

/** The `add` command group. */
export function addCommand(): Command {
  const add = new Command("add")
    .description("Add a resource to the workspace.")
    .option(...WORKSPACE_DIR_OPTION);
  for (
    const sub of [
      addGitCommand(),
      addLocalFilesCommand(),
      addRcloneCommand(),
      addApiResourceCommand(),
      addS3Command(),
    ]
  ) add.addCommand(sub);
  return add;
}

/** `dws add git`. */
function addGitCommand(): Command {
  return common(new Command("git"))
    .description("Add a local git repository, or a folder of the workspace's repository, as a resource.")
    .argument("<path>", "local path of the repository or folder")
    .option("--branch <branch>", "branch to use (default: the current branch)")
    .option("-r, --read-only", "never commit to or push this repository")
    .option("-e, --export", "export lineage so other workspaces can import this resource")
    .option("--imported", "the lineage was exported by another workspace (implies --read-only, source-data)")
    .action(async (path: string, opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const { addGitResource } = await import("../../resources/mod.ts");
      await withWorkspace(ctx, (ws) => addGitResource(ws, path, opts), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws add git",
      });
    });
}

/** `dws add local-files`. */
function addLocalFilesCommand(): Command {
  return common(new Command("local-files"))
    .description("Add a folder of files on this machine as a resource.")
    .argument("<path>", "local path of the folder")
    .option("--compute-hash", "hash file contents (SHA-1) at snapshot time instead of recording sizes")
    .option("-e, --export", "export lineage so other workspaces can import this resource")
    .option("--imported", "the lineage was exported by another workspace (source-data only)")
    .action(async (path: string, opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const { addLocalFilesResource } = await import("../../resources/mod.ts");
      await withWorkspace(ctx, (ws) => addLocalFilesResource(ws, path, opts), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws add local-files",
      });
    });
}

/** `dws add rclone`. */
function addRcloneCommand(): Command {
  return common(new Command("rclone"))
    .description("Add data kept on an rclone remote, with a local copy in a folder on this machine.")
    .argument("<remote>", "the rclone location, remote:path (the remote must be in 'rclone listremotes')")
    .argument("<local-path>", "local folder for the data")
    .option("--config <file>", "rclone config file (default: rclone's own)")
    .option("--compute-hash", "hash file contents (SHA-1) at snapshot time instead of recording sizes")
    .option("-e, --export", "export lineage so other workspaces can import this resource")
    .option("--imported", "the lineage was exported by another workspace (source-data only)")
    .addOption(
      new Option("--master <side>", "authoritative side: remote (pull copies in), local (push copies out), none")
        .choices(["none", "remote", "local"]).default("none"),
    )
    .addOption(
      new Option("--sync-mode <mode>", "copy (never delete) or sync (make the destination identical)")
        .choices(["copy", "sync"]).default("copy"),
    )
    .option("--size-only", "compare files by size only when transferring")
    .action(async (remote: string, localPath: string, opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      await withWorkspace(
        ctx,
        async (ws) =>
          (await import("../../resources/mod.ts")).addRcloneResource(ws, { remote, localPath }, {
            ...opts,
            cwd: process.cwd(),
          }),
        { workspaceDir: globalOptions(cmd).workspaceDir, command: "dws add rclone" },
      );
    });
}

/** `dws add api-resource`. */
function addApiResourceCommand(): Command {
  return new Command("api-resource")
    .description("Add data that comes from an API or memory; kits record its hash as its version.")
    .option("--role <role>", "source-data or intermediate-data (or s, i)", roleArg)
    .option("--name <name>", "short, unique name for the resource (default: <role>-api)")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const { addApiResource } = await import("../../resources/mod.ts");
      await withWorkspace(ctx, (ws) => addApiResource(ws, opts), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws add api-resource",
      });
    });
}

/** `dws add s3`. */
function addS3Command(): Command {
  return new Command("s3")
    .description(
      "Add a versioned S3 bucket; snapshots record object versions. Credentials come from the AWS " +
        "environment/config, never from the workspace.",
    )
    .argument("<bucket>", "name of the bucket (versioning must be enabled)")
    .option("--role <role>", "source-data, intermediate-data or code (or s, i, c)", roleArg)
    .option("--name <name>", "short, unique name for the resource (default: the bucket name)")
    .option("--endpoint-url <url>", "S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default: AWS)")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (bucket: string, opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const { addS3Resource } = await import("../../resources/mod.ts");
      await withWorkspace(ctx, (ws) => addS3Resource(ws, bucket, opts), {
        workspaceDir: globalOptions(cmd).workspaceDir,
        command: "dws add s3",
      });
    });
}
