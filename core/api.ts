/**
 * The programmatic API in the shape of Data Workspaces 1.6's
 * `dataworkspaces.api`: each call finds the workspace (or takes
 * `workspaceDir`), locks it when it writes, and runs in batch mode.
 *
 * @module
 */
import { type ContextOptions, createContext } from "./context.ts";
import { deleteWorkspaceSnapshot } from "./delete_snapshot.ts";
import { getSnapshotHistory as historyOf, type HistoryEntry } from "./history.ts";
import { restoreWorkspace } from "./restore.ts";
import { snapshotWorkspace } from "./snapshot.ts";
import { resolveWorkspaceDir, withWorkspace } from "./workspace.ts";

/** Where the workspace is and how to talk to the caller. */
export interface ApiOptions {
  /** The workspace; default: found from the current directory. */
  workspaceDir?: string;
  /** Output, verbosity, ...; batch mode unless set otherwise. */
  context?: ContextOptions;
}

/**
 * Take a snapshot; returns its hash.
 *
 * @example
 * ```ts
 * const hash = await takeSnapshot({ workspaceDir: "/ws", tag: "v1", message: "baseline" });
 * ```
 */
export async function takeSnapshot(options: ApiOptions & { tag?: string; message?: string } = {}): Promise<string> {
  const ctx = createContext(options.context);
  const r = await withWorkspace(ctx, (ws) => snapshotWorkspace(ws, options), {
    workspaceDir: options.workspaceDir,
    command: "takeSnapshot()",
  });
  return r.hash;
}

/**
 * Restore the snapshot `tagOrHash`; returns the number of resources restored.
 *
 * @example
 * ```ts
 * await restore("v1", { workspaceDir: "/ws", only: ["code"] });
 * ```
 */
export function restore(
  tagOrHash: string,
  options: ApiOptions & { only?: string[]; leave?: string[]; strict?: boolean } = {},
): Promise<number> {
  const ctx = createContext(options.context);
  return withWorkspace(ctx, (ws) => restoreWorkspace(ws, tagOrHash, options), {
    workspaceDir: options.workspaceDir,
    command: "restore()",
  });
}

/**
 * Delete the snapshot `tagOrHash` (and its results folders unless
 * `includeResources` is false); returns its hash.
 *
 * @example
 * ```ts
 * await deleteSnapshot("v1", { workspaceDir: "/ws" });
 * ```
 */
export function deleteSnapshot(
  tagOrHash: string,
  options: ApiOptions & { includeResources?: boolean } = {},
): Promise<string> {
  const ctx = createContext(options.context);
  return withWorkspace(ctx, (ws) => deleteWorkspaceSnapshot(ws, tagOrHash, options), {
    workspaceDir: options.workspaceDir,
    command: "deleteSnapshot()",
  });
}

/**
 * The snapshots, oldest first (newest first with `reverse`), at most `maxCount`.
 *
 * @example
 * ```ts
 * const last = getSnapshotHistory({ workspaceDir: "/ws", reverse: true, maxCount: 1 })[0];
 * ```
 */
export function getSnapshotHistory(
  options: ApiOptions & { reverse?: boolean; maxCount?: number } = {},
): HistoryEntry[] {
  return historyOf(resolveWorkspaceDir(options.workspaceDir), options);
}

export type { HistoryEntry };
