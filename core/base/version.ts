/**
 * Versions of dws and of its library API.
 *
 * @module
 */

/** The dws release (kept equal to package.json's version; a test checks it). */
export const DWS_VERSION = "0.1.0";

/** The version of the programmatic API, as `dataworkspaces.api` 0.2 of 1.6. */
export const API_VERSION = "0.2";

/**
 * The dws release.
 *
 * @example
 * ```ts
 * getVersion(); // "0.1.0"
 * ```
 */
export function getVersion(): string {
  return DWS_VERSION;
}

/** The programmatic API version. */
export function getApiVersion(): string {
  return API_VERSION;
}
