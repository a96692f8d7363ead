/**
 * Registers the built-in resource types without loading them: each type's
 * module is imported the first time a workspace uses it (the command line
 * starts faster). Importing `resources/mod.ts` loads them all instead.
 *
 * @module
 */
import { registerObjectRemoteBackend } from "../core/workspace/remote_backend.ts";
import { registerLazyResourceType } from "../core/workspace/resource_registry.ts";

registerLazyResourceType("git", async () => (await import("./git.ts")).gitType);
registerLazyResourceType(
  "git-subdirectory",
  async () => (await import("./git_subdirectory.ts")).gitSubdirectoryType,
  { workspaceFolders: true },
);
registerLazyResourceType("file", async () => (await import("./local_files.ts")).localFilesType);
registerLazyResourceType("rclone", async () => (await import("./rclone.ts")).rcloneType);
registerLazyResourceType("api-resource", async () => (await import("./api_resource.ts")).apiResourceType);
// S3 (and the AWS SDK it loads on first use) only when a workspace has an s3 resource or `dws add s3` runs.
registerLazyResourceType("s3", async () => (await import("./s3.ts")).s3Type);
// Object remote backends, each loaded when a remote of its kind is used (S3 loads the AWS SDK).
registerObjectRemoteBackend({
  name: "s3",
  form: "s3://bucket/prefix",
  claims: (location) => /^s3:\/\//i.test(location),
  problem: (location) =>
    /^s3:\/\/[^/]+/i.test(location) ? undefined : `'${location}' names no bucket (s3://bucket/prefix)`,
  open: async (location, options) => (await import("./object_remote_s3.ts")).s3Backend(location, options),
});
registerObjectRemoteBackend({
  name: "rclone",
  form: "an rclone remote:path",
  // `remote:path` or `:backend:path`, but not a URL (`gs://…`).
  claims: (location) => !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(location) && /^:?[^/\\:]+:/.test(location),
  open: async (location, options) => (await import("./object_remote_rclone.ts")).rcloneBackend(location, options),
});
