/**
 * Rules for names: hostnames and tags (one rule), hash-looking strings and
 * roles.
 *
 * @module
 */
import { ConfigurationError } from "./errors.ts";

const HOSTNAME_RE = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$/;

/** True for dot-separated labels of letters, digits and inner dashes (1.6's HOSTNAME_RE). */
export function isValidHostname(name: string): boolean {
  return HOSTNAME_RE.test(name);
}

/**
 * Check a hostname or snapshot tag, throwing a message that says what is allowed.
 *
 * @example
 * ```ts
 * validateHostname("my-laptop", "hostname"); // ok
 * ```
 */
export function validateHostname(name: string, what: string): string {
  if (!isValidHostname(name)) {
    throw new ConfigurationError(
      `'${name}' is not a valid ${what}: use letters, digits and dashes (not at the start or end of a part), ` +
        `parts separated by dots, each at most 63 characters`,
    );
  }
  return name;
}

/** Exactly 40 hex digits. */
export function isFullHash(s: string): boolean {
  return /^[0-9a-fA-F]{40}$/.test(s);
}

/** At least 6 lowercase hex digits. */
export function isShortHash(s: string): boolean {
  return /^[0-9a-f]{6,}$/.test(s);
}

/** The four resource roles, in report order. */
export const ROLES = ["source-data", "intermediate-data", "code", "results"] as const;
/** A resource role. */
export type Role = typeof ROLES[number];

const ROLE_SHORT: Record<string, Role> = { s: "source-data", i: "intermediate-data", c: "code", r: "results" };

/** What each role's directory is for, as written into generated README files. */
export const ROLE_PURPOSE: Record<Role, string> = {
  "source-data": "source data",
  "intermediate-data": "intermediate data",
  "code": "code",
  "results": "experimental results",
};

/** True if `s` names a role exactly. */
export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/**
 * A role from its name or short form (`s`, `i`, `c`, `r`).
 *
 * @example
 * ```ts
 * parseRole("c"); // "code"
 * ```
 */
export function parseRole(s: string): Role {
  const r = ROLE_SHORT[s] ?? s;
  if (!isRole(r)) {
    throw new ConfigurationError(`Invalid role '${s}': use one of ${ROLES.join(", ")} (or s, i, c, r)`);
  }
  return r;
}

/**
 * The items of a comma list, trimmed, empty ones dropped.
 *
 * @example
 * ```ts
 * splitList("code, results,,"); // ["code", "results"]
 * ```
 */
export function splitList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Parse `--create-resources`: a comma list of roles or short forms, or `all`.
 *
 * @example
 * ```ts
 * parseRoleList("c,r"); // ["code", "results"]
 * ```
 */
export function parseRoleList(text: string): Role[] {
  if (text.trim() === "all") return [...ROLES];
  const roles = splitList(text).map(parseRole);
  return ROLES.filter((r) => roles.includes(r));
}
