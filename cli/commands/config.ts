/**
 * `dws config [--resource R] [NAME [VALUE]]`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { openWorkspace, withWorkspace } from "../../core/workspace/workspace.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";
import { printLines } from "../print.ts";

/** The `config` command. */
export function configCommand(): Command {
  return new Command("config")
    .description("Show or set workspace parameters (or a resource's, with --resource).")
    .argument("[name]", "parameter name")
    .argument("[value]", "new value (lists as JSON, e.g. '[\"README.md\"]')")
    .option("--resource <name>", "show or set the parameters of this resource")
    .option(...WORKSPACE_DIR_OPTION)
    .action(async (name: string | undefined, value: string | undefined, opts, cmd: Command) => {
      const ctx = contextFor(cmd);
      const { workspaceDir } = globalOptions(cmd);
      const resource: string | undefined = opts.resource;
      const { formatParamDetail, formatParamList, getParamRow, listParams, setParam } = await import(
        "../../core/commands/config.ts"
      );
      if (name === undefined) {
        printLines(ctx, formatParamList(listParams(await openWorkspace(ctx, { workspaceDir }), { resource })));
      } else if (value === undefined) {
        const ws = await openWorkspace(ctx, { workspaceDir });
        printLines(ctx, formatParamDetail(getParamRow(ws, name, { resource }), { resource }));
      } else {
        const message = await withWorkspace(ctx, (ws) => setParam(ws, { name, value, resource }), {
          workspaceDir,
          command: "dws config",
        });
        ctx.output.info(message);
      }
    });
}
