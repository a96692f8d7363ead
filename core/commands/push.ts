/**
 * `dws push` (spec §7): prechecks for the workspace and
 * every selected resource first, then the resources, then the workspace.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import { git, gitConfigGet, isDirty, needsPull } from "../git/git.ts";
import { checkNoGitFat, pushRepo } from "../git/sync.ts";
import { openObjectRemote, pushSnapshotObjects } from "../store/object_sync.ts";
import { selectResources, type SyncSelection } from "../workspace/selection.ts";
import type { Workspace } from "../workspace/workspace.ts";

/**
 * Push the workspace and its selected resources to their origins.
 *
 * @example
 * ```ts
 * await pushWorkspace(ws, { skip: ["raw-data"] });
 * ```
 */
export async function pushWorkspace(ws: Workspace, selection: SyncSelection = {}): Promise<void> {
  const { ctx } = ws;
  const resources = selectResources(ws, selection);
  if (resources.length) ctx.output.info(`Pushing workspace and resources: ${resources.map((r) => r.name).join(", ")}`);
  else if (!selection.onlyWorkspace) ctx.output.info("No resources to push, will still push workspace");
  else ctx.output.info("Pushing workspace.");

  if (!(await gitConfigGet(ctx, ws.dir, "remote.origin.url"))) {
    throw new ConfigurationError("The workspace has no origin remote; set one with 'dws publish URL'");
  }
  checkNoGitFat(ws.dir, "Workspace");
  const branch = await ws.branch();
  if (await needsPull(ctx, ws.dir, branch)) {
    throw new ConfigurationError(`Data workspace at ${ws.dir} requires a pull from remote origin`);
  }
  if (await isDirty(ctx, ws.dir)) {
    if (ctx.batch) {
      throw new ConfigurationError(
        `Data workspace at ${ws.dir} has uncommitted changes. Please commit before pushing.`,
      );
    }
    ctx.output.info((await git(ctx, ws.dir, ["status", "--short"])).trimEnd());
    if (
      !(await ctx.prompter.confirm("The workspace has uncommitted changes. Do you wish to continue anyway?", false))
    ) {
      throw new ConfigurationError("Push cancelled: commit the changes first");
    }
  }
  for (const r of resources) await r.sync?.pushPrecheck();
  // The object remote is listed before anything is pushed: a wrong location or credentials fail early.
  const objectRemote = await openObjectRemote(ws);
  await objectRemote?.list();
  for (const r of resources) {
    ctx.output.info(`[push] pushing resource ${r.name}`);
    await r.sync?.push();
  }
  ctx.output.info("[push] all resources pushed successfully.");
  // Objects go before the workspace: whoever pulls the new snapshots can fetch their data.
  if (objectRemote) await pushSnapshotObjects(ws, objectRemote);
  await pushRepo(ctx, ws.dir, { branch, what: "Workspace" });
  await ws.save("push command");
}
