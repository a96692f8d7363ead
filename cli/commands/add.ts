/**
 * `dws add git|local-files`.
 *
 * @module
 */
import { Command, InvalidArgumentError } from "commander";
import { parseRole } from "../../core/names.ts";
import { withWorkspace } from "../../core/workspace.ts";
import { addGitResource, addLocalFilesResource } from "../../resources/mod.ts";
import { contextFor, globalOptions } from "../context.ts";

const ROLE_HELP = "role of the resource: source-data, intermediate-data, code, results (or s, i, c, r)";

function roleArg(text: string): string {
  try {
    return parseRole(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function common(cmd: Command): Command {
  return cmd
    .option("--role <role>", ROLE_HELP, roleArg)
    .option("--name <name>", "short, unique name for the resource (default: from the path)")
    .option("--workspace-dir <dir>", "the workspace (default: found from the current directory)");
}

/** The `add` command group. */
export function addCommand(): Command {
  const add = new Command("add")
    .description("Add a resource to the workspace.")
    .option("--workspace-dir <dir>", "the workspace (default: found from the current directory)");

  add.addCommand(
    common(new Command("git"))
      .description("Add a local git repository, or a folder of the workspace's repository, as a resource.")
      .argument("<path>", "local path of the repository or folder")
      .option("--branch <branch>", "branch to use (default: the current branch)")
      .option("-r, --read-only", "never commit to or push this repository")
      .option("-e, --export", "export lineage so other workspaces can import this resource")
      .option("--imported", "the lineage was exported by another workspace (implies --read-only, source-data)")
      .action(async (path: string, opts, cmd: Command) => {
        const ctx = contextFor(cmd);
        await withWorkspace(ctx, (ws) => addGitResource(ws, path, opts), {
          workspaceDir: globalOptions(cmd).workspaceDir,
          command: "dws add git",
        });
      }),
  );

  add.addCommand(
    common(new Command("local-files"))
      .description("Add a folder of files on this machine as a resource.")
      .argument("<path>", "local path of the folder")
      .option("--compute-hash", "hash file contents (SHA-1) at snapshot time instead of recording sizes")
      .option("-e, --export", "export lineage so other workspaces can import this resource")
      .option("--imported", "the lineage was exported by another workspace (source-data only)")
      .action(async (path: string, opts, cmd: Command) => {
        const ctx = contextFor(cmd);
        await withWorkspace(ctx, (ws) => addLocalFilesResource(ws, path, opts), {
          workspaceDir: globalOptions(cmd).workspaceDir,
          command: "dws add local-files",
        });
      }),
  );
  return add;
}
