/**
 * The snapshot journal: before a snapshot moves any result file it writes
 * its plan to the git directory. If the process dies, the next command that
 * takes the workspace lock finds the journal and puts every moved file back
 * (unless the snapshot had already been committed), so no result is lost
 * and the workspace is as it was before.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import type { Context } from "../base/context.ts";
import { git, gitDirOf, headCommit } from "../git/git.ts";
import { type ResultMove, undoResultMoves } from "./results_move.ts";
import { runProgram } from "../base/subprocess.ts";

/** The moves of one results resource. */
export interface JournalResource {
  name: string;
  /** Absolute folder of the resource. */
  root: string;
  copy: boolean;
  moves: ResultMove[];
}

/** What an in-progress snapshot records. */
export interface SnapshotJournal {
  startedAt: string;
  /** The workspace HEAD before the snapshot. */
  headBefore: string;
  resources: JournalResource[];
}

/** The journal file of the workspace at `wsDir`. */
export function journalPath(wsDir: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws", "snapshot_journal.json");
}

/** Record a snapshot about to move results. */
export async function beginSnapshotJournal(
  ctx: Context,
  wsDir: string,
  resources: JournalResource[],
): Promise<void> {
  const journal: SnapshotJournal = {
    startedAt: new Date().toISOString(),
    headBefore: await headCommit(ctx, wsDir),
    resources,
  };
  mkdirSync(dirname(journalPath(wsDir)), { recursive: true });
  writeFileAtomic(journalPath(wsDir), JSON.stringify(journal));
}

/** The snapshot finished (committed): drop the journal. */
export function endSnapshotJournal(wsDir: string): void {
  rmSync(journalPath(wsDir), { force: true });
}

/**
 * Repair the workspace after an interrupted snapshot, if there was one.
 * Returns true when something was repaired. With `quiet` (the failing
 * snapshot cleans up after itself, and its error is the one line) nothing
 * is reported.
 */
export async function recoverInterruptedSnapshot(
  ctx: Context,
  wsDir: string,
  options: { quiet?: boolean } = {},
): Promise<boolean> {
  const path = journalPath(wsDir);
  if (!existsSync(path)) return false;
  let journal: SnapshotJournal;
  try {
    journal = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    rmSync(path, { force: true });
    return false;
  }
  const subjects = (await git(ctx, wsDir, ["log", "--format=%s", `${journal.headBefore}..HEAD`])).split("\n");
  if (subjects.some((s) => s.startsWith("Completed snapshot "))) {
    // The snapshot was committed; only the journal's removal was lost.
    endSnapshotJournal(wsDir);
    return false;
  }
  let restored = 0;
  for (const r of journal.resources) {
    if (existsSync(r.root)) restored += undoResultMoves(r.root, r.moves, { copy: r.copy });
  }
  await discardSnapshotMetadata(ctx, wsDir);
  endSnapshotJournal(wsDir);
  if (!options.quiet) {
    ctx.output.warn(
      `Recovered from an interrupted snapshot: ${restored} result file(s) put back where they were.`,
    );
  }
  return true;
}

/** The metadata folders a snapshot writes (manifest, metadata, lineage, hash trees). */
const SNAPSHOT_METADATA = [
  ".dataworkspace/snapshots",
  ".dataworkspace/snapshot_metadata",
  ".dataworkspace/snapshot_lineage",
  ".dataworkspace/file",
];

/**
 * Drop what an unfinished snapshot wrote under `.dataworkspace/` and never
 * committed: unstage it, remove new files, restore changed ones.
 */
async function discardSnapshotMetadata(ctx: Context, wsDir: string): Promise<void> {
  const run = (args: string[]) => runProgram(ctx, ["git", ...args], { cwd: wsDir, allowFailure: true });
  await run(["reset", "-q", "--", ...SNAPSHOT_METADATA]);
  const untracked = await run(["ls-files", "--others", "--exclude-standard", "-z", "--", ...SNAPSHOT_METADATA]);
  for (const f of untracked.stdout.split("\0").filter((l) => l)) rmSync(join(wsDir, f), { force: true });
  // One at a time: checkout does nothing at all when one path is unknown to git.
  for (const folder of SNAPSHOT_METADATA) await run(["checkout", "--", folder]);
}
