/**
 * Folders made for a role (by `dws init --create-resources` or when adding a
 * missing subdirectory): git cannot hold an empty folder, so each gets a
 * README.txt whose bytes are those of 1.6 (they enter snapshot hashes).
 *
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Role, ROLE_PURPOSE } from "../base/names.ts";

/** The README.txt text for a role's folder. */
export function roleReadme(role: Role): string {
  return `This directory is for ${ROLE_PURPOSE[role]}.\n` +
    "This README file ensures the directory is added to the git repository, as git does not support empty directories.\n";
}

/**
 * Create `dir` with a README.txt for `role` (an existing folder is left alone).
 * Returns true if the folder was created.
 *
 * @example
 * ```ts
 * createRoleDirectory("/ws/code", "code");
 * ```
 */
export function createRoleDirectory(dir: string, role: Role): boolean {
  if (existsSync(dir)) return false;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "README.txt"), roleReadme(role));
  return true;
}
