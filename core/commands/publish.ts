/**
 * `dws publish` (spec §7): set the workspace's origin to an empty
 * repository and push there; the origin is removed again when the push fails.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import { git, gitConfigGet } from "../git/git.ts";
import type { SyncSelection } from "../workspace/selection.ts";
import type { Workspace } from "../workspace/workspace.ts";
import { pushWorkspace } from "./push.ts";

/**
 * Set the workspace's origin and push it there (`dws publish REMOTE`).
 *
 * @example
 * ```ts
 * await publishWorkspace(ws, "git@github.com:me/ws.git");
 * ```
 */
export async function publishWorkspace(
  ws: Workspace,
  remote: string,
  selection: SyncSelection = {},
): Promise<void> {
  const existing = await gitConfigGet(ws.ctx, ws.dir, "remote.origin.url");
  if (existing) {
    throw new ConfigurationError(`The workspace already has origin ${existing}; use 'dws push'`);
  }
  if (!(await lsRemoteOk(ws, remote))) {
    throw new ConfigurationError(`Unable to access remote repository ${remote}; create it first (an empty repository)`);
  }
  await git(ws.ctx, ws.dir, ["remote", "add", "origin", remote]);
  ws.ctx.output.info(`Set remote origin to ${remote}`);
  try {
    await pushWorkspace(ws, selection);
  } catch (e) {
    await git(ws.ctx, ws.dir, ["remote", "remove", "origin"]);
    throw e;
  }
}

async function lsRemoteOk(ws: Workspace, remote: string): Promise<boolean> {
  try {
    await git(ws.ctx, ws.dir, ["ls-remote", "--quiet", remote]);
    return true;
  } catch {
    return false;
  }
}
