/**
 * Lineage records (spec §8): resource references, certificates (a hash, or
 * a placeholder until the next snapshot knows the hash), and the four kinds
 * of lineage — step, source data, code, imported — with their 1.6 JSON forms.
 *
 * dws adds keys 1.6 ignores (it reads only the keys it knows and drops the
 * others when it rewrites a file): `dws_version` in a certificate, the
 * content hash of the data when the step read or wrote it (what tells a
 * stale step), and `dws_cwd` / `dws_run` in a step, what re-running it needs.
 *
 * @module
 */
import type { JsonObject, JsonValue } from "../base/json_value.ts";
import { isFullHash } from "../base/names.ts";
import { dumpPythonJson, parsePythonJson } from "../base/python_json.ts";
import { corrupted, expectObject, isJsonObject } from "./json_shape.ts";

/** A resource, or a path inside it. */
export interface ResourceRef {
  /** Resource name. */
  name: string;
  /** Path inside the resource (`/`-separated, no leading slash), or null for the whole resource. */
  subpath: string | null;
}

/** A known version of a resource's data. */
export interface HashCertificate {
  /** Discriminant. */
  certType: "hash";
  /** The resource's compare hash at snapshot time. */
  hashval: string;
  /** `Step <name> at <time>`. */
  comment: string;
  /** dws: the content hash of the data when the step read or wrote it (see `Resource.currentVersions`). */
  dwsVersion?: string;
}

/** A version not yet hashed: replaced by a hash at the next snapshot. */
export interface PlaceholderCertificate {
  /** Discriminant. */
  certType: "placeholder";
  /** Counts writes since the last snapshot. */
  version: number;
  /** `Step <name> at <time>`. */
  comment: string;
  /** Written by a step (true) or read as an input (false). */
  isOutput: boolean;
  /** dws: the content hash of the data when the step read or wrote it (see `Resource.currentVersions`). */
  dwsVersion?: string;
}

/** A certificate. */
export type Certificate = HashCertificate | PlaceholderCertificate;

/** A reference with its certificate. */
export interface ResourceCert {
  /** What the certificate is about. */
  ref: ResourceRef;
  /** Which version of it. */
  certificate: Certificate;
}

/** A pipeline step: its inputs, code, parameters and outputs. */
export interface StepLineage {
  /** Discriminant. */
  type: "step";
  /** The step's name. */
  stepName: string;
  /** Start time, local isoformat. */
  startTime: string;
  /** Duration; null while running. */
  executionTimeSeconds: number | null;
  /** Parameters, in order. */
  parameters: JsonObject;
  /** Data read. */
  inputResources: ResourceCert[];
  /** Code run. */
  codeResources: ResourceCert[];
  /** Data written. */
  outputResources: ResourceCert[];
  /** The command line, when known. */
  commandLine: string[] | null;
  /** The directory it ran in, when inside a resource. */
  runFromDirectory: ResourceRef | null;
  /** dws: the directory it ran in, relative to the workspace (`.` for its root), or absolute when outside it. */
  dwsCwd?: string;
  /** dws: how `dws run` ran it (re-run the same way by `dws reproduce`). */
  dwsRun?: DwsRunRecord;
}

/** What `dws run` records beside 1.6's step fields, so `dws reproduce` can run the step the same way. */
export interface DwsRunRecord {
  /** The parameters given one by one (`--param`); they override the parameters file's. */
  params: JsonObject;
  /** The parameters file (`--params-file`, relative to the step's directory), read again on a re-run. */
  paramsFile: string | null;
}

/** Data read by a step whose origin is not another step. */
export interface SourceDataLineage {
  /** Discriminant. */
  type: "source_data";
  /** The data and its version. */
  cert: ResourceCert;
}

/** Code used by a step. */
export interface CodeLineage {
  /** Discriminant. */
  type: "code";
  /** The code and its version. */
  cert: ResourceCert;
}

/** Lineage exported by another workspace and imported with its resource. */
export interface ImportedLineage {
  /** Discriminant. */
  type: "imported";
  /** The imported resource. */
  resourceName: string;
  /** The other workspace's lineage. */
  nestedLineage: LineageRecord[];
}

/** Any lineage record. */
export type LineageRecord = StepLineage | SourceDataLineage | CodeLineage | ImportedLineage;

/** A stable key for a ref (used in maps). */
export function refKey(ref: ResourceRef): string {
  return ref.subpath === null ? ref.name : `${ref.name}:/${ref.subpath}`;
}

/** How a ref is shown: `name` or `name:/subpath`. */
export const formatRef: (ref: ResourceRef) => string = refKey;

/**
 * True if `a` covers `b`: same resource and `a` is the whole resource or a
 * parent path of `b` (equal refs do not cover each other).
 *
 * @example
 * ```ts
 * covers({ name: "d", subpath: null }, { name: "d", subpath: "x/y" }); // true
 * ```
 */
export function covers(a: ResourceRef, b: ResourceRef): boolean {
  if (a.name !== b.name) return false;
  if (a.subpath === null) return b.subpath !== null;
  if (b.subpath === null || a.subpath === b.subpath) return false;
  const pa = a.subpath.split("/").filter((p) => p);
  const pb = b.subpath.split("/").filter((p) => p);
  return pa.length < pb.length && pa.every((p, i) => pb[i] === p);
}

/** Equal refs. */
export function sameRef(a: ResourceRef, b: ResourceRef): boolean {
  return a.name === b.name && a.subpath === b.subpath;
}

/** The same version: equal hashes, or placeholders of the same kind and version. */
export function sameVersion(x: Certificate, y: Certificate): boolean {
  if (x.certType === "hash" && y.certType === "hash") return x.hashval === y.hashval;
  if (x.certType === "placeholder" && y.certType === "placeholder") {
    return x.version === y.version && x.isOutput === y.isOutput;
  }
  return false;
}

/** Equal certificates: same ref and same version. */
export function sameCert(a: ResourceCert, b: ResourceCert): boolean {
  return sameRef(a.ref, b.ref) && sameVersion(a.certificate, b.certificate);
}

// ---------------------------------------------------------------- JSON

function certToJson(c: ResourceCert): JsonObject {
  const cert = c.certificate;
  const inner: JsonObject = cert.certType === "hash"
    ? { cert_type: "hash", hashval: cert.hashval, comment: cert.comment }
    : { cert_type: "placeholder", version: cert.version, comment: cert.comment, is_output: cert.isOutput };
  if (cert.dwsVersion !== undefined) inner.dws_version = cert.dwsVersion;
  return { resource_name: c.ref.name, subpath: c.ref.subpath, certificate: inner };
}

function certFromJson(v: JsonValue | undefined, file: string): ResourceCert {
  if (!isJsonObject(v) || typeof v.resource_name !== "string" || !isJsonObject(v.certificate)) {
    throw corrupted(file, "a resource certificate is malformed");
  }
  const c = v.certificate;
  const ref = { name: v.resource_name, subpath: typeof v.subpath === "string" ? v.subpath : null };
  const comment = typeof c.comment === "string" ? c.comment : "";
  const dws = typeof c.dws_version === "string" ? { dwsVersion: c.dws_version } : {};
  if (c.cert_type === "hash" && typeof c.hashval === "string") {
    return { ref, certificate: { certType: "hash", hashval: c.hashval, comment, ...dws } };
  }
  if (c.cert_type === "placeholder" && typeof c.version === "number") {
    // 1.6 writes the misspelt `is_ouput` (and reads `is_output`): accept both.
    const isOutput = c.is_output === true || c.is_ouput === true;
    return { ref, certificate: { certType: "placeholder", version: c.version, comment, isOutput, ...dws } };
  }
  throw corrupted(file, `unknown certificate type '${c.cert_type}'`);
}

/** A lineage record as 1.6 writes it. */
export function lineageToJson(l: LineageRecord): JsonObject {
  switch (l.type) {
    case "step":
      return stepToJson(l);
    case "source_data":
    case "code":
      return { ...certToJson(l.cert), type: l.type };
    case "imported":
      return { type: "imported", resource_name: l.resourceName, nested_lineage: l.nestedLineage.map(lineageToJson) };
  }
}

function stepToJson(l: StepLineage): JsonObject {
  const o: JsonObject = {
    type: "step",
    step_name: l.stepName,
    start_time: l.startTime,
    execution_time_seconds: l.executionTimeSeconds,
    parameters: l.parameters,
    input_resources: l.inputResources.map(certToJson),
    code_resources: l.codeResources.map(certToJson),
    output_resources: l.outputResources.map(certToJson),
    command_line: l.commandLine,
    run_from_directory: l.runFromDirectory ? [l.runFromDirectory.name, l.runFromDirectory.subpath] : null,
  };
  if (l.dwsCwd !== undefined) o.dws_cwd = l.dwsCwd;
  if (l.dwsRun) o.dws_run = { params: l.dwsRun.params, params_file: l.dwsRun.paramsFile };
  return o;
}

function dwsRunFromJson(v: JsonValue | undefined): DwsRunRecord | undefined {
  if (!isJsonObject(v)) return undefined;
  return {
    params: isJsonObject(v.params) ? v.params : {},
    paramsFile: typeof v.params_file === "string" ? v.params_file : null,
  };
}

function refFromJson(v: JsonValue | undefined): ResourceRef | null {
  // 1.6 serialises a ref as a JSON array [name, subpath].
  if (Array.isArray(v) && typeof v[0] === "string") {
    return { name: v[0], subpath: typeof v[1] === "string" ? v[1] : null };
  }
  if (isJsonObject(v) && typeof v.resource_name === "string") {
    return { name: v.resource_name, subpath: typeof v.subpath === "string" ? v.subpath : null };
  }
  return null;
}

/** Parse one lineage record; `file` names the file in errors. */
export function lineageFromJson(v: JsonValue, file: string): LineageRecord {
  if (!isJsonObject(v)) throw corrupted(file, "a lineage record is not an object");
  const list = (x: JsonValue | undefined) => (Array.isArray(x) ? x.map((c) => certFromJson(c, file)) : []);
  switch (v.type) {
    case "step": {
      const step: StepLineage = {
        type: "step",
        stepName: String(v.step_name ?? ""),
        startTime: String(v.start_time ?? ""),
        executionTimeSeconds: typeof v.execution_time_seconds === "number" ? v.execution_time_seconds : null,
        parameters: isJsonObject(v.parameters) ? v.parameters : {},
        inputResources: list(v.input_resources),
        codeResources: list(v.code_resources),
        outputResources: list(v.output_resources),
        commandLine: Array.isArray(v.command_line) ? v.command_line.map(String) : null,
        runFromDirectory: refFromJson(v.run_from_directory),
      };
      if (typeof v.dws_cwd === "string") step.dwsCwd = v.dws_cwd;
      const run = dwsRunFromJson(v.dws_run);
      if (run) step.dwsRun = run;
      return step;
    }
    case "source_data":
    case "code":
      return { type: v.type, cert: certFromJson(v, file) };
    case "imported":
      return {
        type: "imported",
        resourceName: String(v.resource_name ?? ""),
        nestedLineage: Array.isArray(v.nested_lineage) ? v.nested_lineage.map((n) => lineageFromJson(n, file)) : [],
      };
    default:
      throw corrupted(file, `unknown lineage type '${v.type}'`);
  }
}

/** The content of a `current_lineage/<r>.json` or `snapshot_lineage/<hash>/<r>.json` file. */
export interface ResourceLineageFile {
  /** The resource. */
  resourceName: string;
  /** Lineage records that reference it. */
  lineages: LineageRecord[];
}

/** Serialize a resource lineage file. */
export function serializeLineageFile(f: ResourceLineageFile): string {
  return dumpPythonJson({ resource_name: f.resourceName, lineages: f.lineages.map(lineageToJson) });
}

/** Parse a resource lineage file. */
export function parseLineageFile(text: string, file: string): ResourceLineageFile {
  const o = expectObject(parsePythonJson(text, file), file);
  if (typeof o.resource_name !== "string") throw corrupted(file, "'resource_name' is missing");
  const lineages = Array.isArray(o.lineages) ? o.lineages.map((l) => lineageFromJson(l, file)) : [];
  return { resourceName: o.resource_name, lineages };
}

/** `lineage.json` in a results snapshot folder or at the root of an exported resource. */
export interface ExportedLineageFile extends ResourceLineageFile {
  /** No warnings while collecting the lineage. */
  complete: boolean;
}

/** Serialize `lineage.json`. */
export function serializeExportedLineage(f: ExportedLineageFile): string {
  return dumpPythonJson({
    resource_name: f.resourceName,
    complete: f.complete,
    lineages: f.lineages.map(lineageToJson),
  });
}

/** Parse `lineage.json`. */
export function parseExportedLineage(text: string, file: string): ExportedLineageFile {
  const base = parseLineageFile(text, file);
  const o = expectObject(parsePythonJson(text, file), file);
  return { ...base, complete: o.complete === true };
}

/** How a version is shown: `Hash:<8 hex digits>` (whole when not a git hash) or `Placeholder:version=N`. */
export function certificateName(c: Certificate): string {
  if (c.certType === "hash") return `Hash:${isFullHash(c.hashval) ? c.hashval.slice(0, 8) : c.hashval}`;
  return `Placeholder:version=${c.version}`;
}

/** A step's start time as Python prints a datetime (space between date and time). */
export function startTimeText(startTime: string): string {
  return startTime.replace("T", " ");
}
