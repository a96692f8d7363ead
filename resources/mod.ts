/**
 * The built-in resource types. Importing this module registers them.
 *
 * @module
 */
export { type AddGitOptions, addGitResource, gitType } from "./git.ts";
export { type AddGitSubdirectoryOptions, addGitSubdirectoryResource, gitSubdirectoryType } from "./git_subdirectory.ts";
export { type AddLocalFilesOptions, addLocalFilesResource, hashTreeDir, localFilesType } from "./local_files.ts";
export {
  type AddRcloneOptions,
  addRcloneResource,
  listRemotes,
  type RcloneMaster,
  type RcloneSyncMode,
  rcloneType,
} from "./rclone.ts";
export { addApiResource, apiResourceType, readApiResourceHash, writeApiResourceHash } from "./api_resource.ts";
