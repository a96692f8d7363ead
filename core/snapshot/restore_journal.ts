/**
 * The restore journal: while a restore changes a data folder it keeps its
 * plan in the git directory. The next command that takes the workspace lock
 * finds a journal left by a killed restore and finishes it (the new files
 * were all copied out and verified before anything changed) or, when it
 * died while still copying, takes back what it wrote: the folder is as it
 * was.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import type { Output } from "../base/output.ts";
import { gitDirOf } from "../git/git.ts";
import { applyFolderChanges, type FolderChanges, undoStaging } from "./folder_changes.ts";

/** What an in-progress restore of one folder records. */
export interface RestoreJournal {
  /** The resource whose folder is restored. */
  resource: string;
  /** `staging`: new files are being copied out, nothing changed yet; `applying`: the folder is being changed. */
  phase: "staging" | "applying";
  changes: FolderChanges;
}

/** The restore journal file of the workspace at `wsDir`. */
export function restoreJournalPath(wsDir: string): string {
  return join(gitDirOf(wsDir) ?? join(wsDir, ".dataworkspace"), "dws", "restore_journal.json");
}

/**
 * Record the phase a restore has reached.
 *
 * @example
 * ```ts
 * writeRestoreJournal("/ws", { resource: "data", phase: "staging", changes });
 * ```
 */
export function writeRestoreJournal(wsDir: string, journal: RestoreJournal): void {
  const path = restoreJournalPath(wsDir);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, JSON.stringify(journal));
}

/** The restore finished (or was cleaned up): drop the journal. */
export function endRestoreJournal(wsDir: string): void {
  rmSync(restoreJournalPath(wsDir), { force: true });
}

function readJournal(path: string): RestoreJournal | undefined {
  try {
    const j = JSON.parse(readFileSync(path, "utf8"));
    const c = j?.changes;
    return typeof c?.root === "string" && typeof c.staging === "string" && Array.isArray(c.direct) ? j : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finish or clean up a restore that was interrupted, if there was one;
 * says what it did. Returns true when something was repaired.
 *
 * @example
 * ```ts
 * await recoverInterruptedRestore("/ws", ctx.output);
 * ```
 */
export function recoverInterruptedRestore(wsDir: string, output: Output): boolean {
  const path = restoreJournalPath(wsDir);
  if (!existsSync(path)) return false;
  const journal = readJournal(path);
  if (!journal) {
    endRestoreJournal(wsDir);
    return false;
  }
  const { changes } = journal;
  if (journal.phase === "applying") {
    applyFolderChanges(changes);
    output.warn(
      `Finished an interrupted restore of '${journal.resource}' (${changes.root}); ` +
        `'dws restore --undo' brings back the state before it.`,
    );
  } else {
    undoStaging(changes);
    output.warn(
      `An interrupted restore of '${journal.resource}' had not changed ${changes.root} yet; ` +
        `its temporary files were removed and the folder is as it was.`,
    );
  }
  endRestoreJournal(wsDir);
  return true;
}
