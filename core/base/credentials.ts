/**
 * Credentials typed inline: a URL with `user:password@`, an rclone
 * connection string with `secret_access_key=…`, a URL with `?token=…`. The
 * workspace's metadata is committed and shared, so such a value is refused
 * before it is written, with the place the secret belongs instead.
 *
 * @module
 */
import { ConfigurationError } from "./errors.ts";
import type { JsonObject } from "./json_value.ts";

/** Parameter names that hold secrets (rclone backends, URL queries). */
const SECRET_NAME = /secret|passw|^pass\d?$|token|^key$|_key$|credential|sas_url|signature/i;

const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*?):([^/@\s]*)@/i;

/**
 * Why `value` cannot be kept in committed metadata because it carries a
 * credential, or undefined. `what` names the value in the message.
 *
 * @example
 * ```ts
 * inlineCredentialProblem("https://u:p@host/repo.git", "the origin URL");
 * // "the origin URL 'https://u:***@host/repo.git' contains a password; ..."
 * inlineCredentialProblem(":s3,secret_access_key=x:bucket", "the rclone remote");
 * // "the rclone remote ':s3,secret_access_key=***:bucket' contains the secret 'secret_access_key'; ..."
 * ```
 */
export function inlineCredentialProblem(value: string, what: string): string | undefined {
  const committed = "it would be committed to the workspace's git history";
  if (URL_PASSWORD.test(value)) {
    const shown = value.replace(URL_PASSWORD, "$1$2:***@");
    return `${what} '${shown}' contains a password; ${committed}. Give it without the password and keep that ` +
      `in a credential helper, ~/.netrc or the tool's own configuration`;
  }
  const secret = secretParam(value);
  if (secret) {
    const shown = value.replace(new RegExp(`(${secret}=)[^,:&/]*`, "g"), "$1***");
    const rclone = !/^[a-z][a-z0-9+.-]*:\/\//i.test(value);
    const fix = rclone
      ? "Define the remote in rclone's config ('rclone config create NAME TYPE ...') and give NAME:path"
      : "Give it without the secret and keep that in the environment or the tool's own configuration";
    return `${what} '${shown}' contains the secret '${secret}'; ${committed}. ${fix}`;
  }
  return undefined;
}

/** The first secret-looking `name=value` parameter of an rclone connection string or URL query. */
function secretParam(value: string): string | undefined {
  for (const m of value.matchAll(/(?:^|[,?&:;])([A-Za-z_][\w-]*)=/g)) {
    if (SECRET_NAME.test(m[1])) return m[1];
  }
  return undefined;
}

/**
 * Refuse parameters bound for committed metadata (`config.json`,
 * `resources.json`) whose text carries a credential; `owner` names whose
 * parameters they are.
 *
 * @example
 * ```ts
 * refuseInlineCredentials({ remote_origin: "s3:bucket" }, "resource 'images'"); // ok
 * ```
 */
export function refuseInlineCredentials(params: JsonObject, owner: string): void {
  for (const [key, value] of Object.entries(params)) {
    const problem = typeof value === "string" ? inlineCredentialProblem(value, `The ${key} of ${owner}`) : undefined;
    if (problem) throw new ConfigurationError(problem);
  }
}
