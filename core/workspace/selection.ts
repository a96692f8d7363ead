/**
 * Which resources `dws push` and `dws pull` act on (`--only`, `--skip`,
 * `--only-workspace`).
 *
 * @module
 */
import { ConfigurationError, UsageError } from "../base/errors.ts";
import type { Resource } from "./resource.ts";
import type { Workspace } from "./workspace.ts";

/** The resource selection of push and pull. */
export interface SyncSelection {
  /** Only these resources. */
  only?: readonly string[];
  /** All resources but these. */
  skip?: readonly string[];
  /** No resources, only the workspace repository. */
  onlyWorkspace?: boolean;
}

/**
 * Fail when more than one of `only`, `skip` and `onlyWorkspace` is given;
 * push and pull check this before they change anything.
 */
export function checkSelection(selection: SyncSelection): void {
  const given = [selection.only, selection.skip, selection.onlyWorkspace ? [] : undefined].filter((x) => x);
  if (given.length > 1) {
    throw new UsageError((o) => `Use at most one of ${o("only")}, ${o("skip")} and ${o("onlyWorkspace")}`);
  }
}

/**
 * The resources selected, in workspace order; resources without local
 * state are dropped with a note.
 *
 * @example
 * ```ts
 * selectResources(ws, { skip: ["big-data"] });
 * ```
 */
export function selectResources(ws: Workspace, selection: SyncSelection): Resource[] {
  checkSelection(selection);
  if (selection.onlyWorkspace) return [];
  const names = selection.only ?? selection.skip ?? [];
  const unknown = names.filter((n) => !ws.findResource(n));
  if (unknown.length) {
    throw new ConfigurationError((o) =>
      `Invalid resource names were included with ${o("only")}/${o("skip")}: ${unknown.join(", ")}`
    );
  }
  let chosen = ws.resources.filter((r) =>
    selection.only ? selection.only.includes(r.name) : !(selection.skip ?? []).includes(r.name)
  );
  const stateless = chosen.filter((r) => !r.type.hasLocalState);
  if (stateless.length) {
    ws.ctx.output.info(
      `Skipping the following resources, which do not have local state: ${stateless.map((r) => r.name).join(", ")}`,
    );
    chosen = chosen.filter((r) => r.type.hasLocalState);
  }
  return chosen;
}
