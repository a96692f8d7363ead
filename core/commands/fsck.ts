/**
 * `dws fsck [--repair]`: check the object store. Every object must hash to
 * its key; every data-folder listing a snapshot records must be a listing,
 * and every object it names present (here, or on the object remote, from
 * where `dws pull` or `dws restore` fetch it). Each problem comes with the
 * snapshots it damages. `--repair` moves bad objects to `bad/` (nothing is
 * deleted) and fetches them again from the object remote.
 *
 * @module
 */
import { ConfigurationError } from "../base/errors.ts";
import { formatBytes, throttledProgress } from "../base/output.ts";
import { readListing } from "../store/listing.ts";
import { ObjectStore } from "../store/object_store.ts";
import { openObjectRemote } from "../store/object_sync.ts";
import type { ObjectRemote } from "../store/object_remote.ts";
import { type KeyUse, keyUses, snapshotNames } from "../store/store_check.ts";
import { readAllSnapshotMetadata } from "../snapshot/store.ts";
import type { SnapshotMetadata } from "../models/snapshot_metadata.ts";
import type { Workspace } from "../workspace/workspace.ts";

/** What is wrong with one key. */
export type ProblemKind = "bad" | "missing" | "not-listing";

/** One problem of the object store. */
export interface FsckProblem {
  /** `bad`: the content does not hash to the key; `missing`: neither here nor on the object remote; `not-listing`: a snapshot's listing that does not parse. */
  kind: ProblemKind;
  /** The object's key. */
  key: string;
  /** The snapshots (and files) that use it: what the problem damages. */
  uses: KeyUse[];
  /** With `repair`: what was done (undefined: nothing could be). */
  repair?: string;
  /** With `repair`: the object is good again. */
  repaired: boolean;
}

/** What `dws fsck` found. */
export interface FsckResult {
  /** Objects checked. */
  objects: number;
  /** Their bytes. */
  bytes: number;
  /** Snapshots whose listings were checked. */
  snapshots: number;
  /** Problems, bad objects first. */
  problems: FsckProblem[];
  /** Objects snapshots need that are not here but on the object remote (not problems). */
  onRemote: number;
  /** With `repair`: of those, the ones fetched. */
  fetched: number;
}

/**
 * Check the object store of `ws`; with `repair`, set bad objects aside and
 * fetch them again from the object remote.
 *
 * @example
 * ```ts
 * const { problems } = await checkObjectStore(ws, { repair: false });
 * ```
 */
export async function checkObjectStore(ws: Workspace, options: { repair?: boolean } = {}): Promise<FsckResult> {
  const store = new ObjectStore(ws.objectStoreDir());
  const keys = [...store.keys()];
  const bad = new Set(await verifyAll(ws, store, keys));
  const present = new Set(keys);
  const snapshots = readAllSnapshotMetadata(ws.dir);
  const { missing, notListing } = checkListings(ws, { store, snapshots, present, bad });
  const remote = missing.size || (options.repair && bad.size) ? await openObjectRemote(ws) : undefined;
  const remoteKeys = remote ? await remote.list() : new Set<string>();
  const onRemote = [...missing].filter((k) => remoteKeys.has(k));
  const lost = [...missing].filter((k) => !remoteKeys.has(k));
  const kinds: [ProblemKind, string[]][] = [["bad", [...bad]], ["missing", lost], ["not-listing", [...notListing]]];
  const uses = keyUses(ws.dir, store, new Set(kinds.flatMap(([, ks]) => ks)));
  const problems = kinds.flatMap(([kind, ks]) =>
    ks.map((key): FsckProblem => ({ kind, key, uses: uses.get(key) ?? [], repaired: false }))
  );
  let fetched = 0;
  if (options.repair) {
    await repair(store, problems, remote);
    // Objects only on the remote are no problem, but a repaired store holds every object its snapshots need.
    if (onRemote.length) fetched = (await remote!.download(store, onRemote)).objects;
  }
  const bytes = keys.reduce((n, k) => n + store.sizeOf(k), 0);
  return { objects: keys.length, bytes, snapshots: snapshots.length, problems, onRemote: onRemote.length, fetched };
}

/** Hash every object on every core, with a progress line; returns the bad keys. */
async function verifyAll(ws: Workspace, store: ObjectStore, keys: readonly string[]): Promise<string[]> {
  const show = throttledProgress(ws.ctx.output);
  let done = 0;
  const bad = await store.badObjects(keys, () => show(() => `Checking objects: ${++done}/${keys.length}`));
  ws.ctx.output.progress(undefined);
  return bad;
}

/** The listings snapshots record for data folders: those that do not parse, and the keys missing here. */
function checkListings(
  ws: Workspace,
  found: { store: ObjectStore; snapshots: SnapshotMetadata[]; present: ReadonlySet<string>; bad: ReadonlySet<string> },
): { missing: Set<string>; notListing: Set<string> } {
  const { store, present, bad } = found;
  const missing = new Set<string>();
  const notListing = new Set<string>();
  const seen = new Set<string>();
  for (const md of found.snapshots) {
    for (const [name, h] of Object.entries(md.restoreHashes)) {
      if (!h || seen.has(h) || ws.findResource(name)?.type.storesObjects !== true) continue;
      seen.add(h);
      if (!present.has(h)) missing.add(h);
      if (!present.has(h) || bad.has(h)) continue;
      try {
        for (const f of readListing(store, h)!.files) if (!present.has(f.sha1)) missing.add(f.sha1);
      } catch {
        notListing.add(h);
      }
    }
  }
  return { missing, notListing };
}

/** Set bad objects aside and fetch them again (and missing ones) from the object remote. */
async function repair(store: ObjectStore, problems: FsckProblem[], remote: ObjectRemote | undefined): Promise<void> {
  const aside = new Map<string, string>();
  for (const p of problems) if (p.kind === "bad" && store.has(p.key)) aside.set(p.key, store.setAside(p.key));
  const wanted = problems.filter((p) => p.kind !== "not-listing").map((p) => p.key);
  if (remote && wanted.length) await remote.download(store, wanted);
  for (const p of problems) {
    if (p.kind === "not-listing") continue;
    p.repaired = store.verify(p.key);
    const moved = aside.has(p.key) ? `moved to ${aside.get(p.key)}` : undefined;
    const fetched = p.repaired ? `fetched again from ${remote!.location}` : "not on the object remote";
    p.repair = [moved, remote ? fetched : "no object remote to fetch it from"].filter(Boolean).join("; ");
  }
}

/**
 * One line for a problem: what is wrong, where it is used, what it damages
 * (and what `--repair` did).
 *
 * @example
 * ```ts
 * for (const p of result.problems) console.log(describeProblem(p));
 * ```
 */
export function describeProblem(p: FsckProblem): string {
  const where = p.uses.find((u) => u.path !== undefined) ?? p.uses[0];
  const of = where ? ` (${where.resource}${where.path !== undefined ? `: ${where.path}` : ""})` : "";
  const what = p.kind === "bad"
    ? `Bad object ${p.key}${of}: its content does not match its key`
    : p.kind === "missing"
    ? `Missing object ${p.key}${of}: neither in the object store nor on an object remote`
    : `Listing ${p.key}${of}: not a file listing`;
  const damages = p.uses.length ? `damages snapshot(s) ${snapshotNames(p.uses)}` : "no snapshot uses it";
  return `${what}; ${damages}${p.repair ? ` — ${p.repair}` : ""}`;
}

/**
 * The summary line of a check.
 *
 * @example
 * ```ts
 * summarizeCheck(result); // "Checked 12 objects (1.2 MB) and 3 snapshots: no problems"
 * ```
 */
export function summarizeCheck(r: FsckResult): string {
  const open = r.problems.filter((p) => !p.repaired).length;
  const fixed = r.problems.length - open;
  const found = r.problems.length ? `${r.problems.length} problem(s)` : "no problems";
  return `Checked ${r.objects} objects (${formatBytes(r.bytes)}) and ${r.snapshots} snapshots: ${found}` +
    (fixed ? `, ${fixed} repaired` : "") +
    (r.onRemote ? `; ${r.onRemote} object(s) the snapshots need are only on the object remote` : "") +
    (r.fetched ? ` (${r.fetched} fetched)` : "");
}

/**
 * The error a check ends with when problems remain, or undefined.
 *
 * @example
 * ```ts
 * const failure = fsckFailure(result, { repair: false });
 * if (failure) throw failure;
 * ```
 */
export function fsckFailure(r: FsckResult, options: { repair?: boolean }): ConfigurationError | undefined {
  const open = r.problems.filter((p) => !p.repaired).length;
  if (!open) return undefined;
  if (options.repair) {
    return new ConfigurationError(
      `${open} problem(s) of the object store remain: the objects are not on the object remote ` +
        `(push them from a machine that has them, or the snapshots named above stay damaged)`,
    );
  }
  return new ConfigurationError((o) =>
    `The object store has ${open} problem(s); '${o("repair")}' sets bad objects aside and fetches them again ` +
    `from the object remote`
  );
}
