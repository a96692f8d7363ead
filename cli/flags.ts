/**
 * How the command line names the options core's messages mention: core
 * names an option as the library does (`onlyWorkspace`), the command line by
 * its flag (`--only-workspace`).
 *
 * @module
 */
import type { OptionNamer } from "../core/base/errors.ts";

/** Library option names whose flag is not simply the kebab-case of the name. */
const FLAGS: Record<string, string> = {
  resourceName: "--resource",
  inputs: "--input",
  outputs: "--output",
  params: "--param",
};

/**
 * The flag for a library option name.
 *
 * @example
 * ```ts
 * flagName("onlyWorkspace"); // "--only-workspace"
 * ```
 */
export const flagName: OptionNamer = (option) =>
  FLAGS[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
