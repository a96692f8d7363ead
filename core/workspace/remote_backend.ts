/**
 * Object remote backends: the raw file access behind `object_store.remote`,
 * and the registry that maps a location to its backend. Concrete backends
 * (rclone, S3) live in `resources/` and register themselves, as resource
 * types do; the pack format and transfers on top are `core/store/object_remote.ts`.
 *
 * @module
 */
import type { Context } from "../base/context.ts";
import { ConfigurationError } from "../base/errors.ts";

/** One file to write on the remote: from a local file or from bytes. */
export interface RemoteFile {
  /** Path under the remote's root, `/`-separated. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Local file with the content (read-only, e.g. an object of the store). */
  file?: string;
  /** The content, when it is not in a file. */
  data?: Uint8Array;
}

/** What a backend needs besides its location. */
export interface BackendOptions {
  /** How to report and run subprocesses. */
  ctx: Context;
  /** A local folder for temporary files (on the object store's file system). */
  tmpDir: string;
}

/**
 * Raw file access to one remote location. Every file written appears whole
 * or not at all; order between the files of one {@link RemoteBackend.put}
 * call is not guaranteed.
 */
export interface RemoteBackend {
  /** The location as configured, for messages. */
  readonly location: string;
  /** How many files and bytes one `put`/`get` call should carry at most. */
  readonly batch: { readonly files: number; readonly bytes: number };
  /** Every file under the root (relative paths, `/`-separated); empty when the root does not exist. */
  list(): Promise<string[]>;
  /** Write files; `done` is called for each as it is safely stored. */
  put(files: readonly RemoteFile[], done: (file: RemoteFile) => void): Promise<void>;
  /** Download files to `<dir>/<path>`; `done` is called for each as it arrives. */
  get(paths: readonly string[], dir: string, done: (path: string) => void): Promise<void>;
}

/** Opens a backend for a location. */
export type BackendFactory = (location: string, options: BackendOptions) => Promise<RemoteBackend>;

/** A kind of object remote location, registered by the module that implements it. */
export interface BackendType {
  /** Short name, e.g. `s3`. */
  readonly name: string;
  /** The location's form for messages, e.g. `s3://bucket/prefix`. */
  readonly form: string;
  /** True if `location` is of this kind (it may still be malformed: see `problem`). */
  claims(location: string): boolean;
  /** Why a claimed `location` is malformed, or undefined. */
  problem?(location: string): string | undefined;
  /** Open the backend (heavy modules are imported here, on first use). */
  open: BackendFactory;
}

const types: BackendType[] = [];

/**
 * Register an object remote backend; later registrations of the same name
 * replace earlier ones.
 *
 * @example
 * ```ts
 * registerObjectRemoteBackend({
 *   name: "mem",
 *   form: "mem://name",
 *   claims: (location) => location.startsWith("mem://"),
 *   open: async (location) => (await import("./my_backend.ts")).open(location),
 * });
 * ```
 */
export function registerObjectRemoteBackend(type: BackendType): void {
  const i = types.findIndex((t) => t.name === type.name);
  if (i >= 0) types[i] = type;
  else types.push(type);
}

function backendFor(location: string): BackendType | undefined {
  return types.find((t) => t.claims(location));
}

/**
 * Why `location` is not a usable object remote, or undefined.
 *
 * @example
 * ```ts
 * objectRemoteProblem("s3://"); // "'s3://' names no bucket (s3://bucket/prefix)"
 * ```
 */
export function objectRemoteProblem(location: string): string | undefined {
  const type = backendFor(location);
  if (type) return type.problem?.(location);
  const forms = types.map((t) => t.form);
  if (forms.length === 0) return `'${location}': no object remote backend is loaded (import the dws resources module)`;
  return forms.length === 1 ? `'${location}' is not ${forms[0]}` : `'${location}' is neither ${forms.join(" nor ")}`;
}

/**
 * Open the backend for `location`; a malformed or unknown location is a
 * `ConfigurationError` naming the parameter.
 */
export function openBackend(location: string, options: BackendOptions): Promise<RemoteBackend> {
  const problem = objectRemoteProblem(location);
  if (problem) throw new ConfigurationError(`object_store.remote: ${problem}`);
  return backendFor(location)!.open(location, options);
}
