/**
 * dws: Data Workspaces for TypeScript. The public library API.
 *
 * A workspace is a git repository with metadata under `.dataworkspace/`
 * that tracks resources (git repositories, folders of the workspace, local
 * data folders, ...) in four roles. This module opens, creates and changes
 * workspaces from Deno or Node scripts.
 *
 * @example
 * ```ts
 * import { addLocalFilesResource, createContext, initWorkspace } from "./mod.ts";
 *
 * const ctx = createContext();
 * const ws = await initWorkspace(ctx, "/tmp/my-ws", { createResources: ["code", "results"] });
 * await addLocalFilesResource(ws, "/data/images", { role: "source-data" });
 * ```
 *
 * @module
 */
import "./resources/mod.ts";

export { type Context, type ContextOptions, createContext } from "./core/base/context.ts";
export {
  consoleOutput,
  type ConsoleOutputOptions,
  type MemoryOutput,
  memoryOutput,
  type Output,
} from "./core/base/output.ts";
export { batchPrompter, type Prompter, stdinPrompter } from "./core/base/prompt.ts";
export * from "./core/base/errors.ts";
export { DWS_FORMAT_VERSION, type InitOptions, initWorkspace } from "./core/commands/init.ts";
export {
  type ApiOptions,
  findWorkspaceDir,
  openWorkspace,
  resolveWorkspaceDir,
  withWorkspace,
  type WithWorkspaceOptions,
  Workspace,
} from "./core/workspace/workspace.ts";
export type {
  FileAccess,
  NewResource,
  NewResourceRequest,
  Resource,
  ResourceType,
  SnapshotHashes,
  SnapshotOps,
  SyncOps,
  WorkspaceHandle,
} from "./core/workspace/resource.ts";
export {
  getResourceType,
  registerLazyResourceType,
  registerResourceType,
  resourceTypeNames,
  resourceTypeWith,
  type TypeTraits,
} from "./core/workspace/resource_registry.ts";
export { type AddOptions, type RegisterOptions } from "./core/commands/add.ts";
export {
  formatParamDetail,
  formatParamList,
  getParamRow,
  listParams,
  type ParamRow,
  setParam,
} from "./core/commands/config.ts";
export {
  type LinkMode,
  type ParamDef,
  type ParamScope,
  type ParamType,
  WORKSPACE_PARAMS,
} from "./core/workspace/params.ts";
export { statusReport } from "./core/report/status.ts";
export {
  getFilesystemForResource,
  getLocalPathForResource,
  getResourceInfo,
  type ResourceFileSystem,
  type ResourceInfo,
} from "./core/workspace/resource_info.ts";
export { getSnapshotHistory, type HistoryEntry } from "./core/report/history.ts";
export {
  type SnapshotOptions,
  type SnapshotResult,
  snapshotWorkspace,
  takeSnapshot,
  validateTag,
} from "./core/commands/snapshot.ts";
export {
  restore,
  type RestoreOptions,
  restoreWorkspace,
  undoLastRestore,
  undoRestore,
} from "./core/commands/restore.ts";
export {
  deleteSnapshot,
  type DeleteSnapshotOptions,
  deleteWorkspaceSnapshot,
} from "./core/commands/delete_snapshot.ts";
export { changeText, diffSnapshots, formatDiff, type SnapshotDiff } from "./core/commands/diff.ts";
export { differingParams, snapshotParams, type ValueChange, valueChanges } from "./core/report/step_params.ts";
export { reproduce, type ReproduceOptions, type ReproduceResult } from "./core/commands/reproduce.ts";
export { loadPipeline, pipelineStatus } from "./core/lineage/pipeline.ts";
export { type PipelineStep, reasonText, type StaleReason, type StepStatus } from "./core/lineage/stale.ts";
export { staleReport } from "./core/report/stale.ts";
export { historyReport, type HistoryReportOptions } from "./core/report/history.ts";
export type { HistoryStyleOptions } from "./core/report/history_style.ts";
export { metricDirection, type MetricDirectionOptions } from "./core/report/metric_direction.ts";
export { findSnapshot, readManifest, readSnapshotMetadata } from "./core/snapshot/store.ts";
export type { SnapshotMetadata } from "./core/models/snapshot_metadata.ts";
export type { ManifestEntry } from "./core/models/manifest.ts";
export { computeHashTree, type HashTree, type HashTreeOptions } from "./core/hash/folder_hash.ts";
export { type ContentSink, type DamagedObject } from "./core/hash/folder_read.ts";
export { StatCache, type StatLike } from "./core/hash/stat_cache.ts";
export type { FileStat } from "./core/hash/file_stat.ts";
export { ObjectStore, type PutMethod } from "./core/store/object_store.ts";
export type { FileListing, ListedFile } from "./core/models/file_listing.ts";
export { collectGarbage, type GcOptions, type GcResult } from "./core/commands/gc.ts";
export { ObjectRemote, type ObjectRemoteOptions, type TransferSummary } from "./core/store/object_remote.ts";
export {
  type BackendFactory,
  type BackendOptions,
  type BackendType,
  registerObjectRemoteBackend,
  type RemoteBackend,
  type RemoteFile,
} from "./core/workspace/remote_backend.ts";
export {
  createFolderFromSnapshot,
  fetchCurrentObjects,
  fetchObjectsForRestore,
  openObjectRemote,
  pushSnapshotObjects,
} from "./core/store/object_sync.ts";
export { Lineage, LineageBuilder, refForPath, ResultsLineage } from "./core/lineage/builder.ts";
export {
  certsProvided,
  type LineageEntry,
  lineageForResource,
  LineageStore,
  type LineageWalk,
} from "./core/lineage/store.ts";
export type {
  Certificate,
  CodeLineage,
  DwsRunRecord,
  ExportedLineageFile,
  HashCertificate,
  ImportedLineage,
  LineageRecord,
  PlaceholderCertificate,
  ResourceCert,
  ResourceLineageFile,
  ResourceRef,
  SourceDataLineage,
  StepLineage,
} from "./core/models/lineage.ts";
export { formatTable, type TableColumn, type TableOptions } from "./core/report/table.ts";
export { isRole, parseRole, parseRoleList, type Role, ROLES } from "./core/base/names.ts";
export { dumpPythonJson, parsePythonJson } from "./core/base/python_json.ts";
export type { JsonObject, JsonValue } from "./core/base/json_value.ts";
export { API_VERSION, DWS_VERSION, getApiVersion, getVersion } from "./core/base/version.ts";
export {
  acquireWorkspaceLock,
  type LockInfo,
  type LockOptions,
  withWorkspaceLock,
  type WorkspaceLock,
} from "./core/workspace/lock.ts";
export {
  addApiResource,
  type AddGitOptions,
  addGitResource,
  type AddGitSubdirectoryOptions,
  addGitSubdirectoryResource,
  type AddLocalFilesOptions,
  addLocalFilesResource,
  type AddRcloneOptions,
  addRcloneResource,
  type AddS3Options,
  addS3Resource,
  type RcloneMaster,
  type RcloneSyncMode,
  readApiResourceHash,
  writeApiResourceHash,
} from "./resources/mod.ts";
export type { ResourceEntry } from "./core/models/resources_file.ts";
export {
  type FoundResults,
  getResults,
  type ResultsQuery,
  resultsReport,
  type ResultsSection,
  resultsSections,
} from "./core/report/results.ts";
export { lineageReport, type LineageTableRow, makeLineageTable } from "./core/report/lineage_table.ts";
export {
  buildLineageGraph,
  type LineageGraph,
  type LineageGraphLink,
  type LineageGraphNode,
  type LineageGraphStep,
} from "./core/lineage/graph.ts";
export { lineageGraphDot, type LineageGraphOptions, makeLineageGraph } from "./core/report/lineage_graph.ts";
export { type HtmlReportOptions, makeHtmlReport } from "./core/report/html.ts";
