/**
 * `dws lineage graph`: draw where a resource's data came from (spec §11).
 *
 * @module
 */
import { Command, InvalidArgumentError, Option } from "npm:commander@14.0.3";
import { isValidHostname } from "../../core/base/names.ts";
import { openWorkspace } from "../../core/workspace/workspace.ts";
import { wholeNumber } from "../option_parsers.ts";
import { contextFor, globalOptions, WORKSPACE_DIR_OPTION } from "../context.ts";

/** A `--snapshot` value: a tag or hash (1.6 checks it with the hostname rule). */
export function snapshotArg(text: string): string {
  if (!isValidHostname(text)) throw new InvalidArgumentError("expected a snapshot tag or hash");
  return text;
}

/** The `lineage` command group. */
export function lineageCommand(): Command {
  const lineage = new Command("lineage")
    .description("Lineage of the workspace's data.")
    .option(...WORKSPACE_DIR_OPTION);
  lineage.addCommand(
    new Command("graph")
      .description("Draw the lineage of a resource as a self-contained HTML page (or Graphviz dot).")
      .argument("<output>", "the file to write")
      .option("--resource <name>", "the resource (default: the first results resource)")
      .option("--snapshot <tag-or-hash>", "the lineage as of this snapshot (default: the current state)", snapshotArg)
      .addOption(new Option("--format <format>", "html or dot").choices(["html", "dot"]).default("html"))
      .option("--width <px>", "width of the drawing in the HTML page", wholeNumber(1, "pixels"), 1024)
      .option("--height <px>", "height of the drawing in the HTML page", wholeNumber(1, "pixels"), 800)
      .option(...WORKSPACE_DIR_OPTION)
      .action(async (output: string, opts, cmd: Command) => {
        const { writeLineageGraph } = await import("../../core/report/lineage_graph.ts");
        const ctx = contextFor(cmd);
        const ws = await openWorkspace(ctx, { workspaceDir: globalOptions(cmd).workspaceDir });
        writeLineageGraph(ws, output, {
          resourceName: opts.resource,
          tagOrHash: opts.snapshot,
          format: opts.format,
          width: opts.width,
          height: opts.height,
        });
      }),
  );
  return lineage;
}
