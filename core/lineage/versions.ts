/**
 * The current versions of lineage refs (content hashes from
 * `Resource.currentVersions`), asked of each resource once for all its refs,
 * and the rule that says whether a recorded certificate still describes the
 * data.
 *
 * @module
 */
import { refKey, type ResourceCert, type ResourceRef } from "../models/lineage.ts";
import type { Workspace } from "../workspace/workspace.ts";
import type { LineageEntry } from "./store.ts";

/**
 * Versions by {@link refKey}: a content hash, null when the path does not
 * exist; no key when the resource cannot tell (it lacks the capability or
 * is not on this machine).
 */
export type Versions = Map<string, string | null>;

/**
 * The current versions of `refs`, one `currentVersions` call per resource;
 * refs already in `known` are not asked again (and are returned with the rest).
 *
 * @example
 * ```ts
 * const versions = await currentVersionsOf(ws, [{ name: "raw", subpath: null }]);
 * versions.get("raw"); // "5e1c…"
 * ```
 */
export async function currentVersionsOf(
  ws: Workspace,
  refs: readonly ResourceRef[],
  known: Versions = new Map(),
): Promise<Versions> {
  const byResource = new Map<string, ResourceRef[]>();
  for (const ref of refs) {
    if (known.has(refKey(ref)) || !ws.findResource(ref.name)) continue;
    const list = byResource.get(ref.name) ?? [];
    if (!list.some((r) => refKey(r) === refKey(ref))) list.push(ref);
    byResource.set(ref.name, list);
  }
  for (const [name, list] of byResource) {
    const r = ws.getResource(name);
    if (!r.currentVersions) continue;
    const found = await r.currentVersions(list.map((ref) => ref.subpath));
    list.forEach((ref, i) => known.set(refKey(ref), found[i]));
  }
  return known;
}

/**
 * True if the data of `entry` is still what its certificate recorded:
 * its recorded content hash equals the current one. Without a current
 * version (a type that cannot tell), and for imported lineage, the
 * certificate is trusted, as 1.6 does;
 * without a recorded one (lineage written by 1.6 or an older dws), only a
 * step's output is trusted — source data and code are recorded afresh.
 */
export function stillCurrent(entry: LineageEntry, versions: Versions): boolean {
  const now = versions.get(refKey(entry.cert.ref));
  // Imported lineage's versions were read in another workspace, maybe by another resource type.
  if (now === undefined || entry.lineage.type === "imported") return true;
  const recorded = entry.cert.certificate.dwsVersion;
  if (recorded === undefined) return entry.lineage.type === "step";
  return recorded === now;
}

/** `cert` with its current version recorded (unchanged when unknown or absent). */
export function withVersion(cert: ResourceCert, versions: Versions): ResourceCert {
  const v = versions.get(refKey(cert.ref));
  return v ? { ref: cert.ref, certificate: { ...cert.certificate, dwsVersion: v } } : cert;
}
