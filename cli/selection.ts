/**
 * The resource selection shared by `dws push` and `dws pull`: the `--only`,
 * `--skip` and `--only-workspace` options and the {@link SyncSelection} they
 * give.
 *
 * @module
 */
import type { Command } from "npm:commander@14.0.3";
import type { SyncSelection } from "../core/workspace/selection.ts";
import { WORKSPACE_DIR_OPTION } from "./context.ts";
import { commaList } from "./option_parsers.ts";

/** The parsed selection options of a command built with {@link withSelection}. */
export interface SelectionOptions {
  only?: string[];
  skip?: string[];
  onlyWorkspace?: boolean;
}

/** The selection the options ask for. */
export function selection(opts: SelectionOptions): SyncSelection {
  return { only: opts.only, skip: opts.skip, onlyWorkspace: opts.onlyWorkspace };
}

/** Add `--only`, `--skip`, `--only-workspace` and `--workspace-dir` to `cmd`. */
export function withSelection(cmd: Command): Command {
  return cmd
    .option("--only <names>", "only these resources (comma list)", commaList)
    .option("--skip <names>", "all resources but these (comma list)", commaList)
    .option("--only-workspace", "only the workspace repository, no resources")
    .option(...WORKSPACE_DIR_OPTION);
}
