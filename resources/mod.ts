/**
 * The built-in resource types. Importing this module registers them.
 *
 * @module
 */
import type { Resource } from "../core/workspace/resource.ts";
import type { Workspace } from "../core/workspace/workspace.ts";
import type { AddS3Options } from "./s3.ts";
export { type AddGitOptions, addGitResource, gitType } from "./git.ts";
export { type AddGitSubdirectoryOptions, addGitSubdirectoryResource, gitSubdirectoryType } from "./git_subdirectory.ts";
export { type AddLocalFilesOptions, addLocalFilesResource, localFilesType } from "./local_files.ts";
export { hashTreeDir } from "./folder_snapshot.ts";
export {
  type AddRcloneOptions,
  addRcloneResource,
  listRemotes,
  type RcloneMaster,
  type RcloneSyncMode,
  rcloneType,
} from "./rclone.ts";
export { addApiResource, apiResourceType, readApiResourceHash, writeApiResourceHash } from "./api_resource.ts";
export type { AddS3Options } from "./s3.ts";

// S3 and the s3:// object remote stay lazy (they load the AWS SDK).
import "./register.ts";

/**
 * Add a versioned S3 bucket as a resource (`dws add s3`); loads the S3
 * support on first use.
 *
 * @example
 * ```ts
 * await addS3Resource(ws, "my-data", { role: "source-data", endpointUrl: "http://127.0.0.1:9000" });
 * ```
 */
export async function addS3Resource(ws: Workspace, bucket: string, options: AddS3Options = {}): Promise<Resource> {
  return (await import("./s3.ts")).addS3Resource(ws, bucket, options);
}
