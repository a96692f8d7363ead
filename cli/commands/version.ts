/**
 * `dws version`.
 *
 * @module
 */
import { Command } from "npm:commander@14.0.3";
import { DWS_VERSION } from "../../core/base/version.ts";
import { contextFor } from "../context.ts";

/** The `version` command. */
export function versionCommand(): Command {
  return new Command("version")
    .description("Print the version of dws.")
    .action((_opts, cmd: Command) => {
      contextFor(cmd).output.info(`dws version ${DWS_VERSION} (Data Workspaces 1.6 format)`);
    });
}
