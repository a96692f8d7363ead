/**
 * The resource interface: what every resource type (git, git-subdirectory,
 * local files, rclone, S3, API data) offers the workspace. Capabilities are
 * optional members, so a type that cannot do something simply lacks it.
 *
 * @module
 */
import type { Context } from "../base/context.ts";
import type { ResourceEntry } from "../models/resources_file.ts";
import type { Role } from "../base/names.ts";
import type { LinkMode, ParamDef } from "./params.ts";
import type { JsonObject, JsonValue } from "../base/json_value.ts";

/** What a resource may ask of the workspace it belongs to. */
export interface WorkspaceHandle {
  /** Absolute path of the workspace root. */
  readonly dir: string;
  /** How to talk to the user. */
  readonly ctx: Context;
  /** The workspace repository's branch (`dws_git_branch`). */
  branch(): Promise<string>;
  /** Absolute path of the workspace scratch folder. */
  scratchDir(): string;
  /** Absolute path of the object store that keeps snapshot contents of data folders. */
  objectStoreDir(): string;
  /** How data folders keep their contents in the object store (`object_store.link`). */
  objectStoreLink(): LinkMode;
}

/** Hashes a resource records in a snapshot. */
export interface SnapshotHashes {
  /** Compared between snapshots (the manifest's `hash`); null when unknown. */
  compareHash: string | null;
  /** What restore needs to bring this state back; null when it cannot be restored. */
  restoreHash: string | null;
  /**
   * A hash of the exact content when the compare hash does not determine it
   * (size-only hash trees); recorded in the manifest as `content_hash`.
   */
  contentHash?: string;
  /**
   * What Data Workspaces 1.6 must read as the restore hash when it cannot
   * restore `restoreHash` (data folders: null); `restoreHash` is then kept
   * where 1.6 ignores it.
   */
  compatRestoreHash?: string | null;
}

/** Taking and restoring snapshots. */
export interface SnapshotOps {
  /** Fail early, before anything in the workspace changes. */
  snapshotPrecheck(): Promise<void>;
  /**
   * The hashes a snapshot taken now would record, when taking it would change
   * nothing in the resource (no commit, no files written); undefined when it
   * would. Lets an unchanged workspace be detected before anything moves.
   */
  currentHashes(): Promise<SnapshotHashes | undefined>;
  /** Record the current state (committing pending changes where needed); returns its hashes. */
  snapshot(): Promise<SnapshotHashes>;
  /** Commit result files just moved or copied into a snapshot folder (git-backed resources). */
  commitResults?(message: string): Promise<void>;
  /** Fail early if `restoreHash` cannot be restored. */
  restorePrecheck(restoreHash: string): Promise<void>;
  /** Bring back the state recorded as `restoreHash`. */
  restore(restoreHash: string): Promise<void>;
  /** Remove a snapshot's results folder (`relativeDestinationPath`) from the resource. */
  deleteSnapshotFolder(relativeDestinationPath: string): Promise<void>;
  /**
   * Forget what the resource itself keeps for a deleted workspace snapshot
   * (e.g. the S3 snapshot file); called for every resource recorded in it,
   * unless another snapshot still records the same restore hash.
   */
  deleteSnapshot?(hashes: SnapshotHashes): Promise<void>;
}

/** Sharing the resource's state with its remote. */
export interface SyncOps {
  /** Fail early if a push would fail. */
  pushPrecheck(): Promise<void>;
  /** Send local changes to the remote. */
  push(): Promise<void>;
  /** Fail early if a pull would fail. */
  pullPrecheck(): Promise<void>;
  /** Bring remote changes here. */
  pull(): Promise<void>;
}

/** Read access to the files of a resource, by paths relative to its root. */
export interface FileAccess {
  /** Entries under `path` (`""` is the root); a file lists as itself. */
  ls(path: string): Promise<string[]>;
  /** The bytes of a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** True if `path` exists. */
  exists(path: string): Promise<boolean>;
  /** True if `path` is a file. */
  isFile(path: string): Promise<boolean>;
  /** True if `path` is a folder. */
  isDir(path: string): Promise<boolean>;
  /** Write a file, for types whose data dws may change (S3); refused while a snapshot is selected. */
  writeFile?(path: string, data: Uint8Array | string): Promise<void>;
  /** Delete a file, for types whose data dws may change (S3); refused while a snapshot is selected. */
  remove?(path: string): Promise<void>;
}

/** A resource of a workspace. */
export interface Resource {
  /** Unique name in the workspace. */
  readonly name: string;
  /** One of the four roles. */
  readonly role: Role;
  /** The resource's type. */
  readonly type: ResourceType;
  /** The global parameters as stored in `resources.json` (identity fields first). */
  readonly params: ResourceEntry;
  /** The parameters of this machine (`resource_local_params.json`). */
  readonly localParams: JsonObject;
  /** Absolute folder of the resource on this machine, when it has one. */
  readonly localPath?: string;
  /** Snapshot and restore, when the type supports them. */
  readonly snapshots?: SnapshotOps;
  /** Push and pull, when the type supports them. */
  readonly sync?: SyncOps;
  /** Read access to the files, when the type has files. */
  readonly files?: FileAccess;
  /**
   * Record a file dws wrote inside the resource (`rel`, relative to its
   * root) in the resource's own history: a git repository commits it.
   * Types whose files the workspace snapshot records lack this.
   */
  commitFile?(rel: string, message: string): Promise<void>;
  /**
   * The versions of `subpaths` (null: the whole resource) as the data is now,
   * found without recording anything: a content hash, equal for equal content
   * and different after any change, committed or not; null for a path that
   * does not exist. Lineage records them when a step reads or writes the
   * data, and compares them later to tell which steps are stale. Types whose
   * version cannot be known cheaply lack this (their lineage keeps 1.6's
   * placeholders until the next snapshot).
   */
  currentVersions?(subpaths: readonly (string | null)[]): Promise<(string | null)[]>;
  /**
   * How many files differ between two versions of `subpath` given by
   * {@link Resource.currentVersions}; undefined when it cannot tell.
   */
  changedFiles?(subpath: string | null, from: string, to: string): Promise<number | undefined>;
  /**
   * For data a program hands over rather than files (api-resource): record
   * `hash` of that data as the resource's current version, with an optional
   * comment.
   */
  recordDataHash?(hash: string, comment?: string): void;
  /**
   * Set a parameter the resource keeps in its own state rather than in the
   * metadata files (e.g. the snapshot an S3 resource is pinned to); returns
   * false for ordinary parameters, which `dws config` stores itself.
   */
  setStateParam?(name: string, value: JsonValue): Promise<boolean>;
}

/** A kind of resource, registered under its `resource_type`. */
export interface ResourceType {
  /** The `resource_type` value, e.g. `git`. */
  readonly name: string;
  /** Has files on this machine that clone/push/pull manage. */
  readonly hasLocalState: boolean;
  /** Snapshots keep the contents in the object store: restore hashes are file listings (object remotes carry them). */
  readonly storesObjects?: boolean;
  /** The type's own parameters in file order (after resource_type, name, role). */
  readonly params: readonly ParamDef[];
  /** Make the resource object for stored parameters. */
  open(ws: WorkspaceHandle, entry: ResourceEntry, localParams: JsonObject): Resource;
  /**
   * The stored parameters of a new resource for `path` with every option at
   * its default; lets `dws init --create-resources` add resources without
   * knowing their parameters.
   */
  entryForPath?(ws: WorkspaceHandle, request: NewResourceRequest): NewResource;
  /**
   * Make the resource's local state on this machine (after `dws clone`, or
   * `dws pull` of a resource added elsewhere); returns its local parameters.
   */
  cloneLocal?(ws: WorkspaceHandle, entry: ResourceEntry): Promise<JsonObject>;
}

/** What {@link ResourceType.entryForPath} needs. */
export interface NewResourceRequest {
  /** Absolute path of the resource's folder. */
  path: string;
  /** Name of the new resource. */
  name: string;
  /** Role of the new resource. */
  role: Role;
}

/** The stored parameters of a resource about to be added. */
export interface NewResource {
  /** The entry for `resources.json`. */
  entry: ResourceEntry;
  /** The entry for `resource_local_params.json`. */
  localParams: JsonObject;
}
