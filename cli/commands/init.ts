/**
 * `dws init`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import process from "node:process";
import { UsageError } from "../../core/base/errors.ts";
import { parseRoleList } from "../../core/base/names.ts";
import { contextFor } from "../context.ts";
import { commaList, fromParser } from "../option_parsers.ts";

const roleList = fromParser(parseRoleList);

/** The `init` command. */
export function initCommand(): Command {
  return new Command("init")
    .description("Initialize a new workspace in the current directory.")
    .argument("[name]", "name of the workspace (default: the directory's name)")
    .option("--hostname <name>", "name of this machine, used in snapshot folder names")
    .option(
      "--create-resources <roles>",
      "create subdirectory resources for these roles (comma list of source-data, intermediate-data, code, results, their initials s,i,c,r, or all)",
      roleList,
    )
    .option("--scratch-directory <dir>", "scratch folder for temporary data (default: <workspace>/scratch)")
    .option("--git-fat-remote <remote>", "git-fat remote (not supported: use --git-lfs-attributes)")
    .option("--git-fat-user <user>", "git-fat ssh user")
    .option("--git-fat-port <port>", "git-fat ssh port")
    .option("--git-fat-attributes <patterns>", "git-fat file patterns")
    .option("--git-lfs-attributes <patterns>", "comma list of file patterns to store with git-lfs")
    .action(async (name: string | undefined, opts, cmd: Command) => {
      if ((opts.gitFatUser || opts.gitFatPort || opts.gitFatAttributes) && !opts.gitFatRemote) {
        throw new UsageError("--git-fat-user, --git-fat-port and --git-fat-attributes need --git-fat-remote");
      }
      const { initWorkspace } = await import("../../core/commands/init.ts");
      await initWorkspace(contextFor(cmd), process.cwd(), {
        name,
        hostname: opts.hostname,
        createResources: opts.createResources,
        scratchDirectory: opts.scratchDirectory,
        gitFatRemote: opts.gitFatRemote,
        gitLfsAttributes: opts.gitLfsAttributes && commaList(opts.gitLfsAttributes),
      });
    });
}
