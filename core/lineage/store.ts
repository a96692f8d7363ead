/**
 * The lineage store (spec §8.2-§8.5): one file per resource under
 * `.dataworkspace/current_lineage/`, each listing the lineage records that
 * stand for refs of that resource. Snapshots copy it to
 * `snapshot_lineage/<hash>/`; restores copy it back.
 *
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../base/atomic_write.ts";
import { LineageConflictError, LineagePlaceHolderError } from "../base/errors.ts";
import {
  covers,
  formatRef,
  type LineageRecord,
  parseLineageFile,
  refKey,
  type ResourceCert,
  type ResourceRef,
  sameRef,
  sameVersion,
  serializeLineageFile,
} from "../models/lineage.ts";

/** Where current lineage lives, relative to the workspace. */
export const CURRENT_LINEAGE_DIR = ".dataworkspace/current_lineage";
/** Where snapshot lineage lives, relative to the workspace. */
export const SNAPSHOT_LINEAGE_DIR = ".dataworkspace/snapshot_lineage";

/** A ref of a resource with the record that stands for it. */
export interface LineageEntry {
  /** The certificate the record gives the ref. */
  cert: ResourceCert;
  /** The record. */
  lineage: LineageRecord;
}

/** The certificates `record` gives to refs of `resourceName`. */
export function certsProvided(record: LineageRecord, resourceName: string): ResourceCert[] {
  switch (record.type) {
    case "step":
      return record.outputResources.filter((c) => c.ref.name === resourceName);
    case "source_data":
    case "code":
      return record.cert.ref.name === resourceName ? [record.cert] : [];
    case "imported":
      return record.resourceName === resourceName
        ? record.nestedLineage.flatMap((n) => n.type === "step" ? certsProvided(n, resourceName) : [])
        : [];
  }
}

/** Every certificate a record mentions (inputs, code, outputs). */
function allCerts(record: LineageRecord): ResourceCert[] {
  switch (record.type) {
    case "step":
      return [...record.inputResources, ...record.codeResources, ...record.outputResources];
    case "source_data":
    case "code":
      return [record.cert];
    case "imported":
      return [];
  }
}

/** Replace the placeholders of `step` with `fix`; fails if some stay while the snapshot records the step. */
function replaceInStep(
  step: LineageRecord & { type: "step" },
  fix: (c: ResourceCert) => ResourceCert,
  hashes: ReadonlyMap<string, string>,
): void {
  step.inputResources = step.inputResources.map(fix);
  step.codeResources = step.codeResources.map(fix);
  step.outputResources = step.outputResources.map(fix);
  const mentioned = allCerts(step).some((c) => hashes.has(c.ref.name));
  const left = allCerts(step).filter((c) => c.certificate.certType === "placeholder");
  if (mentioned && left.length) {
    throw new LineagePlaceHolderError(
      `Lineage step ${step.stepName} will be included in snapshot, but has unmapped placeholders: ${
        left.map((c) => formatRef(c.ref)).join(", ")
      }`,
    );
  }
}

/** A lineage store over a folder of per-resource files. */
export class LineageStore {
  /** The folder of per-resource files. */
  readonly dir: string;
  #resources = new Map<string, Map<string, LineageEntry>>();
  #dirty = new Set<string>();

  /**
   * Open the store in `dir` (an absolute folder of `<resource>.json` files).
   *
   * @example
   * ```ts
   * const store = LineageStore.open("/ws/.dataworkspace/current_lineage");
   * ```
   */
  static open(dir: string): LineageStore {
    return new LineageStore(dir);
  }

  private constructor(dir: string) {
    this.dir = dir;
  }

  #file(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  /** The entries of one resource, in file order. */
  entries(resourceName: string): LineageEntry[] {
    return [...this.#load(resourceName).values()];
  }

  /** Names of resources that have a lineage file. */
  resourceNames(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
  }

  #load(name: string): Map<string, LineageEntry> {
    let m = this.#resources.get(name);
    if (m) return m;
    m = new Map();
    const path = this.#file(name);
    if (existsSync(path)) {
      const file = parseLineageFile(readFileSync(path, "utf8"), path);
      for (const lineage of file.lineages) {
        for (const cert of certsProvided(lineage, name)) {
          if (!m.has(refKey(cert.ref))) m.set(refKey(cert.ref), { cert, lineage });
        }
      }
    }
    this.#resources.set(name, m);
    return m;
  }

  /** The entry for `ref` itself, or else for a ref that covers it. */
  lookup(ref: ResourceRef): LineageEntry | undefined {
    const m = this.#load(ref.name);
    const exact = m.get(refKey(ref));
    if (exact) return exact;
    for (const e of m.values()) if (covers(e.cert.ref, ref)) return e;
    return undefined;
  }

  /** Add (or replace) the entry for a source-data or code record. */
  putInputRecord(lineage: LineageRecord & { type: "source_data" | "code" }): void {
    const m = this.#load(lineage.cert.ref.name);
    m.set(refKey(lineage.cert.ref), { cert: lineage.cert, lineage });
    this.#dirty.add(lineage.cert.ref.name);
  }

  /**
   * Store a completed step under each of its outputs. An existing entry for
   * a parent or child path of an output is a conflict (1.6's rule).
   */
  putStep(step: LineageRecord & { type: "step" }): void {
    for (const out of step.outputResources) {
      for (const e of this.#load(out.ref.name).values()) {
        if (covers(e.cert.ref, out.ref) || covers(out.ref, e.cert.ref)) {
          throw new LineageConflictError(
            `Step ${step.stepName} writes ${formatRef(out.ref)}, but existing lineage data for ${
              formatRef(e.cert.ref)
            } is a ${covers(e.cert.ref, out.ref) ? "parent" : "child"} path; clear it first`,
          );
        }
      }
    }
    for (const out of step.outputResources) {
      this.#load(out.ref.name).set(refKey(out.ref), { cert: out, lineage: step });
      this.#dirty.add(out.ref.name);
    }
  }

  /** Forget `ref` and the refs it covers ("unknown" state). */
  clear(ref: ResourceRef): void {
    const m = this.#load(ref.name);
    for (const [k, e] of m) if (sameRef(e.cert.ref, ref) || covers(ref, e.cert.ref)) m.delete(k);
    this.#dirty.add(ref.name);
  }

  /** Forget everything about a resource (its file is removed on save). */
  clearResource(name: string): void {
    this.#resources.set(name, new Map());
    this.#dirty.add(name);
  }

  /** Replace a resource's entries with an imported record. */
  putImported(name: string, nested: LineageRecord[]): void {
    const record: LineageRecord = { type: "imported", resourceName: name, nestedLineage: nested };
    const m = new Map<string, LineageEntry>();
    const certs = certsProvided(record, name);
    for (const cert of certs) if (!m.has(refKey(cert.ref))) m.set(refKey(cert.ref), { cert, lineage: record });
    this.#resources.set(name, m);
    this.#dirty.add(name);
  }

  /** Every placeholder certificate of every record, once per record (what the next snapshot replaces). */
  placeholders(): ResourceCert[] {
    const done = new Set<LineageRecord>();
    const out: ResourceCert[] = [];
    for (const name of this.resourceNames()) {
      for (const e of this.#load(name).values()) {
        if (done.has(e.lineage)) continue;
        done.add(e.lineage);
        out.push(...allCerts(e.lineage).filter((c) => c.certificate.certType === "placeholder"));
      }
    }
    return out;
  }

  /**
   * At snapshot time: replace placeholders of resources in `hashes` by hash
   * certificates. A placeholder that recorded a version (`dwsVersion`) the
   * data no longer has (`versionsNow`, by ref key) gets that version as its
   * hash instead: the snapshot did not record what the step read. A record
   * that mentions a hashed resource but keeps a placeholder of another is an
   * error (its data would be unidentifiable).
   */
  replacePlaceholders(
    hashes: ReadonlyMap<string, string>,
    versionsNow: ReadonlyMap<string, string | null> = new Map(),
  ): void {
    const names = this.resourceNames();
    const done = new Set<LineageRecord>();
    const fix = (c: ResourceCert): ResourceCert => {
      const h = hashes.get(c.ref.name);
      const cert = c.certificate;
      if (cert.certType !== "placeholder" || h === undefined) return c;
      const now = versionsNow.get(refKey(c.ref));
      const moved = cert.dwsVersion !== undefined && now !== undefined && now !== cert.dwsVersion;
      const hashval = moved ? cert.dwsVersion! : h;
      const dws = cert.dwsVersion !== undefined ? { dwsVersion: cert.dwsVersion } : {};
      return { ref: c.ref, certificate: { certType: "hash", hashval, comment: cert.comment, ...dws } };
    };
    for (const name of names) {
      const m = this.#load(name);
      for (const [k, e] of m) {
        const record = e.lineage;
        if (!done.has(record)) {
          done.add(record);
          if (record.type === "step") replaceInStep(record, fix, hashes);
          else if (record.type !== "imported") record.cert = fix(record.cert);
        }
        m.set(k, { cert: fix(e.cert), lineage: record });
        this.#dirty.add(name);
      }
    }
  }

  /** The records of a resource file, in order, each once per ref. */
  #records(name: string): LineageRecord[] {
    return [...this.#load(name).values()].map((e) => e.lineage);
  }

  /** Write changed files atomically (an empty resource's file is removed). */
  save(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const name of this.#dirty) {
      const records = this.#records(name);
      if (records.length === 0) rmSync(this.#file(name), { force: true });
      else writeFileAtomic(this.#file(name), serializeLineageFile({ resourceName: name, lineages: records }));
    }
    this.#dirty.clear();
  }

  /** The file content for `name` (an empty list when it has none). */
  fileContent(name: string): string {
    return serializeLineageFile({ resourceName: name, lineages: this.#records(name) });
  }
}

/** What {@link lineageForResource} found. */
export interface LineageWalk {
  /** The records, the resource's own first, then inputs and code breadth first. */
  lineages: LineageRecord[];
  /** Conflicting versions found (1.6 counts these; `complete` is `warnings === 0`). */
  warnings: number;
  /** Warning lines. */
  messages: string[];
}

/**
 * Everything `resourceName` depends on, breadth first over step inputs and
 * code (spec §8.4).
 *
 * @example
 * ```ts
 * const { lineages } = lineageForResource(store, "results");
 * ```
 */
export function lineageForResource(store: LineageStore, resourceName: string): LineageWalk {
  const entries = store.entries(resourceName);
  const messages: string[] = [];
  if (entries.length === 0) {
    return { lineages: [], warnings: 1, messages: [`WARNING: no lineage data found for resource '${resourceName}'`] };
  }
  // A step with outputs in several resources is read once per resource file: same step, other objects.
  const seen = new Set<LineageRecord | string>();
  const queue: LineageRecord[] = [];
  const push = (r: LineageRecord) => {
    const key = r.type === "step" ? `step\0${r.stepName}\0${r.startTime}` : r;
    if (!seen.has(key)) {
      seen.add(key);
      queue.push(r);
    }
  };
  entries.forEach((e) => push(e.lineage));
  let warnings = 0;
  for (let i = 0; i < queue.length; i++) {
    const r = queue[i];
    if (r.type !== "step") continue;
    for (const c of [...r.inputResources, ...r.codeResources]) {
      const e = store.lookup(c.ref);
      if (!e) {
        messages.push(`WARNING: step ${r.stepName} references input ${formatRef(c.ref)}, which has no lineage`);
      } else if (!sameVersion(e.cert.certificate, c.certificate)) {
        warnings++;
        messages.push(
          `WARNING: Resource ${resourceName} (transitively) depends on ${formatRef(c.ref)}, which has two versions`,
        );
      } else push(e.lineage);
    }
  }
  return { lineages: queue, warnings, messages };
}

/** Copy the current lineage of `names` into `snapshot_lineage/<hash>/` (an empty list when none). */
export function snapshotLineage(wsDir: string, hash: string, names: readonly string[]): void {
  const store = LineageStore.open(join(wsDir, CURRENT_LINEAGE_DIR));
  const dir = join(wsDir, SNAPSHOT_LINEAGE_DIR, hash);
  mkdirSync(dir, { recursive: true });
  if (names.length === 0) {
    writeFileAtomic(join(dir, "placeholder.txt"), `No resources for lineage snapshot ${hash}\n`);
  }
  for (const n of names) writeFileAtomic(join(dir, `${n}.json`), store.fileContent(n));
}

/**
 * Bring back the lineage of `names` from snapshot `hash`; returns false when
 * the snapshot has no lineage folder (taken before lineage was recorded).
 */
export function restoreLineage(wsDir: string, hash: string, names: readonly string[]): boolean {
  const dir = join(wsDir, SNAPSHOT_LINEAGE_DIR, hash);
  if (!existsSync(dir)) return false;
  const current = join(wsDir, CURRENT_LINEAGE_DIR);
  mkdirSync(current, { recursive: true });
  for (const n of names) {
    const src = join(dir, `${n}.json`);
    const dst = join(current, `${n}.json`);
    if (existsSync(src) && parseLineageFile(readFileSync(src, "utf8"), src).lineages.length > 0) {
      copyFileSync(src, dst);
    } else rmSync(dst, { force: true });
  }
  return true;
}
