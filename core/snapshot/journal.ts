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
 * Returns true when something was repaired.
 */
export async function recoverInterruptedSnapshot(ctx: Context, wsDir: string): Promise<boolean> {
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
  // Drop manifest and metadata files the interrupted snapshot wrote but never committed.
  const md = [".dataworkspace/snapshots", ".dataworkspace/snapshot_metadata"];
  const untracked = await runProgram(ctx, ["git", "ls-files", "--others", "--exclude-standard", "--", ...md], {
    cwd: wsDir,
  });
  for (const f of untracked.stdout.split("\n").filter((l) => l)) rmSync(join(wsDir, f), { force: true });
  await runProgram(ctx, ["git", "checkout", "--", ...md], { cwd: wsDir, allowFailure: true });
  endSnapshotJournal(wsDir);
  ctx.output.warn(
    `Recovered from an interrupted snapshot: ${restored} result file(s) put back where they were.`,
  );
  return true;
}
