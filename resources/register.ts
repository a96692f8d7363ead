/**
 * Registers the built-in resource types without loading them: each type's
 * module is imported the first time a workspace uses it (the command line
 * starts faster). Importing `resources/mod.ts` loads them all instead.
 *
 * @module
 */
import { registerObjectRemoteBackend } from "../core/object_remote.ts";
import { registerLazyResourceType } from "../core/registry.ts";

registerLazyResourceType("git", async () => (await import("./git.ts")).gitType);
registerLazyResourceType("git-subdirectory", async () => (await import("./git_subdirectory.ts")).gitSubdirectoryType);
registerLazyResourceType("file", async () => (await import("./local_files.ts")).localFilesType);
registerLazyResourceType("rclone", async () => (await import("./rclone.ts")).rcloneType);
registerLazyResourceType("api-resource", async () => (await import("./api_resource.ts")).apiResourceType);
// S3 (and the AWS SDK it loads on first use) only when a workspace has an s3 resource or `dws add s3` runs.
registerLazyResourceType("s3", async () => (await import("./s3.ts")).s3Type);
// Object remotes at s3:// locations, likewise loaded only when one is used.
registerObjectRemoteBackend(
  "s3",
  async (location, options) => (await import("./object_remote_s3.ts")).s3Backend(location, options),
);
